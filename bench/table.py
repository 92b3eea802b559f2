"""The table every benchmark prints: the machine, then each path's median and its ratio to the
anchor of its kind measured in the same run (a row named "… (anchor)")."""

from __future__ import annotations

import os
import platform


def machine() -> str:
    where = "service" if os.environ.get("KINERJA_TEST_DATABASE_URL") else "embedded"
    return (
        f"# machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, PostgreSQL and Redis: {where}"
    )


def medians(title: str, rows: list[tuple[str, float, str]]) -> None:
    """Print `rows` of (path, median µs, kind); kinds without an anchor get no ratio."""
    anchors = {kind: value for name, value, kind in rows if "anchor" in name}
    print(f"# {title}")
    print(machine())
    print(f"| {'path':45} | median µs | x anchor |")
    print(f"|{'-' * 47}|-----------|----------|")
    for name, value, kind in rows:
        ratio = f"{value / anchors[kind]:8.2f}" if kind in anchors else " " * 8
        print(f"| {name:45} | {value:9.1f} | {ratio} |")
