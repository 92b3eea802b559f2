"""The rules of report forms as pure functions: reading a submission, its statuses, its sums.

No database and no Flask here: the service calls these and the tests exercise them directly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from kinerja import numbers
from kinerja.i18n import N_
from kinerja.plugins.types import FormField, ReportForm
from kinerja.schema import AMBIGUOUS_NUMBER
from kinerja.workflow import Machine, step

DRAFT, SUBMITTED, APPROVED, REJECTED = "draft", "submitted", "approved", "rejected"
STATUSES = (DRAFT, SUBMITTED, APPROVED, REJECTED)
OWNER, VERIFIER = "owner", "verifier"  # the employee; a superior of theirs (the permission rule)
REASON = "reason"
MACHINE = Machine(
    {
        (DRAFT, "submit"): step(SUBMITTED, OWNER),
        (REJECTED, "submit"): step(SUBMITTED, OWNER),
        (SUBMITTED, "approve"): step(APPROVED, VERIFIER),
        (SUBMITTED, "reject"): step(REJECTED, VERIFIER, REASON),
    }
)
ACTIONS = MACHINE.actions


def next_status(status: str, action: str) -> str | None:
    """The status after `action`, or None when the action is not allowed from `status`."""
    found = MACHINE.transitions.get((status, action))
    return found.to if found else None


Problems = dict[str, tuple[str, dict[str, Any]]]  # field -> (English msgid, parameters)
MAX_DIGITS = 15  # no report counts beyond 10^15; larger input is refused before conversion


def _read(f: FormField, raw: Any, today: date) -> tuple[Any, tuple[str, dict[str, Any]] | None]:
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None, ((N_("This field is required."), {}) if f.required else None)
    if len(text) > f.max_length:
        return None, (N_("Enter at most %(max)s characters."), {"max": f.max_length})
    if "\x00" in text:
        # A web form's value (JSON bodies are refused before): PostgreSQL keeps no NUL (a 500).
        return None, (N_("Text may not contain NUL characters."), {})
    if f.type == "text":
        return text, None
    if f.type == "choice":
        if text not in f.choices and f.live_choices:
            # The agency's list (e.g. its puskesmas) may be long: name the list, not each choice.
            return None, (N_("Choose one from the list."), {})
        if text not in f.choices:
            return None, (N_("Must be one of: %(choices)s."), {"choices": ", ".join(f.choices)})
        return text, None
    if f.type == "date":
        try:
            return date.fromisoformat(text).isoformat(), None
        except ValueError:
            return None, (N_("Enter a valid date."), {})
    try:  # as people type it in a form; a JSON number as a program writes it
        number = numbers.typed_decimal(text, machine=not isinstance(raw, str))
    except numbers.Ambiguous:
        return None, (AMBIGUOUS_NUMBER, {"typed": text})
    except ValueError:
        return None, (N_("Enter a number."), {})
    if not number.is_finite() or number.adjusted() > MAX_DIGITS:
        # Huge exponents ("1e999999999") would cost unbounded time and memory to turn into an int.
        return None, (N_("Enter a number."), {})
    if f.type == "integer":
        if number != number.to_integral_value():
            return None, (N_("Enter a whole number."), {})
        value: Any = int(number)
    else:
        value = float(number)
    if f.min is not None and value < f.min:
        return None, (N_("Enter a number of at least %(min)s."), {"min": _plain(f.min)})
    if f.max is not None and value > f.max:
        return None, (N_("Enter a number of at most %(max)s."), {"max": _plain(f.max)})
    return value, None


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def read(form: ReportForm, raw: Mapping[str, Any], today: date) -> tuple[dict[str, Any], Problems]:
    """The submission's values by the form's fields, and every field's problem (none: valid).

    Unknown keys are ignored; the plugin's cross-field rule runs only when every field passed.
    """
    values: dict[str, Any] = {}
    problems: Problems = {}
    for f in form.fields:
        value, problem = _read(f, raw.get(f.name), today)
        if problem:
            problems[f.name] = problem
        elif value is not None:
            values[f.name] = value
    return values, problems


def summarise(
    form: ReportForm, rows: Iterable[tuple[str, Mapping[str, Any]]]
) -> list[dict[str, Any]]:
    """Add up submissions by `key` (a unit or a person) and the form's `group_by` fields.

    Each row: the key, then per aggregated field its sum, average or count, and per ratio its
    percentage (None when the denominator is 0). Sorted by key and groups.
    """
    buckets: dict[tuple[Any, ...], list[Mapping[str, Any]]] = defaultdict(list)
    for key, data in rows:
        buckets[(key, *(data.get(g) for g in form.group_by))].append(data)
    summary = []
    for bucket_key in sorted(buckets, key=lambda k: tuple(str(p) for p in k)):
        items = buckets[bucket_key]
        line: dict[str, Any] = {"key": bucket_key[0], "submissions": len(items)}
        line.update(zip(form.group_by, bucket_key[1:], strict=True))
        for f in form.fields:
            present = [d[f.name] for d in items if d.get(f.name) is not None]
            if f.aggregate == "sum":
                line[f.name] = sum(present)
            elif f.aggregate == "average":
                line[f.name] = round(sum(present) / len(present), 2) if present else None
            elif f.aggregate == "count":
                line[f.name] = len(present)
        for ratio in form.ratios:
            numerator = sum(d.get(ratio.numerator) or 0 for d in items)
            denominator = sum(d.get(ratio.denominator) or 0 for d in items)
            line[ratio.name] = round(100 * numerator / denominator, 1) if denominator else None
        summary.append(line)
    return summary


def targets(form: ReportForm, settings: Mapping[str, Any]) -> dict[str, float]:
    """{ratio: target in percent} of the form's ratios that take their target from a setting of
    the form's plugin (`Ratio.target_setting`), read from the agency's `settings` of it."""
    found = {}
    for ratio in form.ratios:
        value = settings.get(ratio.target_setting) if ratio.target_setting else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            found[ratio.name] = float(value)
    return found


def below_target(line: Mapping[str, Any], targets: Mapping[str, float]) -> list[str]:
    """The ratios of a summary line that fall short of their target (None is not short)."""
    return [name for name, target in targets.items() if (line.get(name) or target) < target]
