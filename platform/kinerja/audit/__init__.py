"""The append-only audit log: who did what, when and from where (actor passed in by the edge)."""

from kinerja.audit import labels as labels  # registers the audit log's words
from kinerja.audit.context import Actor, acting, current_actor, set_actor, update_actor
from kinerja.audit.models import AuditEntry
from kinerja.audit.service import (
    diff,
    fields,
    insert_for,
    may_see_origin,
    record,
    record_many,
    visible_entries,
)

__all__ = [
    "Actor",
    "AuditEntry",
    "acting",
    "current_actor",
    "diff",
    "fields",
    "insert_for",
    "may_see_origin",
    "record",
    "record_many",
    "set_actor",
    "update_actor",
    "visible_entries",
]
