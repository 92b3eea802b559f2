"""The core's own plugin: what every agency has, delivered through the same hooks as agency
plugins (marked `trylast`, so a plugin can come before it). Always enabled."""

from __future__ import annotations

from kinerja import permissions as perm
from kinerja.i18n import _
from kinerja.people.permissions import VIEWERS
from kinerja.plugins.hookspecs import hookimpl
from kinerja.plugins.types import Competency, DevelopmentOption, MenuItem, PluginInfo
from kinerja.tpp import permissions as tpp_permissions

NAME = "kinerja-core"
FIGURES = "agency_figures"  # the kind of kinerja.city.permissions

# PermenPANRB 38/2017: the eight manajerial and one sosial kultural competencies (domain.md, [C]);
# the level wording is data ([U]) and can be refined without code.
_LEVELS = (
    "Level 1: memahami dan menerapkan dalam tugasnya sendiri",
    "Level 2: menerapkan secara konsisten dan membantu rekan kerja",
    "Level 3: mengembangkan dan menjadi contoh di unit kerjanya",
    "Level 4: mengelola dan mendorong penerapan di lingkup instansi",
    "Level 5: menjadi panutan dan membangun budaya di tingkat nasional",
)
_LEVELS_EN = (
    "Level 1: understands it and applies it in their own work",
    "Level 2: applies it consistently and helps colleagues to",
    "Level 3: develops it and sets the example in their work unit",
    "Level 4: manages it and drives it across the agency",
    "Level 5: is the role model and builds the culture nationally",
)
# (code, name, description, English name, English description)
MANAJERIAL = (
    (
        "M1",
        "Integritas",
        "Konsisten berperilaku selaras dengan nilai, norma dan etika organisasi.",
        "Integrity",
        "Behaves consistently with the organisation's values, norms and ethics.",
    ),
    (
        "M2",
        "Kerja Sama",
        "Menjalin dan membina kerja sama dengan pihak lain secara efektif.",
        "Teamwork",
        "Builds and keeps effective cooperation with others.",
    ),
    (
        "M3",
        "Komunikasi",
        "Menyampaikan dan menerima informasi secara jelas dan santun.",
        "Communication",
        "Gives and receives information clearly and politely.",
    ),
    (
        "M4",
        "Orientasi pada Hasil",
        "Mempertahankan komitmen untuk mencapai hasil terbaik.",
        "Results orientation",
        "Keeps the commitment to reach the best results.",
    ),
    (
        "M5",
        "Pelayanan Publik",
        "Melayani masyarakat secara profesional, adil dan tepat waktu.",
        "Public service",
        "Serves the public professionally, fairly and on time.",
    ),
    (
        "M6",
        "Pengembangan Diri dan Orang Lain",
        "Meningkatkan pengetahuan dan kemampuan diri sendiri dan orang lain.",
        "Developing self and others",
        "Grows their own and others' knowledge and skills.",
    ),
    (
        "M7",
        "Mengelola Perubahan",
        "Menyesuaikan diri dan mendorong perubahan di organisasi.",
        "Managing change",
        "Adapts to and drives change in the organisation.",
    ),
    (
        "M8",
        "Pengambilan Keputusan",
        "Membuat keputusan yang baik secara tepat waktu.",
        "Decision making",
        "Makes good decisions in good time.",
    ),
)
SOSIAL_KULTURAL = (
    (
        "SK1",
        "Perekat Bangsa",
        "Mempromosikan sikap toleransi dan persatuan dalam keberagaman.",
        "Nation bonding",
        "Promotes tolerance and unity in diversity.",
    ),
)


@hookimpl(trylast=True)
def kinerja_plugin_info() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        title="Kinerja",
        description="Kompetensi manajerial dan sosial kultural, menu inti.",
        title_en="Kinerja",
        description_en="Managerial and socio-cultural competencies, the core menu.",
    )


