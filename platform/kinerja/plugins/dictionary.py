"""The competency dictionary in force for an agency: the core's and its enabled plugins'."""

from __future__ import annotations

from dataclasses import dataclass

from kinerja.plugins.types import GROUPS, Competency


@dataclass(frozen=True)
class Entry:
    competency: Competency
    plugin: str


def arrange(contributions: list[tuple[str, list[Competency]]]) -> dict[str, list[Entry]]:
    """Competencies by group (teknis, manajerial, sosial kultural), each sorted by code."""
    groups: dict[str, list[Entry]] = {group: [] for group in GROUPS}
    for plugin, competencies in contributions:
        for competency in competencies:
            groups[competency.group].append(Entry(competency, plugin))
    for entries in groups.values():
        entries.sort(key=lambda e: e.competency.code)
    return groups
