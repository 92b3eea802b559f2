"""Daily work (laporan harian): entries against the SKP's results, with evidence, decided by the
superior as they arrive. Rules in `rules` (pure), evidence checks in `evidence` (pure), the
database in `service`."""

from kinerja.performance.log import permissions as permissions  # registers the rule of its kind
