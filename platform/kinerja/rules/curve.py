"""The distribution curve: how an agency's predikat distribution may look given its own
achievement (SE MenPANRB 3/2023; domain.md [S]). Each condition is data: a share of the
employees (some predikat together) at least or at most a percentage, or a group that must be
the largest, or must be present."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kinerja.rules.performance import (
    BAIK,
    BUTUH_PERBAIKAN,
    KURANG,
    PREDIKAT,
    SANGAT_BAIK,
    SANGAT_KURANG,
    check,
)

ISTIMEWA = "ISTIMEWA"
ORGANISATION_LEVELS = (ISTIMEWA, BAIK, BUTUH_PERBAIKAN, KURANG, SANGAT_KURANG)
LABELS = {
    SANGAT_BAIK: "Sangat Baik",
    BAIK: "Baik",
    BUTUH_PERBAIKAN: "Butuh Perbaikan",
    KURANG: "Kurang/Misconduct",
    SANGAT_KURANG: "Sangat Kurang",
}


@dataclass(frozen=True)
class Condition:
    kind: str  # "at_most", "at_least" (percent of all), "largest", "present"
    group: tuple[str, ...]  # the predikat counted together
    percent: Decimal = Decimal(0)


def at_most(percent: int, *group: str) -> Condition:
    return Condition("at_most", group, Decimal(percent))


def at_least(percent: int, *group: str) -> Condition:
    return Condition("at_least", group, Decimal(percent))


def largest(code: str) -> Condition:
    return Condition("largest", (code,))


def present(*group: str) -> Condition:
    return Condition("present", group)


# The organisation's achievement -> the conditions its employees' predikat must meet [S]
CURVES: Mapping[str, Sequence[Condition]] = {
    ISTIMEWA: (largest(SANGAT_BAIK), at_most(70, SANGAT_BAIK)),
    BAIK: (largest(BAIK), at_most(70, BAIK), present(BUTUH_PERBAIKAN, KURANG)),
    BUTUH_PERBAIKAN: (at_least(60, BUTUH_PERBAIKAN), at_most(10, SANGAT_BAIK)),
    KURANG: (at_least(60, KURANG), at_least(10, BUTUH_PERBAIKAN), at_most(10, SANGAT_BAIK)),
    SANGAT_KURANG: (
        at_least(60, SANGAT_KURANG),
        at_least(10, KURANG, BUTUH_PERBAIKAN),
        at_most(0, SANGAT_BAIK),
    ),
}


# The words of each kind of broken condition (English; callers may pass their language's).
MESSAGES: Mapping[str, str] = {
    "at_most": "{names} is {share} of {total} employees; allowed: at most {percent}%",
    "none": "{names} is {share} of {total} employees; allowed: none",
    "at_least": "{names} is {share} of {total} employees; needed: at least {percent}%",
    "present": "there must be some {names}",
    "largest": "{name} ({count}) must be the largest group, but {others}",
    "has": "{name} has {count}",
    "or": " and/or ",
}


def _names(group: tuple[str, ...], joiner: str = " + ") -> str:
    return joiner.join(LABELS.get(code, code) for code in group)


def _broken(
    condition: Condition, counts: Mapping[str, int], total: int, words: Mapping[str, str]
) -> str | None:
    share = Decimal(sum(counts.get(code, 0) for code in condition.group)) * 100 / total
    facts = {
        "names": _names(condition.group),
        "share": f"{share.quantize(Decimal('0.1'))}%",
        "total": total,
        "percent": condition.percent,
    }
    if condition.kind == "at_most" and share > condition.percent:
        return words["none" if condition.percent == 0 else "at_most"].format(**facts)
    if condition.kind == "at_least" and share < condition.percent:
        return words["at_least"].format(**facts)
    if condition.kind == "present" and share == 0:
        return words["present"].format(names=_names(condition.group, words["or"]))
    if condition.kind == "largest":
        code = condition.group[0]
        mine = counts.get(code, 0)
        bigger = [c for c in PREDIKAT if c != code and counts.get(c, 0) >= mine]
        if bigger:
            others = ", ".join(
                words["has"].format(name=LABELS[c], count=counts.get(c, 0)) for c in bigger
            )
            return words["largest"].format(name=LABELS[code], count=mine, others=others)
    return None


def curve_violations(
    organisation: str,
    counts: Mapping[str, int],
    curves: Mapping[str, Sequence[Condition]] | None = None,
    messages: Mapping[str, str] | None = None,
) -> list[str]:
    """One readable message per condition the distribution `counts` (predikat -> number of
    employees) breaks under the organisation's achievement; empty when it fits (and when no
    one is counted). "The largest group" means strictly larger than every other group.
    `messages` gives the words in another language (the keys and fields of `MESSAGES`)."""
    words = {**MESSAGES, **(messages or {})}
    table = CURVES if curves is None else curves
    check(organisation, table, "organisational achievement")
    for code, number in counts.items():
        check(code, PREDIKAT, "predikat")
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise ValueError(f"count of {code} must be a whole number of at least 0: {number!r}")
    total = sum(counts.values())
    if total == 0:
        return []
    found = (_broken(condition, counts, total, words) for condition in table[organisation])
    return [message for message in found if message]
