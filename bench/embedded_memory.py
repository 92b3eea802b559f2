"""Resident memory of the laptop default (`make run`: the web, the worker, the embedded
PostgreSQL and Redis, the demo loaded), summed over the whole process tree once it serves.

Run from the repository root: `.venv/bin/python -m bench.embedded_memory`. It starts
`kinerja up` in a fresh data folder with no KINERJA_* servers configured, waits until the demo
agency answers, measures, and stops everything. Target (issue #14): at most 600 MB.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.idp_support import free_port


def roots_of(data: Path) -> list[int]:
    """Processes started for this run that left the tree (the embedded PostgreSQL's server
    detaches from its launcher): those whose command line names the data folder."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(data).encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def tree_rss_mb(roots: list[int]) -> tuple[float, int]:
    """(resident MB summed over `roots` and all their descendants, how many processes)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        pid = int(status.parent.name)
        parents[pid] = int(fields.get("PPid", "0").strip() or 0)
        if "VmRSS" in fields:
            rss[pid] = int(fields["VmRSS"].split()[0])
    members: set[int] = set()
    todo = list(roots)
    while todo:
        pid = todo.pop()
        if pid in members:
            continue
        members.add(pid)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return sum(rss.get(pid, 0) for pid in members) / 1024, len(members)


def main() -> None:
    port = free_port()
    data = Path(tempfile.mkdtemp(prefix="kinerja-embedded-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "kinerja.cli", "up", "--port", str(port), "--data-dir", str(data)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/t/dinkes/")
                if connection.getresponse().status in (200, 302):
                    break
            except OSError:
                pass
            time.sleep(1)
        ready = time.perf_counter() - started
        for _ in range(50):  # some pages, so the web process has done real work
            for path in ("/", "/auth/login", "/api/v1/tenants", "/healthz"):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", path)
                connection.getresponse().read()
        total, count = tree_rss_mb([process.pid, *roots_of(data)])
        print(f"# the embedded default, ready with the demo in {ready:.0f} s")
        print(
            f"# resident memory of its {count} processes together: {total:.0f} MB "
            "(target: at most 600 MB)"
        )
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(60)


if __name__ == "__main__":
    main()
