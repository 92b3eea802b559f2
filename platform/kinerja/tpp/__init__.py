"""TPP (Tambahan Penghasilan Pegawai): each employee's monthly allowance computed from the work
(the predikat and the daily log's compliance) and the attendance, explained line by line.

The pure rules are `kinerja.rules.tpp`; every amount and table is the city's data (`tpp_base`,
`tpp_setting`, `tpp_position_base`), defaulting to the rules' tables. `docs/tpp.md` tells the
whole story. What the package offers the edges (web, API, exports, demo):

`kinerja.tpp.settings` (the city's data; global tables, any session):
    tables(session) -> Tables                       # deductions, percents, weights, required
    put_tables(session, changes: dict, user_id) -> Tables          # validated, audited
    bases(session) -> dict[int, int]                # kelas -> amount
    put_bases(session, amounts: dict[int, int], user_id) -> dict[int, int]
    position_bases(session) -> dict[int, int]       # position id -> amount (the session's agency)
    put_position_base(session, position_id, amount | None, user_id) -> None  # None: remove

`kinerja.tpp.attendance` (the agency's events; the session's tenant):
    record(session, rows: list[EventIn], source, user_id) -> int  # all or nothing, upsert;
        raises Invalid naming the row ("rows.3.nip") for an unknown NIP, code, bad date/minutes
    month_events(session, employee_id, year, month) -> list[AttendanceEvent]
    correct(session, employee_id, year, month, events: list[EventIn], reason, user_id)
        -> TppLine | None                            # replaces the employee's events of the
        month (audited); open month: the line recomputed in place; closed: a new version with
        the reason (month.version + 1); locked: Conflict (409)

`kinerja.tpp.service` (months and lines; the session's tenant):
    month_of(session, year, month, create=False) -> TppMonth | None
    months(session) -> Select[TppMonth]              # newest first, for paging
    compute(session, year, month, user_id=None, today=None) -> TppMonth
        # one set-based read per input; Conflict if the month is not open
    enqueue_compute(session, year, month) -> Job     # the rq job `kinerja.tpp.jobs.compute`
    close(session, year, month, user_id) -> TppMonth  # open -> closed (recomputed first)
    lock(session, year, month, user_id) -> TppMonth   # closed -> locked (the city admin)
    current_lines(session, month_id) -> Select[TppLine]   # each employee's highest version
    line_of(session, month_id, employee_id) -> TppLine | None
    lines_of_employee(session, employee_id) -> Select   # "TPP saya": the current line per month

`kinerja.tpp.explain`:
    explain(session, line: TppLine) -> Explanation   # base and source, predikat and its
        evaluation, compliance days, each event with count and deduction, weights, total,
        the version history with reasons

`kinerja.tpp.totals` (the city; aggregates only, through `kinerja_tpp_totals`):
    city_totals(session, year, month) -> list[AgencyTotal]

`kinerja.tpp.permissions`: kinds TPP_LINE (own line; admin OPD, overseers and a visiting city
admin the agency's), TPP_MONTH (view: admin OPD, overseers, visiting city admin; manage: admin
OPD), TPP_CITY (the city admin: settings, lock, totals).
"""

from kinerja.tpp import labels as labels  # registers the words of its codes
from kinerja.tpp import permissions as permissions  # registers the rules of its kinds
