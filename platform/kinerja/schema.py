"""Input schemas in the user's language: the one base every marshmallow schema of Kinerja derives
from, for the API (`@blp.arguments`) and the web forms alike.

marshmallow's own messages are English text (and its validators format theirs when built, before
anyone's language is known), so the base schema gives every field, when it is bound, lazy
messages from our catalogue and swaps marshmallow's Range, Length and OneOf for the translated
ones below. A message is translated when it is shown, in the language of whoever reads it.
A lazy message goes into a `ValidationError` as a one-item list: marshmallow takes anything but
`str` as a whole collection of messages.

`InputSchema` adds what a person's form needs: blanks are "not given", unknown keys (a CSRF
token, a button) are ignored, and `load` failures become `InvalidFields` (a 422 with every
field's message) wherever the schema is used.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import marshmallow
from flask import has_request_context, request
from flask_babel.speaklater import LazyString
from marshmallow import EXCLUDE, INCLUDE, ValidationError, fields, post_load, pre_load, validate
from marshmallow.exceptions import SCHEMA

from kinerja import numbers
from kinerja.exceptions import InvalidFields
from kinerja.i18n import N_, _

REQUIRED = _("This field is required.")

# Per field class (the first that matches, most specific first): its messages by key.
_INVALID: tuple[tuple[type[fields.Field], dict[str, Any]], ...] = (
    (fields.Integer, {"invalid": _("Enter a whole number."), "too_large": _("Enter a number.")}),
    (
        fields.Number,
        {
            "invalid": _("Enter a number."),
            "too_large": _("Enter a number."),
            "special": _("Enter a number."),
        },
    ),
    (fields.Boolean, {"invalid": _("Enter true or false.")}),
    (fields.Time, {"invalid": _("Enter a time like 08:30.")}),
    (fields.Date, {"invalid": _("Enter a valid date.")}),
    (
        fields.DateTime,
        {"invalid": _("Enter a valid date."), "invalid_awareness": _("Enter a valid date.")},
    ),
    (fields.UUID, {"invalid_uuid": _("Enter a valid identifier.")}),
    (fields.Email, {"invalid": _("Enter a valid e-mail address.")}),
    (fields.String, {"invalid": _("Enter text."), "invalid_utf8": _("Enter text.")}),
    (fields.List, {"invalid": _("Send a list.")}),
    (fields.Tuple, {"invalid": _("Send a list.")}),
    (fields.Mapping, {"invalid": _("Send an object with named fields.")}),
    (fields.Nested, {"type": _("This kind of value is not accepted here.")}),
)
_EVERY_FIELD = {
    "required": REQUIRED,
    "null": _("This field may not be empty."),
    "validator_failed": _("This value is not accepted."),
}


def _english_defaults(field_class: type) -> dict[str, Any]:
    """marshmallow's own messages of a field class, as `Field.__init__` merges them."""
    merged: dict[str, Any] = {}
    for cls in reversed(field_class.__mro__):
        merged.update(getattr(cls, "default_error_messages", {}))
    return merged


class Range(validate.Range):
    """marshmallow's Range, saying it in the reader's language."""

    def _format_error(self, value: Any, message: str) -> Any:
        if isinstance(self.error, LazyString):
            return [self.error]  # ours, its parameters given
        if self.error is not None:
            return super()._format_error(value, message)
        if self.min is not None and self.max is not None:
            return [_("Enter a number from %(min)s to %(max)s.", min=self.min, max=self.max)]
        if self.min is not None:
            return [_("Enter a number of at least %(min)s.", min=self.min)]
        return [_("Enter a number of at most %(max)s.", max=self.max)]


