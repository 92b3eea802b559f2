"""Notifications and reminders: in-app (a bell with counts, a list) and e-mail through SMTP in
each person's language, one digest per person per day at most; reminders sent once each."""

from __future__ import annotations

from flask import Flask

from kinerja.notifications import receivers as receivers  # connects to the cycle's signals


def init_app(app: Flask) -> None:
    """Nothing to set up per app: importing this package connected the receivers (signals are
    process-wide); kept so the factory names every subsystem it wires."""
