"""The agency's structure: work units (unit kerja); its targets come with the performance year."""

from kinerja.organisation import permissions as permissions  # registers the rule of its kind
