"""Matriks Peran Hasil: the cascade from the agency's targets down to every RHK (pure).

The service reads the rows; this builds the tree and marks the two gaps a planner looks for:
a superior's RHK that no subordinate intervenes, and a main RHK that intervenes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

NOT_INTERVENED = "not_intervened"  # a leader's RHK that no subordinate's RHK cascades from
INTERVENES_NOTHING = "intervenes_nothing"  # a main RHK linked to no superior RHK nor target


@dataclass(frozen=True)
class Row:
    id: int
    employee_id: int
    employee_name: str
    status: str
    kind: str
    text: str
    parent_rhk_id: int | None
    org_target_id: int | None
    iki: tuple[str, ...] = ()


@dataclass
class Node:
    kind: str  # "target" or "rhk"
    id: int
    text: str
    employee_id: int | None = None
    employee_name: str | None = None
    status: str | None = None
    iki: tuple[str, ...] = ()
    flags: set[str] = field(default_factory=set)
    children: list[Node] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "text": self.text,
            "employee_id": self.employee_id,
            "employee_name": self.employee_name,
            "status": self.status,
            "iki": list(self.iki),
            "flags": sorted(self.flags),
            "children": [c.as_dict() for c in self.children],
        }


def build(
    targets: Iterable[tuple[int, str]], rows: Iterable[Row], leaders: Iterable[int]
) -> tuple[list[Node], list[Node]]:
    """(roots, unlinked): the targets with their cascades (plus RHK whose source is outside the
    rows given, e.g. a unit's view), and the main RHK that intervene nothing.

    `leaders` are the employees with subordinates who plan this year: their main RHK without a
    child are flagged `not_intervened`.
    """
    leaders = set(leaders)
    target_nodes = {tid: Node("target", tid, text) for tid, text in targets}
    rows = list(rows)
    nodes = {
        r.id: Node("rhk", r.id, r.text, r.employee_id, r.employee_name, r.status, r.iki)
        for r in rows
    }
    roots: list[Node] = list(target_nodes.values())
    unlinked: list[Node] = []
    for r in rows:
        node = nodes[r.id]
        if r.parent_rhk_id is not None and r.parent_rhk_id in nodes:
            nodes[r.parent_rhk_id].children.append(node)
        elif r.org_target_id is not None and r.org_target_id in target_nodes:
            target_nodes[r.org_target_id].children.append(node)
        elif r.parent_rhk_id is not None or r.org_target_id is not None:
            roots.append(node)  # its source is outside this view
        elif r.kind == "utama":
            node.flags.add(INTERVENES_NOTHING)
            unlinked.append(node)
    for r in rows:
        if r.kind == "utama" and r.employee_id in leaders and not nodes[r.id].children:
            nodes[r.id].flags.add(NOT_INTERVENED)
    return roots, unlinked


def flatten(nodes: Iterable[Node], depth: int = 0) -> list[tuple[int, Node]]:
    """(depth, node) in reading order, for the wide-screen matrix."""
    out: list[tuple[int, Node]] = []
    for node in nodes:
        out.append((depth, node))
        out.extend(flatten(node.children, depth + 1))
    return out
