"""Kinerja plugin of Dinas Kesehatan: the technical competencies of a health agency."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from kinerja.plugins.hookspecs import hookimpl
from kinerja.plugins.types import Competency, PluginInfo

NAME = "kinerja-dinkes"
HEALTH_POSITIONS = ("fungsional", "pelaksana", "pengawas", "administrator")


class Settings(Schema):
    target_coverage = fields.Integer(
        load_default=95,
        validate=validate.Range(1, 100),
        metadata={"description": "immunisation coverage target, percent"},
    )


def _levels(subject: str) -> tuple[str, str, str, str, str]:
    return (
        f"Memahami dasar-dasar {subject} dan menjalankan tugas rutin dengan bimbingan.",
        f"Melaksanakan {subject} secara mandiri sesuai pedoman dan standar yang berlaku.",
        f"Menganalisis masalah {subject} dan memperbaiki cara kerja di unitnya.",
        f"Merencanakan dan mengevaluasi program {subject} di tingkat OPD.",
        f"Menjadi rujukan {subject}, menyusun kebijakan dan membina unit lain.",
    )


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


@hookimpl
def kinerja_plugin_info() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        title="Dinas Kesehatan",
        description="Kompetensi teknis bidang kesehatan.",
        version="0.1.0",
        settings_schema=Settings,
    )


@hookimpl
def kinerja_competencies() -> list[Competency]:
    return [
        Competency(code, name, "teknis", description, _levels(subject), HEALTH_POSITIONS)
        for code, name, description, subject in COMPETENCIES
    ]
