"""A Decimal as a plain string: "80", "2.5", never "8E+1" (what `Decimal.normalize()` prints for
a whole number with trailing zeros) nor "80.00". For form values, API strings and the numbers
a page shows as typed; a reader's locale formatting is a separate concern."""

from __future__ import annotations

from decimal import Decimal


def plain(value: Decimal | int | None) -> str:
    """The value without exponent and without trailing zeros ("" for None)."""
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
