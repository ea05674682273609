"""What convcheck checks each theorem on, family by family, mirroring theory/'s families.

Each family module holds, side by side, the default setups of its upper-bound theorems (SETUPS: id ->
a function returning the Setups) and the numeric checks of its property theorems (CHECKS: id -> a
function returning Parts). Adding a theorem touches its family's theory/ module and this folder's
module of the same family; tests/test_registries.py holds every theorem to having one or the other. A family
may also declare BLIND_SPOTS: id -> {bug class: why its check cannot see it} (convcheck/blindspots.py).
"""
from __future__ import annotations

from convcheck.registry import Registry

from . import adaptive, baselines, generalized, momentum, nonsmooth

FAMILIES = (baselines, adaptive, generalized, nonsmooth, momentum)

SETUPS: Registry = Registry("default setups")
CHECKS: Registry = Registry("property check")
BLIND_SPOTS: Registry = Registry("blind spots")
for _family in FAMILIES:
    for _id, _spots in getattr(_family, "BLIND_SPOTS", {}).items():  # optional: most families declare none
        BLIND_SPOTS.register(_id, _spots)
    for _id, _setups in _family.SETUPS.items():
        SETUPS.register(_id, _setups)
    for _id, _check in _family.CHECKS.items():
        CHECKS.register(_id, _check)


def default_setups(theorem_id: str) -> list:
    """The built-in problems a theorem is checked on (small enough for `convcheck check` in seconds)."""
    return SETUPS.get(theorem_id)()


def blind_spots(theorem_id: str) -> dict:
    """{bug class: why} for the classes of bug the theorem's check is known not to see (empty: none declared)."""
    return dict(BLIND_SPOTS.get(theorem_id)) if theorem_id in BLIND_SPOTS else {}
