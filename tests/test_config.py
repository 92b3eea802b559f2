"""Settings: a missing or invalid one stops start-up with one clear line naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kinerja import config

GOOD = {
    "KINERJA_DATABASE_URL": "postgresql://app@db/kinerja",
    "KINERJA_REDIS_URL": "redis://cache:6379/0",
    "KINERJA_SECRET_KEY": "x" * 32,
}


def test_good_environment_loads_with_defaults() -> None:
    loaded = config.load(GOOD)
    assert loaded["DATABASE_URL"] == "postgresql+psycopg://app@db/kinerja"
    assert loaded["DATABASE_OWNER_URL"] == loaded["DATABASE_URL"]
    assert loaded["DATABASE_APP_ROLE"] == "kinerja_app"
    assert loaded["JOB_RETRY_INTERVALS"] == [10, 60, 300]


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("KINERJA_DATABASE_URL", None, "is not set"),
        ("KINERJA_DATABASE_URL", "mysql://x/y", "must be a postgresql:// URL"),
        ("KINERJA_REDIS_URL", None, "is not set"),
        ("KINERJA_REDIS_URL", "http://x", "must be a redis://"),
        ("KINERJA_SECRET_KEY", "short", "at least 16 characters"),
        ("KINERJA_JOB_RETRY_INTERVALS", "10,soon", "comma-separated whole seconds"),
        ("KINERJA_DATABASE_APP_ROLE", "Robert'); DROP", "lowercase PostgreSQL identifier"),
        ("KINERJA_LOG_LEVEL", "LOUD", "must be one of"),
        ("KINERJA_MAX_CONTENT_LENGTH", "-1", "positive whole number"),
        ("KINERJA_SECURE_COOKIES", "maybe", "true or false"),
    ],
)
def test_bad_setting_names_the_variable(variable: str, value: str | None, fragment: str) -> None:
    environ = dict(GOOD)
    if value is None:
        environ.pop(variable, None)
    else:
        environ[variable] = value
    with pytest.raises(config.ConfigError) as info:
        config.load(environ)
    assert str(info.value).startswith(variable)
    assert fragment in str(info.value)


PARSED = [s for s in config.SETTINGS if s.parse is not str]  # free text takes any value


@pytest.mark.parametrize("setting", PARSED, ids=lambda s: s.env)
def test_every_parsed_setting_refuses_nonsense_naming_its_variable(setting: config.Setting) -> None:
    """Walks the settings table: a setting with a parser that lets nonsense through (or fails
    with something other than one line naming it) fails here, whichever setting is added."""
    assert len(PARSED) >= 40
    with pytest.raises(config.ConfigError) as info:
        config.load({**GOOD, setting.env: "no such value!"})
    assert str(info.value).startswith(f"{setting.env} ")


def test_cli_reports_a_missing_setting_in_one_line_without_traceback() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")}
    result = subprocess.run(
        [sys.executable, "-m", "kinerja.cli", "tenants", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "KINERJA_DATABASE_URL is not set" in lines[0]
    assert "Traceback" not in result.stderr


def test_help_works_without_any_setting() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")}
    result = subprocess.run(
        [sys.executable, "-m", "kinerja.cli", "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert len(cli_commands()) >= 15
    for command in {path.split()[1] for path in cli_commands()}:
        assert f"  {command} " in result.stdout
    assert "Traceback" not in result.stderr


def cli_commands() -> list[str]:
    """Every command of `kinerja`, subcommands spelled out ("kinerja db upgrade")."""
    import click

    from kinerja.cli import cli

    def walk(group: click.Group, prefix: str) -> list[str]:
        found = []
        for name, command in sorted(group.commands.items()):
            if isinstance(command, click.Group):
                found += walk(command, f"{prefix} {name}")
            else:
                found.append(f"{prefix} {name}")
        return found

    return walk(cli, "kinerja")


def test_readme_command_table_lists_every_command() -> None:
    """Walks the click group: each command is in the README's table of the `kinerja` command
    (a cell may abbreviate a sibling: "`kinerja db current` / `db check`")."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    table = readme.split("## The `kinerja` command", 1)[1].split("\n## ", 1)[0]
    listed = set()
    for row in table.splitlines():
        cells = re.split(r"(?<!\\)\|", row)  # a cell may hold an escaped \|
        spans = re.findall(r"`([^`]+)`", cells[1]) if row.startswith("| `") else []
        for span in spans:
            words = span.split() if span.startswith("kinerja ") else ["kinerja", *span.split()]
            listed.update(" ".join(words[:n]) for n in range(2, len(words) + 1))
    missing = [command for command in cli_commands() if command not in listed]
    assert not missing, f"commands missing from README's table: {missing}"


def test_readme_configuration_table_matches_the_settings() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for setting in config.SETTINGS:
        assert f"`{setting.env}`" in readme, f"{setting.env} missing from README"


@pytest.mark.parametrize(
    ("base_url", "setting", "secure"),
    [
        (None, None, False),
        ("https://kinerja.pemkomedan.go.id", None, True),
        ("http://127.0.0.1:5000", None, False),
        ("http://127.0.0.1:5000", "true", True),
        ("https://kinerja.pemkomedan.go.id", "false", False),
    ],
)
def test_secure_cookies_follow_the_base_url_unless_set(base_url, setting, secure) -> None:
    environ = dict(GOOD)
    if base_url:
        environ["KINERJA_BASE_URL"] = base_url
    if setting:
        environ["KINERJA_SECURE_COOKIES"] = setting
    assert config.load(environ)["SESSION_COOKIE_SECURE"] is secure
