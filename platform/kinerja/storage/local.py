"""Evidence on the local filesystem (the `make run` default): one file per key, written to a
temporary name and renamed, so a crash never leaves half a file under a real key."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from kinerja.storage import StorageError, Stored, check_key


class LocalStorage:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if self.root not in path.parents:
            raise ValueError(f"not a storage key: {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise StorageError(str(error)) from error

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def signed_url(self, key: str, seconds: int) -> str | None:
        return None  # the application serves local files itself, after its own check

    def listing(self, prefix: str, after: str, limit: int) -> list[Stored]:
        top = self.root / prefix.rstrip("/")
        if not top.is_dir():
            return []

        def keys(folder: Path) -> Iterator[str]:
            # Depth first, each folder's names sorted as their keys sort ("a/" after "a-b"),
            # skipping folders wholly before `after`: a round reads only what it looks at.
            def sort_key(entry: os.DirEntry[str]) -> str:
                return entry.name + ("/" if entry.is_dir(follow_symlinks=False) else "")

            for entry in sorted(os.scandir(folder), key=sort_key):
                key = Path(entry.path).relative_to(self.root).as_posix()
                if entry.is_dir(follow_symlinks=False):
                    below = key + "/"
                    if below >= after or after.startswith(below):
                        yield from keys(Path(entry.path))
                elif entry.is_file(follow_symlinks=False) and key > after:
                    yield key

        found = []
        for key in keys(top):
            stat = (self.root / key).stat()
            found.append(Stored(key, datetime.fromtimestamp(stat.st_mtime, UTC)))
            if len(found) >= limit:
                break
        return found
