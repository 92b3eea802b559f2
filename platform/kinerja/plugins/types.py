"""What plugins hand to the core: plain, frozen values the core validates at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GROUPS = ("teknis", "manajerial", "sosial_kultural")


@dataclass(frozen=True)
class PluginInfo:
    """Who a plugin is: shown on the catalogue page, and its settings' schema (marshmallow)."""

    name: str
    title: str
    description: str = ""
    version: str = ""
    settings_schema: Any = None  # a marshmallow Schema class, or None for no settings


@dataclass(frozen=True)
class Competency:
    """One competency of the dictionary (PermenPANRB 38/2017): five levels, each described."""

    code: str
    name: str
    group: str  # one of GROUPS
    description: str
    levels: tuple[str, str, str, str, str]  # behavioural indicators of levels 1 to 5
    position_types: tuple[str, ...] = field(default=())  # empty: every position


@dataclass(frozen=True)
class MenuItem:
    """An entry of the agency menu: a Flask endpoint under the tenant's URL space."""

    endpoint: str
    label: Any
    description: Any = ""
    order: int = 100
