"""The label of every code a person can see, in the reader's language: one registry.

A *kind* names an enumeration ("log.status", "predikat", "audit.action", ...); each kind maps its
codes to labels. The modules that own an enumeration register it (`register`) when they are
imported, so this module imports nothing of the domain - it is a registry, like the permission
rules. Pages, exports, charts and the audit log print `label(kind, code)`, never the code.

A label is one of:
- a lazy gettext string (`_("Approved")`): English source, Indonesian in the .po file;
- `Same("Sangat Baik")`: a name that reads the same in both languages (the regulation's own
  words, proper names), declared so the both-languages test knows it is meant;
- `Bilingual("Cakupan", "Coverage")`: a plugin's own text, which carries both languages.

An unknown code never shows bare and never breaks a page: `label` logs a warning (once per code)
and returns the code humanised ("catatan_kipi" -> "Catatan kipi"), so the gap is visible in the
logs and the guard tests, and the reader still reads words.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from flask_babel.speaklater import LazyString

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Same:
    """A label that is the same word in Indonesian and English (a name, a regulation's term)."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Bilingual:
    """A text given in both languages by its author (a plugin): shown in the reader's."""

    indonesian: str
    english: str

    def __str__(self) -> str:
        from flask_babel import get_locale

        try:
            locale = get_locale()
        except RuntimeError:  # outside a request: the default language
            locale = None
        english = locale is not None and locale.language == "en"
        return self.english if english and self.english else self.indonesian


Label: TypeAlias = LazyString | Same | Bilingual

_registry: dict[str, dict[str, Label]] = {}
_same: set[tuple[str, str]] = set()  # lazy labels whose translation is the same word
_warned: set[tuple[str, str]] = set()


def register(kind: str, labels: Mapping[str, Any], same: Iterable[str] = ()) -> None:
    """Add (or replace) the labels of `kind`'s codes. A plain `str` counts as `Same`: the
    caller says it reads the same in both languages; `same` names the codes whose lazy label
    is translated to the same word ("Status", "Operator")."""
    table = _registry.setdefault(kind, {})
    for code, text in labels.items():
        table[str(code)] = _as_label(kind, code, text)
    _same.update((kind, str(code)) for code in same)


def _as_label(kind: str, code: Any, text: Any) -> Label:
    if isinstance(text, LazyString | Same | Bilingual):
        return text
    if isinstance(text, str):
        return Same(text)
    raise TypeError(f"label {kind}/{code}: give a lazy string, Same or Bilingual, not {text!r}")


def humanise(code: str) -> str:
    """A code as words, for an unknown code: "catatan_kipi" -> "Catatan kipi"."""
    words = re.sub(r"[_.\-]+", " ", code).strip()
    return words[:1].upper() + words[1:] if words else ""


def label(kind: str, code: Any) -> str:
    """The label of `code` in the reader's language; "" for no code; an unknown code is
    humanised and logged (see the module's docstring)."""
    if code is None or code == "":
        return ""
    found = _registry.get(kind, {}).get(str(code))
    if found is not None:
        return str(found)
    if (kind, str(code)) not in _warned:
        _warned.add((kind, str(code)))
        log.warning("no label for %s code %r: shown humanised", kind, code)
    return humanise(str(code))


def label_in(language: str, kind: str, code: Any) -> str:
    """The label in `language` whoever reads: for a document with a language of its own (the
    SKP as signed is Indonesian, whatever the page's language)."""
    from flask_babel import force_locale

    with force_locale(language):
        return label(kind, code)


def has(kind: str, code: Any) -> bool:
    return str(code) in _registry.get(kind, {})


def labels(kind: str, codes: Iterable[str] | None = None) -> dict[str, str]:
    """{code: label} of `kind` (or of `codes`, in their order) in the reader's language: for
    choices and tables a template looks up."""
    table = _registry.get(kind, {})
    return {code: label(kind, code) for code in (table if codes is None else codes)}


def entries(kind: str) -> Mapping[str, Label]:
    """The registered labels of `kind` as given (lazy), for a caller that renders them later."""
    return dict(_registry.get(kind, {}))


def kinds() -> list[str]:
    return sorted(_registry)


def known_codes() -> dict[str, frozenset[str]]:
    """{kind: its codes}: what the guard tests look for printed bare on a page."""
    return {kind: frozenset(table) for kind, table in _registry.items()}


def is_same(kind: str, code: str) -> bool:
    """Whether the label of `code` is declared the same in both languages."""
    found = _registry.get(kind, {}).get(code)
    if isinstance(found, Bilingual):  # its author gave both, the same word twice on purpose
        return found.indonesian == found.english
    return isinstance(found, Same) or (kind, code) in _same
