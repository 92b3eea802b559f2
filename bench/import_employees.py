"""Importing 25,000 employees (Medan's whole civil service) from CSV and XLSX, with anchors.

Run from the repository root: `.venv/bin/python -m bench.import_employees [--rows 25000]`
Uses KINERJA_TEST_DATABASE_URL / KINERJA_TEST_REDIS_URL when set, embedded servers otherwise.
The anchor is the same rows inserted by plain `executemany` INSERTs as the owner (no checks, no
hierarchy, no RLS), measured in the same run.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import time
from datetime import date, timedelta

import psycopg
from openpyxl import Workbook

from bench.tenant_scoping import servers
from kinerja.app import create_app
from kinerja.db import db, migrate
from kinerja.people import importer
from tests.conftest import app_config, create_database, drop_database

HEADER = list(importer.REQUIRED)


def make_rows(n: int) -> list[list[str]]:
    """Valid, unique NIPs; a head, unit heads under them, everyone else under a unit head."""
    rows: list[list[str]] = []
    units = [f"Unit Kerja {i:02d}" for i in range(40)]
    heads: list[str] = []
    for i in range(n):
        birth = date(1962, 1, 1) + timedelta(days=i % 12000)  # (birth, serial) is unique
        tmt = date(birth.year + 22 + i % 10, 1 + i % 12, 1)
        serial = 1 + i // 12000
        nip = f"{birth:%Y%m%d}{tmt:%Y%m}{1 + i % 2}{serial:03d}"
        unit = units[i % len(units)]
        if i == 0:
            superior, position, ptype = "", "Kepala Dinas", "JPT Pratama"
        elif i <= len(units):
            superior, position, ptype = rows[0][0], f"Kepala {units[i - 1]}", "Administrator"
            heads.append(nip)
        else:
            superior, position, ptype = heads[i % len(heads)], f"Jabatan {i % 60}", "Fungsional"
        rows.append(
            [
                nip,
                f"Pegawai {i}",
                f"p{i}@medan.go.id",
                "PNS",
                "III/a",
                position,
                ptype,
                unit,
                superior,
            ]
        )
    nips = [r[0] for r in rows]
    assert len(set(nips)) == len(nips), "NIP generator produced duplicates"
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def to_xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=25000)
    args = parser.parse_args()
    pg, redis_url, stop = servers()
    database = create_database(pg)
    try:
        migrate.upgrade(database.owner_url, database.app_url, "kinerja_test_app")
        with psycopg.connect(database.owner_url) as conn:
            ids = [
                conn.execute(
                    "INSERT INTO tenant (slug, name, kind) VALUES (%s, %s, 'dinas') RETURNING id",
                    (s, s),
                ).fetchone()[0]
                for s in ("anchor", "opd")
            ]
        rows = make_rows(args.rows)
        csv_bytes, xlsx_bytes = to_csv(rows), to_xlsx(rows)

        def anchor() -> None:
            with psycopg.connect(database.owner_url) as conn, conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO employee (tenant_id, nip, name, email, asn_type, golongan) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    [(ids[0], r[0], r[1], r[2], r[3], r[4]) for r in rows],
                )

        app = create_app(app_config(database, redis_url, LOG_LEVEL="WARNING"))

        def run(content: bytes, fmt: str) -> importer.Report:
            with app.app_context(), db.unit_of_work(ids[1]) as session:
                return importer.run(session, fmt, content)

        results = [("INSERT executemany, owner, no checks (anchor)", *timed(anchor))]
        results.append(("import CSV, all new", *timed(lambda: run(csv_bytes, "csv"))))
        results.append(("import CSV again, all unchanged", *timed(lambda: run(csv_bytes, "csv"))))
        results.append(
            ("import XLSX again, all unchanged", *timed(lambda: run(xlsx_bytes, "xlsx")))
        )
        created = results[1][2]
        assert created.status == "applied" and created.created == args.rows, created.errors[:3]
        assert results[2][2].unchanged == args.rows
        anchor_rate = args.rows / results[0][1]
        print(
            f"# employee import: {args.rows} rows, CSV {len(csv_bytes) / 1e6:.1f} MB, "
            f"XLSX {len(xlsx_bytes) / 1e6:.1f} MB"
        )
        where = "service" if os.environ.get("KINERJA_TEST_DATABASE_URL") else "embedded"
        print(
            f"# machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, PostgreSQL: {where}"
        )
        print(f"| {'path':48} | seconds | rows/s | anchor rate ÷ this |")
        print(f"|{'-' * 50}|---------|--------|--------------------|")
        for name, seconds, _ in results:
            rate = args.rows / seconds
            print(f"| {name:48} | {seconds:7.2f} | {rate:6.0f} | {anchor_rate / rate:18.2f} |")
        with app.app_context():
            db.engine.dispose()
    finally:
        drop_database(pg, database)
        stop()


if __name__ == "__main__":
    main()
