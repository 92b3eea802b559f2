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
