"""Input schemas speak the reader's language natively (no table over marshmallow's English), and
a form's strings load through the same schema as the API's JSON."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask_babel import Babel, force_locale
from marshmallow import fields, validate

from kinerja.exceptions import InvalidFields
from kinerja.i18n import text
from kinerja.schema import Amount, Identifier, InputSchema, Schema, Text
from kinerja.web.i18n import compile_catalogues


@pytest.fixture(scope="module")
def babel_app() -> Iterator[Flask]:
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compile_catalogues())
    Babel(app, locale_selector=lambda: "id")
    with app.test_request_context():
        yield app


class Sample(Schema):
    count = fields.Integer(required=True, validate=validate.Range(1, 10))
    at_least = fields.Integer(validate=validate.Range(min=0))
    name = fields.String(validate=validate.Length(2, 5))
    ids = fields.List(fields.Integer(), validate=validate.Length(1, 2))
    kind = fields.String(validate=validate.OneOf(["a", "b"]))
    day = fields.Date()
    flag = fields.Boolean()


def _errors(schema: Schema, data: Any, lang: str) -> dict[str, Any]:
    with force_locale(lang):
        return dict(text(schema.validate(data)))


@pytest.mark.usefixtures("babel_app")
def test_marshmallow_messages_come_in_the_readers_language() -> None:
    bad = {"at_least": -1, "name": "x", "ids": [], "kind": "z", "day": "31-12", "flag": "maybe"}
    indonesian = _errors(Sample(), {**bad, "extra": 1}, "id")
    assert indonesian["count"] == ["Isian ini wajib diisi."]
    assert indonesian["extra"] == ["Isian ini tidak dikenal di sini."]
    english = _errors(Sample(), {**bad, "count": 11, "extra": 1}, "en")
    assert english == {
        "count": ["Enter a number from 1 to 10."],
        "at_least": ["Enter a number of at least 0."],
        "name": ["Enter between 2 and 5 characters."],
        "ids": ["Give from 1 to 2 items."],
        "kind": ["Must be one of: a, b."],
        "day": ["Enter a valid date."],
        "flag": ["Enter true or false."],
        "extra": ["This field is not known here."],
    }
    # Inner fields too, and the schema's own message for a body that is not an object.
    assert _errors(Sample(), {"count": 1, "ids": ["x"]}, "en") == {
        "ids": {0: ["Enter a whole number."]}
    }
    assert _errors(Sample(), [1], "en") == {"_schema": ["This kind of value is not accepted here."]}


@pytest.mark.usefixtures("babel_app")
def test_every_text_field_refuses_what_postgresql_cannot_store() -> None:
    """NUL and half a character (a lone surrogate, JSON's "\\ud83d") in any text field, ours
    (`Text`) or a plain one, inner ones too: the field's own message, never a 500 later."""
    data = {"count": 1, "name": "ab\ud83d", "kind": "a\x00", "ids": [1]}
    english = _errors(Sample(), data, "en")
    assert english["name"] == ["Text may not contain half of a character: type it again."]
    assert "Text may not contain NUL characters." in english["kind"]  # beside OneOf's
    assert _errors(Sample(), data, "id")["name"] == [
        "Teks tidak boleh berisi separuh karakter: ketik ulang."
    ]

    class Tags(Schema):
        tags = fields.List(fields.String())

    assert _errors(Tags(), {"tags": ["ok", "\udfff"]}, "en") == {
        "tags": {1: ["Text may not contain half of a character: type it again."]}
    }
    assert _errors(Sample(), {"count": 1, "name": "Ya 🙂"}, "en") == {}  # a whole emoji


class Form(InputSchema):
    what = Text(20, required=True)
    amount = Amount(allow_none=True)
    link = Identifier()


def _refused(data: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(InvalidFields) as refused, force_locale("en"):
        Form().read(data)
    with force_locale("en"):
        return dict(text(refused.value.errors))


@pytest.mark.usefixtures("babel_app")
def test_an_input_schema_reads_a_forms_strings_like_json() -> None:
    form = {"what": "  work ", "amount": "2,5", "link": "0", "csrf_token": "x"}
    assert Form().read(form) == {"what": "work", "amount": Decimal("2.50"), "link": None}
    assert Form().read({"what": "work", "amount": 2.5, "link": 7}) == {
        "what": "work",
        "amount": Decimal("2.50"),
        "link": 7,
    }
    assert _refused({"what": " ", "amount": "-1", "link": "x"}) == {
        "what": ["This field is required."],
        "amount": ["Enter a number of at least 0."],
        "link": ["Enter a whole number."],
    }
    assert _refused({"what": "x" * 21, "amount": "1e999999"}) == {
        "what": ["Enter at most 20 characters."],
        "amount": ["Enter a number."],
    }


# Write operations that truly take no body (an action named by its address alone), each with
# why: none today, every POST, PUT and PATCH of the API reads a body.
NO_BODY: dict[str, str] = {}


def test_every_write_operation_documents_its_body(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/api/v1/openapi.json").get_json()
    missing = sorted(
        f"{method.upper()} {path}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "put", "patch") and "requestBody" not in operation
    )
    assert missing == sorted(NO_BODY)
