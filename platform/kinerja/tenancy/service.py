"""Tenant operations shared by the CLI, the API and the demo loader."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja.tenancy.catalogue import Entry
from kinerja.tenancy.kinds import ACTIVE
from kinerja.tenancy.models import Tenant


def list_tenants(session: Session, *, active_only: bool = False) -> Sequence[Tenant]:
    query = select(Tenant).order_by(Tenant.kind, Tenant.name)
    if active_only:
        query = query.where(Tenant.status == ACTIVE)
    return session.scalars(query).all()


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_catalogue: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self) -> list[str]:
        out = [f"created {line}" for line in self.created]
        out += [f"updated {line}" for line in self.updated]
        out += [f"kept (not in catalogue, left as is) {slug}" for slug in self.not_in_catalogue]
        out.append(
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.not_in_catalogue)} not in catalogue"
        )
        return out


FIELDS = ("name", "kind", "status", "settings")


def sync(session: Session, entries: Sequence[Entry]) -> SyncReport:
    """Create and update tenants to match the catalogue; never delete (suspension is explicit).

    The caller commits (or, for a dry run, rolls back).
    """
    report = SyncReport()
    existing = {t.slug: t for t in session.scalars(select(Tenant).with_for_update())}
    for entry in entries:
        tenant = existing.pop(entry.slug, None)
        if tenant is None:
            session.add(
                Tenant(
                    slug=entry.slug,
                    name=entry.name,
                    kind=entry.kind,
                    status=entry.status,
                    settings=entry.settings,
                )
            )
            report.created.append(f"{entry.slug} ({entry.name}, {entry.kind}, {entry.status})")
            continue
        changes = []
        for name in FIELDS:
            new = getattr(entry, name)
            if getattr(tenant, name) != new:
                changes.append(f"{name}: {getattr(tenant, name)!r} -> {new!r}")
                setattr(tenant, name, new)
        if changes:
            report.updated.append(f"{entry.slug}: " + "; ".join(changes))
        else:
            report.unchanged.append(entry.slug)
    report.not_in_catalogue = sorted(existing)
    session.flush()
    return report
