"""What kinds of agency (OPD) a tenant can be, and the statuses it can have."""

from __future__ import annotations

# Kinds of perangkat daerah in a Kota; the catalogue names one per tenant.
KINDS: dict[str, str] = {
    "dinas": "Dinas",
    "badan": "Badan",
    "kecamatan": "Kecamatan",
    "rsud": "Rumah Sakit Umum Daerah",
    "sekretariat": "Sekretariat",
    "inspektorat": "Inspektorat",
    "satuan": "Satuan",
    "kantor": "Kantor",
}

ACTIVE = "active"
SUSPENDED = "suspended"
STATUSES = (ACTIVE, SUSPENDED)
