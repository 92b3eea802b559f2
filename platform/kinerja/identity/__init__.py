"""Identity: employees (pegawai) and their hierarchy, users, roles, permissions, tokens, audit."""
