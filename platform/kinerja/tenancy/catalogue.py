"""The tenant catalogue in `tenants/*.yaml`: parsed with the file and line of every mistake.

Each file holds a list of agencies:

    - slug: dinkes                  # URL name: lowercase letters, digits, '-'
      name: Dinas Kesehatan
      kind: dinas                   # one of kinerja.tenancy.kinds.KINDS
      status: active                # or suspended (never deleted, only suspended)
      settings: {}                  # free-form per-tenant settings
      plugins:                      # installed plugins this agency enables, with their settings
        kinerja-dinkes: {}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kinerja.tenancy.kinds import ACTIVE, KINDS, STATUSES

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
FIELDS = {"slug", "name", "kind", "status", "settings", "plugins"}


class CatalogueError(Exception):
    """A malformed catalogue; `str()` is `file:line: reason`."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = path, line, reason


@dataclass(frozen=True)
class Entry:
    slug: str
    name: str
    kind: str
    status: str = ACTIVE
    settings: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    plugins: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> settings
    plugins_line: int = 0


def _scalar(node: yaml.Node, path: Path, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise CatalogueError(path, node.start_mark.line + 1, f"{what} must be non-empty text")
    return str(node.value).strip()


def _entry(node: yaml.Node, path: Path) -> Entry:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        raise CatalogueError(path, line, "each entry must be a mapping with slug, name, kind")
    values: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in FIELDS:
            raise CatalogueError(
                path,
                key_node.start_mark.line + 1,
                f"unknown field '{key}' (allowed: {', '.join(sorted(FIELDS))})",
            )
        if key in values:
            raise CatalogueError(path, key_node.start_mark.line + 1, f"field '{key}' repeated")
        values[key] = value_node
    for required in ("slug", "name", "kind"):
        if required not in values:
            raise CatalogueError(path, line, f"missing field '{required}'")
    slug = _scalar(values["slug"], path, "slug")
    if not SLUG.match(slug):
        raise CatalogueError(
            path,
            values["slug"].start_mark.line + 1,
            f"slug '{slug}' must be 2-40 lowercase letters, digits or '-'",
        )
    kind = _scalar(values["kind"], path, "kind")
    if kind not in KINDS:
        raise CatalogueError(
            path,
            values["kind"].start_mark.line + 1,
            f"kind '{kind}' is not one of {', '.join(KINDS)}",
        )
    status = ACTIVE
    if "status" in values:
        status = _scalar(values["status"], path, "status")
        if status not in STATUSES:
            raise CatalogueError(
                path,
                values["status"].start_mark.line + 1,
                f"status '{status}' is not one of {', '.join(STATUSES)}",
            )
    settings: dict[str, Any] = {}
    if "settings" in values:
        settings_node = values["settings"]
        if not isinstance(settings_node, yaml.MappingNode):
            raise CatalogueError(
                path, settings_node.start_mark.line + 1, "settings must be a mapping"
            )
        settings = yaml.safe_load(yaml.serialize(settings_node)) or {}
    plugins: dict[str, dict[str, Any]] = {}
    plugins_line = 0
    if "plugins" in values:
        plugins_node = values["plugins"]
        plugins_line = plugins_node.start_mark.line + 1
        loaded = yaml.safe_load(yaml.serialize(plugins_node)) or {}
        if not isinstance(plugins_node, yaml.MappingNode) or not all(
            isinstance(v, dict | type(None)) for v in loaded.values()
        ):
            raise CatalogueError(
                path, plugins_line, "plugins must map each plugin's name to its settings ({})"
            )
        plugins = {str(k): dict(v or {}) for k, v in loaded.items()}
    name = _scalar(values["name"], path, "name")
    if len(name) > 200:
        raise CatalogueError(
            path, values["name"].start_mark.line + 1, "name is over 200 characters"
        )
    return Entry(slug, name, kind, status, settings, f"{path.name}:{line}", plugins, plugins_line)


def load_file(path: Path) -> list[Entry]:
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise CatalogueError(path, line, f"not valid YAML: {exc.problem or exc}") from None
    except UnicodeDecodeError:
        raise CatalogueError(path, 1, "not UTF-8 text") from None
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise CatalogueError(path, root.start_mark.line + 1, "the file must be a list of agencies")
    return [_entry(node, path) for node in root.value]


def load(folder: Path) -> list[Entry]:
    """Every entry of every `*.yaml` file in `folder`; a slug may appear only once overall."""
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not files:
        raise CatalogueError(folder, 0, "no *.yaml catalogue files here")
    seen: dict[str, str] = {}
    entries: list[Entry] = []
    for path in files:
        for entry in load_file(path):
            if entry.slug in seen:
                line = int(entry.source.rsplit(":", 1)[1])
                raise CatalogueError(
                    path, line, f"slug '{entry.slug}' already defined at {seen[entry.slug]}"
                )
            seen[entry.slug] = entry.source
            entries.append(entry)
    return entries
