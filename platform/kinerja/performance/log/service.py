"""Daily entries: reading and checking them, creating them exactly once, their evidence, the
workflow, the team's feed and the totals per result. Every change is in the audit log."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy import BindParameter, Select, bindparam, extract, func, select, true
from sqlalchemy.orm import Session

from kinerja import audit, clock, events, storage, workflow
from kinerja import permissions as perm
from kinerja.db import idempotency
from kinerja.db.load import load_or_404
from kinerja.db.scoping import current_tenant_id
from kinerja.exceptions import Conflict, Forbidden, Invalid, InvalidFields, NotFound, ServiceError
from kinerja.i18n import _
from kinerja.identity.models import User
from kinerja.people import raters
from kinerja.people.models import Employee
from kinerja.performance import skp as skps
from kinerja.performance.aksi.models import RencanaAksi
from kinerja.performance.log import evidence, inputs, rules
from kinerja.performance.log.labels import ACTIONS, status_label
from kinerja.performance.log.models import EvidenceFile, LogPolicy, WorkEntry
from kinerja.performance.log.permissions import ENTRY
from kinerja.performance.models import Iki, Rhk, Skp
from kinerja.presentation import formats

FIELDS = (
    "entry_date",
    "rhk_id",
    "iki_id",
    "rencana_aksi_id",
    "extra_reason",
    "activity",
    "quantity",
    "unit",
    "started",
    "ended",
    "minutes",
    "location",
)


class Unsupported(ServiceError):
    """A file we do not keep (answered 415, with why)."""

    status = 415


class TooLarge(ServiceError):
    status = 413


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


# --- the agency's rules ------------------------------------------------------------------------
def policy(session: Session) -> rules.Policy:
    """The agency's rules, read once per session and tenant (a create asks twice)."""
    tenant_id = current_tenant_id(session)
    cache: dict[int | None, rules.Policy] = session.info.setdefault("kinerja_log_policy", {})
    if tenant_id not in cache:
        row = session.get(LogPolicy, tenant_id)
        cache[tenant_id] = (
            rules.Policy()
            if row is None
            else rules.Policy(
                row.deadline_days, row.late_allowed, row.days_off_count, row.keep_location
            )
        )
    return cache[tenant_id]


def set_policy(session: Session, data: Mapping[str, Any]) -> rules.Policy:
    """Change the rules given (loaded through `inputs.PolicyInput`); the others stay. Audited."""
    before = policy(session)
    row = session.get(LogPolicy, current_tenant_id(session)) or LogPolicy()
    for name in ("deadline_days", "late_allowed", "days_off_count", "keep_location"):
        setattr(row, name, data.get(name, getattr(before, name)))
    session.add(row)
    session.flush()
    session.info.get("kinerja_log_policy", {}).pop(current_tenant_id(session), None)
    after = policy(session)
    changes = audit.diff(vars(before), vars(after))
    if changes:
        audit.record(session, "log.policy", "log_policy", None, changes=changes)
    return after


# --- checking an entry ------------------------------------------------------------------------
@dataclass(frozen=True)
class Links:
    """What an entry's checks read from the database, in one statement (`links`): whether its
    employee is of this agency, the agency's rules, and which of the result, indicator and step
    it names are the employee's (None: not found or not named)."""

    employee: bool
    policy: rules.Policy
    rhk_id: int | None
    iki_id: int | None
    iki_unit: str | None
    step_id: int | None


def _links_statement() -> Select[Any]:
    """Built once: the tenant, employee, year and ids are bound parameters, so SQLAlchemy
    compiles it once per process. Every table is filtered by the tenant here (it runs on the
    session's connection, outside the ORM's tenant criteria) and RLS applies as everywhere."""
    tenant: BindParameter[int] = bindparam("tenant")
    rhk = (
        select(Rhk.id, Rhk.skp_id)
        .join(Skp, (Skp.id == Rhk.skp_id) & (Skp.tenant_id == tenant))
        .where(
            Rhk.tenant_id == tenant,
            Rhk.id == bindparam("rhk"),
            Skp.employee_id == bindparam("employee"),
            Skp.year == bindparam("year"),
            # an approved plan, or one being revised (its results were approved before)
            Skp.in_force,
            Rhk.proposed.is_(False),
        )
        .subquery("found_rhk")
    )
    return (
        select(
            Employee.id,
            LogPolicy.deadline_days,
            LogPolicy.late_allowed,
            LogPolicy.days_off_count,
            LogPolicy.keep_location,
            rhk.c.id.label("rhk_id"),
            Iki.id.label("iki_id"),
            Iki.unit,
            RencanaAksi.id.label("step_id"),
        )
        .select_from(Employee)
        .outerjoin(LogPolicy, LogPolicy.tenant_id == tenant)
        .outerjoin(rhk, true())
        .outerjoin(
            Iki,
            (Iki.tenant_id == tenant) & (Iki.id == bindparam("iki")) & (Iki.rhk_id == rhk.c.id),
        )
        .outerjoin(
            RencanaAksi,
            (RencanaAksi.tenant_id == tenant)
            & (RencanaAksi.id == bindparam("step"))
            & (RencanaAksi.rhk_id == rhk.c.id)
            & (RencanaAksi.skp_id == rhk.c.skp_id),
        )
        .where(Employee.tenant_id == tenant, Employee.id == bindparam("employee"))
    )


