"""Where evidence files live: one interface, two backends (the local filesystem for a laptop,
any S3-compatible object store for production), chosen by `KINERJA_STORAGE`.

Keys always start with the tenant (`t<tenant id>/…`): a key can never name another agency's
file by accident, and a bucket can be listed or backed up per agency. Nothing here decides who
may read a file: downloads go through the application's authorised endpoints (or short-lived
signed URLs it hands out after the same check); no file is ever public.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from flask import Flask, current_app

KEY = re.compile(r"t[0-9]{1,19}/[A-Za-z0-9._/-]{1,400}")


class StorageError(Exception):
    """The store could not be reached or refused the operation."""


@dataclass(frozen=True)
class Stored:
    key: str
    modified: datetime  # aware (UTC)


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def signed_url(self, key: str, seconds: int) -> str | None: ...
    def listing(self, prefix: str, after: str, limit: int) -> list[Stored]:
        """Up to `limit` keys under `prefix` that sort after `after`, in key order."""
        ...


def check_key(key: str) -> str:
    if not KEY.fullmatch(key) or ".." in key or "//" in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


def tenant_key(tenant_id: int, *parts: str) -> str:
    return check_key("/".join((f"t{tenant_id}", *parts)))


def build(config: dict[str, Any]) -> Storage:
    if config.get("STORAGE") == "s3":
        from kinerja.storage.s3 import S3Storage

        return S3Storage(
            bucket=config["S3_BUCKET"],
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region=config.get("S3_REGION") or None,
            access_key=config.get("S3_ACCESS_KEY_ID") or None,
            secret_key=config.get("S3_SECRET_ACCESS_KEY") or None,
        )
    from kinerja.storage.local import LocalStorage

    return LocalStorage(config.get("STORAGE_DIR") or "var/evidence")


def init_app(app: Flask) -> None:
    app.extensions["kinerja.storage"] = build(app.config)


def get() -> Storage:
    storage: Storage = current_app.extensions["kinerja.storage"]
    return storage
