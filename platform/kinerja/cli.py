"""The `kinerja` command: the Flask CLI of the app factory, plus Kinerja's own commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from kinerja import clock
from kinerja.config import SETTINGS, ConfigError
from kinerja.exports import tables as export_tables


def _factory() -> Flask:
    from kinerja.app import create_app

    return create_app()


class KinerjaGroup(FlaskGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        # Flask's version loads the app to find app-defined commands; ours are all registered
        # here, and `kinerja --help` must work before any setting is configured.
        return sorted(self.commands)


cli = KinerjaGroup(
    name="kinerja",
    create_app=_factory,
    load_dotenv=False,
    set_debug_flag=False,
    help="Kinerja: performance management for the ASN of Kota Medan.",
)


# --- db -----------------------------------------------------------------------------------------
@cli.group()
def db() -> None:
    """Schema migrations (Alembic, as the owner) and checks."""


@db.command("upgrade")
@click.argument("revision", default="heads")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate to REVISION (default: every head, the core's and each plugin's branch) and
    provision the application role."""
    from kinerja.db import migrate

    cfg = current_app.config
    migrate.upgrade(
        cfg["DATABASE_OWNER_URL"], cfg["DATABASE_URL"], cfg["DATABASE_APP_ROLE"], revision
    )
    click.echo(
        f"database at {migrate.current(cfg['DATABASE_OWNER_URL']) or 'empty'}; "
        f"application role {cfg['DATABASE_APP_ROLE']} provisioned"
    )
    _forget_cached_principals()


def _forget_cached_principals() -> None:
    """After an upgrade or a restore the rows may have changed under the principal cache (no
    session event saw them): every cached agency and principal is made stale. Redis away: the
    ten-minute expiry does it, and the operator is told."""
    from redis.exceptions import RedisError

    from kinerja import redis as kinerja_redis
    from kinerja.identity import cache, versions

    try:
        versions.forget_all(kinerja_redis.client(current_app))
    except (RedisError, OSError) as error:
        click.echo(
            f"could not reach Redis to forget the cached principals ({error}): they expire "
            f"within {cache.TTL_SECONDS // 60} minutes",
            err=True,
        )
        return
    click.echo("cached agencies and principals forgotten")


