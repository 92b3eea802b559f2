"""`kinerja up`: one command brings up everything on a laptop; Ctrl-C takes it all down."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import FrameType

import click

from kinerja.embedded import (
    EmbeddedError,
    EmbeddedPostgres,
    EmbeddedRedis,
    app_url,
    persistent_secret,
)


class Launcher:
    def __init__(self, data_dir: Path, host: str, port: int, *, demo: bool = True) -> None:
        self.data_dir = data_dir
        self.host, self.port, self.demo = host, port, demo
        self.postgres: EmbeddedPostgres | None = None
        self.redis: EmbeddedRedis | None = None
        self.children: list[subprocess.Popen[bytes]] = []
        self._stopping = False

    def say(self, message: str) -> None:
        click.echo(f"kinerja: {message}", err=True)

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        role = env.get("KINERJA_DATABASE_APP_ROLE", "kinerja_app")
        if not env.get("KINERJA_DATABASE_URL"):
            self.say(f"starting the embedded PostgreSQL in {self.data_dir / 'postgres'} ...")
            self.postgres = EmbeddedPostgres(self.data_dir)
            owner = self.postgres.start()
            env["KINERJA_DATABASE_OWNER_URL"] = owner
            env["KINERJA_DATABASE_URL"] = app_url(owner, role)
        else:
            self.say("using the PostgreSQL server of KINERJA_DATABASE_URL")
        if not env.get("KINERJA_REDIS_URL"):
            self.say(f"starting the embedded Redis in {self.data_dir / 'redis'} ...")
            self.redis = EmbeddedRedis(self.data_dir)
            env["KINERJA_REDIS_URL"] = self.redis.start()
        else:
            self.say("using the Redis server of KINERJA_REDIS_URL")
        env.setdefault("KINERJA_SECRET_KEY", persistent_secret(self.data_dir / "secret_key"))
        env.setdefault(
            "KINERJA_OPERATOR_TOKEN", persistent_secret(self.data_dir / "operator_token")
        )
        env.setdefault("KINERJA_LOG_FORMAT", "text")
        env.setdefault("KINERJA_STORAGE_DIR", str(self.data_dir / "evidence"))
        if self.demo:
            env.setdefault("KINERJA_LOCAL_LOGIN", "true")  # the demo accounts sign in locally
        return env

    def _kinerja(self, env: dict[str, str], *args: str) -> None:
        subprocess.run([sys.executable, "-m", "kinerja.cli", *args], env=env, check=True)

    def _spawn(self, env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
        # A session of its own: Ctrl-C reaches only this launcher, which then stops the
        # children in order (worker first finishes its job, then the web, then the servers).
        child = subprocess.Popen(
            [sys.executable, "-m", "kinerja.cli", *args], env=env, start_new_session=True
        )
        self.children.append(child)
        return child

    def _wait_ready(self, timeout: float = 60.0) -> bool:
        url = f"http://{self.host}:{self.port}/readyz"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(child.poll() is not None for child in self.children):
                return False
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return True
            except OSError:
                pass
            time.sleep(0.2)
        return False

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    def run(self) -> int:
        # Both installed explicitly: a shell that started us in the background may have set
        # SIGINT to "ignore", and Ctrl-C must still stop everything cleanly.
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        started = time.monotonic()
        try:
            env = self.environment()
            self._kinerja(env, "db", "upgrade")
            self._kinerja(env, "tenants", "sync")
            if self.demo:
                self._kinerja(env, "demo")
            self._spawn(env, "worker")
            self._spawn(env, "web", "--host", self.host, "--port", str(self.port))
            if not self._wait_ready():
                self.say("the web server did not become ready; see the log above")
                return 1
            elapsed = time.monotonic() - started
            self.say(
                f"ready in {elapsed:.1f}s. Open http://{self.host}:{self.port}/ "
                f"(API docs: http://{self.host}:{self.port}/api/v1/docs). Ctrl-C stops."
            )
            self.say(f"operator token for the API: {env['KINERJA_OPERATOR_TOKEN']}")
            while all(child.poll() is None for child in self.children):
                time.sleep(0.5)
            self.say("a process stopped unexpectedly; shutting down")
            return 1
        except KeyboardInterrupt:
            self.say("stopping ...")
            return 0
        except (EmbeddedError, subprocess.CalledProcessError) as exc:
            self.say(f"could not start: {exc}")
            return 1
        finally:
            self.stop()

    def stop(self) -> None:
        if self._stopping:
            return
        self._stopping = True
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the clean-up
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in self.children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if self.redis is not None:
            self.redis.stop()
        if self.postgres is not None:
            self.postgres.stop()
        self.say("stopped")