class Length(validate.Length):
    """marshmallow's Length in the reader's language: characters of a text, items of a list."""

    def __init__(self, *args: Any, items: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items

    def _format_error(self, value: Any, message: str) -> Any:
        if self.error is not None:
            return super()._format_error(value, message)
        low, high = (self.equal, self.equal) if self.equal is not None else (self.min, self.max)
        if self.items:
            if low is not None and high is not None:
                return [_("Give from %(min)s to %(max)s items.", min=low, max=high)]
            if low is not None:
                return [_("Give at least %(min)s items.", min=low)]
            return [_("Give at most %(max)s items.", max=high)]
        if low is not None and high is not None:
            return [_("Enter between %(min)s and %(max)s characters.", min=low, max=high)]
        if low is not None:
            return [_("Enter at least %(min)s characters.", min=low)]
        return [_("Enter at most %(max)s characters.", max=high)]


class OneOf(validate.OneOf):
    """marshmallow's OneOf in the reader's language."""

    def _format_error(self, value: Any) -> Any:
        if self.error is not self.default_message:
            return super()._format_error(value)
        return [_("Must be one of: %(choices)s.", choices=self.choices_text)]


def _translated_validator(found: Any, field: fields.Field) -> Any:
    """Our translated equivalent of one of marshmallow's validators (others as they are)."""
    kind = type(found)
    if kind is validate.Range and found.error is None:
        return Range(
            found.min,
            found.max,
            min_inclusive=found.min_inclusive,
            max_inclusive=found.max_inclusive,
        )
    if kind is validate.Length and found.error is None:
        items = isinstance(field, fields.List | fields.Tuple | fields.Mapping)
        return Length(found.min, found.max, equal=found.equal, items=items)
    if kind is validate.OneOf and found.error == validate.OneOf.default_message:
        return OneOf(found.choices, found.labels)
    if kind is validate.Email:
        return validate.Email(error=_("Enter a valid e-mail address."))
    return found


NUL_REFUSED = _("Text may not contain NUL characters.")
_SURROGATE = re.compile("[\ud800-\udfff]")


def unstorable(text: str) -> Any:
    """Why PostgreSQL could not store this text (a NUL; half of a character, a lone UTF-16
    surrogate such as the "\ud83d" of a cut emoji, which JSON carries but UTF-8 cannot), or
    None: the one rule, for whole JSON bodies (`httpkit.inspect_json`) and every text field."""
    if "\x00" in text:
        return NUL_REFUSED
    if _SURROGATE.search(text):
        return _("Text may not contain half of a character: type it again.")
    return None


def storable(value: Any) -> None:
    """The validator every text field gets (`translate_field`): a field's own 422, not a 500
    when the database or the idempotency fingerprint meets the text."""
    problem = unstorable(value) if isinstance(value, str) else None
    if problem is not None:
        raise ValidationError([problem])


def translate_field(field: fields.Field) -> None:
    """Give a bound field (and the fields inside it) our messages where it has marshmallow's."""
    english = _english_defaults(type(field))
    ours = dict(_EVERY_FIELD)
    for field_class, messages in _INVALID:
        if isinstance(field, field_class):
            ours |= messages
            break
    for key, message in ours.items():
        if key in english and field.error_messages.get(key) == english[key]:
            field.error_messages[key] = [message]  # a list: see the top
    for key, message in field.error_messages.items():  # a schema's own lazy messages too
        if not isinstance(message, str | list):
            field.error_messages[key] = [message]
    field.validators = [_translated_validator(v, field) for v in field.validators]
    if isinstance(field, fields.String) and storable not in field.validators:
        field.validators.append(storable)
    inner: list[Any] = [getattr(field, "inner", None)]
    inner += [getattr(field, "key_field", None), getattr(field, "value_field", None)]
    inner += list(getattr(field, "tuple_fields", None) or ())
    for each in inner:
        if isinstance(each, fields.Field):
            translate_field(each)


class Schema(marshmallow.Schema):
    """The base of every schema: its messages in the reader's language, and its answers
    written without marshmallow's accessor chain (`_serialize`)."""

    error_messages = {
        "type": _("This kind of value is not accepted here."),
        "unknown": _("This field is not known here."),
    }

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        translate_field(field_obj)

    def _serialize(self, obj: Any, *, many: bool = False) -> Any:
        """marshmallow's `Schema._serialize`, the same answer, cheaper: a list of 50 rows is
        300 field values, and marshmallow asks each through five calls (the field's
        `get_value`, the schema's `get_attribute`, `utils.get_value`, a `__getitem__` probe,
        `getattr`) before the field formats it. A plain field of a plain object (no
        `__getitem__`) or a dict is read here in one step and formatted by the field's own
        `_serialize`; every other field (methods, functions, dotted or custom access) and
        every other kind of object goes through marshmallow as before. The equivalence is
        tested schema by schema (tests/test_schema_dump.py)."""
        if many and obj is not None:
            return [self._serialize(item) for item in obj]
        plan = self.__dict__.get(_PLAN)
        if plan is None:
            plan = self.__dict__[_PLAN] = _dump_plan(self)
        is_dict = isinstance(obj, dict)
        if not plan or (not is_dict and hasattr(obj, "__getitem__")):
            return super()._serialize(obj)
        answer = self.dict_class()
        for attr, key, field, source in plan:
            if source is None:
                value = field.serialize(attr, obj, accessor=self.get_attribute)
            else:
                if is_dict:
                    try:
                        value = obj[source]
                    except KeyError:
                        value = getattr(obj, source, marshmallow.missing)
                else:
                    value = getattr(obj, source, marshmallow.missing)
                if value is marshmallow.missing:
                    default = field.dump_default
                    value = default() if callable(default) else default
                    if value is marshmallow.missing:
                        continue
                value = field._serialize(value, attr, obj)
            if value is not marshmallow.missing:
                answer[key] = value
        return answer


_PLAN = "_kinerja_dump_plan"
_FIELD_GET_VALUE = fields.Field.get_value
_FIELD_SERIALIZE = fields.Field.serialize
# (attribute name, key in the answer, field, where to read it: None = through marshmallow)
DumpPlan = list[tuple[str, str, fields.Field, str | None]]


def _dump_plan(schema: marshmallow.Schema) -> DumpPlan:
    """How `Schema._serialize` writes each of the schema's fields (none: all through
    marshmallow, the schema reads its objects its own way)."""
    if type(schema).get_attribute is not marshmallow.Schema.get_attribute:
        return []
    plan: DumpPlan = []
    for attr, field in schema.dump_fields.items():
        key = field.data_key if field.data_key is not None else attr
        source = field.attribute if field.attribute is not None else attr
        plain = (
            field._CHECK_ATTRIBUTE
            and type(field).get_value is _FIELD_GET_VALUE
            and type(field).serialize is _FIELD_SERIALIZE
            and "." not in source
        )
        plan.append((attr, key, field, source if plain else None))
    return plan


class InputSchema(Schema):
    """What a person (a form) or a client (JSON) sends: blank text is "not given" (null where
    the field takes null), keys the schema does not know are ignored, and `read` answers every
    field's problem at once as `InvalidFields`."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _blanks(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, Mapping):
            return data  # the schema itself says what is wrong with it
        out: dict[str, Any] = {}
        for key, value in data.items():
            field = self.fields.get(key)
            if isinstance(value, str) and not value.strip() and field is not None:
                if field.allow_none:
                    out[key] = None
                continue  # blank and not nullable: as if not sent (required says so)
            out[key] = value
        return out

    def read(self, data: Any, *, partial: bool | None = None) -> dict[str, Any]:
        """The loaded values, or `InvalidFields` with every field's messages (`partial`: the
        schema's own unless given)."""
        try:
            loaded: dict[str, Any] = self.load(data, partial=partial)
        except ValidationError as error:
            raise InvalidFields(flat_messages(error.normalized_messages())) from None
        return loaded


def flat_messages(found: Any) -> dict[str, list[Any]]:
    """marshmallow's nested messages as {field: [message]} (a list's items as `field.n`, what
    is wrong with an item as a whole under the item's own name), for both edges."""
    out: dict[str, list[Any]] = {}
    for key, value in found.items():
        if isinstance(value, Mapping):
            for inner, messages in flat_messages(value).items():
                name = str(key) if inner == SCHEMA else f"{key}.{inner}"
                out.setdefault(name, []).extend(messages)
        else:
            given = list(value) if isinstance(value, list | tuple) else [value]
            out.setdefault(str(key), []).extend(given)
    return out


class Text(fields.String):
    """Text of at most `limit` characters, surrounding spaces dropped."""

    def __init__(self, limit: int, **kwargs: Any) -> None:
        kwargs.setdefault("validate", Length(max=limit))
        kwargs.setdefault("metadata", {}).setdefault("maxLength", limit)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        # (NUL and half characters: refused by `storable`, which every text field has)
        return str(super()._deserialize(value, attr, data, **kwargs)).strip()


# What to tell someone whose number could be read two ways ("1,500"): the msgid, for the
# services that keep a problem as a msgid and its parameters (`reports.rules`), and the words.
AMBIGUOUS_NUMBER = N_(
    "Write %(typed)s without a thousands separator (e.g. 1500) or with one or two "
    "decimals (e.g. 1.5): as it is, it can be read two ways."
)


def ambiguous_number(typed: str) -> str:
    return str(_(AMBIGUOUS_NUMBER, typed=typed.strip()))


class Amount(fields.Decimal):
    """A quantity or target: not negative, below 10^15, kept to two decimals. Text is read as
    people type it (`numbers.typed_decimal`: "2,5", "2.5", "1.234,5"; "1,500" refused as
    ambiguous, never guessed); in a JSON body a point is always the decimal point ("1.005").
    Sent and documented as a string ("2.50")."""

    LIMIT = Decimal(10) ** 15

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).update({"type": "string", "format": "decimal"})
        super().__init__(places=2, as_string=True, **kwargs)

    def _validated(self, value: Any) -> Any:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        try:
            if isinstance(value, str):
                # A JSON body is a program's text (its point a decimal point); a form's is typed.
                machine = has_request_context() and request.is_json
                number = numbers.typed_decimal(value, machine=machine)
            else:
                number = Decimal(str(value))
        except numbers.Ambiguous:
            raise ValidationError([ambiguous_number(value)]) from None
        except (ValueError, InvalidOperation):
            raise self.make_error("invalid") from None
        if not number.is_finite() or abs(number) >= self.LIMIT:
            raise self.make_error("invalid")
        if number < 0:
            raise ValidationError([_("Enter a number of at least %(min)s.", min=0)])
        return super()._validated(number)


