"""Every UI string has an Indonesian translation; both catalogues list the same messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "platform" / "kinerja" / "web" / "translations"


def catalogue(lang: str):  # type: ignore[no-untyped-def]
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def test_every_extracted_message_is_translated_to_indonesian(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-o",
            str(pot),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    # (context, id): a message with a context ("TPP month" "Open") is a message of its own
    with pot.open("rb") as handle:
        extracted = {(m.context, m.id) for m in read_po(handle) if m.id}
    indonesian = catalogue("id")

    def translated(context: str | None, message: object) -> bool:
        found = indonesian.get(message, context=context)
        return bool(found and found.string)

    missing = [m for m in extracted if not translated(*m)]
    assert extracted and missing == []
    english = {(m.context, m.id) for m in catalogue("en") if m.id}
    assert extracted <= english
