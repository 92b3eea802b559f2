"""The pure rules of the year's plan: the SKP workflow table, periods, the cascade matrix and the
diff between versions. No database, no Flask."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from kinerja.performance import behaviour, matrix, periods, versions, workflow
from kinerja.performance.workflow import (
    APPROVE,
    APPROVED,
    DRAFT,
    OWNER,
    RATER,
    REJECT,
    REJECTED,
    REVISE,
    SUBMIT,
    SUBMITTED,
    WITHDRAW,
)

ALL_MET = {need: True for need in workflow.UNMET}


# --- the workflow, every (state, action) pair ---------------------------------------------------
# (state, action) -> (next state, who may take it); anything not listed is refused as "state".
EXPECTED = {
    (DRAFT, SUBMIT): (SUBMITTED, OWNER),
    (REJECTED, SUBMIT): (SUBMITTED, OWNER),
    (SUBMITTED, WITHDRAW): (DRAFT, OWNER),
    (SUBMITTED, APPROVE): (APPROVED, RATER),
    (SUBMITTED, REJECT): (REJECTED, RATER),
    (APPROVED, REVISE): (DRAFT, OWNER),
}


@pytest.mark.parametrize(
    ("state", "action"), list(itertools.product(workflow.STATES, workflow.ACTIONS))
)
def test_every_state_and_action(state: str, action: str) -> None:
    for roles in (frozenset({OWNER}), frozenset({RATER}), frozenset({OWNER, RATER}), frozenset()):
        outcome = workflow.decide(state, action, roles, ALL_MET)
        if (state, action) not in EXPECTED:
            assert outcome.refusal == "state" and outcome.to is None
            continue
        to, who = EXPECTED[(state, action)]
        if who in roles:
            assert outcome.allowed and outcome.to == to
        else:
            assert outcome.refusal == "who"


@pytest.mark.parametrize(
    ("state", "action", "missing"),
    [
        (DRAFT, SUBMIT, workflow.HAS_UTAMA),
        (DRAFT, SUBMIT, workflow.EVERY_RHK_HAS_IKI),
        (DRAFT, SUBMIT, workflow.UTAMA_LINKED),
        (DRAFT, SUBMIT, workflow.NO_PROPOSALS),
        (REJECTED, SUBMIT, workflow.NO_PROPOSALS),
        (DRAFT, SUBMIT, workflow.YEAR_OPEN),
        (SUBMITTED, APPROVE, workflow.YEAR_OPEN),
        (SUBMITTED, REJECT, workflow.REASON),
        (APPROVED, REVISE, workflow.REASON),
        (APPROVED, REVISE, workflow.YEAR_OPEN),
    ],
)
def test_each_requirement_is_named_when_unmet(state: str, action: str, missing: str) -> None:
    roles = frozenset({OWNER, RATER})
    outcome = workflow.decide(state, action, roles, {**ALL_MET, missing: False})
    assert outcome.refusal == missing
    assert missing in workflow.UNMET  # and it has words for people


def test_a_step_that_needs_nothing_ignores_missing_facts() -> None:
    assert workflow.decide(SUBMITTED, APPROVE, frozenset({RATER}), {workflow.YEAR_OPEN: True}).to
    assert not workflow.decide(SUBMITTED, APPROVE, frozenset({RATER}), {}).allowed  # fail closed


def test_available_actions_follow_the_table() -> None:
    assert workflow.available(SUBMITTED, frozenset({RATER})) == [APPROVE, REJECT]
    assert workflow.available(SUBMITTED, frozenset({OWNER})) == [WITHDRAW]
    assert workflow.available(APPROVED, frozenset({RATER})) == []
    assert {DRAFT, REJECTED} == workflow.EDITABLE


# --- periods -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("frequency", "count"), [("monthly", 12), ("quarterly", 4), ("semester", 2)]
)
def test_a_calendar_year_splits_into_whole_periods(frequency: str, count: int) -> None:
    found = periods.split(date(2027, 1, 1), date(2027, 12, 31), frequency)
    assert len(found) == count
    assert found[0].starts == date(2027, 1, 1) and found[-1].ends == date(2027, 12, 31)
    for before, after in itertools.pairwise(found):
        assert (after.starts - before.ends).days == 1  # no gap, no overlap
    assert [p.number for p in found] == list(range(1, count + 1))


def test_a_year_that_is_not_whole_periods_ends_with_a_short_one() -> None:
    found = periods.split(date(2026, 3, 31), date(2026, 12, 31), "quarterly")
    assert [(p.starts, p.ends) for p in found] == [
        (date(2026, 3, 31), date(2026, 6, 29)),
        (date(2026, 6, 30), date(2026, 9, 29)),
        (date(2026, 9, 30), date(2026, 12, 30)),
        (date(2026, 12, 31), date(2026, 12, 31)),
    ]
    assert periods.containing(found, date(2026, 7, 1)) == found[1]
    assert periods.containing(found, date(2027, 1, 1)) is None


def test_bad_frequencies_and_dates_are_refused() -> None:
    with pytest.raises(ValueError):
        periods.split(date(2026, 1, 1), date(2026, 12, 31), "weekly")
    with pytest.raises(ValueError):
        periods.split(date(2026, 12, 31), date(2026, 1, 1), "monthly")


# --- the cascade ---------------------------------------------------------------------------------
def _row(rid: int, emp: int, parent: int | None = None, target: int | None = None, kind="utama"):
    return matrix.Row(rid, emp, f"E{emp}", "approved", kind, f"R{rid}", parent, target)


def test_the_matrix_hangs_results_under_their_source_and_flags_the_gaps() -> None:
    rows = [
        _row(1, 100, target=9),  # the head, from the agency's target
        _row(2, 100, target=9),  # another of the head's: nobody cascades from it
        _row(3, 200, parent=1),  # a kepala bidang, from the head's first
        _row(4, 300, parent=3),  # staff
        _row(5, 300),  # staff, linked to nothing
        _row(6, 300, kind="tambahan"),  # an additional result needs no link
        _row(7, 400, parent=77),  # its source is outside this view
    ]
    roots, unlinked = matrix.build([(9, "SS1")], rows, leaders={100, 200})
    target = roots[0]
    assert target.kind == "target" and [c.id for c in target.children] == [1, 2]
    assert [c.id for c in target.children[0].children] == [3]
    assert [c.id for c in target.children[0].children[0].children] == [4]
    assert [n.id for n in roots[1:]] == [7]
    assert [n.id for n in unlinked] == [5]
    flags = {d[1].id: d[1].flags for d in matrix.flatten(roots)}
    assert flags[2] == {matrix.NOT_INTERVENED}
    assert flags[1] == set() and flags[3] == set() and flags[4] == set()  # 300 leads no one
    assert unlinked[0].flags == {matrix.INTERVENES_NOTHING}
    assert [depth for depth, _ in matrix.flatten(roots)][:4] == [0, 1, 2, 3]


# --- versions ------------------------------------------------------------------------------------
def _content(**changes):
    base = {
        "header": {"employee": {"name": "A"}},
        "approach": "kuantitatif",
        "rhk": [
            {"id": 1, "kind": "utama", "text": "R1", "iki": [{"id": 10, "text": "I", "unit": "x"}]},
            {"id": 2, "kind": "utama", "text": "R2", "iki": []},
        ],
        "expectations": {},
        "lampiran": {"dukungan": "Anggaran"},
    }
    return base | changes


def test_the_diff_names_every_change_and_nothing_else() -> None:
    before = _content()
    assert versions.diff(before, _content()) == []
    after = _content(
        rhk=[
            {"id": 1, "kind": "utama", "text": "R1 baru", "iki": [{"id": 11, "text": "J"}]},
            {"id": 3, "kind": "tambahan", "text": "R3", "iki": []},
        ],
        expectations={"akuntabel": "Tepat waktu"},
        lampiran={"dukungan": "Anggaran", "skema": "Laporan bulanan"},
    )
    found = {(c.section, c.field, c.before, c.after) for c in versions.diff(before, after)}
    assert found == {
        ("rhk", "text", "R1", "R1 baru"),
        ("iki", None, "I", None),
        ("iki", None, None, "J"),
        ("rhk", None, "R2", None),
        ("rhk", None, None, "R3"),
        ("perilaku", "akuntabel", None, "Tepat waktu"),
        ("lampiran", "skema", None, "Laporan bulanan"),
    }


def test_berakhlak_comes_from_data_with_three_indicators_each() -> None:
    values = behaviour.values()
    assert len(values) == 7 and len(behaviour.codes()) == 7
    assert all(len(v.indicators) == 3 and v.name and v.name_en for v in values)
