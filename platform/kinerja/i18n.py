"""Messages and labels in the user's language, for every layer (services, jobs, views).

Services raise errors with `_("…")` (lazy: translated when shown, in the language of whoever
reads it); codes stored in the database (roles, job states, audit actions) are shown through the
label tables here, never raw. Source strings are English; `web/translations/` holds Indonesian.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext, lazy_pgettext
from flask_babel.speaklater import LazyString

from kinerja.presentation import labels

_ = lazy_gettext  # `_` is what the message extractor looks for
# A message with a context (`msgctxt`): the same English word meaning something else in a place
# of its own ("Open" of a TPP month reads "Terbuka", not the "Berjalan" of a period); the
# extractor knows the name `pgettext` (context first).
pgettext = lazy_pgettext


def in_language(indonesian: str, english: str) -> str:
    """A plugin's own text in the user's language: plugins give both (the start-up check,
    `kinerja.plugins.languages`, refuses one without English); an empty English is shown in
    Indonesian rather than blank."""
    from flask_babel import get_locale

    locale = get_locale()
    return english if english and locale is not None and locale.language == "en" else indonesian


def N_(message: str) -> str:
    """Mark a message for translation without translating it yet (tables of patterns)."""
    return message


def text(value: Any) -> Any:
    """Lazy strings to plain ones, recursively (for JSON bodies and stored reports)."""
    if isinstance(value, dict):
        return {k: text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [text(v) for v in value]
    if isinstance(value, LazyString):
        return str(value)
    return value


ROLE_LABELS = {
    "pegawai": _("Employee"),
    "admin_opd": _("Agency admin"),
    "admin_kota": _("City admin (BKPSDM)"),
    "operator": _("Operator"),
    "system": _("System"),
}

JOB_STATUS_LABELS = {
    "queued": _("Waiting"),
    "running": _("Running"),
    "retrying": _("Retrying"),
    "succeeded": _("Done"),
    "failed": _("Failed"),
    "rejected": _("Rejected"),
}

REPORT_STATUS_LABELS = {
    "draft": _("Draft"),
    "submitted": _("Submitted"),
    "approved": _("Approved"),
    "rejected": _("Rejected"),
}

SKP_STATUS_LABELS = {
    "draft": _("Draft"),
    "submitted": _("Awaiting approval"),
    "approved": _("Approved"),
    "rejected": _("Rejected"),
}

AUDIT_ACTION_LABELS = {
    "city_admin.enter": _("City admin entered the agency"),
    "city_admin.leave": _("City admin left the agency"),
    "employee.create": _("Employee added"),
    "employee.update": _("Employee changed"),
    "employee.import": _("Employees imported"),
    "employee.import_upload": _("Employee file uploaded"),
    "employee.link_user": _("Account linked to employee"),
    "membership.create": _("Role granted"),
    "membership.delete": _("Role removed"),
    "org_unit.create": _("Work unit added"),
    "org_unit.update": _("Work unit changed"),
    "org_unit.delete": _("Work unit deleted"),
    "position.create": _("Position added"),
    "position.update": _("Position changed"),
    "token.create": _("API token created"),
    "token.revoke": _("API token revoked"),
    "job.read": _("Job record read by the operator"),
    "plugin.enable": _("Plugin turned on"),
    "plugin.disable": _("Plugin turned off"),
    "report.submit": _("Report submitted"),
    "report.draft": _("Report saved as draft"),
    "report.approve": _("Report approved"),
    "report.reject": _("Report rejected"),
    "skp.create": _("SKP started"),
    "skp.update": _("SKP changed"),
    "skp.rhk_add": _("Result (RHK) added"),
    "skp.rhk_update": _("Result (RHK) changed"),
    "skp.rhk_delete": _("Result (RHK) removed"),
    "aksi.add": _("Rencana Aksi step added"),
    "aksi.update": _("Rencana Aksi step changed"),
    "aksi.delete": _("Rencana Aksi step removed"),
    "aksi.done": _("Rencana Aksi step marked done"),
    "aksi.reopen": _("Rencana Aksi step no longer marked done"),
    "skp.hand_down": _("Result handed down"),
    "skp.expectations": _("Superior's expectations set"),
    "skp.submit": _("SKP submitted"),
    "skp.withdraw": _("SKP withdrawn"),
    "skp.approve": _("SKP approved"),
    "skp.reject": _("SKP rejected"),
    "skp.revise": _("SKP revision opened"),
    "log.draft": _("Daily entry saved as draft"),
    "log.submit": _("Daily entry sent"),
    "log.update": _("Daily entry corrected"),
    "log.delete": _("Daily draft deleted"),
    "log.withdraw": _("Daily entry withdrawn"),
    "log.approve": _("Daily entry approved"),
    "log.reject": _("Daily entry rejected"),
    "log.policy": _("Rules for daily work changed"),
    "feedback.start": _("Feedback thread started"),
    "evaluation.start": _("Evaluation started"),
    "evaluation.realisasi": _("Realisation entered"),
    "evaluation.submit": _("Evaluation submitted"),
    "evaluation.rate": _("Evaluation rated"),
    "evaluation.return": _("Evaluation returned to the rater"),
    "evaluation.approve": _("Evaluation approved"),
    "evaluation.revise": _("Evaluation revision opened"),
    "evaluation.achievement": _("Organisational achievement set"),
    "plan.frequency": _("Evaluation frequency set"),
    "plan.target_create": _("Agency target added"),
    "plan.target_update": _("Agency target changed"),
    "plan.target_delete": _("Agency target deleted"),
    "auth.sign_in": _("Signed in"),
    "auth.sign_in_failed": _("Failed sign-in"),
    "auth.locked": _("Sign-in locked after failures"),
    "assessment.create": _("Assessment campaign created"),
    "assessment.open": _("Assessment campaign opened"),
    "assessment.close": _("Assessment campaign closed"),
    "assessment.rate": _("Competency rating given"),
    "assessment.import": _("Assessment centre results imported"),
    "competency.standard": _("Competency standard of a position set"),
    "talent.policy": _("Talent policy changed"),
    "talent.open": _("Talent result opened"),
    "talent.development": _("Development option added"),
    "evaluation.files": _("Evaluation evidence added"),
    "evaluation.file_removed": _("Evaluation evidence removed"),
    "export.create": _("Export requested"),
    "agency_viewer.named": _("Named to see the agency"),
    "agency_viewer.removed": _("No longer named to see the agency"),
    "tpp.close": _("TPP month closed"),
    "tpp.lock": _("TPP month locked by the city"),
    "tpp.correct": _("Attendance events corrected"),
    "tpp.position_base": _("TPP amount of a position set"),
    "tpp.attendance_upload": _("Attendance file uploaded"),
    "tpp.attendance_import": _("Attendance imported"),
}


# Every table above is one kind of the presentation layer's registry: pages, exports and the
# audit log read them through `kinerja.presentation.labels.label`.
labels.register("role", ROLE_LABELS, same=("operator",))
labels.register("job.status", JOB_STATUS_LABELS)
labels.register("report.status", REPORT_STATUS_LABELS)
labels.register("skp.status", SKP_STATUS_LABELS)
labels.register("audit.action", AUDIT_ACTION_LABELS)


def role_label(code: str | None) -> str:
    return labels.label("role", code)


def job_status_label(code: str | None) -> str:
    return labels.label("job.status", code)


def audit_action_label(code: str | None) -> str:
    return labels.label("audit.action", code)


def report_status_label(code: str | None) -> str:
    return labels.label("report.status", code)


def skp_status_label(code: str | None) -> str:
    return labels.label("skp.status", code)
