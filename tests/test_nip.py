"""NIP and NI PPPK validation, table-driven from domain.md: each invalid case names its rule."""

from __future__ import annotations

from datetime import date

import pytest

from kinerja.people import nip

VALID = [
    # value, kind, birth, tmt_year, tmt_month, gender
    ("198609262015051001", "PNS", date(1986, 9, 26), 2015, 5, 1),  # domain.md's example
    ("199912312024012002", "PNS", date(1999, 12, 31), 2024, 1, 2),
    ("200002292023102999", "PNS", date(2000, 2, 29), 2023, 10, 2),  # leap day
    ("197001011990121001", "PNS", date(1970, 1, 1), 1990, 12, 1),
    ("199003152023211001", "PPPK", date(1990, 3, 15), 2023, None, 1),
    ("198512012024292123", "PPPK", date(1985, 12, 1), 2024, None, 2),
]

INVALID = [
    ("19860926201505100", "length"),
    ("1986092620150510011", "length"),
    ("", "length"),
    ("19860926201505100A", "digits"),
    ("1986-09-26-2015051", "digits"),
    ("198613262015051001", "birth_date"),  # month 13
    ("198602302015051001", "birth_date"),  # 30 February
    ("190002292015051001", "birth_date"),  # 1900 was not a leap year
    ("180001012015051001", "birth_date"),  # before 1900
    ("198609262015131001", "tmt_date"),  # TMT month 13
    ("198609262015001001", "tmt_date"),  # TMT month 00
    ("198609262015053001", "gender"),
    ("198609262015050001", "gender"),
    ("198609261985051001", "tmt_before_birth"),
    ("198609261986091001", "tmt_before_birth"),  # TMT in the birth month
    ("199003152023201001", "pppk_kind"),
    ("199003151989211001", "tmt_before_birth"),  # PPPK hired before birth year
    ("199003152023213001", "gender"),
    ("199003151899211001", "tmt_year"),
]


@pytest.mark.parametrize(("value", "kind", "birth", "tmt_year", "tmt_month", "gender"), VALID)
def test_valid_numbers_decompose(value, kind, birth, tmt_year, tmt_month, gender) -> None:
    parsed = nip.parse(value)
    assert (parsed.kind, parsed.birth_date, parsed.tmt_year, parsed.tmt_month, parsed.gender) == (
        kind,
        birth,
        tmt_year,
        tmt_month,
        gender,
    )
    assert nip.check(value) is None


@pytest.mark.parametrize(("value", "rule"), INVALID)
def test_invalid_numbers_name_the_failed_rule(value: str, rule: str) -> None:
    with pytest.raises(nip.NipError) as info:
        nip.parse(value)
    assert info.value.rule == rule
    assert nip.RULES[rule] in str(info.value)
    assert nip.check(value) == rule


def test_every_rule_is_exercised() -> None:
    assert {rule for _, rule in INVALID} == set(nip.RULES)


def test_surrounding_spaces_are_tolerated() -> None:
    assert nip.parse(" 198609262015051001 ").value == "198609262015051001"
