"""Whole numbers as people type them (a form field, a CSV cell, a JSON object's key): the one
rule for reading them.

`str.isdigit` also accepts superscripts ("²"), which `int()` then refuses (a 500 on input), and
other scripts' digits ("٣", "३"), which `int()` reads as a number the reader may not have meant;
and `int()` refuses a string of more than 4,300 digits (Python's guard against slow
conversions). So typed digits are read here, ASCII only and bounded, never with
`isdigit()` + `int()` at the call site.

Decimal numbers typed by people are read by `typed_decimal`: a comma or a point as the decimal
mark (Indonesian "2,5", a phone keyboard's "2.5"), grouping only where it cannot be a decimal
mark ("1.234,5", "1,234.5", "1.234.567"); "1,500" and "1.500" are refused as ambiguous (one
thousand five hundred to an English reader, one and a half to an Indonesian one, or the reverse)
rather than guessed, which stored 1.5 for an English "1,500".
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

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


class Ambiguous(ValueError):
    """A number whose one separator could be a decimal mark or thousands grouping ("1,500")."""


_WHOLE = re.compile(r"\d+", re.ASCII)
# A program's number: a point is its decimal point ("1.005"), an exponent allowed ("1e3")
_MACHINE = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_ONE_MARK = re.compile(r"(\d*)[.,](\d+)", re.ASCII)  # 2,5 / 2.5 / ,5
_AMBIGUOUS = re.compile(r"[1-9]\d{0,2}[.,]\d{3}", re.ASCII)  # 1,500 / 100.000
_GROUPED = {  # 1.234 / 1.234.567: a lead of 1 to 3 digits, then groups of three
    mark: re.compile(rf"[1-9]\d{{0,2}}(?:{re.escape(mark)}\d{{3}})+", re.ASCII) for mark in ".,"
}


def typed_decimal(raw: str, *, machine: bool = False) -> Decimal:
    """A decimal number as people type it (see the module's docstring); `Ambiguous` for "1,500"
    and "1.500", `ValueError` for anything else that is not a number written in ASCII digits.
    A sign is kept ("-2,5") for the caller's range check to refuse in its own words. `machine`:
    the text comes from a program (a JSON body), whose point is always a decimal point ("1.005"),
    while its "1,500" is as ambiguous as a person's."""
    text = raw.strip()
    sign = "-" if text.startswith("-") else ""
    body = text[1:] if text[:1] in ("-", "+") else text
    if machine and _MACHINE.fullmatch(body):
        return Decimal(sign + body)
    if _AMBIGUOUS.fullmatch(body):
        raise Ambiguous(raw)
    plain = _plain(body)  # its patterns are ASCII only: "٣" is no number
    if plain is None:
        raise ValueError(raw)
    try:
        return Decimal(sign + plain)
    except InvalidOperation:  # pragma: no cover - _plain writes only digits and one point
        raise ValueError(raw) from None


def _plain(body: str) -> str | None:
    """`body` (no sign, not ambiguous) as "1234.5", or None."""
    if _WHOLE.fullmatch(body):
        return body
    if one := _ONE_MARK.fullmatch(body):
        return f"{one[1] or '0'}.{one[2]}"
    for group, mark in ((".", ","), (",", ".")):
        lead, found, fraction = body.rpartition(mark)
        if found and _GROUPED[group].fullmatch(lead) and _WHOLE.fullmatch(fraction):
            return lead.replace(group, "") + "." + fraction  # 1.234,5 / 1,234.5
        if _GROUPED[group].fullmatch(body):  # two groups or more: one alone was ambiguous
            return body.replace(group, "")
    return None
