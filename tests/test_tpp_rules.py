"""The TPP rules (`kinerja.rules.tpp`) against their tables, computed independently here."""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal

import pytest

from kinerja import rules
from kinerja.rules import disiplin_percent, kinerja_percent, tpp
from tests.test_rules import _table

TIERS = {1: Decimal("0.5"), 2: Decimal(1), 3: Decimal("1.25"), 4: Decimal("1.5")}


@pytest.mark.parametrize("kind", ["terlambat", "pulang_cepat"])
@pytest.mark.parametrize("tier", [1, 2, 3, 4])
@pytest.mark.parametrize("times", [0, 1, 7])
def test_each_lateness_tier_deducts_its_points_per_occurrence(kind, tier, times) -> None:
    assert disiplin_percent({f"{kind}_{tier}": times}) == 100 - TIERS[tier] * times


def test_days_without_a_reason_cost_three_points_each_and_events_add_up() -> None:
    events = {"tanpa_keterangan": 2, "terlambat_3": 2, "pulang_cepat_1": 1}
    assert disiplin_percent(events) == Decimal(100) - 6 - Decimal("2.5") - Decimal("0.5")
    assert disiplin_percent({}) == 100


def test_discipline_never_falls_below_zero() -> None:
    assert disiplin_percent({"tanpa_keterangan": 34}) == 0
    assert disiplin_percent({"tanpa_keterangan": 33, "terlambat_4": 1}) == 0
    assert disiplin_percent({"tanpa_keterangan": 33}) == 1


@pytest.mark.parametrize("bad", ["alpha", "TERLAMBAT_1", "terlambat_5", ""])
def test_an_unknown_event_raises_naming_it(bad) -> None:
    with pytest.raises(ValueError, match=repr(bad)):
        disiplin_percent({"terlambat_1": 1, bad: 1})


@pytest.mark.parametrize("count", [-1, 1.5, "2", None, True])
def test_a_count_must_be_a_whole_number(count) -> None:
    with pytest.raises(ValueError):
        disiplin_percent({"terlambat_1": count})  # type: ignore[dict-item]


PERCENT = {
    "SANGAT_BAIK": 100,
    "BAIK": 100,
    "BUTUH_PERBAIKAN": 75,
    "KURANG": 50,
    "SANGAT_KURANG": 25,
}


@pytest.mark.parametrize("predikat", list(PERCENT))
@pytest.mark.parametrize("compliance", ["0", "0.4", "0.79", "0.8", "0.95", "1"])
def test_kinerja_is_the_predikats_percent_scaled_by_compliance_up_to_the_required_share(
    predikat, compliance
) -> None:
    share = Decimal(compliance)
    expected = PERCENT[predikat] * min(Decimal(1), share / Decimal("0.8"))
    assert kinerja_percent(predikat, share) == expected


def test_the_required_share_is_a_parameter() -> None:
    assert kinerja_percent("BAIK", Decimal("0.45"), Decimal("0.9")) == 50
    assert kinerja_percent("KURANG", Decimal("0.6"), required=Decimal("0.6")) == 50


@pytest.mark.parametrize(
    "args",
    [
        ("BAGUS", Decimal("0.5")),
        ("baik", Decimal("0.5")),
        ("BAIK", Decimal("1.2")),
        ("BAIK", Decimal("-0.1")),
        ("BAIK", Decimal("0.5"), Decimal(0)),
        ("BAIK", Decimal("0.5"), Decimal("1.5")),
        ("BAIK", "lots"),
    ],
)
def test_kinerja_refuses_unknown_predikat_and_shares_out_of_range(args) -> None:
    with pytest.raises(ValueError):
        kinerja_percent(*args)


@pytest.mark.parametrize(
    ("base", "kinerja", "disiplin", "weights"),
    [
        (5_000_000, Decimal("87.5"), Decimal("92.5"), (60, 40)),
        (3_333_333, Decimal("62.5"), Decimal("97"), (60, 40)),
        (1_000_001, Decimal("50"), Decimal("50"), (70, 30)),
        (7_250_000, Decimal(100), Decimal(0), (100, 0)),
        (0, Decimal(100), Decimal(100), (60, 40)),
    ],
)
def test_tpp_weighs_the_two_components_and_rounds_half_up_to_a_rupiah(
    base, kinerja, disiplin, weights
) -> None:
    exact = Decimal(base) * (weights[0] * kinerja + weights[1] * disiplin) / 10000
    assert tpp(base, kinerja, disiplin, weights) == int(exact.quantize(1, ROUND_HALF_UP))


