"""Orphaned files: bytes in the storage that no row refers to. Evidence is written before its
rows (the rows need the keys), so a commit that fails afterwards, a worker killed in between,
or a delete whose files were to go after the commit leaves files behind. The workers' round
sweeps them a bounded batch at a time, going on where the last round stopped.

Only files older than a grace period are candidates: an upload in flight has written its files
and not yet committed its rows, and must find them there. Only the folders whose owners are
known (`FOLDERS`) are swept, so a future writer's files are never taken for orphans."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from kinerja.storage import Storage

FOLDERS = frozenset({"entries", "evaluations", "exports"})  # t<id>/<folder>/…


def folder(key: str) -> str:
    parts = key.split("/")
    return parts[1] if len(parts) > 2 else ""


def sweep(
    store: Storage,
    tenant_id: int,
    referenced: Callable[[Collection[str]], set[str]],
    *,
    after: str,
    now: datetime,
    grace: timedelta,
    limit: int,
) -> tuple[int, str]:
    """Look at up to `limit` of the agency's keys after `after` and delete those older than
    `grace` that `referenced` does not claim; (how many went, where the next round goes on:
    "" once the end was reached, so the next round starts again from the top)."""
    batch = store.listing(f"t{tenant_id}/", after, limit)
    candidates = [s.key for s in batch if s.modified <= now - grace and folder(s.key) in FOLDERS]
    kept = referenced(candidates) if candidates else set()
    deleted = 0
    for key in candidates:
        if key not in kept:
            store.delete(key)
            deleted += 1
    return deleted, batch[-1].key if len(batch) >= limit else ""
