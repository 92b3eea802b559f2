"""A daily entry and the agency's rules for them as input, read once: the API's body (JSON or
a multipart form) and the web form's strings load through `EntryInput` and `PolicyInput`; the
service then checks what needs the database (the links to the approved SKP, the deadline)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, post_load, validates_schema

from kinerja.i18n import _
from kinerja.schema import Amount, Identifier, InputSchema, Range, Text, TimeOfDay, Whole

MAX_MINUTES = 24 * 60


DAYS = _("Enter a whole number of days from 0 to 31.")


class PolicyInput(InputSchema):
    """The agency's rules for daily entries; a field not given stays as it is."""

    deadline_days = fields.Integer(
        validate=Range(0, 31, error=DAYS),
        error_messages={"invalid": DAYS, "null": DAYS},
        metadata={"description": "days after the day of work an entry may still be made"},
    )
    late_allowed = fields.Boolean(metadata={"description": "later entries accepted, marked late"})
    days_off_count = fields.Boolean(metadata={"description": "weekends and holidays count"})
    keep_location = fields.Boolean(metadata={"description": "keep a photo's location"})


class EntryInput(InputSchema):
    """An entry's fields; blank means not given. Times are read as "08:30" or "08:30:00"."""

    entry_date = fields.Date(required=True)
    rhk_id = Identifier(
        load_default=None,
        metadata={"description": "the SKP result (RHK) this work serves; or give extra_reason"},
    )
    iki_id = Identifier(load_default=None, metadata={"description": "an indicator of that RHK"})
    rencana_aksi_id = Identifier(
        load_default=None,
        metadata={"description": "the Rencana Aksi step of that RHK this work serves (optional)"},
    )
    extra_reason = Text(
        300,
        allow_none=True,
        load_default=None,
        metadata={"description": "why this is an additional task (no RHK)"},
    )
    activity = Text(4000, required=True)
    quantity = Amount(allow_none=True, load_default=None)
    unit = Text(40, allow_none=True, load_default=None, metadata={"description": "the IKI's"})
    started = TimeOfDay(allow_none=True, load_default=None)
    ended = TimeOfDay(allow_none=True, load_default=None)
    minutes = Whole(
        allow_none=True,
        load_default=None,
        validate=Range(1, MAX_MINUTES),
        metadata={"description": "worked; from started and ended when not given"},
    )
    location = Text(200, allow_none=True, load_default=None)

    @validates_schema(pass_original=True)
    def _whole(self, data: dict[str, Any], original_data: Any, **kwargs: Any) -> None:
        if kwargs.get("partial") or not isinstance(original_data, Mapping):
            return  # a correction is judged whole, with the entry's other fields (`problems`)
        # A link already refused for its own reason is not also "missing".
        sent = {k: data.get(k, original_data.get(k)) for k in ("rhk_id", "extra_reason")}
        found = problems({**data, **sent})
        if found:
            raise ValidationError(found)

    @post_load
    def _minutes(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return data if kwargs.get("partial") else completed(data)


class EntryBody(EntryInput):
    """What `POST …/entries` takes: the entry, and whether to keep it as an unsent draft."""

    draft = fields.Boolean(
        load_default=False, metadata={"description": "true: keep it unsent (a draft)"}
    )


REMOVE_FILES = {
    "description": "ids of the entry's files to take off (their stored objects go with them); "
    "new files come as `evidence` in a multipart body"
}


class EntryEdit(EntryInput):
    """What `PUT …/entries/<id>` takes: the whole entry (a field not given is emptied), and the
    files to take off."""

    remove_files = fields.List(Identifier(), load_default=list, metadata=REMOVE_FILES)


class EntryPatch(EntryInput):
    """A correction: any of the entry's fields, and the files to take off."""

    remove_files = fields.List(Identifier(), load_default=list, metadata=REMOVE_FILES)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(partial=True, **kwargs)


def problems(values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The rules over a whole entry: it serves a result or says why not; it ends after it
    starts."""
    errors: dict[str, list[Any]] = {}
    if not values.get("rhk_id") and not values.get("extra_reason"):
        errors["rhk_id"] = [
            _("Choose the result (RHK) this work serves, or say why it is an additional task.")
        ]
    started, ended = values.get("started"), values.get("ended")
    if started and ended and ended <= started:
        errors["ended"] = [_("The end must come after the start.")]
    return errors


def completed(values: dict[str, Any]) -> dict[str, Any]:
    """The minutes worked from the start and the end when they are not given."""
    started, ended = values.get("started"), values.get("ended")
    if started and ended and ended > started and not values.get("minutes"):
        values["minutes"] = (ended.hour * 60 + ended.minute) - (started.hour * 60 + started.minute)
    return values
