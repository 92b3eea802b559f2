"""Files of a request (API or form) read into memory with a bound: never more than the limit
plus one byte per file, so a huge part cannot fill the memory."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kinerja.performance.log.service import Upload


def read(files: Iterable[Any], max_bytes: int) -> list[Upload]:
    """werkzeug FileStorage objects (or anything with .filename and .stream) to `Upload`s;
    empty file inputs (a form sent without a photo) are skipped."""
    found = []
    for item in files:
        name = getattr(item, "filename", "") or ""
        data = item.stream.read(max_bytes + 1)
        if not name and not data:
            continue
        found.append(Upload(name or "bukti", data))
    return found
