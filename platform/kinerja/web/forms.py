"""What every form page does with a service call: commit and go on, or roll back and show why."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import redirect, render_template, request, url_for

from kinerja import clock, numbers
from kinerja.db import db
from kinerja.exceptions import Invalid, InvalidFields, ServiceError

Problem = ServiceError | str | None  # a refusal by a service, or a form's own message


def submit(change: Callable[[], Any], then: str, **url_values: Any) -> tuple[Any, Problem]:
    """Run `change`; on success commit and redirect to endpoint `then` (303), else roll back and
    return the refusal to show on the form again (nothing half-done is kept)."""
    try:
        change()
    except ServiceError as problem:
        db.session.rollback()
        return None, problem
    db.session.commit()
    return redirect(url_for(then, **url_values), code=303), None


def form_page(template: str, problem: Problem, **context: Any) -> Any:
    """The form again, with why the last submission was refused and its status (404, 409 or
    422; 422 for the form's own messages)."""
    status = problem.status if isinstance(problem, ServiceError) else 422 if problem else 200
    error = str(problem) if problem else None
    return render_template(template, error=error, **context), status


def field_errors(problem: Problem) -> dict[str, list[Any]]:
    """{form field: [messages]} of a refusal: the form's own fields, or the service's one field;
    what a page marks beside each field (a message alone does not say which field it is about)."""
    if isinstance(problem, InvalidFields):
        return problem.errors
    if isinstance(problem, Invalid):
        return {problem.field: [problem.message]}
    return {}


def whole_number(raw: str | None, largest: int = numbers.BIGINT_MAX) -> int | None:
    """A form or query value as a whole number from 1 to `largest`, else None.

    ASCII digits only: `str.isdigit` also accepts superscripts ('²') and other scripts' digits,
    which `int()` then refuses or reads as another number; and ids beyond PostgreSQL's bigint
    must never reach a query.
    """
    return numbers.whole(raw, 1, largest)


def year_param() -> int:
    """The performance year a page asks for (`?year=` or a form field); this year otherwise."""
    from kinerja.performance.years import FIRST_YEAR, LAST_YEAR

    value = whole_number(request.values.get("year"), LAST_YEAR)
    return value if value and value >= FIRST_YEAR else clock.this_year()


_GROUPED = re.compile(r"\d{1,3}(?:([.,])\d{3})?(?:\1\d{3})*")
_CURRENCY = re.compile(r"^(?:rp\.?|idr)", re.IGNORECASE)


def rupiah(raw: str | None) -> int | None:
    """A form's amount of whole rupiah as people type it: "2500000", "2.500.000" (Indonesian
    grouping), "2,500,000" (English), with or without "Rp"; None when empty. Anything else
    (a decimal part, a sign, letters, mixed or misplaced separators) is `ValueError`: an amount
    is never guessed."""
    text = _CURRENCY.sub("", (raw or "").strip()).replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if not text.isascii() or not (text.isdigit() or _GROUPED.fullmatch(text)):
        raise ValueError(raw)
    digits = text.replace(".", "").replace(",", "")
    if len(digits) > 18:
        raise ValueError(raw)
    return int(digits)


def decimal_text(raw: str | None) -> str:
    """A form's decimal number (`numbers.typed_decimal`: a comma or a point as the decimal mark)
    as text the services read ("0.5"); `numbers.Ambiguous` for "1.500" and "1,500",
    `ValueError` for anything else, for the page to refuse by its field's name. Never passed on
    as typed: `Decimal()` reads what the rule refuses ("1.500" as 1.5, "1e1" as 10)."""
    return format(numbers.typed_decimal(raw or ""), "f")
