"""Pagination of SQLAlchemy `select()` statements in the database, not in Python."""

from __future__ import annotations

from typing import Any

from flask_smorest import Page
from sqlalchemy import func, select

from kinerja.db import db

MAX_OFFSET = 2**62
# Lists that used to come whole keep coming whole by default (up to the maximum page size),
# now with page, page_size and the total like every other list.
WHOLE = 100


class ListPage(Page):
    """Paginate a list already in hand (a plugin's answer, a permission-checked selection)."""


TOTAL = "kinerja_total"


class SelectPage(Page):
    """Paginate a `select()` in the database: one query brings the page and, with a window
    function, the total; only a page past the end needs a second query for the count."""

    def __init__(self, collection: Any, page_params: Any) -> None:
        self._rows: list[Any] = []
        self._total: int | None = None
        if page_params.first_item <= MAX_OFFSET:  # PostgreSQL's OFFSET is a bigint
            query = (
                collection.add_columns(func.count().over().label(TOTAL))
                .limit(page_params.page_size)
                .offset(page_params.first_item)
            )
            rows = db.session.execute(query).all()
            if rows:
                self._total = int(rows[0][-1])
                entity = len(collection.column_descriptions) == 1
                self._rows = [
                    row[0] if entity else {k: v for k, v in row._mapping.items() if k != TOTAL}
                    for row in rows
                ]
        super().__init__(collection, page_params)

    @property
    def item_count(self) -> int:
        if self._total is None:
            count = select(func.count()).select_from(self.collection.subquery())
            self._total = db.session.scalar(count) or 0
        return self._total

    @property
    def items(self) -> list[Any]:
        return self._rows