_LINKS = _links_statement()


def links(session: Session, employee_id: int, values: Mapping[str, Any]) -> Links:
    """Everything an entry's checks need, in one round trip (it was five statements: the
    employee, the result, the indicator, the step, the rules); the agency's rules are kept for
    the session as `policy` keeps them."""
    tenant_id = current_tenant_id(session)
    row = (
        session.connection()
        .execute(
            _LINKS,
            {
                "tenant": tenant_id,
                "employee": employee_id,
                "year": values["entry_date"].year,
                "rhk": values.get("rhk_id"),
                "iki": values.get("iki_id"),
                "step": values.get("rencana_aksi_id"),
            },
        )
        .first()
    )
    if row is None:
        return Links(False, policy(session), None, None, None, None)
    found = (
        rules.Policy()
        if row.deadline_days is None
        else rules.Policy(
            row.deadline_days, row.late_allowed, row.days_off_count, row.keep_location
        )
    )
    session.info.setdefault("kinerja_log_policy", {})[tenant_id] = found
    return Links(True, found, row.rhk_id, row.iki_id, row.unit, row.step_id)


def read(session: Session, employee: Employee | int, values: dict[str, Any]) -> dict[str, Any]:
    """An entry loaded through `inputs.EntryInput`, its links checked against the employee's
    approved SKP of the entry's year."""
    employee_id = employee if isinstance(employee, int) else employee.id
    return checked(links(session, employee_id, values), values)


def checked(found: Links, values: dict[str, Any]) -> dict[str, Any]:
    """`values` judged against what `links` found: every field's problem at once (422)."""
    if not found.employee:
        raise NotFound()
    errors: dict[str, list[Any]] = {}
    if values.get("rhk_id"):
        if found.rhk_id is None:
            errors["rhk_id"] = [_("Choose a result of your approved SKP of that year.")]
        else:
            if values.get("rencana_aksi_id") and found.step_id is None:
                errors["rencana_aksi_id"] = [_("Choose a step of the result this work serves.")]
            if values.get("iki_id"):
                if found.iki_id is None:
                    errors["iki_id"] = [_("Choose an indicator of that result.")]
                elif not values.get("unit"):
                    values["unit"] = found.iki_unit  # the IKI's unit unless another is given
    else:  # an additional task: no step and no indicator of a result it does not name
        if values.get("rencana_aksi_id"):
            errors["rencana_aksi_id"] = [_("Choose a step of the result this work serves.")]
        if values.get("iki_id"):
            errors["iki_id"] = [_("Choose the result (RHK) this indicator belongs to.")]
    if errors:
        raise InvalidFields(errors)
    return values


def choices(session: Session, employee_id: int, year: int) -> list[tuple[Rhk, list[Iki]]]:
    """The results (with their indicators) an entry of `year` may serve."""
    skp = skps.of_employee(session, employee_id, year)
    if skp is None or not skp.in_force:
        return []
    rows = [r for r in skps.rhk_rows(session, skp) if not r.proposed]
    ikis = skps.iki_by_rhk(session, [r.id for r in rows])
    return [(r, ikis[r.id]) for r in rows]


# --- creating, exactly once --------------------------------------------------------------------
def _check_timing(session: Session, entry_date: date, now: datetime) -> bool:
    timing = rules.timing(entry_date, now, policy(session))
    if not timing.allowed:
        closes = formats.datetime_short(timing.closes)
        raise Invalid("entry_date", gettext(timing.problem or "", closes=closes))
    return timing.late


