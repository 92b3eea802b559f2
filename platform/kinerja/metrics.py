"""Prometheus metrics (prometheus-client): requests by endpoint template and status, latency,
job queue depth and failures per queue, plugin errors per plugin, failed sign-ins.

Labels carry endpoint names, statuses, queue and plugin names and the tenant's slug: never an
id from a URL, a name or a NIP, and never anything a client can invent (each new label value is
a new series kept for the life of the process): an unknown method counts as "other", a path
that matches no route as the endpoint "unmatched", a slug that names no agency as no tenant.
Under gunicorn every worker counts in its own files
(`PROMETHEUS_MULTIPROC_DIR`, set by the gunicorn configuration) and `/metrics` adds them up.
`/metrics` answers only with `Authorization: Bearer <KINERJA_METRICS_TOKEN>` (no token set:
404), so it can sit behind the same ingress as the application.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUESTS = Counter(
    "kinerja_http_requests_total",
    "HTTP requests by endpoint template, method, status and agency",
    ["endpoint", "method", "status", "tenant"],
)
LATENCY = Histogram(
    "kinerja_http_request_duration_seconds",
    "Time to answer, by endpoint template",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
LOGIN_FAILURES = Counter("kinerja_login_failures_total", "Failed sign-ins", ["method"])
# The methods a route of ours can answer; any other (a client may send "FOO1", "FOO2", ...)
# is one label value, "other".
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def method_label(method: str) -> str:
    return method if method in METHODS else "other"


PLUGIN_ERRORS = Counter(
    "kinerja_plugin_errors_total",
    "Plugin calls that failed, by plugin and hook",
    ["plugin", "hook"],
)


class QueueCollector(Collector):
    """Depth and failures of the rq queues, read from Redis at each scrape."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from rq import Queue
        from rq.registry import FailedJobRegistry

        from kinerja import redis as kinerja_redis

        depth = GaugeMetricFamily(
            "kinerja_queue_depth", "Jobs waiting, per queue", labels=["queue"]
        )
        failed = GaugeMetricFamily(
            "kinerja_queue_failed", "Jobs in the failed registry, per queue", labels=["queue"]
        )
        try:
            with self.app.app_context():
                connection = kinerja_redis.client(self.app)
                for queue in Queue.all(connection=connection):
                    depth.add_metric([queue.name], queue.count)
                    failed.add_metric([queue.name], FailedJobRegistry(queue=queue).count)
        except Exception:  # Redis down: the scrape still answers, without these series
            return
        yield depth
        yield failed


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _count(response: Response) -> Response:
    rule = request.url_rule
    endpoint = rule.endpoint if rule is not None else "unmatched"
    if endpoint == "metrics":
        return response
    tenant = g.get("tenant")
    REQUESTS.labels(
        endpoint,
        method_label(request.method),
        str(response.status_code),
        tenant.slug if tenant else "",  # set only once the slug named an active agency
    ).inc()
    LATENCY.labels(endpoint).observe(
        time.perf_counter() - g.get("metrics_started", time.perf_counter())
    )
    return response


def init_app(app: Flask) -> None:
    app.before_request(_started)
    app.after_request(_count)

    @app.get("/metrics")
    def metrics() -> Any:
        token = current_app.config["METRICS_TOKEN"]
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not token or not hmac.compare_digest(given.encode(), token.encode()):
            abort(404)
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            counted = CollectorRegistry()
            multiprocess.MultiProcessCollector(counted)  # every worker's files, added up
        else:
            from prometheus_client import REGISTRY as counted  # this process only
        queues = CollectorRegistry()  # read from Redis now, whichever process answers
        queues.register(QueueCollector(current_app._get_current_object()))  # type: ignore[attr-defined]
        data = generate_latest(counted) + generate_latest(queues)
        return Response(data, mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
