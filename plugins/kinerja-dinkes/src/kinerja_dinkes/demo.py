"""Demo data of the plugin: the agency's puskesmas and a month of immunisation reports."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kinerja.plugins import api
from kinerja_dinkes.catalogue import IMMUNISATION
from kinerja_dinkes.models import Puskesmas

PUSKESMAS = (
    ("PB", "Puskesmas Padang Bulan", "Medan Baru"),
    ("TL", "Puskesmas Teladan", "Medan Kota"),
    ("GS", "Puskesmas Glugur Kota", "Medan Barat"),
)
# Reporters of the demo (their NIPs): the two staff of the immunisation section.
REPORTERS = {
    "198609262015051001": "Puskesmas Padang Bulan",
    "199207082019032011": "Puskesmas Teladan",
}
SUPERIOR = "198001152005012003"
ANTIGENS = ("HB0", "BCG", "Polio 1", "DPT-HB-Hib 1", "Campak-Rubella 1")


def load() -> list[str]:
    """Idempotent: the puskesmas are registered first, in a transaction of their own (a report
    names one of them, and the core checks that against the registry as the agency has it
    committed); the reports then only when the agency has none of the demo's days yet."""
    today = api.clock.today()
    days = [today - timedelta(days=back) for back in range(30, 0, -1)]
    with api.unit_of_work() as session:
        known = set(session.scalars(select(Puskesmas.code)))
        for code, name, kecamatan in PUSKESMAS:
            if code not in known:
                session.add(Puskesmas(code=code, name=name, kecamatan=kecamatan))
    added = len([code for code, _name, _kecamatan in PUSKESMAS if code not in known])
    lines = [f"{added} puskesmas registered"]
    earlier = [
        row
        for year in sorted({day.year for day in days})
        for row in api.submissions(IMMUNISATION.code, year=year)
        if days[0] <= row.report_date <= days[-1]
    ]
    created = 0
    if not earlier:
        with api.unit_of_work() as session:
            for nip, puskesmas in REPORTERS.items():
                for back, day in zip(range(30, 0, -1), days, strict=True):
                    target = 15 + (back * 7) % 11
                    values = {
                        "report_date": day.isoformat(),
                        "puskesmas": puskesmas,
                        "antigen": ANTIGENS[(back + len(nip)) % len(ANTIGENS)],
                        "sasaran": target,
                        "diimunisasi": target - (back % 4),
                        "kipi": 1 if back % 9 == 0 else 0,
                    }
                    # The last three days still wait for the superior.
                    approver = SUPERIOR if back > 3 else None
                    if api.record_submission(
                        session, IMMUNISATION, nip, values, approved_by=approver
                    ):
                        created += 1
    lines.append(f"{created} immunisation reports created")
    return lines