@db.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Migrate down to REVISION (`-1` for one step, `base` for an empty schema)."""
    from kinerja.db import migrate

    migrate.downgrade(current_app.config["DATABASE_OWNER_URL"], revision)
    click.echo(
        f"database at {migrate.current(current_app.config['DATABASE_OWNER_URL']) or 'empty'}"
    )


@db.command("current")
@with_appcontext
def db_current() -> None:
    """Print the schema revision."""
    from kinerja.db import migrate

    click.echo(migrate.current(current_app.config["DATABASE_OWNER_URL"]) or "empty")


@db.command("check")
@with_appcontext
def db_check() -> None:
    """Audit the schema and the application role against the tenancy rules (exit 1 if not)."""
    from kinerja.db import make_engine
    from kinerja.db.catalog import audit, audit_app_role, audit_metadata
    from kinerja.models import Base

    engine = make_engine(current_app.config["DATABASE_OWNER_URL"])
    with engine.connect() as conn:
        problems = (
            audit(conn)
            + audit_app_role(conn, current_app.config["DATABASE_APP_ROLE"])
            + audit_metadata(conn, Base.metadata)
        )
    engine.dispose()
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo("schema and application role follow the tenancy rules")
    _forget_cached_principals()  # `db check` is the step after a restore (docs/operations.md)


# --- tenants ------------------------------------------------------------------------------------
def default_catalogue() -> Path:
    here = Path.cwd() / "tenants"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "tenants"


@cli.group()
def tenants() -> None:
    """The agencies (OPD): list them, sync them from the catalogue."""


@tenants.command("list")
@with_appcontext
def tenants_list() -> None:
    """One tenant a line: slug, name, kind, status."""
    from kinerja.db import db as database
    from kinerja.tenancy.service import list_tenants

    with database.unit_of_work() as session:
        for t in list_tenants(session):
            click.echo(f"{t.slug}\t{t.name}\t{t.kind}\t{t.status}")


@tenants.command("sync")
@click.option(
    "--path",
    "path",
    type=click.Path(path_type=Path),
    default=None,
    help="catalogue folder (default: ./tenants)",
)
@click.option("--dry-run", is_flag=True, help="show what would change, change nothing")
@with_appcontext
def tenants_sync(path: Path | None, dry_run: bool) -> None:
    """Create and update tenants from the catalogue; never deletes."""
    from kinerja.db import db as database
    from kinerja.tenancy import catalogue, service

    folder = path or default_catalogue()
    try:
        entries = catalogue.load(folder)
    except catalogue.CatalogueError as exc:
        click.echo(f"kinerja: catalogue rejected, nothing changed: {exc}", err=True)
        sys.exit(1)
    from kinerja import plugins
    from kinerja.plugins import catalogue as plugin_catalogue

    try:
        plugin_catalogue.check(entries, plugins.get())
    except plugin_catalogue.PluginCatalogueError as exc:
        click.echo(f"kinerja: catalogue rejected, nothing changed: {exc}", err=True)
        sys.exit(1)
    session = database.new_session()
    try:
        report = service.sync(session, entries)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    finally:
        session.close()
    prefix = "(dry run) " if dry_run else ""
    for line in report.lines():
        click.echo(prefix + line)
    if not dry_run:
        for line in plugin_catalogue.apply(entries, plugins.get()):
            click.echo(line)


# --- tokens -------------------------------------------------------------------------------------
@cli.group()
def tokens() -> None:
    """API tokens for integrations."""


@tokens.command("create")
@click.option("--tenant", "slug", required=True, help="agency slug (see `kinerja tenants list`)")
@click.option("--nip", required=True, help="NIP of the employee the token acts for")
@click.option(
    "--role", type=click.Choice(["pegawai", "admin_opd"]), default="pegawai", show_default=True
)
@click.option(
    "--expires",
    "days",
    type=click.IntRange(1, 3650),
    default=90,
    show_default=True,
    help="days until it expires (at most KINERJA_TOKEN_MAX_DAYS)",
)
@click.option("--name", default="cli", show_default=True, help="a label to recognise it")
@with_appcontext
def tokens_create(slug: str, nip: str, role: str, days: int, name: str) -> None:
    """Create a token and print it once (it is stored only as a hash)."""
    from sqlalchemy import select

    from kinerja.db import db as database
    from kinerja.identity import tokens as token_service
    from kinerja.identity import users
    from kinerja.identity.models import SOURCE_EMPLOYEE, User
    from kinerja.people import employees
    from kinerja.tenancy.models import Tenant

    with database.unit_of_work() as session:
        tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
        if tenant is None:
            raise click.ClickException(f"no agency with slug {slug!r}")
        tenant_id = tenant.id
    with database.unit_of_work(tenant_id) as session:
        employee = employees.by_nip(session, nip.strip())
        if employee is None or not employee.active:
            raise click.ClickException(f"no active employee with NIP {nip} in {slug}")
        if employee.user_id is None:
            user = session.scalar(select(User).where(User.nip == employee.nip))
            if user is None:
                user = User(display_name=employee.name, nip=employee.nip, email=employee.email)
                session.add(user)
                session.flush()
            employee.user_id = user.id
            users.ensure_membership(session, user.id, "pegawai", SOURCE_EMPLOYEE)
        held = users.roles_in(session, employee.user_id)
        if role not in held:
            raise click.ClickException(
                f"{employee.name} does not hold the role {role} in {slug}; grant it first"
            )
        if days > current_app.config["TOKEN_MAX_DAYS"]:
            raise click.ClickException(
                f"--expires must be at most KINERJA_TOKEN_MAX_DAYS "
                f"({current_app.config['TOKEN_MAX_DAYS']})"
            )
        issued = token_service.create_for(
            session,
            tenant_id,
            employee.user_id,
            held,
            role,
            name,
            days,
            max_days=current_app.config["TOKEN_MAX_DAYS"],
            actor_role="operator",
        )
    click.echo(issued.token)
    click.echo(f"expires in {days} days; it is not shown again", err=True)


# --- employees ----------------------------------------------------------------------------------
@cli.group()
def employees() -> None:
    """Employees of an agency."""


def _run_in_process(
    job_id: Any, tenant_id: int, func: Any, args: list[Any], label: str, show: bool
) -> Any:
    """Run a recorded job here and now (as the worker would), with a progress bar on stderr."""
    from kinerja.jobs import runner

    with click.progressbar(length=100, label=label, file=sys.stderr, hidden=not show) as bar:
        done = [0]

        def advance(percent: int) -> None:
            bar.update(max(0, percent - done[0]))
            done[0] = max(done[0], percent)

        result = runner.run(
            str(job_id),
            tenant_id,
            f"{func.__module__}.{func.__qualname__}",
            args,
            {},
            None,
            on_progress=advance,
        )
        advance(100)
    return result


@employees.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tenant", "slug", required=True, help="agency slug")
@click.option("--dry-run", is_flag=True, help="check and count, change nothing")
@click.option("--progress", "show_progress", is_flag=True, help="show a progress bar")
@with_appcontext
def employees_import(file: Path, slug: str, dry_run: bool, show_progress: bool) -> None:
    """Import employees from a CSV or XLSX (SIASN columns); all or nothing."""
    from sqlalchemy import select

    from kinerja.db import db as database
    from kinerja.people import importer, imports
    from kinerja.tenancy.models import Tenant

    with database.unit_of_work() as session:
        tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
        if tenant is None:
            raise click.ClickException(f"no agency with slug {slug!r}")
        tenant_id = tenant.id
    try:
        with database.unit_of_work(tenant_id) as session:
            upload = imports.create(
                session, file.name, file.read_bytes(), dry_run=dry_run, user_id=None, push=False
            )
            import_id, job_id = upload.id, upload.job_id
    except importer.FileRejected as error:
        raise click.ClickException(str(error)) from None
    result = _run_in_process(
        job_id, tenant_id, imports.run_job, [import_id], "importing", show_progress
    )
    for problem in result["errors"]:
        click.echo(
            f"row {problem['row']}, column {problem['column']}: {problem['message']}", err=True
        )
    if result.get("errors_total", 0) > len(result["errors"]):
        click.echo(f"... {result['errors_total'] - len(result['errors'])} more errors", err=True)
    counts = ", ".join(
        f"{k.replace('_', ' ')} {result.get(k, 0)}"
        for k in ("rows", "created", "updated", "unchanged", "units_created", "positions_created")
    )
    click.echo(f"{result['status']}: {counts}")
    if result["status"] == "rejected":
        sys.exit(1)


@cli.command("export")
@click.argument("kind", type=click.Choice(sorted(export_tables.KINDS)))
@click.option("--tenant", "slug", required=True, help="agency slug")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "pdf"]), default="xlsx")
@click.option("--year", type=int, default=None, help="the performance year (default: this one)")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--progress", "show_progress", is_flag=True, help="show a progress bar")
@with_appcontext
def export_command(
    kind: str, slug: str, fmt: str, year: int | None, out: Path, show_progress: bool
) -> None:
    """Write one of the agency's tables (KIND: one of the export kinds) to a file, as the
    export job does."""

    from sqlalchemy import select

    from kinerja import storage
    from kinerja.db import db as database
    from kinerja.exceptions import ServiceError
    from kinerja.exports import service
    from kinerja.exports.models import Export
    from kinerja.tenancy.models import Tenant

    with database.unit_of_work() as session:
        tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
        if tenant is None:
            raise click.ClickException(f"no agency with slug {slug!r}")
        tenant_id = tenant.id
    try:
        with database.unit_of_work(tenant_id) as session:
            made = service.create(session, kind, fmt, year or clock.this_year(), None, push=False)
            export_id, job_id = made.id, made.job_id
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    _run_in_process(job_id, tenant_id, service.run_job, [export_id], "exporting", show_progress)
    with database.unit_of_work(tenant_id) as session:
        export = session.scalar(select(Export).where(Export.id == export_id))
        if export is None or export.storage_key is None:
            raise click.ClickException("the export failed")
        out.write_bytes(storage.get().get(export.storage_key))
        click.echo(f"{export.rows} rows written to {out}")


# --- jobs ---------------------------------------------------------------------------------------
@cli.group("jobs")
def jobs_group() -> None:
    """Background jobs."""


@jobs_group.command("requeue")
@click.option(
    "--older-than",
    "seconds",
    type=click.IntRange(0),
    default=60,
    show_default=True,
    help="only jobs queued at least this many seconds ago",
)
@with_appcontext
def jobs_requeue(seconds: int) -> None:
    """Push queued jobs that never reached Redis (e.g. during an outage), in every agency."""
    from sqlalchemy import select

    from kinerja import jobs
    from kinerja.db import db as database
    from kinerja.tenancy.models import Tenant

    with database.unit_of_work() as session:
        tenant_ids = list(session.scalars(select(Tenant.id)))
    total = 0
    for tenant_id in tenant_ids:
        with database.unit_of_work(tenant_id) as session:
            for job_id in jobs.requeue(session, seconds):
                click.echo(f"requeued {job_id}")
                total += 1
    click.echo(f"{total} jobs requeued")


@cli.command("worker")
@click.option("--burst", is_flag=True, help="exit when the queue is empty")
@with_appcontext
def worker(burst: bool) -> None:
    """Run a background worker on the job queue."""
    import os

    from rq import Worker

    from kinerja import jobs, maintenance
    from kinerja.db import db as database

    engine = database.engine
    # rq forks a work horse per job: the child must not reuse the parent's pooled connections.
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    if not burst:
        # Jobs an outage left queued are requeued (and old uploads deleted) on a schedule.
        maintenance.start(current_app._get_current_object())  # type: ignore[attr-defined]
    Worker([jobs.queue()], connection=jobs.queue().connection).work(
        burst=burst, with_scheduler=True
    )


# --- demo, run, config --------------------------------------------------------------------------
@cli.command("demo")
@with_appcontext
def demo() -> None:
    """Load the small demo data set (idempotent)."""
    from kinerja import demo as demo_data

    for line in demo_data.load():
        click.echo(line)


@cli.command("up", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=Path("var"),
    show_default=True,
    help="where the embedded servers keep their data",
)
@click.option("--no-demo", is_flag=True, help="do not load the demo data")
def up(host: str, port: int, data_dir: Path, no_demo: bool) -> None:
    """Start everything: embedded PostgreSQL and Redis (unless configured), migrate, sync, serve."""
    from kinerja.launcher import Launcher

    sys.exit(Launcher(data_dir.resolve(), host, port, demo=not no_demo).run())


@cli.command("web")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def web(host: str, port: int) -> None:
    """The web server of `kinerja up`: werkzeug with threads, naming no versions."""
    from flask import current_app

    from kinerja.devserver import serve as serve_quietly

    serve_quietly(current_app._get_current_object(), host, port)  # type: ignore[attr-defined]


@cli.command("serve", with_appcontext=False)
@click.option("--bind", default=None, help="address:port (default KINERJA_BIND, 0.0.0.0:8000)")
def serve(bind: str | None) -> None:
    """Serve the application in production with gunicorn (configuration: kinerja.serving);
    the database must be migrated (`kinerja db upgrade`) and PostgreSQL and Redis configured."""
    if bind:
        os.environ["KINERJA_BIND"] = bind
    os.execvp(
        sys.executable,
        [sys.executable, "-m", "gunicorn", "-c", "python:kinerja.serving", "kinerja.wsgi:app"],
    )


@cli.command("config", with_appcontext=False)
def show_config() -> None:
    """Print the settings as a Markdown table (the README's table is this output)."""
    click.echo("| variable | default | meaning |\n|---|---|---|")
    for s in SETTINGS:
        default = "(required)" if s.default is None else (f"`{s.default}`" if s.default else "")
        click.echo(f"| `{s.env}` | {default} | {s.doc} |")


def main() -> None:
    try:
        cli.main(prog_name="kinerja")
    except ConfigError as exc:
        click.echo(f"kinerja: configuration error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
