"""The agency's registry of puskesmas, read as plain values (no session leaves this module):
the choices of the immunisation report's puskesmas field, and the places the coverage page
expects a report from."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text

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


LIMITS = {"code": 20, "name": 200, "kecamatan": 100}  # the table's columns
REQUIRED = ("code", "name")


def problems(values: dict[str, str], known: list[Place]) -> dict[str, str]:
    """What keeps `values` (code, name, kecamatan; stripped) out of the registry, by field, in
    the reader's language: a missing or too long value, or a code or a name already there (a
    report names its puskesmas, so two of one name would be counted as one)."""
    found: dict[str, str] = {}
    for field, limit in LIMITS.items():
        value = values.get(field, "")
        if field in REQUIRED and not value:
            found[field] = api.in_language("Wajib diisi.", "This field is required.")
        elif len(value) > limit:
            found[field] = api.in_language(
                f"Paling banyak {limit} karakter.", f"At most {limit} characters."
            )
    if values.get("code") and any(p.code == values["code"] for p in known):
        found["code"] = api.in_language("Kode ini sudah terdaftar.", "This code is registered.")
    if values.get("name") and any(p.name.casefold() == values["name"].casefold() for p in known):
        found["name"] = api.in_language("Nama ini sudah terdaftar.", "This name is registered.")
    return found


def add(values: dict[str, str]) -> dict[str, str]:
    """Register a puskesmas unless `problems` refuses it (its answer, empty when added). The
    check and the insert take turns (a transaction-scoped advisory lock): two clicks at once
    must not register one name twice (nothing else forbids it) nor collide on the code (a
    500)."""
    with api.unit_of_work() as session:
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('kinerja-dinkes:puskesmas'))"))
        known = [
            Place(p.code, p.name, p.kecamatan or "") for p in session.scalars(select(Puskesmas))
        ]
        errors = problems(values, known)
        if not errors:
            session.add(
                Puskesmas(
                    code=values["code"], name=values["name"], kecamatan=values["kecamatan"] or None
                )
            )
    return errors
