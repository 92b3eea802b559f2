"""An audit entry as the reader reads it: one sentence (who did what to whose record) and its
changes with named fields and labelled values, in the reader's language. Pure: the names of
the people and of the records it points at are handed in by the view."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from kinerja import numbers
from kinerja.audit.labels import VALUE_KINDS
from kinerja.audit.models import AuditEntry
from kinerja.i18n import _
from kinerja.presentation import formats, labels

NOTHING = "\u2013"  # an en dash: no value
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER = re.compile(r"-?\d+\.\d+")  # a decimal kept as text in the JSON of a change


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Line:
    sentence: str
    changes: list[Change]


def _verb(action: str) -> str:
    if labels.has("audit.verb", action):
        return labels.label("audit.verb", action)
    last = action.rsplit(".", 1)[-1]
    return labels.label("audit.verb", last) if labels.has("audit.verb", last) else ""


def sentence(entry: AuditEntry, actor: str, subject: str | None) -> str:
    """ "Sri Wahyuni approved the daily entry of Budi Santoso"; an action without a verb (a
    sign-in, a policy changed) reads "Sri Wahyuni: Signed in (Budi Santoso)"."""
    verb = _verb(entry.action)
    if subject == actor:
        subject = None  # "Budi submitted the daily entry", not "… of Budi"
    if verb and labels.has("audit.object", entry.object_type):
        did = verb % {"object": labels.label("audit.object", entry.object_type)}
        if subject:
            return str(_("%(actor)s %(did)s of %(subject)s", actor=actor, did=did, subject=subject))
        return str(_("%(actor)s %(did)s", actor=actor, did=did))
    what = labels.label("audit.action", entry.action)
    if subject:
        return str(_("%(actor)s: %(what)s (%(subject)s)", actor=actor, what=what, subject=subject))
    return str(_("%(actor)s: %(what)s", actor=actor, what=what))


def value_kind(field: str, object_type: str) -> str | None:
    found = VALUE_KINDS.get((field, object_type)) or VALUE_KINDS.get(field)
    return found if isinstance(found, str) else None


def value(field: str, object_type: str, raw: Any, titles: Callable[[str, Any], str | None]) -> str:
    """One value of a change in words: a code through its enumeration's label, a record's id
    through its title (`titles(field, raw)`), yes/no, a list joined."""
    if raw is None or raw == "" or raw == []:
        return NOTHING
    if isinstance(raw, bool):
        return str(_("yes") if raw else _("no"))
    if isinstance(raw, list):
        return ", ".join(value(field, object_type, v, titles) for v in raw)
    title = titles(field, raw)
    if title:
        return title
    kind = value_kind(field, object_type)
    if kind:
        return labels.label(kind, raw)
    if isinstance(raw, datetime):
        return formats.datetime_short(raw)
    if isinstance(raw, date):
        return formats.date_short(raw)
    if isinstance(raw, time):
        return formats.time(raw)
    if isinstance(raw, str) and ISO_DAY.fullmatch(raw):
        return formats.date_short(raw)  # changes are stored as JSON: a day is its ISO text
    # A fraction in the reader's format; a whole number (a year, a period, a count) as written:
    # grouping a year ("2.025") reads as a sum of money.
    if isinstance(raw, float | Decimal) or (isinstance(raw, str) and NUMBER.fullmatch(raw)):
        return formats.number(raw)
    return str(raw)


def changes(entry: AuditEntry, titles: Callable[[str, Any], str | None]) -> list[Change]:
    found = []
    for field, pair in (entry.changes or {}).items():
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        found.append(
            Change(
                labels.label("audit.field", field),
                value(field, entry.object_type, before, titles),
                value(field, entry.object_type, after, titles),
            )
        )
    return found


def line(
    entry: AuditEntry,
    actor: str,
    subject: str | None,
    titles: Callable[[str, Any], str | None] = lambda field, raw: None,
) -> Line:
    return Line(sentence(entry, actor, subject), changes(entry, titles))


def subject_title(raw: Any, texts: Mapping[tuple[str, int], str]) -> str | None:
    """A feedback thread's subject ("rhk 6") as words: the kind of record and its text
    (`texts`: {("rhk_id", 6): text})."""
    if not isinstance(raw, str) or " " not in raw:
        return None
    kind, _space, number = raw.partition(" ")
    ident = numbers.whole(number, 1)
    if not labels.has("feedback.subject", kind) or ident is None:
        return None
    what = labels.label("feedback.subject", kind)
    text = texts.get((f"{kind}_id", ident))
    return f"{what}: {text}" if text else what
