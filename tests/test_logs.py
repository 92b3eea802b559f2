"""Structured logs carry the request id and tenant of what is running."""

from __future__ import annotations

import io
import json
import logging

from kinerja import logs


def test_json_log_lines_carry_request_id_and_tenant(client, tenants, operator) -> None:
    stream = io.StringIO()
    handler = logs.make_handler(stream, "json")
    logging.getLogger().addHandler(handler)
    try:
        client.get("/api/v1/tenants/dinkes/units", headers={**operator, "X-Request-ID": "trace-1"})
    finally:
        logging.getLogger().removeHandler(handler)
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [r for r in records if r.get("logger") == "kinerja.request"]
    assert access, records
    assert access[-1]["request_id"] == "trace-1"
    assert access[-1]["tenant"] == "dinkes"
    assert access[-1]["status"] == 200
