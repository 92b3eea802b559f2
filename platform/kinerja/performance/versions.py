"""What changed between two versions of an SKP (pure): both are the frozen `content` dicts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

RHK_FIELDS = ("kind", "text", "parent_rhk_id", "org_target_id", "cascading", "perspektif")
IKI_FIELDS = ("text", "aspect", "target_low", "target_high", "unit", "narrative")


@dataclass(frozen=True)
class Change:
    section: str  # header, approach, rhk, iki, perilaku, lampiran
    item: str  # what changed, for people: the RHK's or IKI's text, the field's name
    field: str | None
    before: Any
    after: Any


def _by_id(items: Any) -> dict[Any, Mapping[str, Any]]:
    return {item["id"]: item for item in items or ()}


def _fields(section: str, item: str, a: Mapping[str, Any], b: Mapping[str, Any], names: Any):
    return [
        Change(section, item, name, a.get(name), b.get(name))
        for name in names
        if a.get(name) != b.get(name)
    ]


def _keyed(section: str, a: Mapping[str, Any], b: Mapping[str, Any]) -> list[Change]:
    return [
        Change(section, key, key, a.get(key), b.get(key))
        for key in sorted(set(a) | set(b))
        if (a.get(key) or None) != (b.get(key) or None)
    ]


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Every change from `before` to `after`: header fields, the approach, RHK and IKI added,
    removed or changed (matched by id, so a reworded RHK is a change, not a new one), the
    superior's expectations per value and the lampiran."""
    changes = _keyed("header", before.get("header") or {}, after.get("header") or {})
    if before.get("approach") != after.get("approach"):
        changes.append(
            Change("approach", "approach", None, before.get("approach"), after.get("approach"))
        )
    old, new = _by_id(before.get("rhk")), _by_id(after.get("rhk"))
    for rhk_id in [*old, *(i for i in new if i not in old)]:
        a, b = old.get(rhk_id), new.get(rhk_id)
        if a is None or b is None:
            gone = a if b is None else None
            changes.append(
                Change(
                    "rhk",
                    (a or b or {}).get("text", ""),
                    None,
                    gone and gone["text"],
                    b and b["text"],
                )
            )
            continue
        changes += _fields("rhk", b["text"], a, b, RHK_FIELDS)
        old_iki, new_iki = _by_id(a.get("iki")), _by_id(b.get("iki"))
        for iki_id in [*old_iki, *(i for i in new_iki if i not in old_iki)]:
            x, y = old_iki.get(iki_id), new_iki.get(iki_id)
            if x is None or y is None:
                changes.append(
                    Change(
                        "iki",
                        (x or y or {}).get("text", ""),
                        None,
                        x and x["text"],
                        y and y["text"],
                    )
                )
            else:
                changes += _fields("iki", y["text"], x, y, IKI_FIELDS)
    changes += _keyed("perilaku", before.get("expectations") or {}, after.get("expectations") or {})
    changes += _keyed("lampiran", before.get("lampiran") or {}, after.get("lampiran") or {})
    return changes
