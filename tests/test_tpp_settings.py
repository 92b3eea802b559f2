"""The city's TPP data and the inputs' choices: the tables checked before any is kept, a change
of table reaching the next computation, a code the table no longer has refused by name, the
working days of the current month only up to Medan's today, the predikat's evaluation chosen
(covering, else the latest approved)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kinerja.db import db
from kinerja.exceptions import Conflict, Invalid, InvalidFields
from kinerja.performance.evaluation.models import Evaluation
from kinerja.tpp import attendance, compute, service, settings
from tests.support import People
from tests.tpp_support import MONTH, YEAR, set_up

STAFF_NIP = "198609262015051001"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weights": [70, 40]}, "weights"),
        ({"weights": [True, 99]}, "weights"),
        ({"required_compliance": "0"}, "required_compliance"),
        ({"required_compliance": 1.5}, "required_compliance"),
        ({"kinerja_percent": {"BAIK": "100"}}, "kinerja_percent"),
        ({"deductions": {"Terlambat": "1"}}, "deductions.Terlambat"),
        ({"deductions": {"terlambat_1": "-1"}}, "deductions.terlambat_1"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_bad_table_is_refused_naming_its_field(app, changes, field) -> None:
    with pytest.raises(Invalid) as refused, db.unit_of_work() as session:
        settings.put_tables(session, changes, None)
    assert refused.value.field == field
    with db.unit_of_work() as session:  # nothing kept
        assert settings.tables(session) == settings.DEFAULTS


def test_the_citys_table_reaches_the_next_computation(app, people: People, tenants) -> None:
    set_up(tenants, people)
    with db.unit_of_work(tenants.a) as session:
        attendance.record(
            session,
            [{"nip": STAFF_NIP, "date": f"{YEAR}-{MONTH:02d}-01", "code": "terlambat_1"}],
            "import",
            None,
        )
        first = service.compute(session, YEAR, MONTH)
        assert service.line_of(session, first.id, people.staff).disiplin_pct == Decimal("99.5")
    with db.unit_of_work() as session:
        settings.put_tables(
            session, {"deductions": {"terlambat_1": "2", "alpa": "5"}, "weights": [50, 50]}, None
        )
    with db.unit_of_work(tenants.a) as session:
        found = service.compute(session, YEAR, MONTH)
        line = service.line_of(session, found.id, people.staff)
        assert line.disiplin_pct == 98 and line.deductions == {"terlambat_1": "2"}
        assert (line.weight_kinerja, line.weight_disiplin) == (50, 50)
    with db.unit_of_work() as session:  # the city drops the code the agency's events use
        settings.put_tables(session, {"deductions": {"alpa": "5"}}, None)
    with pytest.raises(Conflict, match="terlambat_1"), db.unit_of_work(tenants.a) as session:
        service.compute(session, YEAR, MONTH)
    with pytest.raises(InvalidFields) as refused, db.unit_of_work(tenants.a) as session:
        attendance.record(
            session,
            [{"nip": STAFF_NIP, "date": f"{YEAR}-{MONTH:02d}-02", "code": "terlambat_1"}],
            "api",
            None,
        )
    assert list(refused.value.errors) == ["events.0.code"]


def test_the_current_month_counts_working_days_up_to_today() -> None:
    # 2026-12: the 1st is a Tuesday; by Friday the 4th, four working days have passed
    assert compute.working_days(2026, 12, date(2026, 12, 4)) == [
        date(2026, 12, d) for d in (1, 2, 3, 4)
    ]
    whole = compute.working_days(2026, 11, date(2026, 12, 4))
    assert whole and all(d.weekday() < 5 for d in whole) and whole[-1] <= date(2026, 11, 30)


def test_the_latest_approved_evaluation_when_none_covers_the_month(
    app, people: People, tenants
) -> None:
    set_up(tenants, people)
    with db.unit_of_work(tenants.a) as session:
        covering = session.query(Evaluation).filter_by(employee_id=people.staff).one()
        covering.starts = date(YEAR - 1, 1, 1)
        covering.ends = date(YEAR - 1, 12, 31)
        covering.predikat = "KURANG"
        found = service.compute(session, YEAR, MONTH)
        line = service.line_of(session, found.id, people.staff)
        assert line.predikat == "KURANG" and line.predikat_source == "latest"
        assert line.evaluation_id == covering.id and line.predikat_percent == 50


def test_a_month_not_begun_is_refused(app, tenants) -> None:
    with pytest.raises(Invalid) as refused, db.unit_of_work(tenants.a) as session:
        service.compute(session, 2100, 12)
    assert refused.value.field == "month"
    with db.unit_of_work(tenants.a) as session:
        assert service.month_of(session, 99999, 1) is None
