"""Settings from `KINERJA_*` environment variables, validated once at start-up.

A missing or invalid setting raises `ConfigError` naming the variable; the CLI and the WSGI entry
point turn it into one clear line instead of a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

PREFIX = "KINERJA_"


class ConfigError(Exception):
    """A setting is missing or invalid; the message names the variable."""


def _database_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"postgresql", "postgresql+psycopg", "postgres"}:
        raise ValueError("must be a postgresql:// URL (PostgreSQL is the only database)")
    # SQLAlchemy needs the explicit psycopg 3 driver name.
    return "postgresql+psycopg://" + value.split("://", 1)[1]


def _redis_url(value: str) -> str:
    if urlsplit(value).scheme not in {"redis", "rediss", "unix"}:
        raise ValueError("must be a redis://, rediss:// or unix:// URL")
    return value


def _secret(value: str) -> str:
    if len(value) < 16:
        raise ValueError("must be at least 16 characters (use a long random string)")
    return value


def _role_name(value: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", value):
        raise ValueError("must be a lowercase PostgreSQL identifier (letters, digits, _)")
    return value


def _intervals(value: str) -> list[int]:
    try:
        items = [int(x) for x in value.split(",") if x.strip()]
    except ValueError:
        raise ValueError("must be comma-separated whole seconds, e.g. 10,60,300") from None
    if not items or any(i < 0 for i in items):
        raise ValueError("must be comma-separated whole seconds, e.g. 10,60,300")
    return items


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("must be an http:// or https:// URL")
    return value.rstrip("/")


def _auto_bool(value: str) -> bool | str:
    return "auto" if value.strip().lower() == "auto" else _bool(value)


def _role_map(value: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in value.split(","):
        if not item.strip():
            continue
        group, _, role = item.partition("=")
        if not group.strip() or role.strip() not in {"admin_kota", "admin_opd", "pegawai"}:
            raise ValueError("must be group=role pairs (roles: admin_kota, admin_opd, pegawai)")
        mapping[group.strip()] = role.strip()
    return mapping


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise ValueError("must be a positive whole number")
    return int(value)


def _non_negative_int(value: str) -> int:
    if not value.isdigit():
        raise ValueError("must be a whole number, 0 or more")
    return int(value)


def _hour(value: str) -> int:
    if not value.isdigit() or int(value) > 23:
        raise ValueError("must be an hour from 0 to 23")
    return int(value)


def timezone(value: str) -> ZoneInfo:
    """An IANA zone by name (`kinerja.clock` parses the environment with it outside an app)."""
    try:
        return ZoneInfo(value.strip())
    except (ValueError, KeyError, OSError):  # unknown name, bad path, a folder such as "Asia"
        raise ValueError(
            f"must be an IANA time zone name such as Asia/Jakarta (got {value!r})"
        ) from None


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError("must be a number of seconds, e.g. 2 or 0.5") from None
    if seconds <= 0:
        raise ValueError("must be more than 0 seconds")
    return seconds


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    return parse


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("must be true or false")


@dataclass(frozen=True)
class Setting:
    """One environment variable: its Flask config key, parser, default and meaning."""

    env: str
    key: str
    parse: Callable[[str], Any]
    default: str | None
    doc: str


# The single list of settings; README's configuration table is generated from the same data
# (see `kinerja config`), so code and docs cannot drift.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "KINERJA_DATABASE_URL",
        "DATABASE_URL",
        _database_url,
        None,
        "PostgreSQL URL the application connects with (a role that owns nothing, no BYPASSRLS)",
    ),
    Setting(
        "KINERJA_DATABASE_OWNER_URL",
        "DATABASE_OWNER_URL",
        _database_url,
        "",
        "PostgreSQL URL migrations connect with (the schema owner); defaults to DATABASE_URL",
    ),
    Setting(
        "KINERJA_DATABASE_APP_ROLE",
        "DATABASE_APP_ROLE",
        _role_name,
        "kinerja_app",
        "role `kinerja db upgrade` creates or updates for the application, with its grants",
    ),
    # `kinerja serve` (gunicorn, kinerja.serving): read when the server starts.
    Setting("KINERJA_BIND", "BIND", str, "0.0.0.0:8000", "address `kinerja serve` listens on"),
    Setting("KINERJA_WEB_WORKERS", "WEB_WORKERS", _positive_int, "2", "web worker processes"),
    Setting("KINERJA_WEB_THREADS", "WEB_THREADS", _positive_int, "4", "request threads per worker"),
    Setting(
        "KINERJA_WEB_TIMEOUT",
        "WEB_TIMEOUT",
        _positive_int,
        "60",
        "seconds a request may take before its worker is killed and replaced (logged)",
    ),
    Setting(
        "KINERJA_WEB_GRACEFUL_TIMEOUT",
        "WEB_GRACEFUL_TIMEOUT",
        _positive_int,
        "30",
        "seconds in-flight requests get to finish when the server stops",
    ),
    Setting(
        "KINERJA_WEB_MAX_REQUESTS",
        "WEB_MAX_REQUESTS",
        _positive_int,
        "5000",
        "requests after which a worker is replaced (memory stays bounded)",
    ),
    Setting(
        "KINERJA_FORWARDED_ALLOW_IPS",
        "FORWARDED_ALLOW_IPS",
        str,
        "127.0.0.1",
        "proxies whose X-Forwarded-* headers gunicorn trusts (comma-separated, or *)",
    ),
    Setting(
        "KINERJA_DATABASE_POOL",
        "DATABASE_POOL",
        _positive_int,
        "15",
        "database connections one process may hold; a request can hold two at once (its own "
        "and an API token's last-use mark), so keep it at least twice KINERJA_WEB_THREADS",
    ),
    Setting(
        "KINERJA_REDIS_URL",
        "REDIS_URL",
        _redis_url,
        None,
        "Redis URL for background jobs and rate limits",
    ),
    Setting(
        "KINERJA_SECRET_KEY",
        "SECRET_KEY",
        _secret,
        None,
        "secret that signs sessions and CSRF tokens (16+ random characters)",
    ),
    Setting(
        "KINERJA_LOG_LEVEL",
        "LOG_LEVEL",
        _choice("DEBUG", "INFO", "WARNING", "ERROR"),
        "INFO",
        "log level of the JSON logs on standard error",
    ),
    Setting(
        "KINERJA_LOG_FORMAT",
        "LOG_FORMAT",
        _choice("json", "text"),
        "json",
        "json for machines (default), text for a developer's terminal",
    ),
    Setting(
        "KINERJA_JOB_RETRY_INTERVALS",
        "JOB_RETRY_INTERVALS",
        _intervals,
        "10,60,300",
        "seconds between retries of a failed background job; one retry per entry",
    ),
    Setting(
        "KINERJA_JOB_QUEUE",
        "JOB_QUEUE",
        _role_name,
        "kinerja",
        "name of the rq queue the web enqueues to and `kinerja worker` listens on",
    ),
    Setting(
        "KINERJA_OPERATOR_TOKEN",
        "OPERATOR_TOKEN",
        str,
        "",
        "bearer token for operator-only API calls (jobs, org-unit writes); empty disables them",
    ),
    Setting(
        "KINERJA_MAX_CONTENT_LENGTH",
        "MAX_CONTENT_LENGTH",
        _positive_int,
        "10485760",
        "largest request body accepted, in bytes (larger answers 413)",
    ),
    Setting(
        "KINERJA_SECURE_COOKIES",
        "SESSION_COOKIE_SECURE",
        _auto_bool,
        "auto",
        "cookies only over HTTPS: `auto` = when KINERJA_BASE_URL is https://, or true/false",
    ),
    Setting(
        "KINERJA_LOCAL_LOGIN",
        "LOCAL_LOGIN",
        _bool,
        "false",
        "allow local password accounts (the demo and development); off in production",
    ),
    Setting(
        "KINERJA_OIDC_ISSUER",
        "OIDC_ISSUER",
        _url,
        "",
        "OpenID Connect issuer URL (discovery at /.well-known/openid-configuration)",
    ),
    Setting("KINERJA_OIDC_CLIENT_ID", "OIDC_CLIENT_ID", str, "", "OIDC client id"),
    Setting("KINERJA_OIDC_CLIENT_SECRET", "OIDC_CLIENT_SECRET", str, "", "OIDC client secret"),
    Setting(
        "KINERJA_OIDC_NIP_CLAIM",
        "OIDC_NIP_CLAIM",
        str,
        "nip",
        "ID-token claim that carries the NIP, linking an identity to its employee record",
    ),
    Setting(
        "KINERJA_OIDC_GROUPS_CLAIM",
        "OIDC_GROUPS_CLAIM",
        str,
        "groups",
        "ID-token claim with the user's groups, read by KINERJA_OIDC_ROLE_MAP",
    ),
    Setting(
        "KINERJA_OIDC_ROLE_MAP",
        "OIDC_ROLE_MAP",
        _role_map,
        "",
        "groups to roles, e.g. `bkpsdm-admin=admin_kota,opd-admin=admin_opd`",
    ),
    Setting(
        "KINERJA_BASE_URL",
        "BASE_URL",
        _url,
        "",
        "public URL of this deployment; the OIDC redirect URI is <base URL>/auth/callback",
    ),
    Setting(
        "KINERJA_LOGIN_MAX_FAILURES",
        "LOGIN_MAX_FAILURES",
        _positive_int,
        "5",
        "sign-in attempts per account in 15 minutes; then a lock of 1, 2, 4 … (at most 60) minutes",
    ),
    Setting(
        "KINERJA_LOGIN_MAX_FAILURES_PER_ADDRESS",
        "LOGIN_MAX_FAILURES_PER_ADDRESS",
        _positive_int,
        "100",
        "sign-in attempts from one address in 15 minutes (an office shares one NAT address)",
    ),
    Setting(
        "KINERJA_TRUSTED_PROXIES",
        "TRUSTED_PROXIES",
        _non_negative_int,
        "0",
        "reverse proxies in front of Kinerja whose X-Forwarded-For is trusted (0: none)",
    ),
    Setting(
        "KINERJA_TOKEN_MAX_DAYS",
        "TOKEN_MAX_DAYS",
        _positive_int,
        "365",
        "longest lifetime of an API token, in days; every token expires",
    ),
    Setting(
        "KINERJA_IMPORT_MAX_ROWS",
        "IMPORT_MAX_ROWS",
        _positive_int,
        "50000",
        "rows an employee import may hold (Medan has about 25,000 staff); more is refused",
    ),
    Setting(
        "KINERJA_IMPORT_MAX_ERRORS",
        "IMPORT_MAX_ERRORS",
        _positive_int,
        "1000",
        "problems an import report lists before it stops collecting (the count goes on)",
    ),
    Setting(
        "KINERJA_IMPORT_RETENTION_DAYS",
        "IMPORT_RETENTION_DAYS",
        _non_negative_int,
        "0",
        "days an uploaded import file is kept after its job ends (0: deleted at once)",
    ),
    Setting(
        "KINERJA_SMTP_HOST",
        "SMTP_HOST",
        str,
        "",
        "SMTP server for notification e-mails (empty: e-mail off, in-app only)",
    ),
    Setting("KINERJA_SMTP_PORT", "SMTP_PORT", _positive_int, "25", "SMTP port"),
    Setting("KINERJA_SMTP_USER", "SMTP_USER", str, "", "SMTP user (empty: no login)"),
    Setting("KINERJA_SMTP_PASSWORD", "SMTP_PASSWORD", str, "", "SMTP password"),
    Setting(
        "KINERJA_SMTP_STARTTLS",
        "SMTP_STARTTLS",
        _bool,
        "false",
        "upgrade the SMTP connection with STARTTLS",
    ),
    Setting(
        "KINERJA_MAIL_FROM",
        "MAIL_FROM",
        str,
        "Kinerja <kinerja@localhost>",
        "sender of notification e-mails",
    ),
    Setting(
        "KINERJA_TIMEZONE",
        "TIMEZONE",
        timezone,
        "Asia/Jakarta",
        "the city's time zone: today, this month and year, deadlines, document dates, schedules",
    ),
    Setting(
        "KINERJA_DIGEST_HOUR",
        "DIGEST_HOUR",
        _hour,
        "15",
        "hour (KINERJA_TIMEZONE) from which each day's digest e-mail and reminders go out",
    ),
    Setting(
        "KINERJA_CITY_PUBLISHES_NAMES",
        "CITY_PUBLISHES_NAMES",
        _bool,
        "false",
        "agency admins see the other agencies' names and figures (else only the average and rank)",
    ),
    Setting(
        "KINERJA_MIN_GROUP",
        "MIN_GROUP",
        _positive_int,
        "3",
        "fewest people an aggregate about others may stand on (city figures, talent grid, 360°)",
    ),
    Setting(
        "KINERJA_EXPORT_RETENTION_DAYS",
        "EXPORT_RETENTION_DAYS",
        _positive_int,
        "7",
        "days an export's file is kept for its requester before it is deleted",
    ),
    Setting(
        "KINERJA_ORPHAN_GRACE_HOURS",
        "ORPHAN_GRACE_HOURS",
        _positive_int,
        "24",
        "hours a stored file no row refers to is left alone (an upload in flight) before the "
        "workers' round deletes it",
    ),
    Setting(
        "KINERJA_ORPHAN_SWEEP_BATCH",
        "ORPHAN_SWEEP_BATCH",
        _positive_int,
        "500",
        "stored files each agency's sweep looks at per workers' round (it goes on next round)",
    ),
    Setting(
        "KINERJA_CITY_TENANT",
        "CITY_TENANT",
        str,
        "bkpsdm",
        "the city personnel office's agency (slug): the city's exports run and are kept there",
    ),
    Setting(
        "KINERJA_METRICS_TOKEN",
        "METRICS_TOKEN",
        str,
        "",
        "bearer token Prometheus sends to /metrics (empty: /metrics answers 404)",
    ),
    Setting(
        "KINERJA_REQUEUE_SECONDS",
        "REQUEUE_SECONDS",
        _positive_int,
        "60",
        "how often a worker pushes jobs that an outage left queued, and cleans old uploads",
    ),
    Setting(
        "KINERJA_PLUGINS",
        "PLUGINS",
        str,
        "all",
        "installed plugins that may load: all, none, or names separated by commas",
    ),
    Setting(
        "KINERJA_PLUGIN_TIME_LIMIT",
        "PLUGIN_TIME_LIMIT",
        _seconds,
        "2",
        "seconds a plugin's call may take; a slower answer is dropped and shown as an error",
    ),
    Setting(
        "KINERJA_SESSION_HOURS",
        "SESSION_HOURS",
        _positive_int,
        "8",
        "how long a browser session lasts without activity",
    ),
    Setting(
        "KINERJA_STORAGE",
        "STORAGE",
        _choice("local", "s3"),
        "local",
        "where evidence files live: local (KINERJA_STORAGE_DIR) or s3 (an S3-compatible store)",
    ),
    Setting(
        "KINERJA_STORAGE_DIR",
        "STORAGE_DIR",
        str,
        "var/evidence",
        "folder of evidence files when KINERJA_STORAGE is local",
    ),
    Setting("KINERJA_S3_BUCKET", "S3_BUCKET", str, "", "bucket of evidence files (s3 storage)"),
    Setting(
        "KINERJA_S3_ENDPOINT_URL",
        "S3_ENDPOINT_URL",
        str,
        "",
        "S3 endpoint, e.g. a MinIO URL; empty: AWS's default for the region",
    ),
    Setting("KINERJA_S3_REGION", "S3_REGION", str, "", "S3 region (s3 storage)"),
    Setting("KINERJA_S3_ACCESS_KEY_ID", "S3_ACCESS_KEY_ID", str, "", "S3 access key id"),
    Setting(
        "KINERJA_S3_SECRET_ACCESS_KEY", "S3_SECRET_ACCESS_KEY", str, "", "S3 secret access key"
    ),
    Setting(
        "KINERJA_EVIDENCE_MAX_BYTES",
        "EVIDENCE_MAX_BYTES",
        _positive_int,
        "10485760",
        "largest evidence file (photo or PDF) of a daily entry, in bytes",
    ),
    Setting(
        "KINERJA_EVIDENCE_MAX_FILES",
        "EVIDENCE_MAX_FILES",
        _positive_int,
        "5",
        "evidence files a daily entry may carry",
    ),
    Setting(
        "KINERJA_EVIDENCE_URL_SECONDS",
        "EVIDENCE_URL_SECONDS",
        _positive_int,
        "300",
        "lifetime of a signed download URL of an evidence file (s3 storage)",
    ),
    Setting(
        "KINERJA_ACHIEVEMENT_SET_BY",
        "ACHIEVEMENT_SET_BY",
        _choice("city", "agency"),
        "city",
        "who sets an agency's yearly achievement (the curve it is held to): city or agency admin",
    ),
    Setting(
        "KINERJA_CURVE_POLICY",
        "CURVE_POLICY",
        _choice("confirm", "block"),
        "confirm",
        "annual ratings that break the curve: confirm (with an audited reason) or block",
    ),
    Setting(
        "KINERJA_DEFAULT_LOCALE",
        "BABEL_DEFAULT_LOCALE",
        _choice("id", "en"),
        "id",
        "UI language for people who have not chosen one (id = Bahasa Indonesia)",
    ),
)


def read(env: str, environ: Mapping[str, str] | None = None) -> Any:
    """One setting by its variable, parsed (its default when unset); `ConfigError` names it
    when bad. For code that starts before the app (the server's configuration)."""
    setting = next(s for s in SETTINGS if s.env == env)
    raw = (os.environ if environ is None else environ).get(env) or setting.default
    if raw is None:
        raise ConfigError(f"{env} is not set: {setting.doc}")
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise ConfigError(f"{env} {exc}") from None


def load(
    environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Read every setting; raise `ConfigError` naming the variable of the first bad one.

    `overrides` are Flask config keys given to `create_app` (tests, embedding): a string is parsed
    like the environment variable, any other value is taken as already parsed. Keys that are not
    settings pass through unchanged.
    """
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    config: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.key in overrides and not isinstance(overrides[setting.key], str):
            config[setting.key] = overrides.pop(setting.key)
            continue
        raw = overrides.pop(setting.key, None)
        if raw is None:
            raw = environ.get(setting.env)
        if raw is None or raw == "":
            if setting.default is None:
                raise ConfigError(f"{setting.env} is not set: {setting.doc}")
            raw = setting.default
        if raw == "":
            config[setting.key] = ""
            continue
        try:
            config[setting.key] = setting.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{setting.env} {exc}") from None
    config["OIDC_ROLE_MAP"] = config["OIDC_ROLE_MAP"] or {}
    if config["SESSION_COOKIE_SECURE"] == "auto":
        config["SESSION_COOKIE_SECURE"] = str(config["BASE_URL"]).startswith("https://")
    if config["OIDC_ISSUER"] and not config["BASE_URL"]:
        # Redirects are built from the configured address, never from the request's Host.
        raise ConfigError("KINERJA_BASE_URL is not set: single sign-on needs the public URL")
    # A daily entry's request carries its files and a little form: the one route allowed more.
    config["EVIDENCE_MAX_REQUEST"] = (
        config["EVIDENCE_MAX_BYTES"] * config["EVIDENCE_MAX_FILES"] + 1024 * 1024
    )
    if config["STORAGE"] == "s3" and not config["S3_BUCKET"]:
        raise ConfigError("KINERJA_S3_BUCKET is not set: s3 storage needs a bucket")
    if not config["DATABASE_OWNER_URL"]:
        config["DATABASE_OWNER_URL"] = config["DATABASE_URL"]
    config.update(overrides)
    return config
