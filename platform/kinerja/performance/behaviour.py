"""Perilaku Kerja: the BerAKHLAK values and their indicators, read from data (`berakhlak.json`)
so a change of the circular needs no code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Value:
    code: str
    name: str
    name_en: str
    indicators: tuple[str, ...]


@cache
def values() -> tuple[Value, ...]:
    raw = json.loads(resources.files(__package__).joinpath("berakhlak.json").read_text("utf-8"))
    return tuple(
        Value(v["code"], v["name"], v["name_en"], tuple(v["indicators"])) for v in raw["values"]
    )


def codes() -> frozenset[str]:
    return frozenset(v.code for v in values())
