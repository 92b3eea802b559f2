"""Whole numbers as people type them (a form field, a CSV cell, a JSON object's key): the one
rule for reading them.

`str.isdigit` also accepts superscripts ("²"), which `int()` then refuses (a 500 on input), and
other scripts' digits ("٣", "३"), which `int()` reads as a number the reader may not have meant;
and `int()` refuses a string of more than 4,300 digits (Python's guard against slow
conversions). So typed digits are read here, ASCII only and bounded, never with
`isdigit()` + `int()` at the call site.
"""

from __future__ import annotations

BIGINT_MAX = 2**63 - 1  # PostgreSQL's bigint: an id beyond it names nothing
_LONGEST = 19  # digits of BIGINT_MAX: anything longer is out of every range we keep


def whole(raw: object, lowest: int = 0, largest: int = BIGINT_MAX) -> int | None:
    """`raw` (text, or a number given as text) as a whole number from `lowest` to `largest`, or
    None: not ASCII digits (a sign, a decimal part, "²", letters, empty) or out of the range.
    Surrounding spaces and leading zeros are allowed ("007" is 7)."""
    if raw is None or isinstance(raw, bool):
        return None
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    text = text.lstrip("0") or "0"
    if len(text) > _LONGEST:
        return None
    value = int(text)
    return value if lowest <= value <= largest else None
