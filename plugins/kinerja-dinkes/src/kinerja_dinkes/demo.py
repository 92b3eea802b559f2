"""Demo data of the plugin: the agency's puskesmas and a month of immunisation reports."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kinerja import audit, clock
from kinerja.db import db
from kinerja.people.models import Employee
from kinerja.reports import service as reports
from kinerja.reports.models import ReportSubmission

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


def load(tenant_id: int, plugin: str) -> list[str]:
    """Idempotent: does nothing where the data is there already."""
    from kinerja_dinkes import IMMUNISATION
    from kinerja_dinkes.models import Puskesmas

    lines = []
    today = clock.today()
    with db.unit_of_work(tenant_id) as session, audit.acting(audit.Actor(role="system")):
        known = set(session.scalars(select(Puskesmas.code)))
        for code, name, kecamatan in PUSKESMAS:
            if code not in known:
                session.add(Puskesmas(code=code, name=name, kecamatan=kecamatan))
        lines.append(f"{len(PUSKESMAS) - len(known)} puskesmas registered")
        if session.scalar(select(ReportSubmission.id).limit(1)) is not None:
            lines.append("0 immunisation reports created")
            return lines
        staff = {e.nip: e for e in session.scalars(select(Employee))}
        superior = staff.get(SUPERIOR)
        created = 0
        for nip, puskesmas in REPORTERS.items():
            employee = staff.get(nip)
            if employee is None:
                continue
            for back in range(30, 0, -1):
                target = 15 + (back * 7) % 11
                submission = reports.create(
                    session,
                    plugin,
                    IMMUNISATION,
                    employee.id,
                    employee.user_id,
                    {
                        "report_date": (today - timedelta(days=back)).isoformat(),
                        "puskesmas": puskesmas,
                        "antigen": ANTIGENS[(back + len(nip)) % len(ANTIGENS)],
                        "sasaran": target,
                        "diimunisasi": target - (back % 4),
                        "kipi": 1 if back % 9 == 0 else 0,
                    },
                    today=today,
                )
                if back > 3 and superior is not None:  # the last three days still wait
                    reports.decide(session, submission, "approve", superior.user_id)
                created += 1
        lines.append(f"{created} immunisation reports created")
    return lines
