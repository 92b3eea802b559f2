"""Start the test OpenID Connect provider (tests/idp/server.js) and drive it like a browser would
without one, for the sign-in tests that need no JavaScript."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

IDP_DIR = Path(__file__).resolve().parent / "idp"
USER_PASSWORD = "rahasia-sso"


@dataclass
class Idp:
    issuer: str
    client_id: str
    client_secret: str
    process: subprocess.Popen  # type: ignore[type-arg]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_idp(base_url: str) -> Idp:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed for the OIDC provider tests (apt-get install nodejs)")
    if not (IDP_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(
            "the test OIDC provider is not installed: run `npm ci` in tests/idp "
            "(`make test` does it)"
        )
    process = subprocess.Popen(
        [node, "server.js"],
        cwd=IDP_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={
            "PATH": "/usr/bin:/bin:/usr/local/bin",
            "PORT": "0",
            "REDIRECT_URI": f"{base_url}/auth/callback",
            "POST_LOGOUT_REDIRECT_URI": f"{base_url}/",
            "USER_PASSWORD": USER_PASSWORD,
        },
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.kill()
        pytest.fail("the test OIDC provider did not start (run `node tests/idp/server.js`)")
    info = json.loads(line)
    return Idp(info["issuer"], info["client_id"], info["client_secret"], process)


def log_in_at_idp(
    authorize_url: str, base_url: str, login: str, password: str = USER_PASSWORD
) -> str:
    """Follow the provider's pages as a browser would; return our callback URL (not followed)."""
    http = requests.Session()
    response = http.get(authorize_url, allow_redirects=True, timeout=10)
    action = re.search(r'action="([^"]+)"', response.text)
    assert action, response.text[:500]
    response = http.post(
        urljoin(response.url, action.group(1)),
        data={"login": login, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    for _ in range(10):
        location = response.headers.get("Location")
        if location is None:
            raise AssertionError(
                f"the provider stopped at {response.status_code}: {response.text[:300]}"
            )
        target = urljoin(response.url, location)
        if target.startswith(base_url + "/auth/callback"):
            return target
        response = http.get(target, allow_redirects=False, timeout=10)
    raise AssertionError("too many redirects at the provider")
