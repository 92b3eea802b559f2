"""A small demo data set: the work units of a few agencies, loaded idempotently."""

from __future__ import annotations

from sqlalchemy import select

from kinerja.db import db
from kinerja.organisation.models import OrgUnit
from kinerja.tenancy.models import Tenant

# tenant slug -> list of (code, name, parent code or None)
UNITS: dict[str, list[tuple[str, str, str | None]]] = {
    "dinkes": [
        ("KADIS", "Kepala Dinas Kesehatan", None),
        ("SEK", "Sekretariat", "KADIS"),
        ("SEK-UMUM", "Subbagian Umum dan Kepegawaian", "SEK"),
        ("SEK-KEU", "Subbagian Keuangan", "SEK"),
        ("KESMAS", "Bidang Kesehatan Masyarakat", "KADIS"),
        ("P2P", "Bidang Pencegahan dan Pengendalian Penyakit", "KADIS"),
        ("P2P-IMUN", "Seksi Surveilans dan Imunisasi", "P2P"),
        ("YANKES", "Bidang Pelayanan Kesehatan", "KADIS"),
        ("PKM-PADANG-BULAN", "UPT Puskesmas Padang Bulan", "KADIS"),
        ("PKM-TELADAN", "UPT Puskesmas Teladan", "KADIS"),
    ],
    "disdik": [
        ("KADIS", "Kepala Dinas Pendidikan", None),
        ("SEK", "Sekretariat", "KADIS"),
        ("PAUD", "Bidang Pembinaan PAUD dan Pendidikan Nonformal", "KADIS"),
        ("SD", "Bidang Pembinaan Sekolah Dasar", "KADIS"),
        ("SMP", "Bidang Pembinaan Sekolah Menengah Pertama", "KADIS"),
        ("GTK", "Bidang Guru dan Tenaga Kependidikan", "KADIS"),
    ],
    "kec-medan-kota": [
        ("CAMAT", "Camat Medan Kota", None),
        ("SEKCAM", "Sekretariat Kecamatan", "CAMAT"),
        ("PEM", "Seksi Pemerintahan", "CAMAT"),
        ("TRANTIB", "Seksi Ketenteraman dan Ketertiban Umum", "CAMAT"),
        ("KEL-PANDAU-HILIR", "Kelurahan Pandau Hilir", "CAMAT"),
        ("KEL-TELADAN-BARAT", "Kelurahan Teladan Barat", "CAMAT"),
    ],
    "rsud-pirngadi": [
        ("DIR", "Direktur", None),
        ("WADIR-YAN", "Wakil Direktur Pelayanan", "DIR"),
        ("WADIR-UMUM", "Wakil Direktur Umum dan Keuangan", "DIR"),
        ("IGD", "Instalasi Gawat Darurat", "WADIR-YAN"),
        ("RAWAT-INAP", "Instalasi Rawat Inap", "WADIR-YAN"),
    ],
}


def load() -> list[str]:
    """Create the demo units that are missing; return one line per agency touched."""
    report = []
    with db.unit_of_work() as session:
        tenants = {t.slug: t.id for t in session.scalars(select(Tenant))}
    for slug, units in UNITS.items():
        if slug not in tenants:
            report.append(f"skipped {slug}: not in the catalogue (run `kinerja tenants sync`)")
            continue
        with db.unit_of_work(tenants[slug]) as session:
            existing = {u.code: u for u in session.scalars(select(OrgUnit))}
            created = 0
            for code, name, parent_code in units:
                if code in existing:
                    continue
                parent = existing.get(parent_code) if parent_code else None
                unit = OrgUnit(code=code, name=name, parent_id=parent.id if parent else None)
                session.add(unit)
                session.flush()
                existing[code] = unit
                created += 1
        report.append(f"{slug}: {created} work units created, {len(units) - created} already there")
    return report
