"""bench.load at a tiny scale: locust (in its own process: it patches with gevent, which this
process must never be) drives the day's mix at gunicorn; every request answered, every
acknowledged entry stored once, and the report has its rows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# 50 employees in one agency; one step of 3 users, a surge of 4 users at 20 requests a
# second: about 30 s on 2 quiet cores.
TINY = (
    "--employees 50 --agencies 1 --steps 3 --step-seconds 3 --warmup-seconds 1 "
    "--surge-seconds 3 --surge-users 4 --surge-rate 20"
)
KINDS = ("feed", "my entries", "my SKP", "home page", "create entry", "approve entry", "overall")


def rows(report: str, header: str) -> list[list[str]]:
    """The cells of the rows of each table whose header starts with `header`."""
    found, inside = [], False
    for line in report.splitlines():
        if line.startswith(f"| {header}"):
            inside = True
        elif inside and line.startswith("|") and not line.startswith("|---"):
            found.append([cell.strip() for cell in line.strip("|").split("|")])
        elif not line.startswith("|"):
            inside = False
    return found


def test_the_load_bench_runs_a_small_day_without_errors_losses_or_doubles(
    pg_server: str, redis_url: str
) -> None:
    env = dict(os.environ)
    env.update(
        KINERJA_TEST_DATABASE_URL=pg_server,
        KINERJA_TEST_REDIS_URL=redis_url,
        PYTHONPATH=os.pathsep.join(
            [str(ROOT / "platform"), str(ROOT / "plugins/kinerja-dinkes/src"), str(ROOT)]
        ),
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bench.load", *TINY.split()],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    report = done.stdout
    assert done.returncode == 0, report + done.stderr[-3000:]
    elapsed = time.monotonic() - started

    # Two tables of kinds (the sustainable rate and the surge), each with every kind, the
    # overall figure and the anchor; no 5xx, no dropped connection, nothing refused.
    kinds = rows(report, "kind |")
    assert [r[0] for r in kinds] == [*KINDS, "bare POST (anchor)"] * 2, report
    for cells in kinds:
        assert cells[8:10] == ["0", "0"], cells  # errors, 3xx/4xx
    overall = [r for r in kinds if r[0] == "overall"]
    assert all(int(r[1]) > 0 and float(r[2]) > 0 for r in overall), report

    # Every acknowledged create stored, once; the steps' and the surge's.
    counts = rows(report, "creates sent |")
    assert len(counts) == 2, report
    for sent, acked, stored, lost, doubled, _unacked, _photos in counts:
        assert (lost, doubled) == ("0", "0"), report
        assert int(acked) == int(stored) == int(sent), report
    # The mix is drawn at random: a create is 1 in 5 of some 40 requests at the least.
    assert sum(int(r[0]) for r in counts) > 0, report

    assert re.search(r"# sign-ins before the load .*: 4 in .*, 0 failed", report), report
    memory = re.search(r"per Kinerja web worker after the load: (.+) \(target", report)
    assert memory and len(memory.group(1).split(",")) == 2, report
    assert elapsed < 120, elapsed  # small enough for the suite (about 30 s on 2 cores)
