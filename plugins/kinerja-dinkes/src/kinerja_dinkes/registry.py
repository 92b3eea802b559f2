"""The agency's registry of puskesmas, read as plain values (no session leaves this module):
the choices of the immunisation report's puskesmas field, and the places the coverage page
expects a report from."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kinerja.plugins import api
from kinerja_dinkes.models import Puskesmas


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    kecamatan: str


def places() -> list[Place]:
    """The current agency's puskesmas, by name."""
    with api.unit_of_work() as session:
        return [
            Place(p.code, p.name, p.kecamatan or "")
            for p in session.scalars(select(Puskesmas).order_by(Puskesmas.name))
        ]


def names() -> list[str]:
    """What a report may name as its puskesmas: the registered names, as people read them."""
    return [place.name for place in places()]
