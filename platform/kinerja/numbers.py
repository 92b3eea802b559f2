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


def year_month(raw: object, first_year: int, last_year: int) -> tuple[int, int] | None:
    """`YYYY-MM` as typed (a query's `?month=`, a form's month) as (year, month) with the year
    from `first_year` to `last_year`, or None; each part read by `whole`, so a year of five
    thousand digits or other scripts' digits is no month rather than a 500 or a guess."""
    if not isinstance(raw, str):
        return None
    head, dash, tail = raw.strip().partition("-")
    year, month = whole(head, first_year, last_year), whole(tail, 1, 12)
    if not dash or year is None or month is None:
        return None
    return year, month
