"""Bukti dukung (evidence) of an evaluation's realisasi: the period's daily entries, report-form
submissions, and files of their own. Each kind is chosen per IKI and checked to belong to the
employee and the period; files are cleaned and stored like a daily entry's evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja import audit, storage
from kinerja.exceptions import Conflict, NotFound
from kinerja.i18n import _
from kinerja.performance import measure
from kinerja.performance.evaluation import workflow
from kinerja.performance.evaluation.models import Evaluation, EvaluationFile, EvaluationItem
from kinerja.performance.log import rules as log_rules
from kinerja.performance.log import service as log
from kinerja.performance.log.models import WorkEntry
from kinerja.performance.models import Skp
from kinerja.reports import rules as report_rules
from kinerja.reports.models import ReportSubmission
from kinerja.workflow import locked

MAX_LINKS = 200
# Reports a superior may rely on: sent for approval or approved, never a draft or a rejected one.
USABLE_REPORTS = (report_rules.SUBMITTED, report_rules.APPROVED)


def entries(session: Session, evaluation: Evaluation, chosen: Sequence[int]) -> list[int]:
    """Daily entries of the employee within the period, sent or approved (a draft or a rejected
    entry proves nothing yet: the page offered only these, the API took any). The ids come
    loaded through `inputs.RealisasiInput` (whole numbers in range, at most MAX_LINKS)."""
    wrong = _("Choose daily entries of this period that were sent or approved.")
    ids = set(chosen)
    found = set(
        session.scalars(
            select(WorkEntry.id).where(
                WorkEntry.id.in_(ids),
                WorkEntry.employee_id == evaluation.employee_id,
                WorkEntry.entry_date.between(evaluation.starts, evaluation.ends),
                WorkEntry.status.in_((log_rules.SUBMITTED, log_rules.APPROVED)),
            )
        )
    )
    if found != ids:
        raise ValueError(wrong)
    return sorted(ids)


def reports(session: Session, evaluation: Evaluation, chosen: Sequence[int]) -> list[int]:
    """Report-form submissions of the employee within the period, sent or approved (the ids
    loaded through `inputs.RealisasiInput`)."""
    wrong = _("Choose reports of this period that were sent or approved.")
    ids = set(chosen)
    found = set(
        session.scalars(
            select(ReportSubmission.id).where(
                ReportSubmission.id.in_(ids),
                ReportSubmission.employee_id == evaluation.employee_id,
                ReportSubmission.report_date.between(evaluation.starts, evaluation.ends),
                ReportSubmission.status.in_(USABLE_REPORTS),
            )
        )
    )
    if found != ids:
        raise ValueError(wrong)
    return sorted(ids)


def candidate_reports(session: Session, evaluation: Evaluation) -> list[ReportSubmission]:
    """The period's reports that can back a realisasi (any IKI: a form is not tied to one)."""
    return list(
        session.scalars(
            select(ReportSubmission)
            .where(
                ReportSubmission.employee_id == evaluation.employee_id,
                ReportSubmission.report_date.between(evaluation.starts, evaluation.ends),
                ReportSubmission.status.in_(USABLE_REPORTS),
            )
            .order_by(ReportSubmission.report_date, ReportSubmission.id)
            .limit(500)
        )
    )


def counted(session: Session, evaluation: Evaluation) -> dict[int, list[int]]:
    """Per IKI, the approved entries of the period whose quantities make the realisation
    proposed (`measure.counted`)."""
    skp = session.scalar(select(Skp).where(Skp.id == evaluation.skp_id))
    if skp is None:
        return {}
    ikis = measure.measured_ikis(session, skp)
    return measure.counted(
        session, evaluation.employee_id, ikis, evaluation.starts, evaluation.ends
    )


