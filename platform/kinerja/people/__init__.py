"""People of an agency: employees (pegawai), positions (jabatan), the hierarchy, NIP rules,
the civil-service classification and the employee import."""

from kinerja.people import permissions as permissions  # registers the rules of its kinds
