"""The Dinas Kesehatan plugin, installed with pip and loaded from its entry point."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from kinerja.plugins.manager import Plugins


def test_it_is_installed_as_a_distribution_with_its_entry_point() -> None:
    names = {point.name for point in entry_points(group="kinerja.plugins")}
    assert "kinerja-dinkes" in names


def test_it_loads_through_the_allow_list_and_passes_the_start_up_checks() -> None:
    manager = Plugins.load("kinerja-dinkes", 2)
    assert "kinerja-dinkes" in manager.infos
    assert "kinerja-dinkes" not in Plugins.load("none", 2).infos


def test_it_adds_four_technical_competencies_with_five_levels() -> None:
    manager = Plugins.load("kinerja-dinkes", 2)
    found = dict(manager.call("kinerja_competencies", {"kinerja-dinkes"}))["kinerja-dinkes"]
    assert {c.code for c in found} == {"DK-SURV", "DK-IMUN", "DK-PROMKES", "DK-YANKES"}
    assert all(c.group == "teknis" and len(c.levels) == 5 for c in found)


@pytest.mark.parametrize(("value", "ok"), [(95, True), (0, False), (101, False), ("x", False)])
def test_its_settings_are_checked(value: object, ok: bool) -> None:
    from marshmallow import ValidationError

    from kinerja_dinkes import Settings

    if ok:
        assert Settings().load({"target_coverage": value}) == {"target_coverage": value}
    else:
        with pytest.raises(ValidationError):
            Settings().load({"target_coverage": value})


def row(antigen: str, puskesmas: str, sasaran: int, diimunisasi: int, kipi: int = 0):  # type: ignore[no-untyped-def]
    from datetime import date

    from kinerja.plugins.api import Submission

    values = {"antigen": antigen, "puskesmas": puskesmas, "sasaran": sasaran}
    values |= {"diimunisasi": diimunisasi, "kipi": kipi}
    return Submission(1, 1, "Staf", "Unit", date(2026, 11, 2), "approved", values)


def test_coverage_adds_up_per_antigen_and_puskesmas_against_the_target() -> None:
    from kinerja_dinkes import coverage

    rows = [
        row("BCG", "PB", 20, 19),
        row("BCG", "TL", 10, 10),
        row("HB0", "PB", 20, 12, kipi=1),
        row("IPV", "TL", 0, 0),
    ]
    antigens = {c.name: (c.percent, c.below) for c in coverage.by(rows, "antigen", 95)}
    assert antigens == {"BCG": (96.7, False), "HB0": (60.0, True), "IPV": (None, False)}
    places = {c.name: (c.percent, c.below) for c in coverage.by(rows, "puskesmas", 95)}
    assert places == {"PB": (77.5, True), "TL": (100.0, False)}
    assert coverage.year_lines(rows, 95) == (
        "4 laporan · 41 dari 50 sasaran diimunisasi (82%)",
        "KIPI dilaporkan: 1",
        "Target cakupan 95%: di bawah target",
    )
    assert coverage.year_lines(rows, 80)[2] == "Target cakupan 80%: target tercapai"


def test_its_immunisation_form_takes_its_target_from_the_setting() -> None:
    manager = Plugins.load("kinerja-dinkes", 2)
    [form] = dict(manager.call("kinerja_report_forms", {"kinerja-dinkes"}))["kinerja-dinkes"]
    assert [r.target_setting for r in form.ratios] == ["target_coverage"]
    assert manager.defaults["kinerja-dinkes"] == {"target_coverage": 95}


def test_the_puskesmas_is_a_choice_the_plugin_gives_per_agency() -> None:
    from kinerja_dinkes import IMMUNISATION, kinerja_field_choices

    [field] = [f for f in IMMUNISATION.fields if f.name == "puskesmas"]
    assert field.type == "choice" and field.live_choices and field.choices == ()
    assert kinerja_field_choices("another form") == {}  # only its own form's field


def test_reporting_counts_only_registered_puskesmas() -> None:
    """However many names the reports carry (a typo from before the field was a choice), no
    more puskesmas report than are registered: never 4 of 3."""
    from kinerja_dinkes import coverage

    registered = ["PB", "TL", "GS"]
    rows = [row("BCG", "PB", 10, 9), row("HB0", "PB", 5, 5), row("BCG", "Pkm PB", 4, 4)]
    rows.append(row("BCG", "TL", 3, 3))
    found = coverage.reporting(registered, rows)
    assert found.reported == ("PB", "TL") and found.silent == ("GS",)
    assert found.unregistered == ("Pkm PB",)
    assert len(found.reported) + len(found.silent) == len(registered)
    assert coverage.reporting([], rows).reported == ()


@pytest.mark.parametrize(
    ("chosen", "offered"),
    [
        (2026, [2026, 2025, 2024, 2023, 2022, 2021]),
        (2019, [2026, 2025, 2024, 2023, 2022, 2021, 2019]),
    ],
)
def test_the_year_selector_offers_recent_years_and_the_chosen_one(
    chosen: int, offered: list[int]
) -> None:
    from kinerja_dinkes import coverage

    assert coverage.years_offered(chosen, 2026) == offered


@pytest.mark.parametrize(
    ("raw", "year", "expected"),
    [
        ("2026-03", None, (2026, 3)),
        ("3", "2026", (2026, 3)),
        ("12", "2025", (2025, 12)),
        ("2026-03", "2020", (2026, 3)),  # a whole month wins over the year beside it
        ("13", "2026", None),
        ("abc", None, None),
        ("9999-12", None, None),  # no end of that month to query
        ("3", "x", None),
        (None, None, None),
        ("\u0662\u0660\u0662\u0666-\u0660\u0663", None, None),  # other scripts' digits: no guess
        ("9" * 5000 + "-01", None, None),  # int() of it would raise, not a 500
        ("2026-03-05", None, None),
    ],
)
def test_a_pages_month_and_year(raw: str | None, year: str | None, expected: object) -> None:
    from datetime import date

    from kinerja.plugins import api

    found = api.month(raw, year)
    assert found == (date(*expected, 1) if expected else api.clock.this_month())  # type: ignore[misc]