def create(
    session: Session,
    principal: perm.Principal,
    employee: Employee | int,
    values: dict[str, Any],
    uploads: Sequence[Upload] = (),
    *,
    key: str | None = None,
    submit: bool = True,
    now: datetime | None = None,
    limits: tuple[int, int] = (5, 10 * 1024 * 1024),
    report_submission_id: int | None = None,
) -> tuple[WorkEntry, bool]:
    """(the entry, whether it was created earlier with the same `key`): a retry after a dropped
    connection gets the first result, never a second entry; the same key with a different body
    (fields, `submit`, files) is refused (`idempotency.KeyReused`).

    The hot write (docs/architecture.md, "The write path"): one statement reads what the checks
    need, one inserts the entry and its audit row under the key, and the entry answered is
    built from what was sent, not read back. `employee` may be just the id (the principal's)."""
    employee_id = employee if isinstance(employee, int) else employee.id
    key = idempotency.check_key(key)
    print_ = idempotency.fingerprint(
        {"fields": dict(values), "submit": submit}, [(u.name, u.data) for u in uploads]
    )
    now = now or datetime.now(UTC)
    from kinerja.performance import waiting  # (it reads this module's rules)

    # Whom it waits for, when the principal already knows (their own entry: their rater, from
    # the principal cache): its mark goes in with it if that rater still is theirs when the
    # insert runs, and no chain is walked at commit.
    rater = None
    if submit and principal.complete and principal.employee_id == employee_id:
        rater = principal.rater_id
    tenant_id = current_tenant_id(session)
    assert tenant_id is not None  # a create is always an agency's
    if rater is not None:
        waiting.hold_for_new(session, tenant_id)
    try:
        values = read(session, employee_id, values)
        late = _check_timing(session, values["entry_date"], now)
        files = check_uploads(uploads, *limits)
    except ServiceError:
        # A retry may come after the deadline passed or the plan changed: it still gets the
        # first result, never a refusal of work already accepted.
        earlier = idempotency.earlier(session, WorkEntry, "employee_id", employee_id, key, print_)
        if earlier is not None:
            return earlier, True
        raise
    row = {
        "employee_id": employee_id,
        "status": rules.SUBMITTED if submit else rules.DRAFT,
        "late": late,
        "created_by": principal.user_id,
        "submitted_at": now if submit else None,
        "report_submission_id": report_submission_id,  # the report it is the output of
        **values,
    }
    audited = audit.fields(
        "log.submit" if submit else "log.draft",
        "work_entry",
        changes={"date": [None, values["entry_date"].isoformat()]}
        | ({"late": [None, True]} if late else {}),
        subject_employee_id=employee_id,
    )
    mark = None
    if rater is not None:
        mark = waiting.rater_mark_of_new(tenant_id, waiting.ENTRY, employee_id, rater)
    claimed = idempotency.claim(
        session,
        WorkEntry.__table__,  # type: ignore[arg-type]
        row,
        owner="employee_id",
        key=key,
        print_=print_,
        also=[audit.insert_for(tenant_id, audited), *([mark] if mark else [])],
    )
    if claimed.id is None:  # the key was taken: a replay (or a refusal) of the first request
        return idempotency.replayed(
            session, WorkEntry, "employee_id", employee_id, key, print_
        ), True
    entry = idempotency.claimed_row(
        session,
        WorkEntry,
        claimed.id,
        key,
        print_,
        # the submission time as the session reads a timestamp back: in the city's zone
        {"reason": None, "decided_by": None, "decided_at": None}
        | row
        | {"submitted_at": clock.local(now) if submit else None},
    )
    if mark is not None and claimed.counts == (1,):
        waiting.marked(session, waiting.ENTRY, {waiting.person(rater)})  # type: ignore[arg-type]
    elif submit:  # inserted past the ORM, its holders not known: the waiting counters are told
        waiting.touch(session, waiting.ENTRY, entry)
    session.info.setdefault(FRESH_FILES, {})[entry.id] = _store(session, entry, files)
    return entry, False


# The files of entries made in this session, by entry id: the answer to a create lists them
# without reading back what it just wrote (`files_by_entry` takes them out once).
FRESH_FILES = "kinerja_fresh_entry_files"


def from_report(
    session: Session,
    principal: perm.Principal,
    employee: Employee | int,
    submission: Any,
    title: str,
    rhk_id: int | None,
    now: datetime | None = None,
) -> WorkEntry:
    """A daily entry whose output is a report-form submission (e.g. the Laporan Harian
    Imunisasi): same date, one report as the output, sent with it."""
    raw = {
        "entry_date": submission.report_date.isoformat(),
        "rhk_id": rhk_id,
        "activity": title,
        "quantity": "1",
        "unit": "laporan",
        # Without a result it is an additional task, and the form says what it was.
        "extra_reason": None if rhk_id else title[:300],
    }
    values = inputs.EntryInput().read(raw)
    entry, _replayed = create(
        session, principal, employee, values, now=now, report_submission_id=submission.id
    )
    return entry


