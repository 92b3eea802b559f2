"""The city's view: each agency's figures computed by jobs from its own rows, compared side by
side by the city admin through aggregates only."""

from __future__ import annotations

from flask import Flask

from kinerja.city import permissions as permissions  # registers the agency figures' rule
from kinerja.city import receivers as receivers  # marks figures stale on the cycle's events


def init_app(app: Flask) -> None:
    """Nothing per app: importing the package connected the receivers."""