def test_half_a_rupiah_rounds_up() -> None:
    # 100 * (100 * 0.5) / 10000 = 0.5 rupiah exactly; 0.49 gives 0.49
    assert tpp(100, Decimal("0.5"), Decimal(0), (100, 0)) == 1
    assert tpp(100, Decimal("0.49"), Decimal(0), (100, 0)) == 0


@pytest.mark.parametrize(
    "args",
    [
        (1000, Decimal(50), Decimal(50), (60, 30)),
        (1000, Decimal(50), Decimal(50), (60, 40, 0)),
        (1000, Decimal(50), Decimal(50), (110, -10)),
        (-1, Decimal(50), Decimal(50), (60, 40)),
        (1000, Decimal(101), Decimal(50), (60, 40)),
        (1000, Decimal(50), Decimal(-1), (60, 40)),
    ],
)
def test_tpp_refuses_weights_not_adding_to_100_and_values_out_of_range(args) -> None:
    with pytest.raises(ValueError):
        tpp(*args)


def test_a_whole_month_combines_the_three_rules() -> None:
    disiplin = disiplin_percent({"terlambat_1": 2, "pulang_cepat_2": 1})  # 98
    kinerja = kinerja_percent("BUTUH_PERBAIKAN", Decimal("0.6"))  # 75 * 0.75 = 56.25
    assert (disiplin, kinerja) == (98, Decimal("56.25"))
    assert tpp(4_000_000, kinerja, disiplin) == 4_000_000 * (60 * 5625 + 40 * 9800) // 1_000_000


def test_the_tables_are_the_documented_ones_and_can_be_overridden() -> None:
    documented = {event: Decimal(d) for event, d in _table("### `disiplin_percent(")}
    assert documented == dict(rules.DISIPLIN_DEDUCTIONS)
    assert {p: Decimal(v) for p, v in _table("### `kinerja_percent(")} == dict(
        rules.KINERJA_PERCENT
    )
    for event, tier in itertools.product(["terlambat", "pulang_cepat"], TIERS):
        assert rules.DISIPLIN_DEDUCTIONS[f"{event}_{tier}"] == TIERS[tier]
    assert disiplin_percent({"apel": 2}, {"apel": Decimal(2)}) == 96
    assert kinerja_percent("BAIK", Decimal(1), percents={"BAIK": Decimal(90)}) == 90


@pytest.mark.parametrize("name", ["disiplin_percent", "kinerja_percent", "tpp"])
def test_each_rule_is_documented_with_its_signature(name) -> None:
    from tests.test_rules import test_every_function_is_documented_with_its_signature

    test_every_function_is_documented_with_its_signature(name)


@pytest.mark.parametrize(
    ("base", "kinerja", "disiplin", "weights"),
    [
        (4_250_000, Decimal(100), Decimal("98.5"), (60, 40)),
        (3_333_333, Decimal("37.5"), Decimal("66.75"), (60, 40)),
        (1_000_001, Decimal(75), Decimal(0), (70, 30)),
        (7, Decimal("12.5"), Decimal("33.3"), (50, 50)),
        (0, Decimal(100), Decimal(100), (60, 40)),
    ],
)
def test_the_two_parts_add_up_to_the_total_paid(
    base: int, kinerja: Decimal, disiplin: Decimal, weights: tuple[int, int]
) -> None:
    total = rules.tpp(base, kinerja, disiplin, weights)
    part_kinerja, part_disiplin = rules.tpp_parts(base, weights[0], kinerja, total)
    assert part_kinerja + part_disiplin == total
    exact = Decimal(base) * weights[0] * kinerja / 10000
    assert abs(part_kinerja - exact) <= Decimal("0.5")  # the kinerja part rounded, not cut
    assert part_disiplin >= 0
