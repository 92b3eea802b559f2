"""Load one row of the session's tenant by id, or raise `NotFound` (which answers 404)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja.exceptions import NotFound
from kinerja.numbers import BIGINT_MAX

T = TypeVar("T")


def load_or_404(session: Session, model: type[T], ident: Any, column: str = "id") -> T:
    """The `model` row whose `column` is `ident`, scoped to the session's tenant."""
    if isinstance(ident, int) and not 0 < ident <= BIGINT_MAX:
        raise NotFound()
    found = session.scalar(select(model).where(getattr(model, column) == ident))
    if found is None:
        raise NotFound()
    return found
