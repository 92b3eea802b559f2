"""The performance year: periods, the agency's targets, SKP with cascading and approval.

SKP (Sasaran Kinerja Pegawai) is the employee's plan for a year; its RHK (Rencana Hasil Kerja)
cascade from the superior's, each measured by IKI (Indikator Kinerja Individu). The rules are
pure functions (`workflow`, `periods`, `matrix`, `versions`); the services are the only callers
that touch the database.
"""

from kinerja.performance import permissions as permissions  # registers the rules of its kinds
