"""Notifications read once per subject, and a cut text ends at a word: the pure functions, the
demo's notifications (two assessment campaigns, several evaluations of one person) and the page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from kinerja.notifications.folding import ELLIPSIS, fold, ids_of, shorten
from tests.support import sign_in


@pytest.mark.parametrize(
    "text",
    [
        "Rencana pelatihan petugas imunisasi puskesmas Medan Johor dan Medan Amplas tahun depan",
        "Evaluasi triwulan: capaian cakupan imunisasi dasar lengkap di bawah target nasional",
        "Satu-kata-yang-sangat-panjang-sekali-tanpa-spasi-sama-sekali-di-dalamnya-berulang",
    ],
)
@pytest.mark.parametrize("limit", [20, 33, 60])
def test_a_long_text_is_cut_at_a_word_with_an_ellipsis(text: str, limit: int) -> None:
    short = shorten(text, limit)
    assert len(short) <= limit and short.endswith(ELLIPSIS)
    kept = short.removesuffix(ELLIPSIS)
    assert text.startswith(kept)
    if " " in text[:limit]:  # the cut falls between words: what follows is no letter
        assert not text[len(kept)].isalnum(), kept
    else:  # one word longer than the room: nothing else to do but cut it
        assert text.startswith(kept)


def test_a_text_that_fits_is_left_whole() -> None:
    assert shorten("Rapat  koordinasi", 60) == "Rapat koordinasi"
    assert shorten("x" * 60, 60) == "x" * 60


@dataclass
class _N:
    id: int
    kind: str
    params: dict[str, Any]
    repeats: int = 1
    read_at: Any = None


def test_the_same_subject_is_one_line_with_its_count_and_the_newest_first() -> None:
    newest_first = [
        _N(9, "evaluation_to_rate", {"name": "Staf"}),
        _N(8, "skp_waiting", {"name": "Staf"}),
        _N(7, "evaluation_to_rate", {"name": "Staf"}, repeats=2, read_at="read"),
        _N(6, "evaluation_to_rate", {"name": "Rekan"}),
    ]
    lines = fold(newest_first, lambda n: f"{n.kind} {n.params['name']}")
    assert [line.ids for line in lines] == [(9, 7), (8,), (6,)]
    assert lines[0].latest.id == 9 and lines[0].times == 3  # 1 + the second one's 2
    assert lines[0].unread and lines[2].times == 1


def test_only_whole_numbers_are_ids() -> None:
    assert ids_of(["3", " 4", "x", "-1", "0", "5.5", str(2**63)]) == [3, 4]


def test_the_demo_tells_each_rater_of_its_campaigns_once_and_the_page_folds(
    app, people, tenants
) -> None:
    from kinerja import demo
    from kinerja.db import db
    from kinerja.notifications.models import Notification

    demo.load()  # it opens two assessment campaigns and leaves evaluations of one person waiting
    with db.unit_of_work(tenants.a) as session:
        per_rater = session.execute(
            select(Notification.employee_id, func.count())
            .where(Notification.kind == "assessment_task")
            .group_by(Notification.employee_id)
        ).all()
        assert per_rater and all(n == 1 for _, n in per_rater), per_rater
        subjects = session.execute(
            select(Notification.employee_id, Notification.kind, Notification.params["name"])
            .where(Notification.kind == "evaluation_to_rate")
            .where(Notification.employee_id == people.superior)
        ).all()
    told = len(subjects)
    alike = len(set(subjects))
    assert told > alike  # the same person's evaluations, several periods: the same line
    client = app.test_client()
    sign_in(client, "boss")
    html = client.get("/t/dinkes/notifications").get_data(as_text=True)
    lines = re.findall(r"<strong>([^<]*)</strong>", html)
    assert len(lines) == len(set(lines)), lines  # every subject once
    assert 'data-times="' in html and re.search("\u00d7\\d", html)  # the count: "x2"
    # Marking the folded line read marks every notification behind it.
    form = re.search(
        r'<form method="post" action="/t/dinkes/notifications/read" class="kj-row kj-unread" data-times="(\d+)">(.*?)</form>',
        html,
        re.S,
    )
    assert form is not None
    ids = re.findall(r'name="id" value="(\d+)"', form.group(2))
    assert len(ids) >= 1
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token is not None
    client.post(
        "/t/dinkes/notifications/read",
        data={"csrf_token": token.group(1), "id": ids, "link": ""},
    )
    with db.unit_of_work(tenants.a) as session:
        still = session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.id.in_([int(i) for i in ids]), Notification.read_at.is_(None))
        )
    assert still == 0
