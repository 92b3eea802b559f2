"""The SKP's workflow as one table and one pure function.

Draft → Diajukan (submitted) → Disetujui (approved), or Ditolak (rejected, with a reason) →
revised → Diajukan again. An approved SKP changes only through a revision: a new version, opened
with a reason and approved again. Who may take a step is a role relative to the SKP:

- `owner`: the employee whose plan it is;
- `rater`: the Pejabat Penilai (the nearest active superior, acting when the direct superior's
  post is vacant), or the admin OPD for an employee with no superior in the agency (the head).

What a step requires is named here and checked from facts the service gathers; the function
answers the next state or why not, and never touches the database (`kinerja.workflow`).
"""

from __future__ import annotations

from kinerja.i18n import N_
from kinerja.workflow import Machine, step

DRAFT, SUBMITTED, APPROVED, REJECTED = "draft", "submitted", "approved", "rejected"
STATES = (DRAFT, SUBMITTED, APPROVED, REJECTED)
EDITABLE = frozenset({DRAFT, REJECTED})  # the RHK, IKI and lampiran change only in these

SUBMIT, WITHDRAW, APPROVE, REJECT, REVISE = "submit", "withdraw", "approve", "reject", "revise"
ACTIONS = (SUBMIT, WITHDRAW, APPROVE, REJECT, REVISE)

OWNER, RATER = "owner", "rater"

# What a step may require; the service answers each as a fact (True: satisfied).
YEAR_OPEN = "year_open"
HAS_UTAMA = "has_utama"
EVERY_RHK_HAS_IKI = "every_rhk_has_iki"
UTAMA_LINKED = "utama_linked"
NO_PROPOSALS = "no_proposals"
REASON = "reason"

_READY = (YEAR_OPEN, NO_PROPOSALS, HAS_UTAMA, EVERY_RHK_HAS_IKI, UTAMA_LINKED)


MACHINE = Machine(
    {
        (DRAFT, SUBMIT): step(SUBMITTED, OWNER, *_READY),
        (REJECTED, SUBMIT): step(SUBMITTED, OWNER, *_READY),
        (SUBMITTED, WITHDRAW): step(DRAFT, OWNER, YEAR_OPEN),
        (SUBMITTED, APPROVE): step(APPROVED, RATER, YEAR_OPEN),
        (SUBMITTED, REJECT): step(REJECTED, RATER, YEAR_OPEN, REASON),
        (APPROVED, REVISE): step(DRAFT, OWNER, YEAR_OPEN, REASON),
    }
)
decide, available = MACHINE.decide, MACHINE.available

# Why a requirement failed, in words (English msgids, translated where shown).
UNMET: dict[str, str] = {
    YEAR_OPEN: N_("The performance year is closed: its SKP are read-only."),
    HAS_UTAMA: N_("Add at least one main result (Hasil Kerja Utama) first."),
    EVERY_RHK_HAS_IKI: N_("Every result (RHK) needs at least one indicator (IKI)."),
    UTAMA_LINKED: N_(
        "Every main result must name the superior's result (or the agency's target) it intervenes."
    ),
    NO_PROPOSALS: N_("Accept or remove the results your superior handed down first."),
    REASON: N_("Give a reason."),
}
