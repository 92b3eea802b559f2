"""The rules of a Rencana Aksi step as pure functions: where its date may fall, and its status.

A step is **done** when the owner marked it done or an approved daily entry names it (its
output is evidenced); **overdue** when its date has passed and it is not done; **planned**
otherwise. "Passed" is Medan's day: the caller gives `today` from `kinerja.clock`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kinerja.i18n import N_
from kinerja.performance.periods import Period

DONE, OVERDUE, PLANNED = "done", "overdue", "planned"
STATUSES = (PLANNED, OVERDUE, DONE)

# Why a step's date or period is refused (English msgids, translated where shown).
NO_PERIOD = N_("This year has no period %(n)s.")
OUTSIDE = N_("Choose a date inside the period (%(starts)s to %(ends)s).")


def status(due: date, marked_done: bool, evidenced: bool, today: date) -> str:
    """The step's status on `today`: done, overdue or planned."""
    if marked_done or evidenced:
        return DONE
    if due < today:
        return OVERDUE
    return PLANNED


@dataclass(frozen=True)
class Refusal:
    """Which field is refused, why (an English msgid) and the message's parameters."""

    field: str
    msgid: str
    params: dict[str, Any]


def check_date(periods: list[Period], number: int, due: date) -> Refusal | None:
    """Why a step of period `number` due on `due` is refused, or None: the period must be one
    of the year's and the date inside it."""
    found = next((p for p in periods if p.number == number), None)
    if found is None:
        return Refusal("period", NO_PERIOD, {"n": number})
    if not found.starts <= due <= found.ends:
        return Refusal("due", OUTSIDE, {"starts": found.starts, "ends": found.ends})
    return None
