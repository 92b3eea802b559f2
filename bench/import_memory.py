"""Memory and time of reading an employee file, against its number of rows: flat beyond the cap.

Run from the repository root: `.venv/bin/python -m bench.import_memory [--cap 50000]`
Each file is checked in a fresh process (`importer.check(importer.read_rows(...))`, the part that
reads the whole file; applying needs the database and only ever sees files within the cap), which
prints its peak resident memory. The anchor is a process that only reads the same file's bytes,
measured in the same run, so the table shows what parsing adds. Files are made here with valid,
distinct employees (`bench.import_employees.make_rows`); 20 x the cap stands for the attack that
found the problem (a small XLSX holding a million rows).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from bench.import_employees import make_rows
from kinerja.people import importer

CHILD = """
import sys, time
from pathlib import Path
content = Path(sys.argv[1]).read_bytes()
fmt, cap, mode = sys.argv[2], int(sys.argv[3]), sys.argv[4]
start = time.perf_counter()
outcome = "read"
if mode == "check":
    from kinerja.people import importer
    try:
        records, problems = importer.check(importer.read_rows(fmt, content), set(), max_rows=cap)
        outcome = f"{len(records)} rows, {problems.total} problems"
    except importer.FileRejected as error:
        outcome = "refused: " + str(error)[:48]
seconds = time.perf_counter() - start
# VmHWM: this process's own peak (ru_maxrss would include the parent's, kept across exec).
status = Path("/proc/self/status").read_text()
peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
print(peak, seconds, outcome, sep="\\t")
"""


def csv_file(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(importer.REQUIRED)
    writer.writerows(make_rows(rows))
    return out.getvalue().encode()


def xlsx_file(rows: int) -> bytes:
    """A minimal XLSX written directly (openpyxl would take minutes for a million rows)."""

    def cells(values: list[str], r: int) -> str:
        return "".join(
            f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
            for i, v in enumerate(values)
        )

    body = io.StringIO()
    body.write(
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main"><sheetData>'
    )
    body.write(f'<row r="1">{cells(list(importer.REQUIRED), 1)}</row>')
    for r, values in enumerate(make_rows(rows), start=2):
        body.write(f'<row r="{r}">{cells(values, r)}</row>')
    body.write("</sheetData></worksheet>")
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
        '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd'
        '.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd'
        '.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
        'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument'
        '.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas'
        '.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
        '"xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument'
        '/2006/relationships"><sheets><sheet name="pegawai" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>",
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas'
        '.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
        '"worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": body.getvalue(),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def run(path: Path, fmt: str, cap: int, mode: str) -> tuple[int, float, str]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), fmt, str(cap), mode],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    rss, seconds, outcome = result.stdout.strip().split("\t")
    return int(rss), float(seconds), outcome


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cap", type=int, default=50_000, help="KINERJA_IMPORT_MAX_ROWS")
    args = parser.parse_args()
    cap = args.cap
    sizes = [cap // 5, cap, 2 * cap, 20 * cap]
    print(f"# reading an employee file against its rows, cap {cap:,} rows, fresh process each")
    print(
        f"# machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; anchor: the same process reading only the file's bytes"
    )
    print("| file | rows | file KB | anchor MB | check MB | check minus anchor MB | s | outcome |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for fmt, make in (("csv", csv_file), ("xlsx", xlsx_file)):
            for rows in sizes:
                path = Path(folder) / f"pegawai-{rows}.{fmt}"
                path.write_bytes(make(rows))
                anchor, _, _ = run(path, fmt, cap, "read")
                peak, seconds, outcome = run(path, fmt, cap, "check")
                print(
                    f"| {fmt} | {rows:,} | {path.stat().st_size // 1024:,} | {anchor / 1024:.0f} "
                    f"| {peak / 1024:.0f} | {(peak - anchor) / 1024:.0f} | {seconds:.2f} "
                    f"| {outcome} |"
                )
                path.unlink()


if __name__ == "__main__":
    main()
