"""Errors of the service layer, which one handler (`kinerja.errors`) turns into 404/409/422."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400

    def __init__(self, message: Any = None) -> None:
        super().__init__(message if message is not None else self.default_message())
        self.message = self.args[0]

    @classmethod
    def default_message(cls) -> Any:
        from kinerja.i18n import _

        return _("The request could not be handled.")


class NotFound(ServiceError):
    status = 404

    @classmethod
    def default_message(cls) -> Any:
        from kinerja.i18n import _

        return _("Not found.")


class Forbidden(ServiceError):
    """Visible, but not for this person to do (the reason is in the message)."""

    status = 403


class Conflict(ServiceError):
    status = 409


class Invalid(ServiceError):
    """Input that breaks a rule; `field` names the offending field for the 422's field messages."""

    status = 422
    location = "json"  # where the field was sent, as webargs names it ("json", "headers", ...)

    def __init__(self, field: str, message: Any) -> None:
        super().__init__(message)
        self.field = field


class InvalidFields(ServiceError):
    """Several fields break rules at once (a report form): `errors` is {field: [message]}."""

    status = 422

    def __init__(self, errors: dict[str, list[Any]]) -> None:
        super().__init__(next(iter(errors.values()))[0] if errors else None)
        self.errors = errors


class Unavailable(ServiceError):
    """Something the request needs could not run (a plugin's rule); try again later."""

    status = 503
