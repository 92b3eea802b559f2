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
    with pot.open("rb") as handle:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    indonesian = catalogue("id")
    missing = [m for m in extracted if not indonesian.get(m) or not indonesian.get(m).string]
    assert extracted and missing == []
    english = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue("en") if m.id}
    assert extracted <= english
