"""gunicorn's configuration for production (`kinerja serve`, or `gunicorn -c
python:kinerja.serving kinerja.wsgi:app`): workers and threads from the environment, graceful
timeouts, recycled workers (memory stays bounded), the access log as JSON with the request id,
and Prometheus' per-worker files for `/metrics`. The embedded `make run` does not use it."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import UTC, datetime
from typing import Any

from gunicorn import util as gunicorn_util
from gunicorn.glogging import Logger
from gunicorn.http import wsgi as gunicorn_wsgi

from kinerja.config import ConfigError, read

# The settings table's variables (`kinerja config`): a bad value stops the server at start-up
# naming the variable, instead of a default silently taking its place.
bind = read("KINERJA_BIND")
workers = read("KINERJA_WEB_WORKERS")
threads = read("KINERJA_WEB_THREADS")
worker_class = "gthread"
timeout = read("KINERJA_WEB_TIMEOUT")  # a request longer than this is killed, logged
graceful_timeout = read("KINERJA_WEB_GRACEFUL_TIMEOUT")  # in-flight requests finish on stop
keepalive = 5
max_requests = read("KINERJA_WEB_MAX_REQUESTS")  # a worker is replaced after this many
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = read("KINERJA_FORWARDED_ALLOW_IPS")
if read("KINERJA_DATABASE_POOL") < 2 * threads:
    # Each request thread may hold two connections (its session and a token's last-use mark):
    # fewer than that and a burst waits on the pool until it times out.
    raise ConfigError(
        f"KINERJA_DATABASE_POOL must be at least twice KINERJA_WEB_THREADS ({2 * threads})"
    )


class JsonLogger(Logger):
    """Access lines as one JSON object each, with the request id the application set."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.cfg.accesslog:
            return
        headers = dict(resp.headers) if hasattr(resp, "headers") else {}
        request_id = next(
            (v for k, v in headers.items() if k.lower() == "x-request-id"), None
        ) or environ.get("HTTP_X_REQUEST_ID")
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "logger": "gunicorn.access",
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(str(resp.status).split()[0]) if resp.status else None,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": request_id,
            "remote": environ.get("REMOTE_ADDR"),
        }
        self.access_log.info(json.dumps(line, ensure_ascii=False))


logger_class = JsonLogger

# gunicorn writes a Server header of its own (`gunicorn`; older releases added the version) and,
# in recent releases, drops the application's. One header, naming no version: gunicorn's says
# "Kinerja", and the application's copy is dropped in every release. This module is gunicorn's
# configuration, read by the master before it forks the workers.
gunicorn_wsgi.SERVER = "Kinerja"
gunicorn_util.hop_headers.add("server")


def on_starting(server: Any) -> None:
    """Each worker counts its metrics in files here; /metrics adds them up."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="kinerja-metrics-")
    logging.getLogger("gunicorn.error").info(
        "metrics of the workers in %s", os.environ["PROMETHEUS_MULTIPROC_DIR"]
    )


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
