"""The tenant catalogue (`tenants/`) and `kinerja tenants sync|list`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from kinerja.cli import cli
from kinerja.tenancy import catalogue

REPO_CATALOGUE = Path(__file__).resolve().parent.parent / "tenants"


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def snapshot(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT slug, name, kind, status, settings::text, updated_at FROM tenant ORDER BY slug"
                )
            )
        ]


# --- the catalogue itself --------------------------------------------------------------------------
def test_repository_catalogue_holds_every_medan_agency_once() -> None:
    entries = catalogue.load(REPO_CATALOGUE)
    slugs = [e.slug for e in entries]
    assert len(slugs) == len(set(slugs))
    kecamatan = [e for e in entries if e.kind == "kecamatan"]
    assert len(kecamatan) == 21
    names = {e.name for e in entries}
    for expected in (
        "Dinas Kesehatan",
        "Dinas Pendidikan",
        "Inspektorat",
        "RSUD dr. Pirngadi",
        "Sekretariat DPRD",
        "Kecamatan Medan Belawan",
    ):
        assert expected in names


MALFORMED = {
    "bad yaml": ("- slug: a1\n\tname: x\n", 2, "not valid YAML"),
    "not a list": ("slug: a1\nname: x\n", 1, "must be a list"),
    "unknown kind": (
        "- slug: ok-1\n  name: X\n  kind: dinas\n- slug: ok-2\n  name: Y\n  kind: ministry\n",
        6,
        "kind 'ministry' is not one of",
    ),
    "missing name": (
        "- slug: ok-1\n  name: X\n  kind: dinas\n\n- slug: ok-2\n  kind: dinas\n",
        5,
        "missing field 'name'",
    ),
    "bad slug": ("- slug: Bad_Slug\n  name: X\n  kind: dinas\n", 1, "slug 'Bad_Slug' must be"),
    "unknown field": (
        "- slug: ok-1\n  name: X\n  kind: dinas\n  colour: red\n",
        4,
        "unknown field 'colour'",
    ),
    "bad status": (
        "- slug: ok-1\n  name: X\n  kind: dinas\n  status: closed\n",
        4,
        "status 'closed' is not one of",
    ),
    "settings not a mapping": (
        "- slug: ok-1\n  name: X\n  kind: dinas\n  settings: [1]\n",
        4,
        "settings must be a mapping",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_catalogue_names_file_line_and_reason(tmp_path: Path, case: str) -> None:
    body, line, reason = MALFORMED[case]
    path = write(tmp_path, "opd.yaml", body)
    with pytest.raises(catalogue.CatalogueError) as info:
        catalogue.load(tmp_path)
    assert info.value.path == path
    assert info.value.line == line
    assert reason in info.value.reason
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_duplicate_slug_across_files_is_rejected_with_both_places(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "- {slug: same, name: One, kind: dinas}\n")
    write(
        tmp_path,
        "b.yaml",
        "\n- {slug: other, name: Two, kind: badan}\n- {slug: same, name: Three, kind: badan}\n",
    )
    with pytest.raises(catalogue.CatalogueError) as info:
        catalogue.load(tmp_path)
    assert info.value.path.name == "b.yaml" and info.value.line == 3
    assert "already defined at a.yaml:1" in info.value.reason


# --- sync through the CLI ------------------------------------------------------------------------
def run(app, *args: str):
    return app.test_cli_runner().invoke(cli, list(args), catch_exceptions=False)


def test_sync_twice_changes_nothing_the_second_time(app, owner_engine: Engine) -> None:
    first = run(app, "tenants", "sync", "--path", str(REPO_CATALOGUE))
    assert first.exit_code == 0, first.output
    count = len(catalogue.load(REPO_CATALOGUE))
    assert f"{count} created, 0 updated" in first.output
    before = snapshot(owner_engine)
    second = run(app, "tenants", "sync", "--path", str(REPO_CATALOGUE))
    assert second.exit_code == 0
    assert f"0 created, 0 updated, {count} unchanged" in second.output
    assert snapshot(owner_engine) == before


def test_sync_updates_suspends_and_never_deletes(app, tmp_path: Path, owner_engine: Engine) -> None:
    write(
        tmp_path,
        "opd.yaml",
        "- {slug: one, name: One, kind: dinas}\n- {slug: two, name: Two, kind: badan}\n",
    )
    assert run(app, "tenants", "sync", "--path", str(tmp_path)).exit_code == 0
    write(
        tmp_path, "opd.yaml", "- {slug: one, name: One Renamed, kind: dinas, status: suspended}\n"
    )
    result = run(app, "tenants", "sync", "--path", str(tmp_path))
    assert (
        "updated one: name: 'One' -> 'One Renamed'; status: 'active' -> 'suspended'"
        in result.output
    )
    assert "kept (not in catalogue, left as is) two" in result.output
    rows = {r[0]: r for r in snapshot(owner_engine)}
    assert rows["one"][1:4] == ("One Renamed", "dinas", "suspended")
    assert "two" in rows
    listing = run(app, "tenants", "list").output.splitlines()
    assert listing[0].split("\t")[0] in {"one", "two"}
    assert any(line.startswith("one\tOne Renamed\tdinas\tsuspended") for line in listing)


def test_dry_run_changes_nothing(app, tmp_path: Path, owner_engine: Engine) -> None:
    write(tmp_path, "opd.yaml", "- {slug: one, name: One, kind: dinas}\n")
    result = run(app, "tenants", "sync", "--dry-run", "--path", str(tmp_path))
    assert "(dry run) created one" in result.output
    assert snapshot(owner_engine) == []


def test_malformed_catalogue_changes_nothing(app, tmp_path: Path, owner_engine: Engine) -> None:
    write(tmp_path, "a.yaml", "- {slug: good, name: Good, kind: dinas}\n")
    write(tmp_path, "b.yaml", "- {slug: bad, name: Bad, kind: nonsense}\n")
    result = app.test_cli_runner().invoke(cli, ["tenants", "sync", "--path", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'b.yaml'}:1: kind 'nonsense'" in result.output
    assert snapshot(owner_engine) == []
