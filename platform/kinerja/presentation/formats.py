"""Numbers, percentages, money, dates, months, times and moments as display text: the only place
they are turned into words, through Babel in the reader's locale (flask_babel's `get_locale()`;
Indonesian, `id`, outside a request, in jobs and commands). Pages reach these as Jinja filters
(registered in `kinerja.web`), services and documents call them directly.

The styles, and where each is used:

- `date_short` (id `03-12-2026`, en `3 Dec 2026`): every list, table, page header, form text,
  export, notification and the header lines of printed documents. One short style for all of them.
- `date_long` (id `3 Desember 2026`, en `December 3, 2026`): only where a date is written out as
  prose: the place-and-date line above a signature on a printed document ("Medan, 3 Desember
  2026"). Printed documents are Indonesian whatever the reader's language (`locale="id"`).
- `date_range`: two short dates with an en dash between them.
- `day_month`: a short date without its year, where the year is already on screen (choices of
  periods and entries inside one plan's year).
- `month`: a month and its year in words ("Desember 2026").
- `time` (id `13.05`, en `1:05 PM`) and `datetime` (a short date and a time): aware moments are
  shown on Medan's clock (`kinerja.clock`), whatever zone they are stored in (UTC).
- `typed_number` (id `1234,5`, en `1234.5`, never rounded): a number put back into a form field
  (an edit form, a settings page), which sent back unchanged reads as the same number.
- `with_unit` (`12 laporan`, `90%`): a number already written and its unit (a `%` joins it).
- `number` (id `1.234,5`, en `1,234.5`), `percent` (of a value already in percent: 92.5 ->
  id `92,5%`, en `92.5%`, CLDR's own pattern for each) and `money` (Rupiah without cents:
  `Rp 1.234.567`, en `IDR 1,234,567`).

`None` is shown as `-` by every function. Machine formats (ISO dates in form fields, URLs and
the JSON API's data fields, dot decimals there) are not display text: `iso` and `iso_month` give
them to templates by name, so a template never formats by hand.
"""

from __future__ import annotations

from datetime import date, datetime
from datetime import time as clock_time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from kinerja import numbers

DEFAULT = "id"
NOTHING = "-"
DASH = "\u2013"  # between the two ends of a range

# Babel's "short" dates are two-digit years and, in English, month first: ours are written out.
SHORT = {"id": "dd-MM-yyyy", "en": "d MMM y"}
DAY_MONTH = {"id": "dd-MM", "en": "d MMM"}
LONG = "long"  # CLDR's own: 3 Desember 2026, December 3, 2026


def reader_locale(locale: str | Locale | None = None) -> Locale:
    """The locale text is written in: the one asked for, else the reader's (flask_babel), else
    Indonesian (outside an app, or when flask_babel has none)."""
    if locale is None:
        try:
            from flask_babel import get_locale

            locale = get_locale()
        except (RuntimeError, KeyError, AttributeError):  # no app, or Babel not set up on it
            locale = None
    if isinstance(locale, Locale):
        return locale
    return Locale.parse(str(locale or DEFAULT).replace("-", "_"))


def _pattern(table: dict[str, str], locale: Locale) -> str:
    return table.get(locale.language, table["en"])


def _decimal(value: Any, digits: int | None) -> Decimal | None:
    """`value` as a Decimal, rounded half up to `digits` places (None: as it is); None when it is
    no number (text in a column of numbers is shown as it is, never a 500)."""
    try:
        found = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None
    if isinstance(value, bool) or not found.is_finite():
        return None
    if digits is None:
        return found
    try:
        return found.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the context holds (10**40): shown as it is
        return None


def number(value: Any, digits: int | None = 2, locale: str | Locale | None = None) -> str:
    """A number with the locale's grouping and decimal mark, at most `digits` decimals and no
    trailing zeros (1.234,5 / 1,234.5; 3 stays 3)."""
    if value is None or value == "":
        return NOTHING
    return _written(value, digits, locale, grouped=True)


def typed_number(value: Any, digits: int | None = None, locale: str | Locale | None = None) -> str:
    """A number put back into a form field, to be sent back unchanged or corrected: the reader's
    decimal mark, no grouping and every decimal it has (1234,5 / 1234.5; 0,125), so what comes
    back reads (`numbers.typed_decimal`) as the same number: a grouped "1.234,5" would not, a
    rounded "0,13" would store another number, and a point in an Indonesian field is not how
    its reader writes. Three decimals after one to three digits ("1,125") read as a thousands
    group, so they get a fourth, a zero ("1,1250")."""
    if value is None or value == "":
        return ""
    text = _written(value, digits, locale, grouped=False)
    try:
        numbers.typed_decimal(text)
    except numbers.Ambiguous:
        return text + "0"
    except ValueError:  # not digits and a mark (a locale's own digits): as it is
        pass
    return text


def _written(value: Any, digits: int | None, locale: str | Locale | None, grouped: bool) -> str:
    found = _decimal(value, digits)
    if found is None:
        return str(value)
    shown = found.normalize()
    if shown == shown.to_integral_value():
        shown = shown.quantize(Decimal(1))
    return babel_numbers.format_decimal(
        shown, locale=reader_locale(locale), decimal_quantization=False, group_separator=grouped
    )


def with_unit(amount: Any, unit: str | None) -> str:
    """A number already written (`number`, a range of two) followed by its unit: "12 laporan";
    a percent sign joins the number as the percent pattern writes it ("90%", never "90 %" beside
    another "33%" on the same screen); no unit, the number alone."""
    text, shown = str(amount), (unit or "").strip()
    if not shown:
        return text
    return f"{text}{shown}" if shown == "%" else f"{text} {shown}"


