"""Classification data of the civil service: golongan/pangkat, ASN types, position types.

Confirmed by regulation ([C] in domain.md), so kept as data here rather than per-tenant settings.
"""

from __future__ import annotations

from kinerja.presentation import labels

ASN_TYPES = ("PNS", "PPPK")

# Golongan/ruang PNS -> pangkat
GOLONGAN_PNS: dict[str, str] = {
    "I/a": "Juru Muda",
    "I/b": "Juru Muda Tk.I",
    "I/c": "Juru",
    "I/d": "Juru Tk.I",
    "II/a": "Pengatur Muda",
    "II/b": "Pengatur Muda Tk.I",
    "II/c": "Pengatur",
    "II/d": "Pengatur Tk.I",
    "III/a": "Penata Muda",
    "III/b": "Penata Muda Tk.I",
    "III/c": "Penata",
    "III/d": "Penata Tk.I",
    "IV/a": "Pembina",
    "IV/b": "Pembina Tk.I",
    "IV/c": "Pembina Utama Muda",
    "IV/d": "Pembina Utama Madya",
    "IV/e": "Pembina Utama",
}

# PPPK golongan I-XVII
_ROMAN = (
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
)
GOLONGAN_PPPK: tuple[str, ...] = _ROMAN

# Position types (jenis jabatan, UU 20/2023): manajerial and non-manajerial.
POSITION_TYPES: dict[str, str] = {
    "jpt_utama": "JPT Utama",
    "jpt_madya": "JPT Madya",
    "jpt_pratama": "JPT Pratama",
    "administrator": "Administrator",
    "pengawas": "Pengawas",
    "fungsional": "Fungsional",
    "pelaksana": "Pelaksana",
}
labels.register("position.type", POSITION_TYPES)  # the law's names: the same in both languages

# How imported data names position types (SIASN labels, old eselon labels) -> our codes.
POSITION_TYPE_ALIASES: dict[str, str] = {
    **{label.lower(): code for code, label in POSITION_TYPES.items()},
    **{code: code for code in POSITION_TYPES},
    "jpt": "jpt_pratama",
    "struktural": "administrator",
    "eselon ii": "jpt_pratama",
    "eselon ii.a": "jpt_pratama",
    "eselon ii.b": "jpt_pratama",
    "eselon iii": "administrator",
    "eselon iii.a": "administrator",
    "eselon iii.b": "administrator",
    "eselon iv": "pengawas",
    "eselon iv.a": "pengawas",
    "eselon iv.b": "pengawas",
    "jabatan fungsional": "fungsional",
    "jft": "fungsional",
    "jabatan pelaksana": "pelaksana",
    "jfu": "pelaksana",
}


def golongan_valid(asn_type: str, golongan: str) -> bool:
    if asn_type == "PNS":
        return golongan in GOLONGAN_PNS
    if asn_type == "PPPK":
        return golongan in GOLONGAN_PPPK
    return False


def pangkat(golongan: str) -> str | None:
    return GOLONGAN_PNS.get(golongan)


def position_type(label: str) -> str | None:
    """Our code for a position type as written in imported data, or None if unknown."""
    return POSITION_TYPE_ALIASES.get(" ".join(label.strip().lower().split()))
