"""E-mail addresses: one rule for every edge that takes one (the web forms, the API, the
employee import, the SSO claims), so an address is either good everywhere or refused everywhere.

An address ends up in a mail header (`To:`); a line break, a comma or angle brackets there
would add recipients or headers, and a space makes the SMTP server refuse the whole round. We
accept the plain form people actually have (`local@domain.tld`, ASCII dot-atoms, RFC 5321
lengths) and nothing that needs quoting."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, fields

from kinerja.i18n import N_, _

MAX_LENGTH = 254  # RFC 5321's path limit, less the angle brackets
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(
    rf"(?P<local>{_ATOM}(?:\.{_ATOM})*)@(?P<domain>(?:{_LABEL}\.)+[A-Za-z]{{2,63}})"
)
MESSAGE = N_("Enter a valid e-mail address.")


def problem(value: str) -> str | None:
    """None when `value` is a good address as given, else the msgid saying why not."""
    found = _ADDRESS.fullmatch(value)  # fullmatch: `$` would let a trailing line break in
    if found is None or len(value) > MAX_LENGTH or len(found["local"]) > 64:
        return MESSAGE
    return None


def clean(value: Any) -> str | None:
    """The address typed or sent (surrounding white space dropped, as every edge did already:
    a form field, a spreadsheet cell; empty: none), or `ValueError`. Inside, nothing but the
    address: a line break, a space, a comma refuse it."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(MESSAGE)
    trimmed = value.strip()
    if not trimmed:
        return None
    if problem(trimmed):
        raise ValueError(MESSAGE)
    return trimmed


def usable(value: Any) -> bool:
    """Whether mail can be addressed to `value` (a stored address from before this rule)."""
    return isinstance(value, str) and problem(value) is None


class EmailAddress(fields.String):
    """The rule as a marshmallow field, for every schema that takes an address."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return clean(text)
        except ValueError:
            raise ValidationError(str(_(MESSAGE))) from None
