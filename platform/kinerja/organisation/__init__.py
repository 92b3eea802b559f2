"""The organisation inside a tenant: the unit kerja (work unit) tree."""
