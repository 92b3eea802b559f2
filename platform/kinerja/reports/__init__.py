"""Report forms (laporan) declared by plugins: the core stores, decides and sums them up."""

from kinerja.reports import permissions as permissions  # registers the rule of its kind
