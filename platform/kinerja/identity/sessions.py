"""Server-side browser sessions in Redis (Flask-Session), degrading instead of failing.

A Redis outage must not turn every page (or /healthz) into a 500: reads give an empty session
(the person appears signed out) and writes are skipped, both logged; /readyz reports Redis.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import Flask
from flask_session.redis import RedisSessionInterface
from redis.exceptions import RedisError

from kinerja import redis

log = logging.getLogger(__name__)


class ResilientRedisSessions(RedisSessionInterface):
    def _retrieve_session_data(self, store_id: str) -> dict | None:
        try:
            return super()._retrieve_session_data(store_id)
        except RedisError as error:
            log.warning("session store unavailable, serving signed out: %s", error)
            return None

    def _upsert_session(self, session_lifetime: timedelta, session: Any, store_id: str) -> None:
        try:
            super()._upsert_session(session_lifetime, session, store_id)
        except RedisError as error:
            log.warning("session store unavailable, session not saved: %s", error)

    def _delete_session(self, store_id: str) -> None:
        try:
            super()._delete_session(store_id)
        except RedisError as error:
            log.warning("session store unavailable, session not deleted: %s", error)


def init_app(app: Flask) -> None:
    app.session_interface = ResilientRedisSessions(
        app,
        client=redis.client(app),
        key_prefix="kinerja:session:",
        permanent=True,
    )