class Whole(fields.Integer):
    """A whole number, from JSON or a form's text: 1.5 is refused, not cut to 1 as marshmallow's
    Integer does (its `strict` would refuse a form's "90" too). JSON's 1e999 (infinity to
    Python's parser), NaN and Infinity are refused too: `int()` raised on them (a 500)."""

    def _validated(self, value: Any) -> Any:
        if isinstance(value, float | Decimal) and (not math.isfinite(value) or value != int(value)):
            raise self.make_error("invalid")
        return super()._validated(value)


class TimeOfDay(fields.Time):
    """A time of day on the city's clock ("08:30"). marshmallow also reads an offset
    ("08:30+07:00"), and comparing that time with one without (the end before the start) raised
    TypeError (a 500): the offset is refused, as what it is, a time not like 08:30."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        found = super()._deserialize(value, attr, data, **kwargs)
        if found.tzinfo is not None:
            raise self.make_error("invalid")
        return found


class Identifier(fields.Integer):
    """The id of a row to link to; blank or 0 means none."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("validate", Range(1, 2**62))
        super().__init__(**kwargs)

    def deserialize(self, value: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(value, bool) and value in (0, "0"):
            value = None
        return super().deserialize(value, *args, **kwargs)


class KeyedInput(InputSchema):
    """A body keyed by what the service knows (an IKI id, a competency code): every key's value
    is read by `value`; which keys exist is the service's to check. Documented as an object
    with additional properties. A refused value is named by its key, its messages in a list."""

    class Meta:
        unknown = INCLUDE

    @staticmethod
    def value() -> fields.Field:
        """The field that reads each key's value (a method: a Field attribute would be a key)."""
        return fields.Raw()

    @post_load
    def _values(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        reader = self.value()
        reader._bind_to_schema("value", self)
        translate_field(reader)
        out, errors = {}, {}
        for key, given in data.items():
            if isinstance(given, str) and not given.strip() and reader.allow_none:
                given = None
            try:
                out[str(key)] = reader.deserialize(given)
            except ValidationError as error:
                errors[str(key)] = _flat(error.messages)
        if errors:
            raise ValidationError(errors)
        return out


def _flat(found: Any) -> list[Any]:
    """A value's messages, however nested, as one list (the body names the key)."""
    if isinstance(found, Mapping):
        return [m for value in found.values() for m in _flat(value)]
    if isinstance(found, list | tuple):
        return [m for value in found for m in _flat(value)]
    return [found]
