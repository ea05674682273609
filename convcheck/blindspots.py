"""Classes of implementation bug, for saying which ones a theorem's check cannot see.

A theorem bounds what an optimizer achieves, not how it computes it: a bug that changes the update but keeps
the runs inside the guarantee passes every check of that theorem. Each family module declares, beside its
setups, ``BLIND_SPOTS``: theorem id -> {bug class: why the check cannot see it}, with the classes named
here; ``convcheck.testing.assert_satisfies`` repeats them whenever it passes, so a green test never claims
more than it checked. A bug class a theorem does not list is not thereby known to be caught: the lists say
what was planted and not seen (tests/test_testing.py plants each one).
"""
from __future__ import annotations

BUG_CLASSES = {
    "step scale": "the step a few percent longer or shorter than lr says (e.g. lr * 1.05)",
    "xi placement": "the shift xi (torch's eps) inside the square root, sqrt(v + xi), instead of sqrt(v) + xi",
    "bias correction": "Adam's moments not bias-corrected, or corrected with the wrong power of beta",
    "clipping norm": "the gradient clipped by another norm than the Euclidean one (e.g. ||g||_inf)",
    "nag form": "NAG written in another form than the theorem's (e.g. the heavy-ball step b in place of g + mu b)",
    "slow steps": "steps that make less progress than the method's, or none (too short, wrong sign)",
    "decay coupling": "weight decay added to the gradient (coupled, L2) instead of to the parameters (decoupled)",
}


def declared(table: dict) -> dict:
    """``table`` (a family's BLIND_SPOTS), after checking that each class is one of BUG_CLASSES."""
    for theorem_id, spots in table.items():
        unknown = sorted(set(spots) - set(BUG_CLASSES))
        if unknown:
            raise ValueError(f"{theorem_id} declares an unknown bug class {unknown[0]!r}; known: "
                             f"{', '.join(BUG_CLASSES)}")
    return table
