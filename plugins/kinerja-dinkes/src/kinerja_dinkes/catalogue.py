"""What the plugin declares, as data: its name and settings, the technical competencies of a
health agency with their development options, and the Laporan Harian Imunisasi (daily
immunisation report of a puskesmas or posyandu) with its own rule."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from kinerja.plugins.api import (
    DevelopmentOption,
    FormField,
    Ratio,
    ReportForm,
    in_language,
)

NAME = "kinerja-dinkes"
HEALTH_POSITIONS = ("fungsional", "pelaksana", "pengawas", "administrator")


class Settings(Schema):
    target_coverage = fields.Integer(
        load_default=95,
        validate=validate.Range(1, 100),
        metadata={
            "description": "immunisation coverage target, percent",
            "label": "Target cakupan imunisasi (%)",
            "label_en": "Immunisation coverage target (%)",
        },
    )


def levels_en(subject: str) -> tuple[str, str, str, str, str]:
    return (
        f"Understands the basics of {subject} and does routine tasks with guidance.",
        f"Carries out {subject} independently by the applicable guidelines and standards.",
        f"Analyses problems of {subject} and improves how their unit works.",
        f"Plans and evaluates the {subject} programme across the agency.",
        f"Is the reference for {subject}, drafts policy and coaches other units.",
    )


def levels(subject: str) -> tuple[str, str, str, str, str]:
    return (
        f"Memahami dasar-dasar {subject} dan menjalankan tugas rutin dengan bimbingan.",
        f"Melaksanakan {subject} secara mandiri sesuai pedoman dan standar yang berlaku.",
        f"Menganalisis masalah {subject} dan memperbaiki cara kerja di unitnya.",
        f"Merencanakan dan mengevaluasi program {subject} di tingkat OPD.",
        f"Menjadi rujukan {subject}, menyusun kebijakan dan membina unit lain.",
    )


# (code, name, description, subject of the levels) in Indonesian, then the same in English.
COMPETENCIES = (
    (
        "DK-SURV",
        "Surveilans Epidemiologi",
        "Mengumpulkan, mengolah dan menganalisis data penyakit untuk kewaspadaan dini dan respons.",
        "surveilans epidemiologi",
    ),
    (
        "DK-IMUN",
        "Pengelolaan Program Imunisasi",
        "Merencanakan sasaran, logistik vaksin, rantai dingin, pelaksanaan dan pencatatan "
        "imunisasi.",
        "program imunisasi",
    ),
    (
        "DK-PROMKES",
        "Promosi Kesehatan",
        "Menggerakkan masyarakat berperilaku hidup bersih dan sehat melalui komunikasi dan "
        "edukasi.",
        "promosi kesehatan",
    ),
    (
        "DK-YANKES",
        "Pelayanan Kesehatan Primer",
        "Menyelenggarakan pelayanan kesehatan dasar di puskesmas yang bermutu dan berkeadilan.",
        "pelayanan kesehatan primer",
    ),
)
COMPETENCIES_EN = {
    "DK-SURV": (
        "Epidemiological surveillance",
        "Collects, processes and analyses disease data for early warning and response.",
        "epidemiological surveillance",
    ),
    "DK-IMUN": (
        "Immunisation programme management",
        "Plans targets, vaccine logistics, the cold chain, immunisation and its records.",
        "immunisation",
    ),
    "DK-PROMKES": (
        "Health promotion",
        "Moves people to clean and healthy living through communication and education.",
        "health promotion",
    ),
    "DK-YANKES": (
        "Primary health care",
        "Runs good and fair basic health services in the puskesmas.",
        "primary health care",
    ),
}


# Technical development for the health competencies: the ministry's courses and field
# assignments (the kind of suggestion a Dinkes admin adds to).
DEVELOPMENT = (
    DevelopmentOption(
        "DK-SURV",
        "training",
        "Pelatihan surveilans PD3I (Kemenkes)",
        "PD3I surveillance course",
    ),
    DevelopmentOption(
        "DK-IMUN",
        "training",
        "Pelatihan pengelolaan rantai dingin vaksin",
        "Vaccine cold chain management course",
    ),
    DevelopmentOption(
        "DK-IMUN",
        "assignment",
        "Pendampingan BIAS di puskesmas dengan cakupan rendah",
        "Support school immunisation in a low-coverage puskesmas",
        2,
    ),
    DevelopmentOption(
        "DK-PROMKES",
        "assignment",
        "Menjadi fasilitator kampanye PHBS",
        "Facilitate a clean and healthy living campaign",
    ),
    DevelopmentOption(
        "DK-YANKES",
        "coaching",
        "Bimbingan teknis oleh kepala puskesmas",
        "Technical guidance by the head of a puskesmas",
    ),
)


ANTIGENS = (
    "HB0",
    "BCG",
    "Polio 1",
    "Polio 2",
    "Polio 3",
    "Polio 4",
    "DPT-HB-Hib 1",
    "DPT-HB-Hib 2",
    "DPT-HB-Hib 3",
    "IPV",
    "Campak-Rubella 1",
    "Campak-Rubella 2",
)
# The antigens in English: the vaccines' names, measles (campak) named in English.
ANTIGENS_EN = tuple(a.replace("Campak", "Measles") for a in ANTIGENS)


def check_immunisation(values: dict[str, Any]) -> dict[str, str]:
    """The report's own rules: no more immunised than targeted, no more KIPI than immunised."""
    problems = {}
    if values["diimunisasi"] > values["sasaran"]:
        problems["diimunisasi"] = in_language(
            "Jumlah diimunisasi tidak boleh melebihi sasaran.",
            "No more children can be immunised than targeted.",
        )
    if values["kipi"] > values["diimunisasi"]:
        problems["kipi"] = in_language(
            "Jumlah KIPI tidak boleh melebihi jumlah diimunisasi.",
            "There cannot be more adverse events than immunised children.",
        )
    return problems


IMMUNISATION = ReportForm(
    code="LHI",
    title="Laporan Harian Imunisasi",
    title_en="Daily immunisation report",
    frequency="daily",
    position_types=("fungsional", "pelaksana"),
    fields=(
        # One of the agency's registry (`kinerja_field_choices`), as the coverage page counts.
        FormField("puskesmas", "Puskesmas", "choice", "Health centre", live_choices=True),
        FormField(
            "antigen", "Antigen", "choice", "Antigen", choices=ANTIGENS, choices_en=ANTIGENS_EN
        ),
        FormField(
            "sasaran",
            "Sasaran",
            "integer",
            "Target children",
            "anak",
            unit_en="children",
            min=0,
            max=100000,
            aggregate="sum",
        ),
        FormField(
            "diimunisasi",
            "Jumlah diimunisasi",
            "integer",
            "Immunised",
            "anak",
            unit_en="children",
            min=0,
            max=100000,
            aggregate="sum",
        ),
        FormField(
            "kipi",
            "KIPI (kejadian ikutan pasca imunisasi)",
            "integer",
            "Adverse events",
            "kasus",
            unit_en="cases",
            min=0,
            max=100000,
            aggregate="sum",
        ),
        FormField(
            "catatan_kipi",
            "Catatan KIPI",
            "text",
            "Adverse events note",
            required=False,
            max_length=1000,
        ),
    ),
    group_by=("puskesmas", "antigen"),
    # Below the agency's target (setting `target_coverage`) a line of the summary is flagged.
    ratios=(
        Ratio(
            "cakupan",
            "Cakupan (%)",
            "diimunisasi",
            "sasaran",
            "target_coverage",
            label_en="Coverage (%)",
        ),
    ),
    check=check_immunisation,
)