def candidate_entries(session: Session, evaluation: Evaluation) -> dict[int, list[WorkEntry]]:
    """Per IKI, the period's sent and approved daily entries that can back its realisasi: first
    those counted in the proposed realisation (oldest first), then the others naming the IKI."""
    made = counted(session, evaluation)
    wanted = {entry_id for ids in made.values() for entry_id in ids}
    found: dict[int, list[WorkEntry]] = {iki_id: [] for iki_id in made}
    rest: dict[int, list[WorkEntry]] = {}
    by_id: dict[int, WorkEntry] = {}
    for entry in session.scalars(
        select(WorkEntry)
        .where(
            WorkEntry.employee_id == evaluation.employee_id,
            WorkEntry.entry_date.between(evaluation.starts, evaluation.ends),
            WorkEntry.status.in_((log_rules.SUBMITTED, log_rules.APPROVED)),
            WorkEntry.iki_id.is_not(None) | WorkEntry.id.in_(wanted or {-1}),
        )
        .order_by(WorkEntry.entry_date, WorkEntry.id)
        .limit(2000)
    ):
        by_id[entry.id] = entry
        if entry.id not in wanted and entry.iki_id is not None:
            rest.setdefault(entry.iki_id, []).append(entry)
    for iki_id, ids in made.items():
        found[iki_id] = [by_id[i] for i in ids if i in by_id]
    for iki_id, entries in rest.items():
        found.setdefault(iki_id, []).extend(entries)
    return {iki_id: entries for iki_id, entries in found.items() if entries}


# --- files of their own -------------------------------------------------------------------------
def files(session: Session, evaluation: Evaluation) -> dict[int, list[EvaluationFile]]:
    """Per IKI, the files attached to the evaluation."""
    found: dict[int, list[EvaluationFile]] = {}
    for row in session.scalars(
        select(EvaluationFile)
        .where(EvaluationFile.evaluation_id == evaluation.id)
        .order_by(EvaluationFile.id)
    ):
        found.setdefault(row.iki_id, []).append(row)
    return found


def file_of(session: Session, evaluation: Evaluation, file_id: int) -> EvaluationFile:
    found = session.scalar(
        select(EvaluationFile).where(
            EvaluationFile.id == file_id, EvaluationFile.evaluation_id == evaluation.id
        )
    )
    if found is None:
        raise NotFound(_("Not found."))
    return found


def _editable(session: Session, evaluation: Evaluation) -> None:
    if locked(session, evaluation).status not in workflow.EDITABLE_BY_OWNER:
        raise Conflict(_("The realisation can be changed only before it is submitted."))


def add_files(
    session: Session,
    evaluation: Evaluation,
    iki_id: int | None,
    uploads: Sequence[log.Upload],
    limits: tuple[int, int],
    user_id: int | None,
) -> list[EvaluationFile]:
    """Attach files to one IKI's realisasi: at most `limits[0]` per IKI, each at most
    `limits[1]` bytes, photos and PDFs only (read from the content, not the name)."""
    _editable(session, evaluation)
    item = session.scalar(
        select(EvaluationItem).where(
            EvaluationItem.evaluation_id == evaluation.id, EvaluationItem.iki_id == iki_id
        )
    )
    if item is None:
        raise NotFound(_("Not an indicator of this evaluation."))
    have = len(files(session, evaluation).get(item.iki_id, []))
    checked = log.check_uploads(uploads, max(0, limits[0] - have), limits[1])
    written = log.write(
        evaluation.tenant_id,
        ("evaluations", str(evaluation.id)),
        checked,
        log.policy(session).keep_location,
    )
    try:
        rows = [
            EvaluationFile(
                evaluation_id=evaluation.id, iki_id=item.iki_id, created_by=user_id, **asdict(w)
            )
            for w in written
        ]
        session.add_all(rows)
        session.flush()
    except Exception:
        log.remove(written)
        raise
    audit.record(
        session,
        "evaluation.files",
        "evaluation",
        evaluation.id,
        changes={"files": [None, [row.name for row in rows]], "iki": [None, item.iki_id]},
        subject_employee_id=evaluation.employee_id,
    )
    return rows


def delete_file(session: Session, evaluation: Evaluation, file_id: int) -> list[str]:
    """Remove a file's row while the realisasi can still change; returns the storage keys for
    the caller to delete after the commit (a stray object is harmless, a row without its bytes
    is not)."""
    _editable(session, evaluation)
    found = file_of(session, evaluation, file_id)
    keys = [k for k in (found.storage_key, found.thumb_key) if k]
    session.delete(found)
    session.flush()
    audit.record(
        session,
        "evaluation.file_removed",
        "evaluation",
        evaluation.id,
        changes={"file": [found.name, None]},
        subject_employee_id=evaluation.employee_id,
    )
    return keys


def discard(keys: Sequence[str]) -> None:
    for key in keys:
        storage.get().delete(key)
