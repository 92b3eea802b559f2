"""What happens to people that other modules act on, without people importing them.

Receivers get the tenant-bound session as sender and the employee; they run inside the
transaction of the change, so the change and its consequences commit (or fail) together.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# An employee record became inactive (by the form, the API or an import): they left the agency.
employee_left = _signals.signal("employee-left")
# An inactive employee record became active again.
employee_returned = _signals.signal("employee-returned")
