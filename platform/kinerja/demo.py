"""A small demo data set: the work units of a few agencies, loaded idempotently."""

from __future__ import annotations

from sqlalchemy import select

from kinerja import clock
from kinerja.db import db
from kinerja.identity.models import (
    ROLE_PEGAWAI,
    SOURCE_ADMIN,
    SOURCE_EMPLOYEE,
    Membership,
    User,
)
from kinerja.identity.passwords import hash_password
from kinerja.organisation.models import OrgUnit
from kinerja.people.models import AgencyViewer, Employee, Position
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


DEMO_PASSWORD = "demo12345"
# The sekretaris: named by the agency to see it as its head does (`people/overseers.py`).
SEKRETARIS = "197805172003122004"

# Dinas Kesehatan's people: (nip, name, golongan, position, type, grade, unit code, superior nip,
# roles of their local demo account: everyone signs in with the demo password)
PEOPLE: list[tuple[str, str, str, str, str, int, str, str | None, tuple[str, ...]]] = [
    (
        "197503122000031002",
        "dr. Rahmat Hidayat, M.Kes",
        "IV/c",
        "Kepala Dinas Kesehatan",
        "jpt_pratama",
        14,
        "KADIS",
        None,
        ("pegawai",),
    ),
    (
        "198001152005012003",
        "Sri Wahyuni, S.KM",
        "IV/a",
        "Kepala Bidang P2P",
        "administrator",
        11,
        "P2P",
        "197503122000031002",
        ("pegawai",),
    ),
    (
        "198609262015051001",
        "Budi Santoso, S.Kep",
        "III/b",
        "Epidemiolog Kesehatan Ahli Pertama",
        "fungsional",
        8,
        "P2P-IMUN",
        "198001152005012003",
        ("pegawai",),
    ),
    (
        "198205102008012007",
        "Dewi Lestari, S.KM, M.Kes",
        "III/d",
        "Kepala Seksi Surveilans dan Imunisasi",
        "pengawas",
        9,
        "P2P-IMUN",
        "198001152005012003",
        ("pegawai",),
    ),
    (
        "199501202020121003",
        "Fajar Ramadhan, A.Md.Kes",
        "II/c",
        "Pengelola Data Imunisasi",
        "pelaksana",
        6,
        "P2P-IMUN",
        "198205102008012007",
        ("pegawai",),
    ),
    (
        "199207082019032011",
        "Rina Marpaung, A.Md.Keb",
        "II/d",
        "Bidan Terampil",
        "fungsional",
        7,
        "P2P-IMUN",
        "198001152005012003",
        ("pegawai",),
    ),
    (
        "199003152023211001",
        "Andi Siregar",
        "IX",
        "Pengelola Data Kesehatan",
        "pelaksana",
        6,
        "SEK-UMUM",
        "197503122000031002",
        ("pegawai",),
    ),
    (
        "198811202010011004",
        "Yusuf Nasution, S.Kom",
        "III/c",
        "Pranata Komputer Ahli Muda",
        "fungsional",
        9,
        "SEK-UMUM",
        "197503122000031002",
        ("pegawai", "admin_opd"),
    ),
    (
        SEKRETARIS,
        "Hj. Nurhayati Lubis, S.E., M.Si",
        "IV/b",
        "Sekretaris Dinas Kesehatan",
        "administrator",
        12,
        "SEK",
        "197503122000031002",
        ("pegawai",),
    ),
]
CITY_ADMIN = ("bkpsdm@medan.go.id", "Admin BKPSDM Kota Medan")


def _load_people(tenant_id: int) -> int:
    created = 0
    hashed: list[str] = []  # one hash for everyone, made once needed: each costs a second
    with db.unit_of_work(tenant_id) as session:
        units = {u.code: u.id for u in session.scalars(select(OrgUnit))}
        positions = {p.name: p for p in session.scalars(select(Position))}
        people = {e.nip: e for e in session.scalars(select(Employee))}
        for nip, name, gol, pos, ptype, grade, unit, superior, roles in PEOPLE:
            if pos not in positions:
                positions[pos] = Position(name=pos, type=ptype, grade=grade)
                session.add(positions[pos])
                session.flush()
            if nip in people:
                continue
            user = None
            if roles:
                user = session.scalar(select(User).where(User.nip == nip))
                if user is None:
                    hashed[:] = hashed or [hash_password(DEMO_PASSWORD)]
                    user = User(display_name=name, nip=nip, email=None, password_hash=hashed[0])
                    session.add(user)
                    session.flush()
                for role in roles:
                    # pegawai comes with the employee record; other roles are granted by hand.
                    source = SOURCE_EMPLOYEE if role == ROLE_PEGAWAI else SOURCE_ADMIN
                    session.add(Membership(user_id=user.id, role=role, source=source))
            employee = Employee(
                nip=nip,
                name=name,
                asn_type="PPPK" if nip[12] == "2" else "PNS",
                golongan=gol,
                position_id=positions[pos].id,
                org_unit_id=units.get(unit),
                superior_id=people[superior].id if superior else None,
                user_id=user.id if user else None,
            )
            session.add(employee)
            session.flush()
            people[nip] = employee
            created += 1
        if SEKRETARIS in people and not session.scalar(
            select(AgencyViewer.id).where(AgencyViewer.employee_id == people[SEKRETARIS].id)
        ):
            session.add(AgencyViewer(employee_id=people[SEKRETARIS].id))
    return created


