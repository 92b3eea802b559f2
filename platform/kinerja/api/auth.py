"""The deployment operator's token, beside personal API tokens.

Org-unit writes and job records are open to the agency's admin OPD (personal API token) and to
the operator, who holds `KINERJA_OPERATOR_TOKEN` for automation across agencies. No operator
token configured means only admins can make those calls.
"""

from __future__ import annotations

from flask_smorest import abort

from kinerja.httpkit import is_operator

OPERATOR: list[dict[str, list[str]]] = [{"operatorToken": []}, {"apiToken": []}]


def require_operator(kind: str = "org_unit") -> None:
    """The operator, or an admin OPD of the URL's agency (`kind` names what they manage)."""
    from flask import g

    from kinerja import permissions as perm
    from kinerja.errors import unauthorized
    from kinerja.identity.principal import current

    if is_operator():
        return
    principal = current()
    tenant = g.get("tenant")
    if principal.authenticated and tenant is not None:
        if perm.can(principal, perm.MANAGE, perm.Resource(kind, tenant.id)):
            return
        abort(404 if not perm.may_be_inside(principal) else 403)
    raise unauthorized(
        "Sign in: an admin API token or the operator token (Authorization: Bearer ...)."
    )
