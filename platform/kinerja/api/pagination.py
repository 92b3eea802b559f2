"""Pagination of SQLAlchemy `select()` statements in the database, not in Python."""

from __future__ import annotations

from typing import Any

from flask_smorest import Page
from sqlalchemy import func, select

from kinerja.db import db

MAX_OFFSET = 2**62


class SelectPage(Page):
    """Paginate a `select()` in the database, not in Python."""

    @property
    def item_count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(self.collection.subquery())) or 0

    @property
    def items(self) -> list[Any]:
        if self.page_params.first_item > MAX_OFFSET:
            return []  # far beyond any data; PostgreSQL's OFFSET is a bigint
        query = self.collection.limit(self.page_params.page_size).offset(
            self.page_params.first_item
        )
        if len(query.column_descriptions) > 1:  # a select of columns: rows, read by name
            return list(db.session.execute(query).all())
        return list(db.session.scalars(query))
