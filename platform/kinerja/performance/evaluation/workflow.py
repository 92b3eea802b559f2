"""The evaluation's states as one table and one pure function.

draft (the employee enters realisasi) → submitted → rated (the Pejabat Penilai's ratings) →
approved by the Atasan Pejabat Penilai, or returned to the rater with a reason. An approved
evaluation changes only through a revision (a new version, with a reason, rated and approved
again)."""

from __future__ import annotations

from collections.abc import Mapping

from kinerja.i18n import N_
from kinerja.workflow import Machine, step

DRAFT, SUBMITTED, RATED, APPROVED = "draft", "submitted", "rated", "approved"
STATES = (DRAFT, SUBMITTED, RATED, APPROVED)
SUBMIT, RATE, RETURN, APPROVE, REVISE = "submit", "rate", "return", "approve", "revise"
ACTIONS = (SUBMIT, RATE, RETURN, APPROVE, REVISE)
OWNER, RATER, REVIEWER = "owner", "rater", "reviewer"

HAS_RATINGS, REASON, CURVE_OK, YEAR_OPEN = "has_ratings", "reason", "curve_ok", "year_open"
REALISED = "realised"  # every IKI has its realisasi (a number, or words for a narrative target)


MACHINE = Machine(
    {
        (DRAFT, SUBMIT): step(SUBMITTED, OWNER, YEAR_OPEN, REALISED),
        (SUBMITTED, RATE): step(RATED, RATER, YEAR_OPEN, HAS_RATINGS),
        (RATED, RETURN): step(SUBMITTED, REVIEWER, YEAR_OPEN, REASON),
        (RATED, APPROVE): step(APPROVED, REVIEWER, YEAR_OPEN, CURVE_OK),
        (APPROVED, REVISE): step(SUBMITTED, RATER, YEAR_OPEN, REASON),
    }
)
decide, available = MACHINE.decide, MACHINE.available
EDITABLE_BY_OWNER = frozenset({DRAFT})
RATABLE = frozenset({SUBMITTED})

UNMET: Mapping[str, str] = {
    YEAR_OPEN: N_("The performance year is closed: its evaluations are read-only."),
    HAS_RATINGS: N_("Give both ratings (Hasil Kerja and Perilaku Kerja) first."),
    REALISED: N_("Give the realisation of every indicator first."),
    REASON: N_("Give a reason."),
    CURVE_OK: N_("These ratings break the agency's distribution curve."),
}