@hookimpl(trylast=True)
def kinerja_competencies() -> list[Competency]:
    return [
        Competency(code, name, group, text, _LEVELS, (), name_en, text_en, _LEVELS_EN)
        for group, table in (("manajerial", MANAJERIAL), ("sosial_kultural", SOSIAL_KULTURAL))
        for code, name, text, name_en, text_en in table
    ]


# Development options for the core competencies [U]: a catalogue agencies add to (their own
# rows, and their plugins' options). (code, kind, Indonesian, English, smallest gap)
DEVELOPMENT = (
    (
        "*",
        "coaching",
        "Coaching oleh atasan langsung, satu sesi per bulan",
        "Coaching by the direct superior, one session a month",
        1,
    ),
    (
        "*",
        "training",
        "Pelatihan klasikal atau e-learning kompetensi terkait (ASN Corpu)",
        "Classroom or e-learning course on the competency (ASN Corporate University)",
        1,
    ),
    (
        "M1",
        "training",
        "Pelatihan integritas dan antikorupsi",
        "Integrity and anti-corruption course",
        1,
    ),
    ("M2", "assignment", "Penugasan dalam tim lintas bidang", "Assignment to a cross-unit team", 1),
    (
        "M3",
        "training",
        "Pelatihan komunikasi efektif dan public speaking",
        "Effective communication and public speaking course",
        1,
    ),
    (
        "M4",
        "coaching",
        "Penetapan target mingguan dengan umpan balik atasan",
        "Weekly targets with the superior's feedback",
        1,
    ),
    (
        "M5",
        "assignment",
        "Penugasan di unit layanan publik (magang)",
        "Placement in a public service unit (internship)",
        1,
    ),
    ("M6", "assignment", "Menjadi mentor bagi pegawai baru", "Mentoring a new employee", 1),
    (
        "M7",
        "assignment",
        "Menjadi anggota tim proyek perubahan",
        "Member of a change project team",
        2,
    ),
    ("M8", "training", "Pelatihan kepemimpinan (PKP/PKA)", "Leadership training (PKP/PKA)", 2),
    ("SK1", "training", "Pelatihan wawasan kebangsaan", "National insight course", 1),
)


@hookimpl(trylast=True)
def kinerja_development_options() -> list[DevelopmentOption]:
    return [DevelopmentOption(c, k, t, e, g) for c, k, t, e, g in DEVELOPMENT]


