"""A believable performance year for the demo agency, built through the services: the agency's
targets, the head's plan from them, the kepala bidang's and kepala seksi's from their superiors',
and the staff's in every state (approved, waiting, rejected, a revision, a handed-down draft)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja.people.models import Employee
from kinerja.performance import flow, inputs, plan, targets
from kinerja.performance import skp as skps
from kinerja.performance.aksi import demo as aksi_demo
from kinerja.performance.models import OrgTarget, Rhk
from kinerja.permissions import Principal


@dataclass(frozen=True)
class Row:
    text: str
    iki: tuple[tuple[str, str, str, str], ...]  # (text, aspect, target, unit)
    source: int | str | None = None  # index of the superior's row, or a target code
    kind: str = "utama"
    perspektif: str | None = None


@dataclass(frozen=True)
class Plan:
    nip: str
    rows: tuple[Row, ...]
    end: str = "approved"  # approved, submitted, rejected, draft, revised
    reason: str | None = None
    lampiran: dict[str, str] = field(default_factory=dict)


TARGETS = (
    (
        "SS1",
        "Meningkatnya derajat kesehatan masyarakat Kota Medan",
        [
            {"text": "Cakupan imunisasi dasar lengkap", "target": "95", "unit": "%"},
            {"text": "Angka kematian bayi", "target": "8", "unit": "per 1.000 KH"},
        ],
    ),
    (
        "SS2",
        "Meningkatnya mutu pelayanan kesehatan",
        [{"text": "Indeks kepuasan masyarakat", "target": "85", "unit": "poin"}],
    ),
)
HEAD, KABID, KASI = "197503122000031002", "198001152005012003", "198205102008012007"
ADMIN = "198811202010011004"
LAMPIRAN = {
    "dukungan": "Anggaran DPA Dinas Kesehatan; data SIASN dan aplikasi ASIK",
    "skema": "Laporan bulanan kepada atasan langsung; evaluasi triwulanan",
    "konsekuensi": "Sesuai PermenPANRB 6/2022",
}
PLANS = (
    Plan(
        HEAD,
        (
            Row(
                "Meningkatnya cakupan imunisasi dasar lengkap di Kota Medan",
                (("Persentase bayi mendapat imunisasi dasar lengkap", "kuantitas", "95", "%"),),
                "SS1",
                perspektif="penerima_layanan",
            ),
            Row(
                "Meningkatnya mutu pelayanan puskesmas",
                (("Indeks kepuasan masyarakat terhadap puskesmas", "kualitas", "85", "poin"),),
                "SS2",
                perspektif="proses_bisnis",
            ),
        ),
        lampiran=LAMPIRAN,
    ),
    Plan(
        KABID,
        (
            Row(
                "Terlaksananya program imunisasi dan surveilans PD3I di seluruh puskesmas",
                (
                    (
                        "Persentase puskesmas melaksanakan imunisasi sesuai jadwal",
                        "kuantitas",
                        "100",
                        "%",
                    ),
                    ("Laporan surveilans PD3I tersusun", "kuantitas", "12", "laporan"),
                    ("Waktu penyampaian laporan surveilans PD3I", "waktu", "5", "hari"),
                ),
                0,
            ),
        ),
        lampiran=LAMPIRAN,
    ),
    Plan(
        KASI,
        (
            Row(
                "Tersedianya data cakupan imunisasi per puskesmas yang mutakhir",
                (
                    ("Laporan verifikasi data cakupan imunisasi", "kuantitas", "12", "laporan"),
                    ("Data puskesmas yang lengkap dan valid", "kualitas", "90-100", "%"),
                ),
                0,
            ),
        ),
    ),
    Plan(
        ADMIN,
        (
            Row(
                "Tersedianya sistem informasi kinerja pegawai yang andal",
                (
                    ("Ketersediaan layanan aplikasi", "kualitas", "99", "%"),
                    ("Biaya pemeliharaan aplikasi", "biaya", "60000000", "rupiah"),
                ),
                1,
            ),
        ),
        end="revised",
        reason="Penambahan target integrasi data SIASN",
    ),
    Plan(
        "198609262015051001",
        (
            Row(
                "Terlaksananya analisis epidemiologi kejadian ikutan pasca imunisasi (KIPI)",
                (
                    ("Laporan analisis KIPI", "kuantitas", "12", "laporan"),
                    ("Waktu penyusunan laporan analisis KIPI", "waktu", "5", "hari"),
                    ("Nilai mutu laporan analisis KIPI", "kualitas", "80-90", "nilai"),
                ),
                0,
            ),
            Row(
                "Menjadi narasumber kelas ibu balita",
                (("Sesi", "kuantitas", "4", "sesi"),),
                kind="tambahan",
            ),
        ),
    ),
    Plan(
        "199207082019032011",
        (
            Row(
                "Terlaksananya pelayanan imunisasi di posyandu binaan",
                (
                    ("Posyandu binaan yang dilayani", "kuantitas", "6", "posyandu"),
                    ("Cakupan imunisasi di posyandu binaan", "kualitas", "95", "%"),
                ),
                0,
            ),
        ),
        end="submitted",
    ),
    Plan(
        "199003152023211001",
        (
            Row(
                "Tersedianya data kepegawaian dinas yang mutakhir",
                (("Data pegawai dimutakhirkan", "kuantitas", "20", "berkas"),),
                1,
            ),
        ),
        end="rejected",
        reason="Target terlalu rendah: sesuaikan dengan jumlah pegawai dinas.",
    ),
)


def _principal(employee: Employee, *roles: str) -> Principal:
    return Principal(
        user_id=employee.user_id or 0,
        tenant_id=employee.tenant_id,
        roles=frozenset(roles or ("pegawai",)),
        employee_id=employee.id,
    )


def _rater(session: Session, employee: Employee, admin: Employee) -> Principal:
    rater = skps.chain(session, employee).rater
    if rater is None:
        return _principal(admin, "pegawai", "admin_opd")
    return _principal(rater)


def _iki(items: tuple[tuple[str, str, str, str], ...]) -> list[dict[str, Any]]:
    """(text, aspect, target, unit); a target "90-100" is a range."""
    out = []
    for text, aspect, target, unit in items:
        low, _dash, high = target.partition("-")
        out.append(
            {"text": text, "aspect": aspect, "target_low": low, "target_high": high or None}
            | {"unit": unit}
        )
    return out


def load_year(session: Session, year: int, finished: bool = False) -> list[str]:
    """The demo agency's plans for `year`, once (nothing when the head already planned);
    `finished`: a past year, every plan approved."""
    people = {e.nip: e for e in session.scalars(select(Employee))}
    if HEAD not in people or ADMIN not in people:
        return []
    head = people[HEAD]
    if skps.of_employee(session, head.id, year) is not None:
        return []
    codes: dict[str, int] = {}
    for code, text, indicators in TARGETS:
        found = session.scalar(
            select(OrgTarget).where(OrgTarget.year == year, OrgTarget.code == code)
        )
        codes[code] = (
            found
            or targets.create(session, year, {"code": code, "text": text, "indicators": indicators})
        ).id
    admin = people[ADMIN]
    done = []
    for p in PLANS:
        employee = people.get(p.nip)
        if employee is None:
            continue
        skp = skps.create(session, employee, year)
        rater = skps.chain(session, employee).rater
        above = skps.of_employee(session, rater.id, year) if rater else None
        sources = (
            [r.id for r in skps.rhk_rows(session, above) if r.kind == "utama"] if above else []
        )
        jpt = inputs.is_jpt(session, employee.id)
        for row in p.rows:
            link: dict[str, Any] = {}
            if isinstance(row.source, str):
                link = {"org_target_id": codes[row.source]}
            elif isinstance(row.source, int) and sources:
                link = {"parent_rhk_id": sources[min(row.source, len(sources) - 1)]}
            raw = {
                "text": row.text,
                "kind": row.kind,
                "perspektif": row.perspektif if jpt else None,
                "iki": _iki(row.iki),
                **link,
            }
            plan.add_rhk(session, skp, inputs.RhkInput().read(raw))
        if p.lampiran:
            plan.update_plan(session, skp, inputs.PlanInput().read({"lampiran": p.lampiran}))
        if not finished:  # the year under way: its Rencana Aksi, planned with the draft
            aksi_demo.plan(session, skp, employee)
        owner = _principal(employee)
        if finished:
            p = Plan(p.nip, p.rows, end="approved", lampiran=p.lampiran)
        if p.end != "draft":
            flow.act(session, owner, skp, "submit")
        if p.end in ("approved", "revised"):
            flow.act(session, _rater(session, employee, admin), skp, "approve")
        if p.end == "rejected":
            flow.act(session, _rater(session, employee, admin), skp, "reject", p.reason)
        if p.end == "revised":
            flow.act(session, owner, skp, "revise", p.reason)
            first = skps.rhk_rows(session, skp)[0]
            more = (("Data pegawai terintegrasi dengan SIASN", "kuantitas", "100", "%"),)
            raw = {"iki": _iki(p.rows[0].iki) + _iki(more)}
            plan.update_rhk(session, skp, first, inputs.RhkPatch().read(raw))
            flow.act(session, owner, skp, "submit")
            flow.act(session, _rater(session, employee, admin), skp, "approve")
        done.append(employee.name)
    if finished:
        return [f"SKP {year}: {len(done)} approved plans"]
    _hand_down_to_staff(session, people, year)
    return [f"SKP {year}: {len(done)} plans (approved, waiting, rejected, a revision)"]


def _hand_down_to_staff(session: Session, people: dict[str, Employee], year: int) -> None:
    """The kepala seksi hands a result down: it waits as a proposal in the staff's draft."""
    kasi = people.get(KASI)
    if kasi is None:
        return
    theirs = skps.of_employee(session, kasi.id, year)
    staff = [e.id for e in session.scalars(select(Employee).where(Employee.superior_id == kasi.id))]
    if theirs is None or not staff:
        return
    first = session.scalar(select(Rhk).where(Rhk.skp_id == theirs.id).order_by(Rhk.id))
    if first is not None:
        plan.hand_down(session, theirs, first, staff)
