"""A change between two SKP versions (`versions.Change`) in the reader's words: what changed
(a field's name, never its code), and the values as people read them (labels for codes,
names for people, dates as the pages write them, "the year's target split" where a period
had no target of its own). The page's change list and the API's `text` read the same words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kinerja.i18n import _
from kinerja.performance import behaviour, labels
from kinerja.performance.versions import Change
from kinerja.presentation import formats

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

FIELDS: Mapping[tuple[str, str], Any] = {
    ("rhk", "text"): _("Text"),
    ("rhk", "kind"): _("Kind"),
    ("rhk", "parent_rhk_id"): _("Superior's result it intervenes"),
    ("rhk", "org_target_id"): _("Agency target it intervenes"),
    ("rhk", "cascading"): _("Cascading"),
    ("rhk", "perspektif"): _("Perspective"),
    ("iki", "text"): _("Text"),
    ("iki", "aspect"): _("Aspect"),
    ("iki", "narrative"): _("Expected result, in words"),
    ("iki", "target"): _("Target"),
    ("aksi", "text"): _("Text"),
    ("aksi", "rhk_id"): _("Result (RHK)"),
    ("aksi", "period"): _("Period"),
    ("aksi", "due"): _("By when"),
    ("aksi", "output"): _("Output"),
    ("header", "employee"): _("Employee"),
    ("header", "pejabat_penilai"): _("Pejabat Penilai (rater)"),
    ("header", "atasan_pejabat_penilai"): _("Atasan Pejabat Penilai"),
}
# Fields whose values are codes: shown by their label.
CODES: Mapping[str, dict[str, Any]] = {
    "kind": labels.KINDS,
    "cascading": labels.CASCADING,
    "perspektif": labels.PERSPECTIVES,
    "aspect": labels.ASPECTS,
}
TARGETS = ("target", "period_target")  # a side without one is not "removed": it has none


@dataclass(frozen=True)
class Words:
    kind: str  # ADDED, REMOVED or CHANGED
    field: Any  # what changed, in words (None: the item itself came or went)
    before: Any
    after: Any


def _field(c: Change) -> Any:
    if c.field is None:
        return None
    if c.field == "period_target":
        return _("Target period %(n)s", n=c.period)
    if c.section == "lampiran":
        return labels.label(labels.LAMPIRAN, c.field)
    if c.section == "perilaku":
        names = {v.code: v.name for v in behaviour.values()}
        return names.get(c.field, c.field)
    return FIELDS.get((c.section, c.field), c.field)


def _value(c: Change, value: Any) -> Any:
    if value is None:
        if c.field == "period_target":
            return _("the year's target split")
        return "-"
    if isinstance(value, Mapping):
        return value.get("name") or "-"
    if c.field is not None and c.field in CODES:
        return labels.label(CODES[c.field], value)
    if c.section == "approach":
        return labels.label(labels.APPROACHES, value)
    if c.section == "aksi" and c.field == "due":
        return formats.date_short(value)
    return value


def words(c: Change) -> Words:
    """The change as the change list says it."""
    if c.field not in TARGETS and c.before is None:
        return Words(ADDED, _field(c), None, _value(c, c.after))
    if c.field not in TARGETS and c.after is None:
        return Words(REMOVED, _field(c), _value(c, c.before), None)
    return Words(CHANGED, _field(c), _value(c, c.before), _value(c, c.after))


def line(c: Change) -> str:
    """The change in one line of text (the API's `text`)."""
    w = words(c)
    head = str(labels.label(labels.SECTIONS, c.section))
    if c.section in ("rhk", "iki", "aksi"):
        head += f" «{c.item}»"
    if w.field is not None:
        head += f" · {w.field}"
    if w.kind == ADDED:
        said = str(_("added"))
        return f"{head}: {said}" + (f" {w.after}" if c.field is not None else "")
    if w.kind == REMOVED:
        return f"{head}: {_('removed')}"
    return f"{head}: {w.before} → {w.after}"
