"""The anchor of bench.log_surge and bench.load: a bare Flask endpoint that reads a JSON body
and answers 201, served by the same gunicorn with the same workers and threads as Kinerja."""

from __future__ import annotations

from typing import Any

from flask import Flask, request

app = Flask(__name__)


@app.post("/bare")
def bare() -> Any:
    body = request.get_json(silent=True) or {}
    return {"ok": True, "fields": len(body)}, 201
