"""The embedded default end to end: `kinerja up` on a machine with no services, then Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.embedded


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


OPERATOR = "embedded-test-operator-token"


def get(url: str, token: str | None = None) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=5
        ) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_ready(process: subprocess.Popen, base: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "kinerja up exited before it was ready"
        try:
            if get(base + "/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError("kinerja up was not ready in time")


def processes_using(folder: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if str(folder) in cmdline:
            found.append(proc)
    return found


def boot(data_dir: Path, port: int, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")}
    env["KINERJA_LOG_FORMAT"] = "json"
    env["KINERJA_OPERATOR_TOKEN"] = OPERATOR
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kinerja.cli",
            "up",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
        ],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGINT)
    return process.wait(timeout=90)


def test_run_command_serves_the_demo_and_stops_everything(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    log = tmp_path / "up.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = boot(data_dir, port, log)
    try:
        wait_ready(process, base)
        status, html = get(base + "/")
        assert status == 200
        assert "Pilih perangkat daerah Anda" in html and "Dinas Kesehatan" in html
        with urllib.request.urlopen(base + "/healthz", timeout=5) as answer:
            assert answer.headers.get_all("Server") == ["Kinerja"]  # no Werkzeug/…, Python/…
        assert get(base + "/api/v1/tenants/dinkes/units")[0] == 401  # agencies are for members
        status, body = get(base + "/api/v1/tenants/dinkes/units?page_size=100", OPERATOR)
        first_units = json.loads(body)
        assert status == 200 and len(first_units) >= 5  # the demo data set
        assert processes_using(data_dir), "the embedded servers should be running"
    finally:
        code = stop(process)
    assert code == 0, log.read_text()[-3000:]
    time.sleep(1)
    assert processes_using(data_dir) == [], "something was left running"

    # A second run reuses the data: same units, nothing duplicated.
    process = boot(data_dir, port, log)
    try:
        wait_ready(process, base)
        status, body = get(base + "/api/v1/tenants/dinkes/units?page_size=100", OPERATOR)
        assert [u["id"] for u in json.loads(body)] == [u["id"] for u in first_units]
    finally:
        code = stop(process)
    assert code == 0, log.read_text()[-3000:]
    time.sleep(1)
    assert processes_using(data_dir) == []


def test_run_command_uses_configured_servers_and_starts_nothing_embedded(
    tmp_path: Path, pg_server: str, redis_url: str
) -> None:
    from tests.support import create_database, drop_database

    database = create_database(pg_server)
    data_dir = tmp_path / "var"
    log = tmp_path / "up.log"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")}
    env.update(
        KINERJA_DATABASE_OWNER_URL=database.owner_url,
        KINERJA_DATABASE_URL=database.app_url,
        KINERJA_DATABASE_APP_ROLE="kinerja_test_app",
        KINERJA_REDIS_URL=redis_url,
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kinerja.cli",
            "up",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
            "--no-demo",
        ],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_ready(process, f"http://127.0.0.1:{port}")
        assert not (data_dir / "postgres").exists()
        assert not (data_dir / "redis").exists()
        status, html = get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "Dinas Kesehatan" in html
    finally:
        code = stop(process)
        drop_database(pg_server, database)
    assert code == 0, log.read_text()[-3000:]
