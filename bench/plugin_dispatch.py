"""What per-agency plugin dispatch costs, and a report form submission through the API.

Run from the repository root: `.venv/bin/python -m bench.plugin_dispatch [--repeat 2000]`
Part 1 needs nothing but Python: 20 throwaway plugins are installed, 1 is enabled for the
agency; `Plugins.call` (subset caller, one plugin at a time, each plugin's call in a worker
thread waited for at most the time limit, its result checked) is measured against a direct
pluggy call of the same hook on a manager holding only the core and that one plugin, in the
same run. Part 2 (PostgreSQL and Redis: the KINERJA_TEST_* URLs
or embedded servers) submits the Dinas Kesehatan immunisation report through the API against
`GET /healthz`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import pluggy

from bench import table
from kinerja import clock
from kinerja.plugins import core, hookspecs
from kinerja.plugins.hookspecs import hookimpl
from kinerja.plugins.manager import Plugins
from kinerja.plugins.types import Competency, PluginInfo

LEVELS = ("1", "2", "3", "4", "5")


def make_plugin(n: int) -> object:
    class Plugin:
        NAME = f"bench-{n:02d}"

        @hookimpl
        def kinerja_plugin_info(self) -> PluginInfo:
            return PluginInfo(self.NAME, self.NAME)

        @hookimpl
        def kinerja_competencies(self) -> list[Competency]:
            return [Competency(f"B{n:02d}", "Uji", "teknis", "", LEVELS)]

    return Plugin()


def measure(fn: Callable[[], object], repeat: int) -> float:
    for _ in range(min(200, repeat)):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1e6)
    return statistics.median(samples)


def dispatch(repeat: int) -> list[tuple[str, float, str]]:
    plugins = [make_plugin(n) for n in range(20)]
    manager = Plugins.load("none", 2, plugins)
    enabled = {"bench-07"}
    direct = pluggy.PluginManager(hookspecs.PROJECT)
    direct.add_hookspecs(hookspecs)
    direct.register(core, name=core.NAME)
    direct.register(plugins[7], name="bench-07")
    assert len(manager.call("kinerja_competencies", enabled)) == 2
    assert len(direct.hook.kinerja_competencies()) == 2
    return [
        (
            "direct pluggy call, core + 1 plugin (anchor)",
            measure(direct.hook.kinerja_competencies, repeat),
            "hook",
        ),
        (
            "per-agency call, 20 installed, 1 enabled",
            measure(lambda: manager.call("kinerja_competencies", enabled), repeat),
            "hook",
        ),
    ]


def submission(repeat: int) -> list[tuple[str, float, str]]:
    from bench.tenant_scoping import servers
    from kinerja.app import create_app
    from kinerja.db import db, migrate
    from kinerja.identity import tokens
    from tests.support import (
        Tenants,
        add_units,
        app_config,
        build_people,
        create_database,
        drop_database,
        insert_tenant,
    )

    pg, redis_url, stop = servers()
    database = create_database(pg)
    try:
        migrate.upgrade(database.owner_url, database.app_url, "kinerja_test_app")
        app = create_app(
            app_config(database, redis_url, PLUGINS="kinerja-dinkes", LOG_LEVEL="WARNING")
        )
        from sqlalchemy import create_engine

        owner = create_engine(database.owner_url.replace("postgresql://", "postgresql+psycopg://"))
        with app.app_context():
            ids = [insert_tenant(owner, s, s.title()) for s in ("dinkes", "disdik", "dishub")]
            tenants = Tenants(*ids)
            tenants.units.update(add_units(ids[0], ["A-TOP"]))
            people = build_people(tenants)
            with db.unit_of_work(ids[0]) as session:
                admin = tokens.issue(session, ids[0], people.users["admin"], "admin_opd", "b", 5)
                staff = tokens.issue(session, ids[0], people.users["staff"], "pegawai", "b", 5)
            client = app.test_client()
            plugin_url = "/api/v1/tenants/dinkes/plugins/kinerja-dinkes"
            as_admin = {"Authorization": f"Bearer {admin.token}"}
            etag = client.get(plugin_url, headers=as_admin).headers["ETag"]
            client.put(plugin_url, headers={**as_admin, "If-Match": etag}, json={"enabled": True})
            headers = {"Authorization": f"Bearer {staff.token}"}
            body = {
                "report_date": clock.today().isoformat(),
                "puskesmas": "Puskesmas Padang Bulan",
                "antigen": "BCG",
                "sasaran": 20,
                "diimunisasi": 18,
                "kipi": 0,
            }

            def submit() -> object:
                response = client.post(
                    "/api/v1/tenants/dinkes/forms/LHI/submissions", headers=headers, json=body
                )
                assert response.status_code == 201, response.get_json()
                return response

            rows = [
                ("GET /healthz (anchor)", measure(lambda: client.get("/healthz"), repeat), "http"),
                ("POST …/forms/LHI/submissions (201)", measure(submit, repeat), "http"),
            ]
            db.engine.dispose()
        owner.dispose()
        return rows
    finally:
        drop_database(pg, database)
        stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--submissions", type=int, default=200)
    args = parser.parse_args()
    rows = dispatch(args.repeat) + submission(args.submissions)
    table.medians(
        f"plugin dispatch ({args.repeat} calls) and report submission ({args.submissions})", rows
    )


if __name__ == "__main__":
    main()
