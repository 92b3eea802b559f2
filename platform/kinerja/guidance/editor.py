"""The guidance editor's layout, as data and pure functions: the flat keys of the guidance
(`service.defaults`) grouped by the page where people read them, each field named for people
(not `help.iki.text.en`), with its Indonesian and English text side by side."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kinerja.i18n import N_, _

# Where each help topic is read (the template that calls `help_box(topic)`); the introductions
# are on the agency's home page (the city admin's on their profile).
PAGE_OF_TOPIC = {
    "rhk": "skp",
    "iki": "skp",
    "ekspektasi": "skp",
    "realisasi": "evaluation",
    "predikat": "evaluation",
    "daily_work": "log",
}
PAGES = {  # in the order of the editor
    "home": N_("Home page: the introduction per role"),
    "skp": N_("SKP page"),
    "log": N_("Daily work page"),
    "evaluation": N_("Evaluation page"),
    "other": N_("Other pages"),
}
ROLE_WORDS = {  # the introductions' roles (guidance.json), a superior being no role of its own
    "pegawai": N_("employees"),
    "atasan": N_("superiors"),
    "admin_opd": N_("agency admins"),
    "admin_kota": N_("the city admin (BKPSDM)"),
}
KIND_WORDS = {
    "struktural": N_("structural positions"),
    "fungsional": N_("functional positions"),
    "pelaksana": N_("executive staff (pelaksana)"),
}


@dataclass(frozen=True)
class Field:
    """One text in both languages: its name for people, the keys and texts of each language."""

    label: Any
    keys: dict[str, str]  # language: key
    texts: dict[str, str]  # language: text in force
    changed: bool  # a language differs from the default


@dataclass(frozen=True)
class Topic:
    key: str  # "intro" or the help topic
    title: Any  # the help's question, in the reader's language, or the role
    fields: tuple[Field, ...]
    preview: dict[str, dict[str, str]]  # language: {title, text, example} as the help reads


@dataclass(frozen=True)
class Page:
    key: str
    label: Any
    topics: tuple[Topic, ...]


def _field(label: Any, stem: str, found: Mapping[str, str], default: Mapping[str, str]) -> Field:
    keys = {lang: f"{stem}.{lang}" for lang in ("id", "en")}
    texts = {lang: found.get(key, "") for lang, key in keys.items()}
    changed = any(found.get(k) != default.get(k) for k in keys.values())
    return Field(label, keys, texts, changed)


def _stems(keys: Any, prefix: str) -> list[str]:
    """The keys under `prefix` without their language, in first-seen order."""
    seen: dict[str, None] = {}
    for key in keys:
        if key.startswith(prefix):
            seen[key.rsplit(".", 1)[0]] = None
    return list(seen)


def layout(found: Mapping[str, str], default: Mapping[str, str], language: str) -> list[Page]:
    """The editor's pages, each with its topics and their fields (every key of `default` once)."""
    intros = []
    for stem in _stems(default, "intro."):
        role = stem.split(".")[1]
        words = _(ROLE_WORDS[role]) if role in ROLE_WORDS else role
        intros.append(_field(_("Introduction for %(role)s", role=words), stem, found, default))
    by_page: dict[str, list[Topic]] = {
        "home": [Topic("intro", _("Introduction"), tuple(intros), {})]
    }
    topics = list(dict.fromkeys(k.split(".")[1] for k in default if k.startswith("help.")))
    for topic in topics:
        fields = [
            _field(_("Question (the help's title)"), f"help.{topic}.title", found, default),
            _field(_("Answer"), f"help.{topic}.text", found, default),
        ]
        for stem in _stems(default, f"help.{topic}.example."):
            kind = stem.split(".")[-1]
            words = _(KIND_WORDS[kind]) if kind in KIND_WORDS else kind
            fields.append(_field(_("Example for %(kind)s", kind=words), stem, found, default))
        preview = {
            lang: {
                "title": found.get(f"help.{topic}.title.{lang}", ""),
                "text": found.get(f"help.{topic}.text.{lang}", ""),
                "example": found.get(f"help.{topic}.example.pelaksana.{lang}", ""),
            }
            for lang in ("id", "en")
        }
        title = found.get(f"help.{topic}.title.{language}") or found.get(f"help.{topic}.title.id")
        page = PAGE_OF_TOPIC.get(topic, "other")
        by_page.setdefault(page, []).append(Topic(topic, title or topic, tuple(fields), preview))
    return [
        Page(key, _(label), tuple(by_page[key])) for key, label in PAGES.items() if key in by_page
    ]
