"""What changed between two versions of an SKP (pure): both are the frozen `content` dicts.

Results and steps are matched by id; an indicator by id, else by its text (replacing a
result's indicators gives them new ids: `_paired_iki`). An IKI's target is compared as people
read it (low, high and unit together: "10 dokumen -> 12-15 dokumen"), its targets per period
one period at a time ("period 2: 3 -> 5 dokumen"; a side without them has the year's target
split). The Rencana Aksi steps are added, removed or changed field by field. A version frozen
before steps were frozen has no `aksi` key: its steps are unknown, so none are compared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

RHK_FIELDS = ("kind", "text", "parent_rhk_id", "org_target_id", "cascading", "perspektif")
IKI_FIELDS = ("text", "aspect", "narrative")  # the target: `_target_changes`
AKSI_FIELDS = ("text", "rhk_id", "period", "due", "output")


@dataclass(frozen=True)
class Change:
    section: str  # header, approach, rhk, iki, perilaku, lampiran
    item: str  # what changed, for people: the RHK's or IKI's text, the field's name
    field: str | None
    before: Any
    after: Any
    period: int | None = None  # a target per period: which one


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


def _amount(low: Any, high: Any) -> str | None:
    if low is None:
        return None
    return f"{low}\N{EN DASH}{high}" if high is not None else str(low)  # as the SKP page


def _with_units(
    before: str | None, after: str | None, unit_a: Any, unit_b: Any
) -> tuple[str | None, str | None]:
    """Amounts with their units; the unit said once, after the new amount, when it stayed."""
    after_text = after and " ".join(t for t in (after, unit_b) if t)
    if unit_a == unit_b and after is not None:
        return before, after_text
    return before and " ".join(t for t in (before, unit_a) if t), after_text


def _period_targets(iki: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list((iki.get("period_targets") or {}).get("targets") or [])


def _target_changes(item: str, x: Mapping[str, Any], y: Mapping[str, Any]) -> list[Change]:
    """The IKI's target (low, high, unit) as one change, then each period's target that moved."""
    changes = []
    a = _amount(x.get("target_low"), x.get("target_high"))
    b = _amount(y.get("target_low"), y.get("target_high"))
    if a != b or (x.get("unit") or None) != (y.get("unit") or None):
        shown = _with_units(a, b, x.get("unit"), y.get("unit"))
        changes.append(Change("iki", item, "target", *shown))
    old, new = _period_targets(x), _period_targets(y)
    for n in range(1, max(len(old), len(new)) + 1):
        c = old[n - 1] if n <= len(old) else {}
        d = new[n - 1] if n <= len(new) else {}
        a, b = _amount(c.get("low"), c.get("high")), _amount(d.get("low"), d.get("high"))
        if a != b:  # a new unit alone is said once, by the target's change
            shown = _with_units(a, b, x.get("unit"), y.get("unit"))
            changes.append(Change("iki", item, "period_target", *shown, period=n))
    return changes


def _aksi(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Steps added, removed or changed; a step moved to another result names both results."""
    if "aksi" not in before or "aksi" not in after:
        return []
    results = {
        r["id"]: r.get("text") for r in [*(before.get("rhk") or ()), *(after.get("rhk") or ())]
    }
    old, new = _by_id(before["aksi"]), _by_id(after["aksi"])
    changes = []
    for step_id in [*old, *(i for i in new if i not in old)]:
        a, b = old.get(step_id), new.get(step_id)
        if a is None or b is None:
            changes.append(
                Change(
                    "aksi", (a or b or {}).get("text", ""), None, a and a["text"], b and b["text"]
                )
            )
            continue
        for name in AKSI_FIELDS:
            if a.get(name) != b.get(name):
                was, now = a.get(name), b.get(name)
                if name == "rhk_id":
                    was, now = results.get(was, was), results.get(now, now)
                changes.append(Change("aksi", b["text"], name, was, now))
    return changes


def _paired_iki(
    old: list[Mapping[str, Any]], new: list[Mapping[str, Any]]
) -> list[tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]]:
    """A result's indicators before and after, paired: by id, else by text. Replacing a
    result's indicators (`plan.update_rhk` with `iki`) gives them new ids; one of the same
    text is the same indicator with new targets, not one removed and another added."""
    by_id = {y["id"]: y for y in new}
    left = [y for y in new if y["id"] not in {x["id"] for x in old}]
    pairs: list[tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]] = []
    for x in old:
        y = by_id.get(x["id"]) or next((n for n in left if n.get("text") == x.get("text")), None)
        if y is not None and y in left:
            left.remove(y)
        pairs.append((x, y))
    return pairs + [(None, y) for y in left]


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Every change from `before` to `after`: header fields, the approach, RHK and IKI added,
    removed or changed (matched by id, so a reworded RHK is a change, not a new one), their
    targets (per period too), the Rencana Aksi steps, the superior's expectations per value and
    the lampiran."""
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
        for x, y in _paired_iki(a.get("iki") or [], b.get("iki") or []):
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
                changes += _target_changes(y["text"], x, y)
    changes += _aksi(before, after)
    changes += _keyed("perilaku", before.get("expectations") or {}, after.get("expectations") or {})
    changes += _keyed("lampiran", before.get("lampiran") or {}, after.get("lampiran") or {})
    return changes


def steps_by_result(content: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], list[dict]]]:
    """A frozen version's Rencana Aksi per result, in the plan's order, each step's date read
    back as a date; results without steps are left out (so is everything, for a version frozen
    before its steps were)."""
    steps: dict[Any, list[dict]] = {}
    for s in content.get("aksi") or ():
        steps.setdefault(s["rhk_id"], []).append(s | {"due": date.fromisoformat(s["due"])})
    return [(r, steps[r["id"]]) for r in content.get("rhk") or () if r["id"] in steps]
