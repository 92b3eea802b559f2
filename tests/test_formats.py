"""The one formats module: numbers, percentages, money, dates, months and moments in Indonesian
and English, `None` as "-", and the rule that templates never format by hand."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest

from kinerja.presentation import formats

ROOT = Path(__file__).resolve().parents[1]
DAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("locale", "value", "shown"),
    [
        ("id", 1234.5, "1.234,5"),
        ("en", 1234.5, "1,234.5"),
        ("id", 3, "3"),
        ("id", Decimal("2.500"), "2,5"),
        ("en", Decimal("2.500"), "2.5"),
        ("id", "1.40", "1,4"),  # a number kept as text (the API's form) still reads as a number
        ("id", -2.25, "-2,25"),
        ("id", 0, "0"),
        ("en", 1234567, "1,234,567"),
    ],
)
def test_numbers_take_the_locales_marks_and_drop_trailing_zeros(
    locale: str, value: object, shown: str
) -> None:
    assert formats.number(value, locale=locale) == shown


def test_numbers_round_half_up_to_the_digits_asked() -> None:
    assert formats.number(2.345, digits=2, locale="id") == "2,35"
    assert formats.number(129.2307, locale="id") == "129,23"
    assert formats.number(129.2307, digits=0, locale="en") == "129"


@pytest.mark.parametrize(
    ("locale", "value", "shown"),
    [
        ("id", 92.5, "92,5%"),
        ("en", 92.5, "92.5%"),
        ("id", 129.23, "129,23%"),
        ("en", 100, "100%"),
        ("id", Decimal("12.50"), "12,5%"),
    ],
)
def test_percentages_are_of_values_already_in_percent(
    locale: str, value: object, shown: str
) -> None:
    assert formats.percent(value, locale=locale) == shown


def test_percent_digits_are_a_choice() -> None:
    assert formats.percent(66.666, digits=0, locale="id") == "67%"
    assert formats.percent(66.666, digits=1, locale="en") == "66.7%"


@pytest.mark.parametrize(
    ("amount", "unit", "shown"),
    [
        ("12", "laporan", "12 laporan"),
        ("90", "%", "90%"),  # as the percent pattern writes it, beside "33%" on the same page
        ("80\u201390", " % ", "80\u201390%"),  # a range, the unit trimmed
        ("12", None, "12"),
        ("12", "  ", "12"),
        ("2,5", "jam", "2,5 jam"),
    ],
)
def test_a_number_and_its_unit(amount: str, unit: str | None, shown: str) -> None:
    assert formats.with_unit(amount, unit) == shown


def test_money_is_whole_rupiah() -> None:
    assert formats.money(1234567, locale="id") == "Rp 1.234.567"
    assert formats.money(1234567.6, locale="id") == "Rp 1.234.568"
    assert formats.money(Decimal("1500"), locale="en") == "IDR 1,500"


def test_dates_have_one_short_and_one_long_style_per_locale() -> None:
    assert formats.date_short(DAY, locale="id") == "03-12-2026"
    assert formats.date_short(DAY, locale="en") == "3 Dec 2026"
    assert formats.date_long(DAY, locale="id") == "3 Desember 2026"
    assert formats.date_long(DAY, locale="en") == "December 3, 2026"
    assert formats.day_month(DAY, locale="id") == "03-12"
    assert formats.day_month(DAY, locale="en") == "3 Dec"


def test_ranges_are_two_short_dates() -> None:
    assert formats.date_range(date(2026, 1, 1), date(2026, 6, 30), locale="id") == (
        "01-01-2026 \u2013 30-06-2026"
    )
    assert formats.date_range(date(2026, 1, 1), date(2026, 6, 30), locale="en") == (
        "1 Jan 2026 \u2013 30 Jun 2026"
    )
    assert formats.date_range(date(2026, 1, 1), None, locale="id") == "01-01-2026 \u2013 -"


def test_months_are_written_out_with_their_year() -> None:
    assert formats.month(DAY, locale="id") == "Desember 2026"
    assert formats.month(DAY, locale="en") == "December 2026"


def test_moments_are_shown_on_medans_clock() -> None:
    # 20:05 UTC on the 3rd is 03:05 on the 4th in Medan (UTC+7): the day changes too.
    moment = datetime(2026, 12, 3, 20, 5, tzinfo=UTC)
    assert formats.date_short(moment, locale="id") == "04-12-2026"
    assert formats.time(moment, locale="id") == "03.05"
    assert formats.time(moment, locale="en") == "3:05\u202fAM"
    assert formats.datetime_short(moment, locale="id") == "04-12-2026 03.05"
    assert formats.datetime_short(moment, locale="en") == "4 Dec 2026 3:05\u202fAM"
    assert formats.time(time(13, 5), locale="id") == "13.05"
    assert formats.wall_clock(moment) == datetime(2026, 12, 4, 3, 5)  # noqa: DTZ001 - naive


def test_a_naive_moment_is_taken_as_utc_as_stored() -> None:
    assert formats.datetime_short(datetime(2026, 12, 3, 20, 5), locale="id")  # noqa: DTZ001 == "04-12-2026 03.05"


@pytest.mark.parametrize(
    "function",
    [
        formats.number,
        formats.percent,
        formats.money,
        formats.date_short,
        formats.date_long,
        formats.day_month,
        formats.month,
        formats.time,
        formats.datetime_short,
    ],
)
def test_nothing_is_a_dash(function: object) -> None:
    assert function(None) == "-"  # type: ignore[operator]


def test_machine_forms_are_iso_and_empty_for_nothing() -> None:
    assert formats.iso(DAY) == "2026-12-03"
    assert formats.iso_month(DAY) == "2026-12"
    assert formats.iso(None) == ""
    assert formats.iso(datetime(2026, 12, 3, 20, 5, tzinfo=UTC)) == "2026-12-04"


def test_outside_a_request_the_locale_is_indonesian() -> None:
    assert formats.reader_locale().language == "id"
    assert formats.number(1234.5) == "1.234,5"


def test_inside_a_request_the_readers_locale_is_used(app: object) -> None:
    with app.test_request_context("/", headers={"Cookie": "kinerja_lang=en"}):  # type: ignore[attr-defined]
        assert formats.number(1234.5) == "1,234.5"
        assert formats.date_short(DAY) == "3 Dec 2026"
    with app.test_request_context("/"):  # type: ignore[attr-defined]
        assert formats.percent(92.5) == "92,5%"


def test_the_filters_are_the_functions_on_every_page(app: object) -> None:
    env = app.jinja_env  # type: ignore[attr-defined]
    with app.test_request_context("/"):  # type: ignore[attr-defined]
        shown = env.from_string(
            "{{ d|date }} {{ d|date_long }} {{ 92.5|percent }} {{ 1234.5|number }} "
            "{{ date_range(d, d) }} {{ d|month }} {{ 1000|money }}"
        ).render(d=DAY)
    assert shown == (
        "03-12-2026 3 Desember 2026 92,5% 1.234,5 03-12-2026 \u2013 03-12-2026 Desember 2026 "
        "Rp 1.000"
    )


def test_iso_text_kept_as_json_is_shown_as_a_date() -> None:
    assert formats.date_short("2026-12-03", locale="id") == "03-12-2026"
    assert formats.date_range("2026-01-02", "2026-12-31", locale="id") == (
        "02-01-2026 \u2013 31-12-2026"
    )
    assert formats.date_short("2026-12-03T20:05:00+00:00", locale="id") == "04-12-2026"


def test_month_names_for_a_selector_are_the_locales() -> None:
    assert formats.month_names("id")[0] == "Januari" and formats.month_names("id")[11] == "Desember"
    assert formats.month_names("en")[11] == "December" and len(formats.month_names("en")) == 12


def test_text_among_numbers_is_shown_as_it_is() -> None:
    # a summary's columns hold group names beside figures; a template never fails on them
    assert formats.number("Puskesmas Padang Bulan") == "Puskesmas Padang Bulan"
    assert formats.percent("n/a", locale="en") == "n/a"
    assert formats.money("gratis") == "gratis"
    assert formats.number(True) == "True" and formats.number(float("nan")) == "nan"


# --- the rule, held: no template formats a date or a number by hand --------------------------
TEMPLATES = [
    *sorted((ROOT / "platform/kinerja/web/templates").rglob("*.html")),
    *sorted((ROOT / "plugins").rglob("templates/**/*.html")),
]
BY_HAND = {
    "strftime": re.compile(r"strftime\("),
    "isoformat": re.compile(r"isoformat"),
    "printf-style number": re.compile(r"""["']%[-+ 0#]*\d*(\.\d+)?[dfeg]["']\s*\|\s*format"""),
    "format() of a number": re.compile(r"""["']\{:[^}]*[df%]\}["']\.format"""),
    "a percent sign glued on": re.compile(r"""~\s*["']\s*%\s*["']"""),
    "a Decimal's raw text": re.compile(r"\.normalize\(\)\s*(\||\}\})"),
}


def test_the_scan_sees_the_core_and_plugin_templates() -> None:
    names = {p.name for p in TEMPLATES}
    assert "base.html" in names and "coverage.html" in names


def test_the_scan_catches_each_kind_of_hand_formatting() -> None:
    samples = [
        '{{ d.strftime("%d-%m-%Y") }}',
        "{{ d.isoformat() }}",
        '{{ "%.1f"|format(x) }}',
        "{{ '{:.2f}'.format(x) }}",
        '{{ x|string ~ "%" }}',
        "{{ q.normalize() }}",
    ]
    for sample in samples:
        assert any(rule.search(sample) for rule in BY_HAND.values()), sample
    assert not any(rule.search("{{ x|percent }} {{ d|date }}") for rule in BY_HAND.values())


def test_no_template_formats_a_date_or_a_number_by_hand() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {what}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for what, rule in BY_HAND.items()
        if rule.search(line)
    ]
    assert not found, "format through kinerja.presentation.formats filters:\n" + "\n".join(found)
