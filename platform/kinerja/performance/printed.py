"""Printed documents kept: a PDF is made once for what it shows and then served from Redis, so
printing a large plan again (or three people opening it at once after the first) costs a read.

The key is a digest of everything the document is made from (the content with its header, the
words in the reader's language, the date printed on it) and of the layout's version: any change
to the plan, a new version, another language or another day is another key, so a kept document is
never stale and nothing has to be invalidated. The agency's id is in the key too. The memory is
bounded: a document is kept for `TTL` seconds and only up to `MAX_BYTES`. Redis down or absent
(a command) only means the document is made again."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy.orm import Session

from kinerja import redis
from kinerja.db.scoping import current_tenant_id
from kinerja.performance import documents
from kinerja.performance import skp as skps
from kinerja.performance.models import Skp

LAYOUT = 3  # raise when the documents' layout changes: kept copies of the old one are not served
TTL = 3600  # seconds a document is kept
MAX_BYTES = 4 * 2**20  # larger documents (none of the maximum plan is) are made every time
KEY = "kinerja:printed:{tenant}:{kind}:{digest}"
log = logging.getLogger(__name__)


def kept(session: Session, kind: str, inputs: Any, make: Callable[[], bytes]) -> bytes:
    """The document `make()` returns for `inputs` (JSON-able, dates as ISO text), made at most
    once per `TTL` for the same inputs in this agency."""
    source = json.dumps([LAYOUT, inputs], sort_keys=True, default=str, ensure_ascii=False)
    digest = hashlib.sha256(source.encode()).hexdigest()
    key = KEY.format(tenant=current_tenant_id(session), kind=kind, digest=digest)
    try:
        client = redis.client(current_app)
        found = client.get(key)
    except (RedisError, RuntimeError, KeyError) as error:  # Redis down, or no application
        log.warning("printed documents not kept: %s", error)
        return make()
    if isinstance(found, bytes):
        return found
    data = make()
    if len(data) <= MAX_BYTES:
        try:
            client.set(key, data, ex=TTL)
        except RedisError as error:
            log.warning("printed document not kept: %s", error)
    return data


def skp_document(session: Session, skp: Skp, status_word: str, day: date) -> bytes:
    """The SKP as the PDF people sign (`documents.skp_pdf`), kept."""
    content = skps.content(session, skp)
    return kept(
        session,
        "skp",
        [skp.id, content, skp.year, status_word, day],
        lambda: documents.skp_pdf(content, skp.year, status_word, day),
    )
