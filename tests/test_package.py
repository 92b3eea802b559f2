"""Packaging: `platform/` is only a source folder and never shadows the standard library."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path


def test_import_platform_is_still_the_standard_library() -> None:
    code = (
        "import kinerja, kinerja.app, platform; print(platform.__file__); print(platform.system())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=True,
    )
    path, system = result.stdout.split()
    assert Path(path).resolve().parent == Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert system in {"Linux", "Darwin", "Windows"}


def test_migrations_are_found_from_the_installed_package() -> None:
    from kinerja.db.migrate import migrations_dir

    folder = migrations_dir()
    assert (folder / "env.py").is_file()
    assert list((folder / "versions").glob("*.py"))


def test_the_pages_and_the_pipeline_never_import_the_api() -> None:
    """api/ and web/ are siblings on the edge: what both need lives in kinerja.httpkit, so a
    change to an API view cannot break a page (issue 20)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "platform" / "kinerja"
    offenders = []
    for path in [*sorted((root / "web").rglob("*.py")), root / "pipeline.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n == "kinerja.api" or n.startswith("kinerja.api.") for n in names):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []
