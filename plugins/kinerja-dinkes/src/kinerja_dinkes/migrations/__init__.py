"""The plugin's own Alembic branch (`kinerja_dinkes`), run by `kinerja db upgrade`."""
