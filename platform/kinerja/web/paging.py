"""Paging of the pages' lists: every list says how many there are in all and lets the reader go
through every page (`?page=N`); nothing waits unseen behind a silent limit. The API pages with
flask-smorest (`api/pagination.py`); this is the same for the HTML pages, one function for a
`select()` (counted and cut in the database) or a list already in hand, and one macro
(`_paging.html`'s `pager`) that draws the total and the links, keeping the page's filters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import request, url_for
from sqlalchemy import Select, func, select

from kinerja.db import db
from kinerja.web.forms import whole_number

PAGE_SIZE = 25
# Query arguments that announce what a form just did (?saved=1): not kept in the page links.
NOTICES = frozenset({"saved", "decided", "approved", "skipped", "deleted", "after"})


def page_number(param: str = "page") -> int:
    """?page=N as asked (1 for anything not a page number); `clamped` keeps it in range."""
    return whole_number(request.args.get(param), 10**9) or 1


def clamped(page: int, total: int, size: int) -> int:
    """A page past the end is the last page (an old link after entries were decided, a
    hand-typed number): never "page 7 of 5" over an empty list."""
    return min(page, max(1, -(-total // size)))


@dataclass(frozen=True)
class Paged:
    rows: list[Any]
    total: int
    page: int
    size: int
    keep: Mapping[str, Any] = field(default_factory=dict)
    param: str = "page"  # a page with two lists pages each with its own argument

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """The position (from 1) of the page's first row, for "21-40 of 95"."""
        return (self.page - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0

    def href(self, page: int) -> str:
        args = {**(request.view_args or {}), **self.keep, self.param: page}
        return url_for(request.endpoint or "", **args)


def _keep(keep: Mapping[str, Any] | None, param: str) -> dict[str, Any]:
    if keep is not None:
        return {k: v for k, v in keep.items() if v not in (None, "", False) and k != param}
    return {k: v for k, v in request.args.items() if k not in NOTICES | {param} and v != ""}


def paged(
    query: Select[*tuple[Any, ...]],
    size: int = PAGE_SIZE,
    keep: Mapping[str, Any] | None = None,
    scalars: bool = True,
    param: str = "page",
) -> Paged:
    """One page of an ordered `select()`, and how many rows it has in all. `keep`: the query
    arguments the page links carry (default: the request's, without page and notices)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    total = total or 0
    page = clamped(page_number(param), total, size)
    rows: list[Any] = []
    if (page - 1) * size < total:
        cut = query.limit(size).offset((page - 1) * size)
        rows = list(db.session.scalars(cut) if scalars else db.session.execute(cut))
    return Paged(rows, total, page, size, _keep(keep, param), param)


def paged_list(
    items: Sequence[Any],
    size: int = PAGE_SIZE,
    keep: Mapping[str, Any] | None = None,
    param: str = "page",
) -> Paged:
    """One page of a list computed in Python (rows a permission check or a plugin chose)."""
    page = clamped(page_number(param), len(items), size)
    start = (page - 1) * size
    rows = list(items[start : start + size])
    return Paged(rows, len(items), page, size, _keep(keep, param), param)
