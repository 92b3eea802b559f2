"""Guidance as data: the package's defaults (guidance.json) flattened to keys, each overridden
by BKPSDM's text where there is one; read per role, topic and position kind."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja.exceptions import Invalid
from kinerja.guidance.models import GuidanceText
from kinerja.i18n import _

LANGUAGES = ("id", "en")
MAX_TEXT = 2000
# Position types (people.classification) to the kinds the examples are written for.
KIND_OF_POSITION = {
    "jpt_utama": "struktural",
    "jpt_madya": "struktural",
    "jpt_pratama": "struktural",
    "administrator": "struktural",
    "pengawas": "struktural",
    "fungsional": "fungsional",
    "pelaksana": "pelaksana",
}


@cache
def defaults() -> dict[str, str]:
    """{key: text} of the package's guidance: intro.<role>.<lang>,
    help.<topic>.title|text.<lang>, help.<topic>.example.<kind>.<lang>."""
    raw = json.loads(resources.files(__package__).joinpath("guidance.json").read_text("utf-8"))
    flat: dict[str, str] = {}
    for role, texts in raw["intro"].items():
        for lang, text in texts.items():
            flat[f"intro.{role}.{lang}"] = text
    for topic, parts in raw["help"].items():
        for part in ("title", "text"):
            for lang, text in parts[part].items():
                flat[f"help.{topic}.{part}.{lang}"] = text
        for kind, texts in parts["examples"].items():
            for lang, text in texts.items():
                flat[f"help.{topic}.example.{kind}.{lang}"] = text
    return flat


def texts(session: Session) -> dict[str, str]:
    """Every key with its text in force (BKPSDM's where written, else the default)."""
    found = dict(defaults())
    for row in session.scalars(select(GuidanceText)):
        if row.key in found:
            found[row.key] = row.text
    return found


def pick(found: dict[str, str], key: str, language: str) -> str:
    """The text of `key` in `language`, else in Indonesian, else empty."""
    return found.get(f"{key}.{language}") or found.get(f"{key}.id") or ""


def intro(found: dict[str, str], role: str, language: str) -> str:
    return pick(found, f"intro.{role}", language)


def help_for(
    found: dict[str, str], topic: str, language: str, position_type: str | None
) -> dict[str, Any] | None:
    title = pick(found, f"help.{topic}.title", language)
    if not title:
        return None
    kind = KIND_OF_POSITION.get(position_type or "", "pelaksana")
    return {
        "title": title,
        "text": pick(found, f"help.{topic}.text", language),
        "example": pick(found, f"help.{topic}.example.{kind}", language),
    }


def set_text(session: Session, key: str, text: Any) -> None:
    """BKPSDM writes one text; an empty one goes back to the default."""
    if key not in defaults():
        raise Invalid("key", _("Not a text of the guidance."))
    value = str(text or "").strip()
    if len(value) > MAX_TEXT:
        raise Invalid("text", _("At most %(n)s characters.", n=MAX_TEXT))
    row = session.get(GuidanceText, key)
    if not value:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(GuidanceText(key=key, text=value))
    else:
        row.text = value
    session.flush()