def _load_year(tenant_id: int) -> list[str]:
    """This year's plans, from the agency's targets down to the staff (`performance.demo`)."""
    from kinerja.performance import demo as performance_demo
    from kinerja.performance.log import demo as log_demo

    with db.unit_of_work(tenant_id) as session:
        lines = performance_demo.load_year(session, clock.this_year())
    from kinerja.performance.evaluation import demo as evaluation_demo

    with db.unit_of_work(tenant_id) as session:
        lines += log_demo.load(session, clock.today())
    from kinerja.performance.aksi import demo as aksi_demo

    with db.unit_of_work(tenant_id) as session:
        lines += aksi_demo.load(session, clock.today())
    with db.unit_of_work(tenant_id) as session:
        return lines + evaluation_demo.load(session, clock.today())


def _load_plugin_data(tenant_id: int) -> list[str]:
    """Each plugin enabled in the agency adds its own demo data (`kinerja_demo_data`)."""
    from kinerja import audit, plugins

    with db.unit_of_work(tenant_id) as session:
        agency = plugins.agency_of(session, tenant_id)
    with audit.acting(audit.Actor(role="system")):
        found = plugins.get().call_for(agency, "kinerja_demo_data", tenant_id=tenant_id)
    return [line for _, lines in found for line in lines]


def _load_talent(tenant_id: int) -> list[str]:
    """Standards, last year's finished 360° campaign and this year's open one
    (`competency.demo`), against the dictionary of the agency's enabled plugins."""
    from kinerja.competency import catalogue
    from kinerja.competency import demo as talent_demo

    with db.unit_of_work(tenant_id) as session:
        return talent_demo.load(session, clock.today(), catalogue.dictionary_of(session, tenant_id))


def _load_figures(tenant_ids: list[int]) -> int:
    """Every agency's figures of last year and this year, and its stored talent results, as
    the nightly jobs would make them (so the comparison, the grid and the heat-map have
    something to show at once)."""
    from kinerja.city import figures
    from kinerja.competency import stored
    from kinerja.competency.catalogue import dictionary_of

    today = clock.today()
    for tenant_id in tenant_ids:
        with db.unit_of_work(tenant_id) as session:
            words = dictionary_of(session, tenant_id)
            for year in (today.year - 1, today.year):
                figures.store(session, year, figures.compute(session, year, today, words))
            stored.compute(session, None, words)
    return len(tenant_ids)


def _load_tpp(tenant_id: int) -> list[str]:
    """Last month's TPP closed and this month's open, with attendance events (`tpp.demo`)."""
    from kinerja import audit
    from kinerja.tpp import demo as tpp_demo

    with db.unit_of_work(tenant_id) as session, audit.acting(audit.Actor(role="system")):
        return tpp_demo.load(session, clock.today())


def _load_city_admin() -> bool:
    with db.unit_of_work() as session:
        if session.scalar(select(User).where(User.email == CITY_ADMIN[0])):
            return False
        session.add(
            User(
                display_name=CITY_ADMIN[1],
                email=CITY_ADMIN[0],
                is_city_admin=True,
                password_hash=hash_password(DEMO_PASSWORD),
            )
        )
    return True


def load() -> list[str]:
    """Create the demo data that is missing; return one line per thing done."""
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
    if "dinkes" in tenants:
        report.append(f"dinkes: {_load_people(tenants['dinkes'])} employees created")
        report.extend(f"dinkes: {line}" for line in _load_year(tenants["dinkes"]))
        report.extend(f"dinkes: {line}" for line in _load_plugin_data(tenants["dinkes"]))
        report.extend(f"dinkes: {line}" for line in _load_talent(tenants["dinkes"]))
        report.extend(f"dinkes: {line}" for line in _load_tpp(tenants["dinkes"]))
    report.append(f"figures of {_load_figures(list(tenants.values()))} agencies computed")
    if _load_city_admin():
        report.append(f"city admin {CITY_ADMIN[0]} created")
    report.append(
        f"demo sign-in (password {DEMO_PASSWORD}): admin OPD 198811202010011004, "
        f"kepala bidang 198001152005012003, kepala seksi 198205102008012007, "
        f"pegawai 198609262015051001, head 197503122000031002, sekretaris (sees the agency) "
        f"{SEKRETARIS}, city admin {CITY_ADMIN[0]}; every other employee by NIP"
    )
    return report
