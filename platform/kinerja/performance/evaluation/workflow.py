"""The evaluation's states as one table and one pure function.

draft (the employee enters realisasi) → submitted → rated (the Pejabat Penilai's ratings) →
approved by the Atasan Pejabat Penilai, or returned to the rater with a reason. An approved
evaluation changes only through a revision (a new version, with a reason, rated and approved
again)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kinerja.i18n import N_

DRAFT, SUBMITTED, RATED, APPROVED = "draft", "submitted", "rated", "approved"
STATES = (DRAFT, SUBMITTED, RATED, APPROVED)
SUBMIT, RATE, RETURN, APPROVE, REVISE = "submit", "rate", "return", "approve", "revise"
ACTIONS = (SUBMIT, RATE, RETURN, APPROVE, REVISE)
OWNER, RATER, REVIEWER = "owner", "rater", "reviewer"

HAS_RATINGS, REASON, CURVE_OK, YEAR_OPEN = "has_ratings", "reason", "curve_ok", "year_open"


@dataclass(frozen=True)
class Step:
    to: str
    by: str
    needs: tuple[str, ...] = ()


TRANSITIONS: dict[tuple[str, str], Step] = {
    (DRAFT, SUBMIT): Step(SUBMITTED, OWNER, (YEAR_OPEN,)),
    (SUBMITTED, RATE): Step(RATED, RATER, (YEAR_OPEN, HAS_RATINGS)),
    (RATED, RETURN): Step(SUBMITTED, REVIEWER, (YEAR_OPEN, REASON)),
    (RATED, APPROVE): Step(APPROVED, REVIEWER, (YEAR_OPEN, CURVE_OK)),
    (APPROVED, REVISE): Step(SUBMITTED, RATER, (YEAR_OPEN, REASON)),
}
EDITABLE_BY_OWNER = frozenset({DRAFT})
RATABLE = frozenset({SUBMITTED})

UNMET: Mapping[str, str] = {
    YEAR_OPEN: N_("The performance year is closed: its evaluations are read-only."),
    HAS_RATINGS: N_("Give both ratings (Hasil Kerja and Perilaku Kerja) first."),
    REASON: N_("Give a reason."),
    CURVE_OK: N_("These ratings break the agency's distribution curve."),
}


def decide(state: str, action: str, roles: frozenset[str], facts: Mapping[str, bool]) -> str:
    """The next state; `Refused` says why not ("state", "who" or the unmet requirement)."""
    step = TRANSITIONS.get((state, action))
    if step is None:
        raise Refused("state")
    if step.by not in roles:
        raise Refused("who")
    for need in step.needs:
        if not facts.get(need, False):
            raise Refused(need)
    return step.to


def available(state: str, roles: frozenset[str]) -> list[str]:
    return [a for (s, a), step in TRANSITIONS.items() if s == state and step.by in roles]


class Refused(Exception):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why
