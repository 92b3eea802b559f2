"""The blueprint of the agency's admin pages, and what their views share.

The pages themselves live by subject: `web/imports.py`, `web/access.py` (API tokens and roles),
`web/structure.py` (work units and positions) and `web/records.py` (the audit log).
"""

from __future__ import annotations

from flask import Blueprint, g, request

from kinerja import permissions as perm
from kinerja.identity.principal import require
from kinerja.people.permissions import IMPORT

bp = Blueprint("admin", __name__, url_prefix="/t/<tenant>")
PAGE_SIZE = 50  # the audit log's page


def require_admin() -> None:
    require(perm.MANAGE, perm.Resource(IMPORT, g.tenant.id))


def confirmed() -> bool:
    return request.method == "POST" and request.form.get("confirmed") == "1"
