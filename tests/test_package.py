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


def _declared() -> tuple[set[str], set[str]]:
    """The distributions pyproject.toml names: (runtime with the embedded servers' extra, that
    and every other extra)."""
    import tomllib
    from pathlib import Path

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
    names = lambda reqs: {canonicalize_name(Requirement(r).name) for r in reqs}  # noqa: E731
    optional = project["project"]["optional-dependencies"]
    runtime = names(project["project"]["dependencies"]) | names(optional["embedded"])
    extras = set().union(*(names(r) for r in optional.values()))
    return runtime, runtime | extras


def _imported(*folders: str) -> set[str]:
    """The third-party distributions the code under `folders` imports."""
    import ast
    import sys
    from importlib.metadata import packages_distributions
    from pathlib import Path

    from packaging.utils import canonicalize_name

    root = Path(__file__).resolve().parent.parent
    ours = {"kinerja", "kinerja_dinkes", "tests", "bench", "__future__"}
    modules: set[str] = set()
    for folder in folders:
        for path in (root / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    modules |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    modules.add(node.module.split(".")[0])
    found = packages_distributions()
    return {
        canonicalize_name(found[m][0])
        for m in modules - ours - set(sys.stdlib_module_names)
        if m in found
    }


def test_every_imported_package_is_declared() -> None:
    """An import that works only because another package happens to bring it breaks the day
    that package stops (blinker, psutil were such)."""
    runtime, everything = _declared()
    assert _imported("platform", "plugins/kinerja-dinkes/src", "migrations") - runtime == set()
    assert _imported("tests", "bench", "plugins/kinerja-dinkes/tests") - everything == set()


def test_the_lock_pins_every_declared_dependency_within_its_bounds() -> None:
    """requirements.lock (what make, CI and the image install) agrees with pyproject.toml:
    regenerate it with `make lock` after changing a dependency."""
    import tomllib
    from pathlib import Path

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    root = Path(__file__).resolve().parent.parent
    pinned = {}
    for line in (root / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, version = line.split("==", 1)
            pinned[canonicalize_name(name)] = version.split()[0]
    lines = (root / "requirements.lock").read_text().splitlines()
    # The project itself is installed from the checkout: a pin of it (`kinerja @ file:…`, what
    # pip-compile writes for the dev extra's `kinerja[embedded]`) breaks every fresh install.
    assert not [line for line in lines if line.startswith("kinerja")]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        wanted += extra
    for text in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        if name == "kinerja":
            continue  # the project itself (its extras)
        assert name in pinned, f"{name} is not in requirements.lock"
        assert requirement.specifier.contains(pinned[name]), (name, pinned[name])
