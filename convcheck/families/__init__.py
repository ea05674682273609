"""What convcheck checks each theorem on, family by family, mirroring theory/'s families.

Each family module holds, side by side, the default setups of its upper-bound theorems (SETUPS: id ->
a function returning the Setups) and the numeric checks of its property theorems (CHECKS: id -> a
function returning Parts). Adding a theorem touches its family's theory/ module and this folder's
module of the same family; tests/test_registries.py holds every theorem to having one or the other. A theorem
whose one-step inequality decreases a potential f(x_t) + a ||s_t||^2 also has a state hook (STATES: id -> a
function of the Join returning s_{t+1} = next(s_t, x_t, x_{t+1}), s_0 = 0), so the checker can measure ||s_t||^2.
A property theorem whose chain proves a rate the model cannot state (its one-step inequality cannot carry the
potential) may declare it in BOUNDS: id -> a function returning the theorem with that rate stated, which its check
on runs and `convcheck tightness` hold it to (as_bound). A family may also declare BLIND_SPOTS: id -> {bug class:
why its check cannot see it} (convcheck/blindspots.py).
"""
from __future__ import annotations

from convcheck.registry import Registry

from . import adaptive, baselines, bayes, generalized, importance, momentum, nonsmooth, sde

FAMILIES = (baselines, adaptive, generalized, nonsmooth, momentum, sde, bayes, importance)

SETUPS: Registry = Registry("default setups")
CHECKS: Registry = Registry("property check")
STATES: Registry = Registry("potential state hook")
BLIND_SPOTS: Registry = Registry("blind spots")
BOUNDS: Registry = Registry("stated bound of a property theorem")
for _family in FAMILIES:
    for _id, _spots in getattr(_family, "BLIND_SPOTS", {}).items():  # optional: most families declare none
        BLIND_SPOTS.register(_id, _spots)
    for _id, _setups in _family.SETUPS.items():
        SETUPS.register(_id, _setups)
    for _id, _check in _family.CHECKS.items():
        CHECKS.register(_id, _check)
    for _id, _state in getattr(_family, "STATES", {}).items():  # only families with potentials define STATES
        STATES.register(_id, _state)
    for _id, _bound in getattr(_family, "BOUNDS", {}).items():  # only property theorems with a proved rate
        BOUNDS.register(_id, _bound)


def default_setups(theorem_id: str) -> list:
    """The built-in problems a theorem is checked on (small enough for `convcheck check` in seconds)."""
    return SETUPS.get(theorem_id)()


def as_bound(thm):
    """The theorem as a bound: itself when it states a rate, its family's BOUNDS entry for a property theorem
    that proves one, else None."""
    if thm.rate is not None:
        return thm
    return BOUNDS.get(thm.id)() if thm.id in BOUNDS else None


def blind_spots(theorem_id: str) -> dict:
    """{bug class: why} for the classes of bug the theorem's check is known not to see (empty: none declared)."""
    return dict(BLIND_SPOTS.get(theorem_id)) if theorem_id in BLIND_SPOTS else {}
