"""The reading of a transition table, shared by every state owner (cases, letters).

A table maps (from, to) to the roles allowed to make that move. Pure: no Flask, no database.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Mapping
from typing import TypeVar

S = TypeVar("S", bound=Hashable)
R = TypeVar("R")

Table = Mapping[tuple[S, S], frozenset[R]]


def allowed_targets(table: Table[S, R], current: S, role: R | None) -> list[S]:
    return [to for (frm, to), roles in table.items() if frm == current and role in roles]


def is_allowed(table: Table[S, R], current: S, target: S, role: R | None) -> bool:
    return role in table.get((current, target), frozenset())


def reachable_from(table: Table[S, R], start: S) -> set[S]:
    """Every state a walk over the table's moves can reach from ``start`` (itself included)."""
    seen = {start}
    todo = deque([start])
    while todo:
        current = todo.popleft()
        for frm, to in table:
            if frm == current and to not in seen:
                seen.add(to)
                todo.append(to)
    return seen
