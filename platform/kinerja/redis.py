"""The one Redis client of the app: jobs, sessions, throttling and health all use it."""

from __future__ import annotations

from flask import Flask, current_app
from redis import Redis

KEY = "kinerja.redis"


def init_app(app: Flask) -> None:
    # Short timeouts: a Redis outage must turn into a clear answer quickly, not hang requests.
    app.extensions[KEY] = Redis.from_url(
        app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5
    )


def client(app: Flask | None = None) -> Redis:
    return (app or current_app).extensions[KEY]
