"""TPP (Tambahan Penghasilan Pegawai): each employee's monthly allowance computed from the work
(the predikat and the daily log's compliance) and the attendance, explained line by line.

The pure rules are `kinerja.rules.tpp`; every amount and table is the city's data (`tpp_base`,
`tpp_setting`, `tpp_position_base`), defaulting to the rules' tables. `docs/tpp.md` tells the
whole story. What the package offers the edges (web, API, exports, demo):

`kinerja.tpp.settings` (the city's data; global tables, any session):
    tables(session) -> Tables                       # deductions, percents, weights, required
    put_tables(session, changes: dict, user_id) -> Tables          # checked (Invalid), logged
    bases(session) -> dict[int, int]                # kelas -> amount
    put_bases(session, amounts: dict, user_id) -> dict[int, int]   # None removes a kelas
    position_bases(session) -> dict[int, int]       # position id -> amount (the session's agency)
    put_position_base(session, position_id, amount | None, user_id)  # audited in the agency

`kinerja.tpp.attendance` (the agency's events; the session's tenant):
    record(session, rows, source ("import" | "api"), user_id) -> int   # all or nothing, upsert;
        rows are {nip, date, code, minutes}; InvalidFields naming the row ("events.3.nip");
        a day of a closed or locked month: Conflict
    check_rows(session, rows, prefix="events") -> list[Event]   # the same checks, no write
    month_events(session, employee_id, year, month) -> list[AttendanceEvent]
    correct(session, employee_id, year, month, rows, reason, user_id) -> TppLine | None
        # replaces the employee's events of the month (rows {date, code, minutes}; audited);
        # open month: the line recomputed in place (None if never computed); closed: a new
        # version with the reason (month.version + 1); locked: Conflict (409)

`kinerja.tpp.service` (months and lines; the session's tenant):
    check_month(year, month) -> (year, month)        # Invalid for a month not begun
    month_of(session, year, month) -> TppMonth | None;  get_month(...) -> TppMonth (NotFound)
    months(session) -> Select                         # newest first, for paging
    compute(session, year, month, user_id=None, today=None) -> TppMonth
        # one set-based read per input (kinerja.tpp.compute); Conflict if not open
    check_computable(session, year, month)            # Invalid / Conflict before a compute job
    close(session, year, month, user_id) -> TppMonth  # open -> closed (recomputed first)
    lock(session, year, month, user_id) -> TppMonth   # closed -> locked (the city admin; the
        caller opens the agency's unit of work, inside `audit.acting(...)` like web/city.py)
    current_lines(session, month_id) -> Select        # tpp_line + line_id, nip, name; paged
    line_of(session, month_id, employee_id, version=None) -> TppLine | None
    history(session, month_id, employee_id) -> list[TppLine]      # every version, oldest first
    lines_of_employee(session, employee_id) -> Select  # "TPP saya": + year, month, status
    count_lines(session, month_id) -> int

`kinerja.tpp.jobs`:
    enqueue_compute(session, year, month) -> BackgroundJob   # checks, then the job `compute`

`kinerja.tpp.explain`:
    explain(session, line) -> Explanation   # base and source, predikat and its evaluation,
        compliance days, each event with count and deduction, weights, the two components'
        amounts, total, the version history with reasons
    as_json(explanation) -> dict            # the API's machine form

`kinerja.tpp.totals` (the city; aggregates only, through `kinerja_tpp_totals`):
    city_totals(session, year, month) -> list[AgencyTotal];  city_sum(rows) -> dict

`kinerja.tpp.compute`: month_bounds(year, month), working_days(year, month, today), and the
reads and rules behind `service.compute` (`lines`, `line`, `disiplin`).

`kinerja.tpp.labels`: label kinds "tpp.status", "tpp.source", "tpp.code", "tpp.base_source",
"tpp.predikat_source".

`kinerja.tpp.permissions`: kinds TPP_LINE (own line; admin OPD, overseers and a visiting city
admin the agency's; MANAGE: the admin OPD), TPP_MONTH (VIEW: admin OPD, overseers, visiting city
admin; MANAGE: the admin OPD); `sees_month(p)`, `manages_month(p)`. The city's own actions
(settings, lock, totals) ask `permissions.is_city_admin`.
"""

from kinerja.tpp import labels as labels  # registers the words of its codes
from kinerja.tpp import permissions as permissions  # registers the rules of its kinds
