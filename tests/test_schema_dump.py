"""The answers written by `kinerja.schema.Schema._serialize` (a shorter way to each value) are
marshmallow's own, for every schema of Kinerja and its plugins: objects with every field, with
nulls, with nothing at all, and the same values as a dict."""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
from datetime import UTC, date, datetime, time
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import marshmallow
import pytest
from marshmallow import fields

from kinerja import schema as kinerja_schema
from kinerja.schema import Schema


def every_schema() -> list[type[Schema]]:
    """Every subclass of our base schema, in every module of Kinerja and of the plugins here."""
    import kinerja

    for package in (kinerja, *_plugins()):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if module.name.rsplit(".", 1)[-1] not in ("wsgi", "__main__"):  # these start an app
                importlib.import_module(module.name)
    found: list[type[Schema]] = []
    todo = list(Schema.__subclasses__())
    while todo:
        kind = todo.pop()
        found.append(kind)
        todo.extend(kind.__subclasses__())
    return sorted(set(found), key=lambda k: f"{k.__module__}.{k.__qualname__}")


def _plugins() -> list[Any]:
    found = []
    for name in ("kinerja_dinkes",):
        with contextlib.suppress(ImportError):  # not installed here
            found.append(importlib.import_module(name))
    return found


def value_for(field: fields.Field, depth: int = 0) -> Any:
    """A value of the kind the field writes."""
    if isinstance(field, fields.Nested):
        nested = field.schema
        one = sample(nested, depth + 1) if depth < 3 else None
        return [one, one] if field.many else one
    if isinstance(field, fields.Pluck):
        return None
    if isinstance(field, fields.List):
        return [value_for(field.inner, depth), value_for(field.inner, depth)]
    if isinstance(field, fields.Tuple):
        return tuple(value_for(f, depth) for f in field.tuple_fields)
    if isinstance(field, fields.Enum):
        return next(iter(field.enum))
    if isinstance(field, fields.Boolean):
        return True
    if isinstance(field, fields.Integer):
        return 7
    if isinstance(field, fields.Decimal):
        return Decimal("2.50")
    if isinstance(field, fields.Float | fields.Number):
        return 1.5
    if isinstance(field, fields.DateTime):
        return datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    if isinstance(field, fields.Date):
        return date(2026, 12, 4)
    if isinstance(field, fields.Time):
        return time(8, 15)
    if isinstance(field, fields.Dict | fields.Mapping):
        return {"a": 1}
    if isinstance(field, fields.String):
        return "Puskesmas Teladan"
    return {"x": 1}


def sample(schema: marshmallow.Schema, depth: int = 0, nulls: bool = False) -> SimpleNamespace:
    values = {}
    for attr, field in schema.dump_fields.items():
        source = field.attribute or attr
        values[source.split(".")[0]] = None if nulls else value_for(field, depth)
    return SimpleNamespace(**values)


def answers(schema: marshmallow.Schema, obj: Any, many: bool = False) -> tuple[str, Any]:
    try:
        return "ok", schema.dump(obj, many=many)
    except Exception as error:  # a method field that needs a real object: both must fail alike
        return "error", type(error)


@pytest.mark.parametrize("kind", every_schema(), ids=lambda k: k.__qualname__)
def test_the_shorter_way_writes_what_marshmallow_writes(kind, app, monkeypatch) -> None:
    try:
        schema = kind()
    except TypeError:
        pytest.skip("needs arguments to be made")
    with app.test_request_context():
        full, nulls = sample(schema), sample(schema, nulls=True)
        objects = [full, nulls, SimpleNamespace(), vars(full), vars(nulls), {}]
        ours = [answers(schema, obj) for obj in objects] + [answers(schema, objects, many=True)]
        # marshmallow's own, for this schema and every schema nested in it
        monkeypatch.setattr(Schema, "_serialize", marshmallow.Schema._serialize)
        theirs = [answers(kind(), obj) for obj in objects] + [answers(kind(), objects, True)]
    assert ours == theirs


def test_the_shorter_way_is_taken(app) -> None:
    """Not vacuous: plain fields of plain objects are read by the plan, not by marshmallow."""

    class Unit(Schema):
        id = fields.Integer()
        name = fields.String(attribute="title")
        when = fields.DateTime()
        shown = fields.Method("show")

        def show(self, obj: Any) -> str:
            return f"#{obj.id}"

    schema = Unit()
    obj = SimpleNamespace(id=3, title="Bidang P2P", when=datetime(2026, 12, 4, tzinfo=UTC))
    assert schema.dump(obj) == {
        "id": 3,
        "name": "Bidang P2P",
        "when": "2026-12-04T00:00:00+00:00",
        "shown": "#3",
    }
    plan = schema.__dict__[kinerja_schema._PLAN]
    assert [(attr, source) for attr, _key, _field, source in plan] == [
        ("id", "id"),
        ("name", "title"),
        ("when", "when"),
        ("shown", None),  # a method: through marshmallow
    ]
    assert len(every_schema()) > 100
