"""Serving in production: `/metrics` for Prometheus (behind its token; templates and slugs as
labels, never ids or NIPs; queue depth read from Redis), and `kinerja serve` starting gunicorn
with several workers whose metrics add up and whose access log is JSON with the request id."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

import pytest
import requests

from tests.support import sign_in

TOKEN = "metrics-token-for-the-tests"


def scrape(client: Any, token: str | None = TOKEN) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/metrics", headers=headers)


def test_metrics_need_their_token_and_name_templates_not_values(app, people, tenants) -> None:
    client = app.test_client()
    app.config["METRICS_TOKEN"] = ""
    try:
        assert scrape(client).status_code == 404  # no token configured: not there
        app.config["METRICS_TOKEN"] = TOKEN
        assert scrape(client, None).status_code == 404
        assert scrape(client, "wrong").status_code == 404
        browser = app.test_client()
        sign_in(browser, "admin")
        assert browser.get(f"/t/dinkes/employees/{people.staff}").status_code == 200
        failed = browser.post("/auth/local", data={"login": "nobody", "password": "x"})
        assert failed.status_code in (400, 401)
        answer = scrape(client)
        assert answer.status_code == 200 and answer.mimetype.startswith("text/plain")
        text = answer.get_data(as_text=True)
        counted = [
            line.split("}")[0]
            for line in text.splitlines()
            if line.startswith("kinerja_http_requests_total{") and 'tenant="dinkes"' in line
        ]
        assert counted and all('endpoint="' in labels for labels in counted)
        assert not any(f"/{people.staff}" in labels for labels in counted)  # templates, no ids
        assert any('status="200"' in labels for labels in counted)
        assert "198609262015051001" not in text
        assert "kinerja_http_request_duration_seconds_bucket" in text
        assert "kinerja_queue_depth" in text
    finally:
        app.config["METRICS_TOKEN"] = ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_kinerja_serve_runs_gunicorn_workers_with_json_access_logs(database, redis_url) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")},
        "KINERJA_DATABASE_URL": database.app_url,
        "KINERJA_DATABASE_OWNER_URL": database.owner_url,
        "KINERJA_DATABASE_APP_ROLE": "kinerja_test_app",
        "KINERJA_REDIS_URL": redis_url,
        "KINERJA_SECRET_KEY": "serve-test-secret-key-0123456789",
        "KINERJA_PLUGINS": "none",
        "KINERJA_METRICS_TOKEN": TOKEN,
        "KINERJA_WEB_WORKERS": "2",
        "KINERJA_WEB_THREADS": "2",
        "KINERJA_STORAGE_DIR": tempfile.mkdtemp(prefix="kinerja-serve-"),
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "kinerja.cli", "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not answer")
        asked = [requests.get(f"{base}/healthz", timeout=5) for _ in range(20)]
        assert all(r.status_code == 200 for r in asked)
        # One Server header, the application's, naming no version (requests joins repeats).
        assert {r.headers["Server"] for r in asked} == {"Kinerja"}
        assert requests.get(f"{base}/nowhere", timeout=5).headers["Server"] == "Kinerja"
        ids = {r.headers["X-Request-ID"] for r in asked}
        text = requests.get(
            f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
        ).text
        served = sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("kinerja_http_requests_total{")
            and 'endpoint="health.healthz"' in line
        )
        assert served >= 21  # every worker's count, added up
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    access = [
        json.loads(line)
        for line in output.splitlines()
        if line.startswith("{") and '"gunicorn.access"' in line
    ]
    assert {a["request_id"] for a in access} >= ids
    assert all(a["path"] in ("/healthz", "/metrics", "/nowhere") for a in access)
    assert "Booting worker" in output and output.count("Booting worker") >= 2


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("KINERJA_WEB_THREADS", "lots", "KINERJA_WEB_THREADS must be a positive whole number"),
        ("KINERJA_WEB_TIMEOUT", "0", "KINERJA_WEB_TIMEOUT must be a positive whole number"),
        ("KINERJA_DATABASE_POOL", "4", "at least twice KINERJA_WEB_THREADS"),
    ],
)
def test_a_bad_server_setting_stops_start_up_naming_it(variable, value, fragment) -> None:
    """gunicorn reads kinerja.serving at start-up: a bad value must stop it, not be replaced
    by a default nobody chose."""
    import os
    import subprocess
    import sys

    started = subprocess.run(
        [sys.executable, "-c", "import kinerja.serving"],
        env={**os.environ, variable: value},
        capture_output=True,
        text=True,
    )
    assert started.returncode != 0 and fragment in started.stderr
