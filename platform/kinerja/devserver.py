"""The web server of `kinerja up` (`make run`): werkzeug's, with threads and without the
reloader, quiet about itself.

Python's HTTP server adds `Server: Werkzeug/<version> Python/<version>` to every answer, beside
the application's own `Server: Kinerja`: versions tell an attacker which advisories to try. This
handler sends no Server header of its own, so the application's is the only one.
"""

from __future__ import annotations

from typing import Any

import click
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    def send_response(self, code: int, message: str | None = None) -> None:
        # BaseHTTPRequestHandler.send_response without its Server header (Date stays).
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def version_string(self) -> str:
        return "Kinerja"  # where the standard library still names the server (its error pages)


def make(app: Any, host: str, port: int) -> BaseWSGIServer:
    """The server, bound and ready for `serve_forever` (threads: one request never waits for
    another)."""
    return make_server(host, port, app, threaded=True, request_handler=QuietHandler)


def serve(app: Any, host: str, port: int) -> None:
    server = make(app, host, port)
    click.echo(f" * serving on http://{host}:{server.port}/")
    server.serve_forever()