def percent(value: Any, digits: int | None = 2, locale: str | Locale | None = None) -> str:
    """A value already in percent (92.5 is 92.5 %), in the locale's pattern: 92,5% / 92.5%."""
    if value is None or value == "":
        return NOTHING
    found = _decimal(value, digits)
    if found is None:
        return str(value)
    shown = found.normalize()
    loc = reader_locale(locale)
    return babel_numbers.format_percent(shown.scaleb(-2), locale=loc, decimal_quantization=False)


def money(value: Any, locale: str | Locale | None = None) -> str:
    """Rupiah, whole: Rp 1.234.567 (en: IDR 1,234,567)."""
    if value is None or value == "":
        return NOTHING
    found = _decimal(value, 0)
    if found is None:
        return str(value)
    loc = reader_locale(locale)
    return babel_numbers.format_currency(
        found, "IDR", format="¤ #,##0", locale=loc, currency_digits=False
    )


def _day(value: date | datetime | str) -> date:
    """The day shown for a date, a moment (its day in Medan) or ISO text (data kept as JSON,
    e.g. an SKP's header)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return _local(value).date() if isinstance(value, datetime) else value


def _shown_day(value: date | datetime | str, pattern: str, locale: Locale) -> str:
    """A day in `pattern`; text that is no real day ("2026-13-45", kept as typed in an audit
    change) is shown as it is, never a 500."""
    try:
        day = _day(value)
    except (ValueError, OverflowError):
        return str(value)
    return babel_dates.format_date(day, pattern, locale=locale)


def _local(moment: datetime) -> datetime:
    """An aware moment on Medan's clock; a naive one is taken as UTC (how moments are stored)."""
    from datetime import UTC

    from kinerja import clock

    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return clock.local(moment)
    except OverflowError:  # the last hours of 9999 have no Medan day: shown in UTC
        return moment


def wall_clock(moment: datetime) -> datetime:
    """A moment as Medan's wall clock shows it, without a zone (a spreadsheet's cell has none)."""
    return _local(moment).replace(tzinfo=None)


def date_short(value: date | datetime | str | None, locale: str | Locale | None = None) -> str:
    """The one short date: 03-12-2026 (en: 3 Dec 2026)."""
    if value is None:
        return NOTHING
    loc = reader_locale(locale)
    return _shown_day(value, _pattern(SHORT, loc), loc)


def date_long(value: date | datetime | str | None, locale: str | Locale | None = None) -> str:
    """The date written out: 3 Desember 2026 (en: December 3, 2026)."""
    if value is None:
        return NOTHING
    return _shown_day(value, LONG, reader_locale(locale))


def date_range(
    starts: date | datetime | str | None,
    ends: date | datetime | str | None,
    locale: str | Locale | None = None,
) -> str:
    """Two short dates with an en dash between them; an open end is `-`."""
    if starts is None and ends is None:
        return NOTHING
    return f"{date_short(starts, locale)} {DASH} {date_short(ends, locale)}"


def day_month(value: date | datetime | str | None, locale: str | Locale | None = None) -> str:
    """A short date without its year: 03-12 (en: 3 Dec)."""
    if value is None:
        return NOTHING
    loc = reader_locale(locale)
    return _shown_day(value, _pattern(DAY_MONTH, loc), loc)


def month(value: date | datetime | str | None, locale: str | Locale | None = None) -> str:
    """A month with its year in words: Desember 2026 (en: December 2026)."""
    if value is None:
        return NOTHING
    loc = reader_locale(locale)
    return babel_dates.format_skeleton("yMMMM", _day(value), locale=loc)


def month_names(locale: str | Locale | None = None) -> list[str]:
    """The twelve months' names, January first (a month selector): Januari ... Desember."""
    names = babel_dates.get_month_names("wide", context="stand-alone", locale=reader_locale(locale))
    return [names[n] for n in range(1, 13)]


def time(value: clock_time | datetime | None, locale: str | Locale | None = None) -> str:
    """A time of day in the locale's short style (13.05 / 1:05 PM); a moment on Medan's clock."""
    if value is None:
        return NOTHING
    shown = _local(value).time() if isinstance(value, datetime) else value
    return babel_dates.format_time(shown, "short", locale=reader_locale(locale))


def datetime_short(value: datetime | None, locale: str | Locale | None = None) -> str:
    """A moment on Medan's clock: the short date and the time (03-12-2026 13.05)."""
    if value is None:
        return NOTHING
    moment = _local(value)
    return f"{date_short(moment.date(), locale)} {time(moment.time(), locale)}"


def iso(value: date | datetime | None) -> str:
    """The machine form of a date (a form field's value, a URL): 2026-12-03; a moment's date is
    its day on Medan's clock. Not display text."""
    if value is None:
        return ""
    return _day(value).isoformat()


def iso_month(value: date | datetime | None) -> str:
    """The machine form of a month (`<input type="month">`, `?month=`): 2026-12."""
    return iso(value)[:7]


# The Jinja names (filters and globals) of the functions above.
FILTERS = {
    "number": number,
    "typed_number": typed_number,
    "percent": percent,
    "with_unit": with_unit,
    "money": money,
    "date": date_short,
    "date_long": date_long,
    "day_month": day_month,
    "month": month,
    "time": time,
    "datetime": datetime_short,
    "iso": iso,
    "iso_month": iso_month,
}
GLOBALS = {"date_range": date_range}
