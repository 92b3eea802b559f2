"""The events that change an agency's figures mark them stale; the next round recomputes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kinerja import events
from kinerja.city import figures


@events.skp_acted.connect
def _skp(session: Session, skp: Any, **_: Any) -> None:
    figures.mark_stale(session, skp.year)


@events.evaluation_acted.connect
def _evaluation(session: Session, evaluation: Any, **_: Any) -> None:
    figures.mark_stale(session, evaluation.year)


@events.entry_decided.connect
def _entry(session: Session, entry: Any, **_: Any) -> None:
    figures.mark_stale(session, entry.entry_date.year)
