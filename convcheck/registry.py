"""Registry: names -> things, one kind per registry (theorems, lemmas, optimizers, objectives,
oracles, default setups, property checks).

A bottom module: it imports nothing from the project, so theory/ and reference/ may use it as
well as convcheck/ (tests/test_layout.py holds them to that). Each family registers its entries
where it defines them; readers (the CLI, the completeness tests) list a registry instead of
keeping their own copy of its names.
"""
from __future__ import annotations

from typing import Callable, Generic, Iterator, TypeVar

T = TypeVar("T")


class UnknownName(KeyError, ValueError):
    """An unknown name; the message lists the known ones. (A KeyError for lookups, a ValueError for
    user input, so callers of either convention catch it.)"""

    def __str__(self):
        return str(self.args[0])


class Registry(Generic[T]):
    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, T] = {}

    def register(self, name: str, entry: T) -> T:
        """Add ``entry`` under ``name``; registering the same object twice is harmless, a second
        object under a taken name is an error (two families must not claim one name)."""
        if name in self._entries and self._entries[name] is not entry:
            raise ValueError(f"{self.kind} {name!r} is already registered")
        self._entries[name] = entry
        return entry

    def add(self, *names: str) -> Callable[[T], T]:
        """Decorator form: ``@SETUPS.add("gd.smooth", "gd.smooth.pep")``."""
        def decorate(entry: T) -> T:
            for name in names:
                self.register(name, entry)
            return entry
        return decorate

    def get(self, name: str) -> T:
        try:
            return self._entries[name]
        except (KeyError, TypeError):
            raise UnknownName(f"unknown {self.kind} {name!r}; known: {', '.join(sorted(self._entries))}") from None

    __getitem__ = get

    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def __contains__(self, name) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def items(self):
        return self._entries.items()
