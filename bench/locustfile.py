"""The users of bench.load: a day's mix at Kinerja, or the bare anchor. Run by bench.load as
`locust -f bench/locustfile.py --headless DayUser|BareUser` in its own process (locust
patches the process with gevent: never import this file from the tests or the app).

The plan comes from the JSON file named by KINERJA_LOAD_PLAN (written by bench.load): the
agency slug, the API tokens and the staff's browser session of each (staff, superior) pair, the
phases to run and where to write the result. Each locust user takes its own pair, so no two
users decide the same superior's entries. Every request is recorded raw (when it ended, its
name, its latency, its status: 0 for a connection error) and written with the phases at the
end; bench.load computes the figures from them, so this file does no statistics.
"""

from __future__ import annotations

import functools
import io
import itertools
import json
import os
import random
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from locust import FastHttpUser, LoadTestShape, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["KINERJA_LOAD_PLAN"]).read_text("utf-8"))
SAMPLES: list[tuple[float, str, float, int]] = []  # (ended, name, ms, status)
PHASES: list[dict[str, Any]] = []  # {"name", "users", "start", "end"}
SENT: list[str] = []  # every Idempotency-Key sent at least once
ACKED: list[str] = []  # keys answered 201 (or 200, a replay of the same create)
UNACKED: list[list[Any]] = []  # (key, status, the answer's start) of each create not taken
TASK_ERRORS: list[str] = []  # exceptions in the users' own code (a bug of this file)
PAIRS = itertools.cycle(PLAN["pairs"])
# Set by the phase: each user starts a task at most this often (0: no wait); the keys' prefix.
PACING: dict[str, Any] = {"seconds": 0.0, "keys": "load"}
# After the last phase no task starts, and the run ends once none is under way: no create is
# cut off half-sent, whatever locust's own stop does with a user in the middle of a task.
FLOW = {"draining": False, "busy": 0}


def _photo() -> bytes:
    """A small phone-like JPEG (640x480, ~20 KB), made once in memory."""
    from PIL import Image

    image = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
    noise = Image.effect_noise((640, 480), 40).convert("RGB")
    out = io.BytesIO()
    Image.blend(image, noise, 0.3).save(out, "JPEG", quality=80)
    return out.getvalue()


PHOTO = _photo()


def multipart(fields: dict[str, str], photo: bytes) -> tuple[bytes, str]:
    """A form with the photo as `evidence`, as a phone's browser sends it: (body, type)."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; '
        f'filename="foto.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        + photo
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@events.request.add_listener
def _record(name: str, response_time: float, response: Any = None, **kwargs: Any) -> None:
    status = getattr(response, "status_code", 0) or 0
    SAMPLES.append((time.time(), name, response_time, int(status)))


@events.user_error.add_listener
def _failed_task(user_instance: Any, exception: Exception, tb: Any, **kwargs: Any) -> None:
    TASK_ERRORS.append(repr(exception)[:300])


@events.quitting.add_listener
def _write(environment: Any, **kwargs: Any) -> None:
    if PHASES and PHASES[-1]["end"] is None:
        PHASES[-1]["end"] = time.time()
    result = {
        "phases": PHASES,
        "samples": SAMPLES,
        "sent": SENT,
        "acked": ACKED,
        "task_errors": TASK_ERRORS,
        "unacked": UNACKED,
    }
    with open(PLAN["out"], "w", encoding="utf-8") as out:
        json.dump(result, out)


class Phases(LoadTestShape):
    """PLAN["phases"] in order: each {"name", "users", "seconds", "pacing", "keys"}; a phase
    with "stop_p95_ms" (a step of the step-up search) skips the steps after it when its mix's
    p95 went above that."""

    def __init__(self) -> None:
        super().__init__()
        self.index = -1
        self.until = 0.0

    def tick(self) -> tuple[int, float] | None:
        now = time.time()
        phases = PLAN["phases"]
        if FLOW["draining"]:
            done = not FLOW["busy"] or now > self.until + 60
            return None if done else (phases[-1]["users"], 1000)
        if self.index >= 0 and now < self.until:
            return phases[self.index]["users"], 1000
        if self.index >= 0:
            PHASES[-1]["end"] = now
            if self._too_slow(phases[self.index], PHASES[-1]["start"], now):
                while self.index + 1 < len(phases) and phases[self.index + 1].get("stop_p95_ms"):
                    self.index += 1
        self.index += 1
        if self.index >= len(phases):
            FLOW["draining"] = True
            return phases[-1]["users"], 1000
        phase = phases[self.index]
        PACING["seconds"] = phase.get("pacing", 0.0)
        PACING["keys"] = phase.get("keys", "load")
        PHASES.append({"name": phase["name"], "users": phase["users"], "start": now, "end": None})
        self.until = now + phase["seconds"]
        return phase["users"], 1000

    @staticmethod
    def _too_slow(phase: dict[str, Any], start: float, end: float) -> bool:
        limit = phase.get("stop_p95_ms")
        if not limit:
            return False
        times = sorted(ms for t, _name, ms, _s in SAMPLES if start <= t < end)
        return bool(times) and times[int(0.95 * (len(times) - 1))] > limit


def work(task_body: Callable[[Any], None]) -> Callable[[Any], None]:
    """A task that starts only before the drain, counted while under way."""

    @functools.wraps(task_body)
    def run(user: Any) -> None:
        if FLOW["draining"]:
            return
        FLOW["busy"] += 1
        try:
            task_body(user)
        finally:
            FLOW["busy"] -= 1

    return run


class Paced:
    """Constant pacing from PACING: the surge's arrival rate is users / pacing."""

    _last = 0.0

    def wait_time(self) -> float:
        if FLOW["draining"]:
            return 0.1
        if not PACING["seconds"]:
            return 0.0
        now = time.monotonic()
        if self._last:
            wait = max(0.0, self._last + PACING["seconds"] - now)
        else:  # the users' first tasks spread over one period, not all at once
            wait = random.uniform(0, PACING["seconds"])
        self._last = now + wait
        return wait


