"""Talent demo data for Dinas Kesehatan: technical standards for the health positions, a
finished 360° campaign at the end of last year (the head and the kepala bidang have three
subordinates each, so their subordinates' ratings show; peers are two at most, so theirs stay
hidden), one assessment-centre result, and this year's campaign open with tasks waiting."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja.competency import campaigns, standards
from kinerja.competency.models import AssessmentCampaign, AssessmentRating, AssessmentTask
from kinerja.people.models import Employee, Position
from kinerja.plugins.types import Competency

# position name -> {technical competency code: required level}
TECHNICAL = {
    "Epidemiolog Kesehatan Ahli Pertama": {"DK-SURV": 2, "DK-IMUN": 2},
    "Kepala Seksi Surveilans dan Imunisasi": {"DK-SURV": 3, "DK-IMUN": 3},
    "Bidan Terampil": {"DK-IMUN": 2, "DK-YANKES": 2},
    "Kepala Bidang P2P": {"DK-SURV": 3},
}
LAST = "Asesmen Kompetensi 360° {year}"
NOW = "Asesmen Kompetensi 360° {year} (berjalan)"
ASSESSOR_NIP = "198205102008012007"  # the kepala seksi went to the province's assessment centre
COMMENTS = {
    "M4": "Target selalu dikejar sampai tuntas.",
    "M3": "Perlu lebih sering berbagi informasi ke tim.",
}


def _offset(*parts: object) -> int:
    """-1, 0 or +1, the same on every run (a hash, not random)."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return digest[0] % 3 - 1


def load(session: Session, today: date, dictionary: Mapping[str, Competency]) -> list[str]:
    if session.scalar(select(AssessmentCampaign.id).limit(1)) is not None:
        return ["talent: already there"]
    positions = {p.name: p for p in session.scalars(select(Position))}
    for name, levels in TECHNICAL.items():
        if name in positions:
            standards.set_standard(
                session,
                positions[name].id,
                {c: v for c, v in levels.items() if c in dictionary},
                dictionary,
            )
    finished = _campaign(session, LAST.format(year=today.year - 1), date(today.year - 1, 10, 1))
    tasks = campaigns.open_campaign(session, finished)
    people = {e.id: e for e in session.scalars(select(Employee))}
    answered = datetime(today.year - 1, 11, 20, tzinfo=UTC)
    for task in session.scalars(
        select(AssessmentTask).where(AssessmentTask.campaign_id == finished.id)
    ):
        _rate(session, task, people, dictionary, answered)
    assessor = next((e for e in people.values() if e.nip == ASSESSOR_NIP), None)
    if assessor is not None and "DK-IMUN" in dictionary:
        session.add(
            AssessmentRating(
                campaign_id=finished.id,
                subject_id=assessor.id,
                source="assessor",
                code="DK-IMUN",
                level=4,
            )
        )
    campaigns.close_campaign(session, finished)
    current = _campaign(session, NOW.format(year=today.year), date(today.year, today.month, 1))
    campaigns.open_campaign(session, current)
    return [
        f"talent: standards for {len(TECHNICAL)} positions, campaign of {today.year - 1} "
        f"finished ({tasks} ratings), campaign of {today.year} open"
    ]


def _campaign(session: Session, name: str, starts: date) -> AssessmentCampaign:
    return campaigns.create(
        session,
        {
            "name": name,
            "starts": starts.isoformat(),
            "ends": date(starts.year, 12, 15).isoformat(),
        },
        {},
        None,
    )


def _rate(
    session: Session,
    task: AssessmentTask,
    people: Mapping[int, Employee],
    dictionary: Mapping[str, Competency],
    answered: datetime,
) -> None:
    required = campaigns.required_of(session, [task.subject_id], dictionary).get(
        task.subject_id, {}
    )
    subject = people[task.subject_id]
    raw = {}
    for code, level in required.items():
        given = max(1, min(5, level + _offset(subject.nip, code, task.source, task.rater_id)))
        raw[code] = {
            "level": given,
            "comment": COMMENTS.get(code) if task.source == "superior" else None,
        }
    campaigns.submit(session, task, raw, dictionary, answered)
