"""Errors of the service layer, which the API and the web UI turn into 404/409/422."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class Invalid(ServiceError):
    """Input that breaks a rule; `field` names the offending field for the 422's field messages."""

    status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
