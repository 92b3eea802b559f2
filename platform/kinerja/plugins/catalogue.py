"""Enabling plugins from the tenant catalogue (`tenants/*.yaml`, key `plugins`).

Like the rest of the catalogue it only adds: a plugin listed is enabled with its settings; one
not listed is left as the agency's admin set it. Every entry is checked before anything changes,
and a problem names the file, the agency and the field.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from kinerja import audit
from kinerja.db import db
from kinerja.exceptions import ServiceError
from kinerja.plugins import service
from kinerja.plugins.manager import Plugins
from kinerja.tenancy.catalogue import Entry
from kinerja.tenancy.models import Tenant

CATALOGUE = audit.Actor(role="system")  # `kinerja tenants sync` acts for the catalogue


class PluginCatalogueError(Exception):
    """`file:line: agency: field: reason`."""


def check(entries: Iterable[Entry], plugins: Plugins) -> None:
    """Refuse bad settings of installed plugins; plugins not installed here are skipped by
    `apply` (a deployment without a plugin can use the same catalogue)."""
    for entry in entries:
        for name, settings in entry.plugins.items():
            if name not in plugins.infos:
                continue
            where = f"{entry.source.split(':')[0]}:{entry.plugins_line}: {entry.slug}"
            try:
                service.check_settings(plugins, name, settings)
            except ServiceError as error:
                field = getattr(error, "field", "plugins")
                raise PluginCatalogueError(f"{where}: {name}: {field}: {error}") from None


def apply(entries: Iterable[Entry], plugins: Plugins) -> list[str]:
    """Enable what the catalogue lists (after `check`); one line per change."""
    done = []
    with db.unit_of_work() as session:
        ids = {
            slug: tenant_id for slug, tenant_id in session.execute(select(Tenant.slug, Tenant.id))
        }
    for entry in entries:
        if not entry.plugins or entry.slug not in ids:
            continue
        with db.unit_of_work(ids[entry.slug]) as session, audit.acting(CATALOGUE):
            current = service.rows(session)
            for name, settings in entry.plugins.items():
                if name not in plugins.infos:
                    done.append(f"{entry.slug}: plugin {name} is not installed here, skipped")
                    continue
                row = current.get(name)
                if row is not None and row.enabled and row.settings == settings:
                    continue
                service.set_enabled(session, plugins, name, True, settings)
                done.append(f"{entry.slug}: plugin {name} enabled")
    return done