def check_uploads(
    uploads: Sequence[Upload], max_files: int, max_bytes: int
) -> list[tuple[Upload, evidence.Kind]]:
    if len(uploads) > max_files:
        raise Invalid("evidence", _("At most %(n)s files per entry.", n=max_files))
    checked = []
    for upload in uploads:
        if len(upload.data) > max_bytes:
            raise TooLarge(
                _("%(name)s is larger than %(mb)s MB.", name=upload.name, mb=max_bytes // 2**20)
            )
        try:
            checked.append((upload, evidence.identify(upload.name, upload.data)))
        except evidence.Refused as refused:
            raise Unsupported(
                f"{evidence.safe_name(upload.name)}: {gettext(refused.msgid, **refused.params)}"
            ) from None
    return checked


@dataclass(frozen=True)
class Written:
    """A file kept in the storage (its thumbnail too), ready to become a row."""

    kind: str
    name: str
    size: int
    sha256: str
    storage_key: str
    thumb_key: str | None

    def stored_keys(self) -> list[str]:
        return [k for k in (self.storage_key, self.thumb_key) if k]


def write(
    tenant_id: int,
    folder: Sequence[str],
    files: list[tuple[Upload, evidence.Kind]],
    keep_location: bool,
) -> list[Written]:
    """Clean (location stripped, HEIC converted) and write the files under the tenant's
    `folder`; on any failure remove what was written. The caller adds the rows and calls
    `remove` if they cannot be stored."""
    done: list[Written] = []
    try:
        for upload, kind in files:
            try:
                kept = evidence.keep(kind, upload.data, keep_location)
            except evidence.Refused as refused:
                said = gettext(refused.msgid, **refused.params)
                why = f"{evidence.safe_name(upload.name)}: {said}"
                if isinstance(refused, evidence.TooManyPixels):
                    raise TooLarge(why) from None
                raise Unsupported(why) from None
            name = uuid.uuid4().hex
            key = storage.tenant_key(tenant_id, *folder, f"{name}.{kept.kind}")
            storage.get().put(key, kept.data, kept.content_type)
            thumb_key = None
            if kept.thumbnail is not None:
                thumb_key = storage.tenant_key(tenant_id, *folder, f"{name}.thumb.jpeg")
                try:
                    storage.get().put(thumb_key, kept.thumbnail, "image/jpeg")
                except Exception:
                    storage.get().delete(key)
                    raise
            done.append(
                Written(
                    kind=kept.kind,
                    name=evidence.safe_name(upload.name),
                    size=len(kept.data),
                    sha256=hashlib.sha256(kept.data).hexdigest(),
                    storage_key=key,
                    thumb_key=thumb_key,
                )
            )
    except Exception:
        remove(done)
        raise
    return done


def remove(written: Sequence[Written]) -> None:
    for item in written:
        for key in item.stored_keys():
            storage.get().delete(key)


def _store(
    session: Session, entry: WorkEntry, files: list[tuple[Upload, evidence.Kind]]
) -> list[EvidenceFile]:
    """Write the files, then their rows; on any failure remove what was written."""
    if not files:
        return []
    written = write(
        entry.tenant_id, ("entries", str(entry.id)), files, policy(session).keep_location
    )
    try:
        rows = [EvidenceFile(entry_id=entry.id, **asdict(item)) for item in written]
        session.add_all(rows)
        session.flush()
    except Exception:
        remove(written)
        raise
    return rows


def add_files(
    session: Session, entry: WorkEntry, uploads: Sequence[Upload], limits: tuple[int, int]
) -> None:
    check_editable(session, entry)
    have = len(files_of(session, entry))
    files = check_uploads(uploads, max(0, limits[0] - have), limits[1])
    _store(session, entry, files)


# --- changing ----------------------------------------------------------------------------------
def get(session: Session, entry_id: int) -> WorkEntry:
    return load_or_404(session, WorkEntry, entry_id)


def resource(entry: WorkEntry) -> perm.Resource:
    # Whether it is a draft decides who sees it (`permissions._entry`): drafts are private.
    return perm.Resource(
        "work_entry",
        entry.tenant_id,
        employee_id=entry.employee_id,
        extra={"draft": entry.status == rules.DRAFT},
    )


def check_editable(session: Session, entry: WorkEntry) -> None:
    """Raise unless the entry may change now; holds its row lock to the end of the transaction,
    so no submit or decision slips in between this check and the change."""
    workflow.locked(session, entry)
    if entry.status not in rules.EDITABLE:
        raise Conflict(
            _(
                "This entry is %(state)s: it cannot be changed now.",
                state=status_label(entry.status),
            )
        )


def update(
    session: Session, entry: WorkEntry, changes: Mapping[str, Any], now: datetime | None = None
) -> WorkEntry:
    """Correct an entry with `changes` (loaded through `inputs.EntryPatch`), judged whole."""
    edit(session, entry, changes, now=now)
    return entry


def edit(
    session: Session,
    entry: WorkEntry,
    changes: Mapping[str, Any],
    *,
    whole: bool = False,
    add: Sequence[Upload] = (),
    remove: Sequence[int] = (),
    limits: tuple[int, int] = (5, 10 * 1024 * 1024),
    now: datetime | None = None,
) -> list[str]:
    """Correct a draft or a rejected entry in one step, under its row lock: its fields
    (`changes` from `inputs.EntryPatch`; with `whole`, every field from `inputs.EntryInput`, the
    ones not given emptied), files added and files removed. Returns the storage keys of the
    removed files, for the caller to delete after the commit (a crash in between leaves them to
    the orphan sweep, never a row without its bytes)."""
    check_editable(session, entry)
    before = _snapshot(session, entry)
    entry.revision += 1  # a new version even if nothing below changes (models.WorkEntry)
    if changes or whole:
        _set_fields(session, entry, changes, whole, now or datetime.now(UTC))
    have = files_of(session, entry)
    by_id = {f.id: f for f in have}
    unknown = [i for i in dict.fromkeys(remove) if i not in by_id]
    if unknown:
        raise Invalid("remove_files", _("Not a file of this entry: %(ids)s.", ids=unknown))
    going = [by_id[i] for i in dict.fromkeys(remove)]
    files = check_uploads(add, max(0, limits[0] - len(have) + len(going)), limits[1])
    keys = [k for f in going for k in (f.storage_key, f.thumb_key) if k]
    for file in going:
        session.delete(file)
    session.flush()
    _store(session, entry, files)
    changes_made = audit.diff(before, _snapshot(session, entry))
    if changes_made:
        audit.record(
            session,
            "log.update",
            "work_entry",
            entry.id,
            changes=changes_made,
            subject_employee_id=entry.employee_id,
        )
    return keys


def _set_fields(
    session: Session, entry: WorkEntry, changes: Mapping[str, Any], whole: bool, now: datetime
) -> None:
    kept = {} if whole else {name: getattr(entry, name) for name in FIELDS}
    merged = (
        {name: None for name in FIELDS} | kept | {k: v for k, v in changes.items() if k in FIELDS}
    )
    if errors := inputs.problems(merged):
        raise InvalidFields(errors)
    if {"started", "ended"} & set(changes) and "minutes" not in changes:
        merged["minutes"] = None  # worked out again from the times given now
    values = read(session, entry.employee_id, inputs.completed(merged))
    if values["entry_date"] != entry.entry_date:
        entry.late = _check_timing(session, values["entry_date"], now)
    for name, value in values.items():
        setattr(entry, name, value)
    session.flush()


def _snapshot(session: Session, entry: WorkEntry) -> dict[str, Any]:
    """The entry's fields and file names as the audit log compares them."""
    return {name: _plain(getattr(entry, name)) for name in FIELDS} | {
        "files": [f.name for f in files_of(session, entry)]
    }


def remove_file(session: Session, entry: WorkEntry, file_id: int) -> list[str]:
    """Take one file off a draft or a rejected entry; its keys to delete after the commit."""
    file_of(session, entry, file_id)
    return edit(session, entry, {}, remove=[file_id])


def version(session: Session, entry: WorkEntry) -> str:
    """What the edit form read: a form sent from an older version is refused, as the API's
    If-Match is (two phones editing one entry must not overwrite each other silently)."""
    seen = _snapshot(session, entry) | {
        "status": entry.status,
        "revision": entry.revision,
        "file_ids": [f.id for f in files_of(session, entry)],
    }
    return hashlib.sha256(repr(sorted(seen.items())).encode()).hexdigest()[:32]


def _plain(value: Any) -> Any:
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def delete_draft(session: Session, entry: WorkEntry) -> list[str]:
    """Delete a draft and (after the commit, by the caller) its files: returns their keys."""
    if workflow.locked(session, entry).status != rules.DRAFT:
        raise Conflict(_("Only a draft can be deleted; submitted work stays on record."))
    keys = [k for f in files_of(session, entry) for k in (f.storage_key, f.thumb_key) if k]
    audit.record(
        session,
        "log.delete",
        "work_entry",
        entry.id,
        changes={"date": [entry.entry_date.isoformat(), None]},
        subject_employee_id=entry.employee_id,
    )
    session.delete(entry)
    session.flush()
    return keys


def roles(
    session: Session,
    principal: perm.Principal,
    entry: WorkEntry,
    known: dict[int, frozenset[str]] | None = None,
) -> frozenset[str]:
    """The principal's roles on `entry`; they depend on its employee alone, so a bulk decision
    passes `known` and works out each employee's superior chain once, not once per entry."""
    if known is not None:
        if entry.employee_id not in known:
            known[entry.employee_id] = roles(session, principal, entry)
        return known[entry.employee_id]
    held = set()
    if perm.is_member(principal) and principal.employee_id == entry.employee_id:
        held.add(rules.OWNER)
    # Whom the principal decides on is cached with it (`perm.decides`), but the decision is made
    # now, under the entry's lock: their being the rater is read again from the database (one
    # statement when they are the direct superior), so a superior moved away since the cache
    # was read decides nothing. Not deciding per the cache, or the admin OPD: the chain below.
    if (
        principal.complete
        and principal.employee_id is not None
        and perm.decides(principal, entry.employee_id)
        and not perm.is_agency_admin(principal)
    ):
        if raters.rates(session, principal.employee_id, entry.employee_id):
            held.add(rules.VERIFIER)
        return frozenset(held)
    employee = session.scalar(select(Employee).where(Employee.id == entry.employee_id))
    if employee is not None:
        rater = skps.chain(session, employee).rater
        if rater is not None and perm.is_member(principal) and principal.employee_id == rater.id:
            held.add(rules.VERIFIER)
        if rater is None and perm.is_agency_admin(principal) and not held:
            held.add(rules.VERIFIER)
    return frozenset(held)


def act(
    session: Session,
    principal: perm.Principal,
    entry: WorkEntry,
    action: str,
    reason: str | None = None,
    now: datetime | None = None,
) -> WorkEntry:
    """Take `action` by the workflow table, on the entry as it is under its row lock: of
    concurrent decisions one wins, the others answer 409 naming the state it left."""
    if action not in rules.ACTIONS:
        raise NotFound()
    workflow.locked(session, entry)
    to = _decide(session, principal, entry, action, reason)
    before = entry.status
    _apply(session, principal, entry, action, to, reason, now)
    session.flush()
    _record(session, entry, action, before, to)
    return entry


def _decide(
    session: Session,
    principal: perm.Principal,
    entry: WorkEntry,
    action: str,
    reason: str | None,
    known_roles: dict[int, frozenset[str]] | None = None,
) -> str:
    """The state `action` takes the (locked) entry to, or the refusal; changes nothing."""
    outcome = rules.decide(
        entry.status, action, roles(session, principal, entry, known_roles), reason
    )
    if outcome.refusal == workflow.STATE:
        raise Conflict(
            _(
                "This entry is %(state)s: it cannot be %(action)s now.",
                state=status_label(entry.status),
                action=str(ACTIONS[action]).lower(),
            )
        )
    if outcome.refusal == workflow.WHO:
        raise Forbidden(_("Only the employee's superior decides on this entry."))
    if outcome.refusal is not None:
        raise Invalid("reason", _("Say why the entry is rejected."))
    assert outcome.to is not None
    return outcome.to


def _apply(
    session: Session,
    principal: perm.Principal,
    entry: WorkEntry,
    action: str,
    to: str,
    reason: str | None,
    now: datetime | None,
) -> None:
    now = now or datetime.now(UTC)
    entry.status = to
    if action == rules.SUBMIT:
        entry.submitted_at, entry.reason = now, None
    elif action in (rules.APPROVE, rules.REJECT):
        entry.decided_by, entry.decided_at = principal.user_id, now
        entry.reason = (reason or "").strip()[:1000] if action == rules.REJECT else None


def _audited(entry: WorkEntry, action: str, before: str, to: str) -> dict[str, Any]:
    return audit.fields(
        f"log.{action}",
        "work_entry",
        changes={"status": [before, to]}
        | ({"reason": [None, entry.reason]} if entry.reason else {}),
        subject_employee_id=entry.employee_id,
    )


def _record(session: Session, entry: WorkEntry, action: str, before: str, to: str) -> None:
    """The decision's audit row and, for a verification, its event."""
    audit.record_many(session, [(entry.id, _audited(entry, action, before, to))])
    if action in (rules.APPROVE, rules.REJECT):
        events.entry_decided.send(session, entry=entry, action=action)


def bulk_approve(
    session: Session, principal: perm.Principal, entry_ids: Sequence[int]
) -> tuple[list[int], list[tuple[int, str]]]:
    """Approve each entry the principal verifies; the others are listed with why not.

    Every check comes before any change (`_decide` changes nothing), so a refused entry needs
    no savepoint; an employee's roles are worked out once however many of their entries come;
    the changes and the audit rows leave in one flush (an UPDATE executemany, one multi-row
    INSERT) instead of a flush, a savepoint and its release per entry."""
    done: list[int] = []
    skipped: list[tuple[int, str]] = []
    # Every row locked up front, in id order: two overlapping bulk approvals wait for each
    # other (no deadlock) and the second finds the entries already approved.
    found = workflow.locked_all(session, WorkEntry, list(entry_ids))
    known: dict[int, frozenset[str]] = {}  # a team's entries: a few employees, many entries
    decided: list[tuple[WorkEntry, str, str]] = []
    for entry_id in dict.fromkeys(entry_ids):
        entry = found.get(entry_id)
        if entry is None or not perm.can(principal, perm.VIEW, resource(entry)):
            skipped.append((entry_id, str(_("Not found."))))
            continue
        try:
            to = _decide(session, principal, entry, rules.APPROVE, None, known)
        except ServiceError as problem:
            skipped.append((entry_id, str(problem.message)))
            continue
        decided.append((entry, entry.status, to))
        done.append(entry_id)
    now = datetime.now(UTC)
    for entry, _before, to in decided:
        _apply(session, principal, entry, rules.APPROVE, to, None, now)
    audit.record_many(
        session, [(e.id, _audited(e, rules.APPROVE, before, to)) for e, before, to in decided]
    )
    for entry, _before, _to in decided:
        events.entry_decided.send(session, entry=entry, action=rules.APPROVE)
    return done, skipped


# --- reading -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One step in an entry's history: what was done (`labels.STEPS`), when, by which user,
    and the reason of a rejection."""

    action: str
    at: datetime
    user_id: int | None
    reason: str | None = None
    files_added: tuple[str, ...] = ()
    files_removed: tuple[str, ...] = ()


HISTORY = {f"log.{a}": a for a in ("draft", "submit", "update", "withdraw", "approve", "reject")}
# A change to a draft (seen by nobody else) is an edit; "update" is a correction after a rejection.
EDIT = "edit"


def _file_changes(changes: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(files added, files removed) of one audited change, by name."""
    before, after = (changes.get("files") or [[], []])[:2]
    before, after = list(before or []), list(after or [])
    added = [n for n in after if n not in before]
    removed = [n for n in before if n not in after]
    return tuple(added), tuple(removed)


def history(session: Session, entry: WorkEntry) -> list[Step]:
    """The entry's steps, oldest first, read from the append-only audit log (which every change
    writes in its own transaction, so the history is never out of step with the entry): sent,
    edited (a draft) or corrected (after a rejection) with the files added and removed,
    withdrawn, approved, rejected with the reason. A run of changes between two other steps is
    one step (a draft saved ten times is "edited" once)."""
    rows = session.scalars(
        select(audit.AuditEntry)
        .where(
            audit.AuditEntry.subject_employee_id == entry.employee_id,
            audit.AuditEntry.object_type == "work_entry",
            audit.AuditEntry.object_id == str(entry.id),
            audit.AuditEntry.action.in_(HISTORY),
        )
        .order_by(audit.AuditEntry.id)
    )
    steps: list[Step] = []
    rejected = False  # a change while rejected is a correction; to a draft, an edit
    for row in rows:
        action = HISTORY[row.action]
        reason = (row.changes.get("reason") or [None, None])[1] if action == rules.REJECT else None
        added, removed = _file_changes(row.changes) if action == "update" else ((), ())
        if action == "update" and not rejected:
            action = EDIT
        elif action != "update":
            rejected = action == rules.REJECT
        if action in ("update", EDIT) and steps and steps[-1].action == action:
            last = steps[-1]  # a run of changes is one step, with every file it added or took
            added = tuple(n for n in last.files_added + added if n not in removed)
            removed = tuple(n for n in last.files_removed if n not in added) + tuple(
                n for n in removed if n not in last.files_added
            )
            steps[-1] = Step(action, row.at, row.actor_user_id, None, added, removed)
        else:
            steps.append(Step(action, row.at, row.actor_user_id, reason, added, removed))
    return steps


def actor_names(session: Session, steps: Sequence[Step]) -> dict[int, str]:
    """The names of the users in `steps` (a superior, an admin OPD), in one query."""
    ids = {s.user_id for s in steps if s.user_id}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def files_of(session: Session, entry: WorkEntry) -> list[EvidenceFile]:
    return files_by_entry(session, [entry.id])[entry.id]


def files_by_entry(session: Session, entry_ids: Sequence[int]) -> dict[int, list[EvidenceFile]]:
    """The files of several entries in one query (a feed shows fifty at a time)."""
    found: dict[int, list[EvidenceFile]] = {entry_id: [] for entry_id in entry_ids}
    fresh = session.info.get(FRESH_FILES) or {}
    unknown = [i for i in entry_ids if i not in fresh]
    for entry_id in entry_ids:
        if entry_id in fresh:
            found[entry_id] = list(fresh.pop(entry_id))
    if unknown:
        for file in session.scalars(
            select(EvidenceFile).where(EvidenceFile.entry_id.in_(unknown)).order_by(EvidenceFile.id)
        ):
            found[file.entry_id].append(file)
    return found


def file_of(session: Session, entry: WorkEntry, file_id: int) -> EvidenceFile:
    found = session.scalar(
        select(EvidenceFile).where(EvidenceFile.id == file_id, EvidenceFile.entry_id == entry.id)
    )
    if found is None:
        raise NotFound()
    return found


def visible(principal: perm.Principal) -> Select[Any]:
    """The entries the principal may see: `permissions._entry`'s VIEW as a filter, drafts
    only to their owner and the admin OPD."""
    query = select(WorkEntry).where(perm.reach(principal, ENTRY).where(WorkEntry.employee_id))
    if perm.is_agency_admin(principal):
        return query
    return query.where(
        (WorkEntry.status != rules.DRAFT) | (WorkEntry.employee_id == (principal.employee_id or -1))
    )


def team(session: Session, principal: perm.Principal, whole_subtree: bool = False) -> Select[Any]:
    """The entries the principal verifies (those they are Pejabat Penilai of, through vacant
    posts too; see `skps.rated_by`), or the whole subtree's, never drafts."""
    if whole_subtree:
        people = set(principal.subordinate_ids)
    elif principal.complete and not perm.is_agency_admin(principal):
        people = set(principal.decides_for)  # whom they rate, cached: no walk per request
    else:  # (the admin OPD's `decides_for` has those nobody rates too: not their team)
        people = skps.rated_by(session, principal.employee_id)
    return select(WorkEntry).where(
        WorkEntry.employee_id.in_(people or {-1}), WorkEntry.status != rules.DRAFT
    )


def filtered(query: Select[Any], args: Mapping[str, Any]) -> Select[Any]:
    if args.get("employee_id"):
        query = query.where(WorkEntry.employee_id == args["employee_id"])
    if args.get("rhk_id"):
        query = query.where(WorkEntry.rhk_id == args["rhk_id"])
    if args.get("status"):
        query = query.where(WorkEntry.status == args["status"])
    if args.get("date_from"):
        query = query.where(WorkEntry.entry_date >= args["date_from"])
    if args.get("date_to"):
        query = query.where(WorkEntry.entry_date <= args["date_to"])
    if args.get("after"):
        query = query.where(WorkEntry.id > args["after"])
    return query


def newest_first(query: Select[Any]) -> Select[Any]:
    """Every list of entries in one order, across people: the latest day of work first, then
    the latest sent (a draft, never sent, by when it was made), then the latest made."""
    return query.order_by(
        WorkEntry.entry_date.desc(),
        WorkEntry.submitted_at.desc().nulls_last(),
        WorkEntry.id.desc(),
    )


def waiting(session: Session, principal: perm.Principal) -> Select[Any]:
    """The entries waiting for the principal's verification: the navigation's badge, the home
    page's count and the feed's first tab are this one query, so they cannot disagree."""
    return team(session, principal).where(WorkEntry.status == rules.SUBMITTED)


def waiting_count(session: Session, principal: perm.Principal) -> int:
    """How many entries wait for the principal (for the navigation and the home page)."""
    if not perm.is_member(principal) or not perm.leads(principal):
        return 0  # rated_by is within the subordinates: nobody below, nothing to ask
    query = waiting(session, principal)
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def by_status(session: Session, query: Select[Any]) -> dict[str, int]:
    """How many of a query's entries are in each state (the feed's tabs)."""
    found = query.subquery()
    rows = session.execute(select(found.c.status, func.count()).group_by(found.c.status))
    return {status: count for status, count in rows}


def served(session: Session, entries: Sequence[WorkEntry]) -> dict[int, tuple[str, str]]:
    """The RHK and IKI each entry serves, by entry id ("" where it names none)."""
    rhk_ids = {e.rhk_id for e in entries if e.rhk_id}
    iki_ids = {e.iki_id for e in entries if e.iki_id}
    rhks: dict[int, str] = {}
    ikis: dict[int, str] = {}
    if rhk_ids:
        rhks = dict(session.execute(select(Rhk.id, Rhk.text).where(Rhk.id.in_(rhk_ids))).all())
    if iki_ids:
        ikis = dict(session.execute(select(Iki.id, Iki.text).where(Iki.id.in_(iki_ids))).all())
    return {e.id: (rhks.get(e.rhk_id or 0, ""), ikis.get(e.iki_id or 0, "")) for e in entries}


def totals(
    session: Session, employee_id: int, year: int
) -> dict[tuple[int | None, str | None], Decimal]:
    """Quantities of the year's submitted and approved entries per (IKI, unit): the progress the
    SKP shows and the evaluation will propose as realisation."""
    rows = session.execute(
        select(WorkEntry.iki_id, WorkEntry.unit, func.sum(WorkEntry.quantity))
        .where(
            WorkEntry.employee_id == employee_id,
            extract("year", WorkEntry.entry_date) == year,
            WorkEntry.status.in_((rules.SUBMITTED, rules.APPROVED)),
            WorkEntry.quantity.is_not(None),
        )
        .group_by(WorkEntry.iki_id, WorkEntry.unit)
    )
    return {(iki_id, unit): total or Decimal(0) for iki_id, unit, total in rows}
