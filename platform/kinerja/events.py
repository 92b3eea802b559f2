"""What happens in the performance cycle that other modules act on (notifications), without the
cycle importing them: blinker signals sent by the services.

Receivers get the tenant-bound session as sender and keyword arguments; they run inside the
transaction of the change, so the change and its consequences commit (or fail) together. A
signal names what happened, never who should hear of it: that is the receiver's business.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# An SKP moved: skp, action, the rater's employee id (None: the admin OPD decides).
skp_acted = _signals.signal("skp-acted")
# A daily entry was decided on by a superior: entry, action (approve or reject).
entry_decided = _signals.signal("entry-decided")
# An evaluation moved: evaluation, action (submit, rate, return, approve, revise).
evaluation_acted = _signals.signal("evaluation-acted")
# A feedback message was written: thread, message.
feedback_posted = _signals.signal("feedback-posted")
# An assessment campaign opened: campaign, raters ({employee id: how many people they rate}).
assessment_opened = _signals.signal("assessment-opened")
