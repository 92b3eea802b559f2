"""Medan's clock on its own: the zone from the setting, today/month/year across UTC midnight, the
day's boundaries, a bad zone stopping start-up, and the holidays data reaching next year. No
database, no Redis."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import Flask

from kinerja import clock, config
from kinerja.notifications import rounds
from kinerja.performance.log import rules

REQUIRED = {
    "KINERJA_DATABASE_URL": "postgresql://u@h/d",
    "KINERJA_REDIS_URL": "redis://h/0",
    "KINERJA_SECRET_KEY": "0123456789abcdef",
}


@pytest.fixture
def no_zone_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.ENV, raising=False)


def test_the_zone_is_medans_unless_the_setting_names_another(
    no_zone_setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert clock.zone() == ZoneInfo("Asia/Jakarta")
    monkeypatch.setenv(clock.ENV, "Asia/Makassar")
    assert clock.zone() == ZoneInfo("Asia/Makassar")


def test_inside_an_app_its_config_decides(no_zone_setting) -> None:
    app = Flask(__name__)
    app.config["TIMEZONE"] = ZoneInfo("UTC")
    with app.app_context():
        assert clock.zone() == ZoneInfo("UTC")
        app.config["TIMEZONE"] = "Asia/Jayapura"  # a name set after start-up works as well
        assert clock.zone() == ZoneInfo("Asia/Jayapura")
    assert clock.zone() == ZoneInfo("Asia/Jakarta")  # outside the app: the default again


def test_the_setting_is_read_at_start_up_and_defaults_to_asia_jakarta() -> None:
    assert config.load(REQUIRED)["TIMEZONE"] == ZoneInfo("Asia/Jakarta")
    loaded = config.load({**REQUIRED, "KINERJA_TIMEZONE": "Asia/Makassar"})
    assert loaded["TIMEZONE"] == ZoneInfo("Asia/Makassar")


@pytest.mark.parametrize("bad", ["Asia/Medan", "Asia", "../../etc/passwd", "WIB", "+07:00"])
def test_a_bad_zone_stops_start_up_naming_the_setting(bad: str) -> None:
    with pytest.raises(config.ConfigError) as caught:
        config.load({**REQUIRED, "KINERJA_TIMEZONE": bad})
    assert str(caught.value).startswith("KINERJA_TIMEZONE must be an IANA time zone name")
    assert repr(bad) in str(caught.value)


def test_a_bad_zone_outside_an_app_is_a_config_error_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV, "Mars/Olympus")
    with pytest.raises(config.ConfigError, match="KINERJA_TIMEZONE"):
        clock.today()


@pytest.mark.parametrize(
    ("utc", "day"),
    [
        (datetime(2026, 12, 31, 16, 59, 59, tzinfo=UTC), date(2026, 12, 31)),  # 23:59:59 WIB
        (datetime(2026, 12, 31, 17, 0, tzinfo=UTC), date(2027, 1, 1)),  # Medan's midnight
        (datetime(2026, 12, 31, 17, 30, tzinfo=UTC), date(2027, 1, 1)),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2027, 1, 1)),
        (datetime(2027, 1, 1, 16, 59, tzinfo=UTC), date(2027, 1, 1)),
    ],
)
def test_today_this_month_and_this_year_are_medans(no_zone_setting, utc, day) -> None:
    with time_machine.travel(utc, tick=False):
        assert clock.today() == day
        assert clock.this_month() == day.replace(day=1)
        assert clock.this_year() == day.year
        moment = clock.now()
        assert moment == utc and moment.tzinfo == ZoneInfo("Asia/Jakarta")
        assert moment.date() == day


def test_a_day_runs_from_medans_midnight_to_the_next(no_zone_setting) -> None:
    start, end = clock.day_start(date(2026, 11, 5)), clock.day_end(date(2026, 11, 5))
    assert start == datetime(2026, 11, 4, 17, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 5, 17, 0, tzinfo=UTC)
    assert clock.day_of(end) == date(2026, 11, 6)
    assert clock.day_of(datetime(2026, 11, 5, 16, 59, 59, tzinfo=UTC)) == date(2026, 11, 5)


def test_a_naive_moment_is_refused_not_guessed(no_zone_setting) -> None:
    with pytest.raises(ValueError, match="naive"):
        clock.local(datetime(2026, 11, 5, 12, 0))  # noqa: DTZ001 - the very thing refused


def test_the_digest_hour_and_its_day_are_medans(no_zone_setting) -> None:
    # 23:30 UTC on the 31st is 06:30 on New Year's Day in Medan.
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert rounds.local_today(late) == date(2027, 1, 1)
    assert rounds.due(late, 6) and not rounds.due(late, 7)


def test_a_daily_entry_for_medans_today_is_not_a_day_to_come(no_zone_setting) -> None:
    just_past_midnight = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 WIB on 1 January
    found = rules.timing(date(2027, 1, 1), just_past_midnight, rules.Policy())
    assert found.allowed and not found.late
    assert not rules.timing(date(2027, 1, 2), just_past_midnight, rules.Policy()).allowed


def test_the_holidays_cover_medans_next_year() -> None:
    """The deadline counts days off from this file: a year missing from it counts every holiday
    as a working day. Add the SKB 3 Menteri's days (holidays and cuti bersama) each year."""
    next_year = clock.this_year() + 1
    covered = {day for day in rules.holidays() if day.year == next_year}
    assert {date(next_year, 1, 1), date(next_year, 8, 17), date(next_year, 12, 25)} <= covered, (
        f"performance/log/holidays.json does not cover {next_year}"
    )
    assert len(covered) >= 15, f"holidays.json lists only {len(covered)} days of {next_year}"