class DayUser(Paced, FastHttpUser):
    """An employee and their superior: 70 % reads, 20 % entry creates (a photo in one of
    ten), 10 % approvals of the team's waiting entries."""

    network_timeout = 60.0
    connection_timeout = 60.0

    def on_start(self) -> None:
        pair = next(PAIRS)
        self.slug = pair["slug"]
        self.api = f"/api/v1/tenants/{self.slug}"
        self.staff = {"Authorization": f"Bearer {pair['staff_token']}"}
        self.boss = {"Authorization": f"Bearer {pair['boss_token']}"}
        self.employee_id = pair["staff_id"]
        self.waiting: list[int] = []
        # The home page is a page: the browser session bench.load signed the staff in with.
        self.browser = {"Cookie": f"kinerja_session={pair['session']}"}

    # --- 70 % reads ---------------------------------------------------------------------------
    @task(20)
    @work
    def feed(self) -> None:
        """The superior's feed: the team's entries, newest first; what waits is kept for the
        approvals."""
        self._feed("")

    def _feed(self, status: str) -> None:
        query = "?scope=team&page_size=20" + (f"&status={status}" if status else "")
        with self.client.get(
            f"{self.api}/entries{query}", headers=self.boss, name="feed", catch_response=True
        ) as response:
            if response.status_code == 200:
                for entry in response.json():
                    if entry["status"] == "submitted" and entry["id"] not in self.waiting:
                        self.waiting.append(entry["id"])
                response.success()

    @task(20)
    @work
    def my_entries(self) -> None:
        self.client.get(f"{self.api}/entries?page_size=20", headers=self.staff, name="my entries")

    @task(15)
    @work
    def my_skp(self) -> None:
        self.client.get(
            f"{self.api}/skp?employee_id={self.employee_id}", headers=self.staff, name="my SKP"
        )

    @task(15)
    @work
    def home(self) -> None:
        # Not followed: signed out, the page redirects to the sign-in page (a 302 counted
        # as refused), which must not pass for the home page.
        self.client.get(
            f"/t/{self.slug}/", headers=self.browser, name="home page", allow_redirects=False
        )

    # --- 20 % creates ---------------------------------------------------------------------------
    @task(20)
    @work
    def create(self) -> None:
        key = f"{PACING['keys']}-{uuid.uuid4().hex}"
        SENT.append(key)
        fields = {
            "entry_date": PLAN["today"],
            "extra_reason": "Tugas harian",
            "activity": "Merekap laporan kegiatan hari ini",
            "quantity": "1",
            "started": "08:00",
            "ended": "09:30",
        }
        headers = dict(self.staff, **{"Idempotency-Key": key})
        send: dict[str, Any]
        if random.random() < 0.1:
            body, kind = multipart(fields, PHOTO)
            send = {"data": body, "headers": headers | {"Content-Type": kind}}
        else:
            send = {"json": fields, "headers": headers}
        # What a phone does: a dropped connection or a 5xx is sent again with the same key.
        for _attempt in range(3):
            try:
                response = self.client.post(f"{self.api}/entries", name="create entry", **send)
            except BaseException as stopped:  # the user stopped mid-request: say so
                UNACKED.append([key, type(stopped).__name__, ""])
                raise
            if response.status_code in (200, 201):
                ACKED.append(key)
                return
            UNACKED.append([key, response.status_code, (response.text or "")[:300]])
            if 0 < response.status_code < 500:
                return

    # --- 10 % approvals ------------------------------------------------------------------------
    @task(10)
    @work
    def approve(self) -> None:
        if not self.waiting:
            self._feed("submitted")
        if not self.waiting:
            return
        entry_id = self.waiting.pop(0)
        self.client.post(
            f"{self.api}/entries/{entry_id}/transitions",
            json={"action": "approve"},
            headers=self.boss,
            name="approve entry",
        )


class BareUser(Paced, FastHttpUser):
    """The anchor: the same locust, the same gunicorn, a bare Flask POST."""

    network_timeout = 60.0
    connection_timeout = 60.0

    @task
    @work
    def bare(self) -> None:
        self.client.post("/bare", json={"activity": "x", "quantity": "1"}, name="bare POST")
