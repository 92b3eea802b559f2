"""The kinds of notification, as data: the message (an English msgid with named parameters,
rendered in the reader's language when shown or mailed) and whether it goes by e-mail unless
the person chooses otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from kinerja.i18n import N_


@dataclass(frozen=True)
class Kind:
    message: str
    email: bool  # the default; each person chooses per kind
    reminder: bool = False


KINDS: dict[str, Kind] = {
    "skp_waiting": Kind(N_("%(name)s sent their SKP %(year)s for your approval."), True),
    "skp_approved": Kind(N_("Your SKP %(year)s was approved."), True),
    "skp_rejected": Kind(N_("Your SKP %(year)s was returned: %(reason)s"), True),
    "entries_waiting": Kind(
        N_("%(count)s daily entries of your team wait for your verification."), True
    ),
    "entry_rejected": Kind(N_("Your daily work of %(date)s was rejected: %(reason)s"), True),
    "feedback": Kind(N_("%(name)s wrote about %(title)s."), False),
    "evaluation_to_rate": Kind(N_("%(name)s's evaluation waits for your rating."), True),
    "evaluation_to_review": Kind(N_("%(name)s's rating waits for your review."), True),
    "evaluation_returned": Kind(N_("The rating of %(name)s was returned to you: %(reason)s"), True),
    "evaluation_approved": Kind(
        N_("Your evaluation (%(period)s) was approved: %(predikat)s."), True
    ),
    "assessment_task": Kind(N_("%(count)s colleagues wait for your competency rating."), True),
    "remind_log": Kind(
        N_("Daily work of %(date)s can be sent until %(deadline)s."), False, reminder=True
    ),
    "remind_skp": Kind(
        N_("Your SKP %(year)s is not submitted yet; it is due by %(due)s."), True, reminder=True
    ),
    "mail_refused": Kind(
        N_("E-mail to %(address)s was refused (%(reason)s): check your e-mail address."), False
    ),
    "remind_evaluation": Kind(
        N_("The evaluation of %(period)s is due: fill in your realisation."), True, reminder=True
    ),
}
