"""Language of the UI: Indonesian by default, English on request, remembered in a cookie.

Catalogues are kept as `.po` text in the repository and compiled to `.mo` at start-up into a
cache folder (cheap, and no binary files in git).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request
from flask_babel import Babel, refresh

from kinerja import clock
from kinerja.i18n import in_language  # noqa: F401 - where templates and plugins find it

LOCALES = {"id": "Bahasa Indonesia", "en": "English"}
COOKIE = "kinerja_lang"
SOURCE = Path(__file__).parent / "translations"

babel = Babel()


def select_locale() -> str:
    from flask import current_app, has_request_context

    if not has_request_context():
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    chosen = request.cookies.get(COOKIE)
    if chosen in LOCALES:
        return chosen
    if request.path.startswith("/api/") and request.accept_languages:
        # API clients say their language in Accept-Language; pages use the remembered choice.
        best = request.accept_languages.best_match(list(LOCALES))
        if best:
            return best
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def compile_catalogues(source: Path = SOURCE) -> Path:
    """Compile every `.po` under `source` into a cache folder keyed by their content."""
    digest = hashlib.sha256()
    po_files = sorted(source.glob("*/LC_MESSAGES/*.po"))
    for po in po_files:
        digest.update(po.read_bytes())
    target = Path(tempfile.gettempdir()) / f"kinerja-i18n-{digest.hexdigest()[:16]}"
    for po in po_files:
        mo = target / po.relative_to(source).with_suffix(".mo")
        if mo.exists():
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parts[-3])
        partial = mo.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            write_mo(handle, catalog)
        partial.replace(mo)  # atomic: two processes starting together do not see half a file
    return target


def _zone_name() -> str:
    return clock.zone().key  # flask-babel wants a name (it builds a pytz zone from it)


def init_app(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compile_catalogues())
    # Dates Babel formats (a deadline's closing moment) are shown on Medan's clock, not UTC.
    babel.init_app(app, locale_selector=select_locale, timezone_selector=_zone_name)
    # flask-babel caches the locale on the app context, which may outlive one request: forget
    # it at both ends of each request (a request stopped early by the pipeline included).
    app.before_request(refresh)
    app.teardown_request(lambda exc: refresh())