@hookimpl(trylast=True)
def kinerja_menu_items(principal: perm.Principal) -> list[MenuItem]:
    """The core's pages, in the order people need them, each in its group of the menu (the
    daily ones - home, daily work, SKP, the team's work - also sit in the phone's bottom bar)."""
    p = principal
    if not perm.may_be_inside(p):
        return []
    items = [MenuItem("tenant.home", _("Home"), _("What you can do in this agency"), 0, "kinerja")]
    if perm.is_member(p) and p.employee_id is not None:
        items.append(
            MenuItem("people.my_record", _("My record"), _("Your employee record"), 10, "kinerja")
        )
        # Everyone with a record has a TPP: the month's allowance, explained line by line.
        items.append(
            MenuItem(
                "tpp_me.index",
                _("My TPP"),
                _("Your allowance this month and before, explained"),
                11,
                "kinerja",
            )
        )
    items += [
        # Everyone reads what the agency has added; its admin turns plugins on and off there.
        MenuItem(
            "plugins.plugins_page",
            _("Plugins"),
            _("What this agency has added"),
            65,
            "administrasi",
        ),
        # What a position requires and how talent is weighed: read by all, set by the admin.
        MenuItem(
            "talent.standards_page",
            _("Standards per position"),
            _("The competency levels each position requires"),
            52,
            "talenta",
        ),
        MenuItem(
            "talent.settings", _("Talent settings"), _("How ratings are weighed"), 54, "talenta"
        ),
        MenuItem(
            "skp.index",
            _("SKP"),
            _("Your plan for the year, your team's, approvals"),
            42,
            "kinerja",
        ),
        MenuItem("log.index", _("Daily work"), _("Log today's work with a photo"), 43, "kinerja"),
        MenuItem(
            "reports.index",
            _("Reports"),
            _("Report forms of the agency: fill in, follow, add up"),
            45,
            "kinerja",
        ),
        MenuItem(
            "evaluation.index", _("Evaluation"), _("Realisation, ratings, predikat"), 46, "kinerja"
        ),
        MenuItem("feedback.index", _("Feedback"), _("Conversations about the work"), 47, "kinerja"),
        MenuItem(
            "people.directory",
            _("Employees"),
            _("You, your team and, for admins, everyone"),
            20,
            "tim",
        ),
        MenuItem(
            "talent.index", _("Talent"), _("Competency assessments, gaps, nine-box"), 48, "talenta"
        ),
        MenuItem(
            "plugins.competencies",
            _("Competencies"),
            _("The competency dictionary in force here"),
            50,
            "talenta",
        ),
        MenuItem(
            "admin.units_page", _("Work units"), _("The agency's structure"), 30, "administrasi"
        ),
        MenuItem(
            "admin.positions_page",
            _("Positions"),
            _("Jabatan and their grades"),
            40,
            "administrasi",
        ),
    ]
    if perm.has_team(p):
        items.append(
            MenuItem(
                "log.team", _("Team's work"), _("New entries of your team, to verify"), 44, "tim"
            )
        )
    if perm.is_agency_admin(p) or perm.is_visiting_city_admin(p):
        items.append(
            MenuItem(
                "admin.memberships_page",
                _("Roles"),
                _("Who administers the agency"),
                60,
                "administrasi",
            )
        )
        # Everyone reads the rules from the daily work page; the admin, who sets them, looks
        # for them with the agency's other settings.
        items.append(
            MenuItem(
                "log.policy",
                _("Rules for daily work"),
                _("Deadline, late entries, days off"),
                62,
                "administrasi",
            )
        )
    # The agency's figures follow their rule (city/permissions.py: the admin OPD, the head and
    # those the agency names, a city admin who entered); asked by kind, the city is above us.
    if p.tenant_id is not None and perm.can(p, perm.VIEW, perm.Resource(FIGURES, p.tenant_id)):
        items.append(
            MenuItem(
                "comparison.agency", _("Our figures"), _("Where the agency stands"), 66, "kinerja"
            )
        )
    if p.tenant_id is not None and perm.can(p, perm.VIEW, perm.Resource(VIEWERS, p.tenant_id)):
        items.append(
            MenuItem(
                "admin.viewers_page",
                _("Who sees the agency"),
                _("Head and named"),
                67,
                "administrasi",
            )
        )
    if perm.is_agency_admin(p):
        items.append(
            MenuItem(
                "admin.import_page",
                _("Import"),
                _("Employees from SIASN or Excel"),
                70,
                "administrasi",
            )
        )
        items.append(
            MenuItem("exports.index", _("Exports"), _("Tables as XLSX or PDF"), 72, "administrasi")
        )
    # The agency's TPP months (review, corrections, closing; the attendance import from there):
    # the admin OPD's work, read by the overseers and a city admin who entered (who locks).
    if tpp_permissions.sees_month(p):
        items.append(
            MenuItem(
                "tpp_admin.months_page",
                _("TPP of the agency"),
                _("Attendance, review and closing of the month"),
                71,
                "administrasi",
            )
        )
    if perm.is_member(p):
        items.append(
            MenuItem(
                "admin.token_page",
                _("API tokens"),
                _("Keys for other applications"),
                80,
                "administrasi",
            )
        )
    items.append(
        MenuItem(
            "admin.audit_page", _("Audit log"), _("Who changed what, and when"), 90, "administrasi"
        )
    )
    return items
