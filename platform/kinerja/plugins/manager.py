"""The one plugin manager: the core's built-in plugin, then the installed plugins (entry-point
group `kinerja.plugins`) that the allow-list admits. Calls go only to the plugins enabled for the
tenant, one plugin at a time: pluggy stops at the first exception, so each call is isolated here,
bounded in time, and its result checked; a failure is logged, counted and kept for the tenant's
admin.

The time limit is real: a plugin's hook runs in a small pool of worker threads and the caller
waits at most `time_limit` seconds for it; a hook still running then is abandoned (its result,
should it come, is dropped) and the request answers without it. A thread cannot be killed, so
each plugin may have at most `BUSY_PER_PLUGIN` abandoned calls still running: beyond that its
calls are refused at once, and a plugin that hangs for good never holds more than that many
threads, nor any request. In the worker the hook sees no request: the core hands it the agency as
plain data (`context.Agency`), and whatever it reads from the database it reads through
`kinerja.plugins.api` in a session of its own thread, never the request's.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import entry_points
from typing import Any

import pluggy
from marshmallow import Schema as MarshmallowSchema
from marshmallow import missing

from kinerja.permissions import Principal
from kinerja.plugins import context, core, hookspecs, languages
from kinerja.plugins.types import (
    AGGREGATES,
    DEVELOPMENT_KINDS,
    FIELD_TYPES,
    FREQUENCIES,
    GROUPS,
    MAX_CHOICES,
    Competency,
    DevelopmentOption,
    MenuItem,
    PluginInfo,
    ReportForm,
    SkpSection,
)

log = logging.getLogger(__name__)
ENTRY_POINTS = "kinerja.plugins"
ALWAYS_ON = frozenset({core.NAME})
# Called in the caller's thread, without a time limit: the pages are mounted once at start-up and
# the demo data is written by a command (minutes of work is normal there), and the core's own
# plugin is trusted. Every other call runs in a worker thread under the limit.
UNLIMITED_HOOKS = frozenset({"kinerja_pages", "kinerja_demo_data"})
WORKERS = 32  # threads per process for plugin calls: a queue wait counts against the limit
BUSY_PER_PLUGIN = 2  # abandoned calls of one plugin still running before its calls are refused

# Runs a call in a worker thread: given the agency in the caller's thread, returns what to enter
# in the worker (the app context, the reader's language, the audit actor). Set by `init_app`.
Carrier = Callable[[context.Agency], Callable[[], AbstractContextManager[Any]]]

# What each hook must return, checked on every call (a wrong type is a failure, not a crash).
RETURNS: dict[str, Callable[[Any], bool]] = {
    "kinerja_plugin_info": lambda r: isinstance(r, PluginInfo),
    "kinerja_competencies": lambda r: (
        isinstance(r, list) and all(isinstance(c, Competency) for c in r)
    ),
    "kinerja_menu_items": lambda r: isinstance(r, list) and all(isinstance(m, MenuItem) for m in r),
    "kinerja_report_forms": lambda r: (
        isinstance(r, list) and all(isinstance(f, ReportForm) for f in r)
    ),
    "kinerja_development_options": lambda r: (
        isinstance(r, list)
        and all(isinstance(o, DevelopmentOption) and o.kind in DEVELOPMENT_KINDS for o in r)
    ),
    "kinerja_field_choices": lambda r: (
        isinstance(r, dict)
        and all(
            isinstance(name, str)
            and isinstance(given, list | tuple)
            and len(given) <= MAX_CHOICES
            and all(isinstance(c, str) and c.strip() for c in given)
            for name, given in r.items()
        )
    ),
    "kinerja_skp_sections": lambda r: (
        isinstance(r, list)
        and all(
            isinstance(s, SkpSection)
            and len(s.lines) <= 50
            # both languages, as every plugin text (kinerja.plugins.languages)
            and bool(s.title_en or not s.title)
            and len(s.lines_en) == len(s.lines)
            for s in r
        )
        and len(r) <= 10
    ),
}


class StartupError(Exception):
    """An installed plugin cannot be used; the message names it."""


@dataclass
class Failure:
    plugin: str
    hook: str
    message: str
    at: datetime
    count: int = 1


@dataclass
class Plugins:
    """Built once per app (`init_app`); `call` is what the rest of the core uses."""

    pm: pluggy.PluginManager
    time_limit: float
    infos: dict[str, PluginInfo] = field(default_factory=dict)
    forms: dict[str, tuple[str, ReportForm]] = field(default_factory=dict)  # code -> plugin
    failures: dict[tuple[int | None, str, str], Failure] = field(default_factory=dict)
    on_failure: Callable[[int | None, Failure], None] | None = None
    carrier: Carrier | None = None
    defaults: dict[str, dict[str, Any]] = field(default_factory=dict)  # plugin -> its settings
    _callers: dict[tuple[str, frozenset[str]], Any] = field(default_factory=dict)
    _busy: Counter[str] = field(default_factory=Counter)  # plugin -> its calls still running
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pool: ThreadPoolExecutor | None = None
    _pool_pid: int = 0

    @classmethod
    def load(cls, allow: str, time_limit: float, extra: Iterable[Any] = ()) -> Plugins:
        """`allow`: "all" (every installed plugin), "none", or comma-separated names."""
        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs)
        pm.register(core, name=core.NAME)
        wanted = None if allow == "all" else {n.strip() for n in allow.split(",") if n.strip()}
        if allow != "none":
            for point in entry_points(group=ENTRY_POINTS):
                if wanted is not None and point.name not in wanted:
                    continue
                try:
                    pm.register(point.load(), name=point.name)
                except Exception as error:
                    raise StartupError(f"plugin {point.name}: cannot be loaded: {error}") from None
        for plugin in extra:  # tests register throwaway plugins this way
            pm.register(plugin, name=getattr(plugin, "NAME", None))
        plugins = cls(pm, time_limit)
        plugins._check()
        return plugins

    def _check(self) -> None:
        """Refuse to start on what can be checked now: info, codes, groups, levels."""
        codes: dict[str, str] = {}
        form_codes: dict[str, str] = {}
        for name, plugin in self.pm.list_name_plugin():
            try:
                info_impl = getattr(plugin, "kinerja_plugin_info", None)
                info = info_impl() if info_impl else PluginInfo(name, name, title_en=name)
            except Exception as error:
                raise StartupError(f"plugin {name}: fails at start-up: {error}") from None
            if not isinstance(info, PluginInfo):
                raise StartupError(f"plugin {name}: kinerja_plugin_info must return PluginInfo")
            schema = info.settings_schema
            if schema is not None and not (
                isinstance(schema, type) and issubclass(schema, MarshmallowSchema)
            ):
                raise StartupError(f"plugin {name}: settings_schema must be a marshmallow Schema")
            self.infos[name] = info
            self.defaults[name] = settings_defaults(schema)
            # Outside any agency: a hook reading its settings here gets the defaults.
            nowhere = context.Agency(None, ALWAYS_ON, {name: self.defaults[name]})
            try:
                with context.using(nowhere):
                    competencies_impl = getattr(plugin, "kinerja_competencies", None)
                    competencies = competencies_impl() if competencies_impl else []
                    forms_impl = getattr(plugin, "kinerja_report_forms", None)
                    forms = forms_impl() if forms_impl else []
                    options_impl = getattr(plugin, "kinerja_development_options", None)
                    options = options_impl() if options_impl else []
            except Exception as error:
                raise StartupError(f"plugin {name}: fails at start-up: {error}") from None
            if not RETURNS["kinerja_competencies"](competencies):
                raise StartupError(f"plugin {name}: kinerja_competencies must return Competency")
            # Every text in both languages: a page in English never falls back to Indonesian.
            problem = languages.english_problem(info, competencies, forms, options)
            if problem:
                raise StartupError(f"plugin {name}: {problem}")
            answers_choices = getattr(plugin, "kinerja_field_choices", None) is not None
            for form in forms:
                problem = form_problem(form) or _target_problem(form, self.defaults[name])
                if not problem and not answers_choices and live_fields(form):
                    problem = (
                        f"field {live_fields(form)[0]}: live_choices needs the plugin's "
                        "kinerja_field_choices hook"
                    )
                if problem:
                    raise StartupError(f"plugin {name}: report form {form.code}: {problem}")
                if form.code in form_codes:
                    raise StartupError(
                        f"plugin {name}: report form code {form.code} is already "
                        f"{form_codes[form.code]}'s"
                    )
                form_codes[form.code] = name
                self.forms[form.code] = (name, form)
            for competency in competencies:
                if competency.group not in GROUPS or len(competency.levels) != 5:
                    raise StartupError(
                        f"plugin {name}: competency {competency.code} needs a group of "
                        f"{', '.join(GROUPS)} and five levels"
                    )
                if competency.code in codes:
                    raise StartupError(
                        f"plugin {name}: competency code {competency.code} is already "
                        f"{codes[competency.code]}'s"
                    )
                codes[competency.code] = name
            languages.register(competencies, forms)

    def installed(self) -> list[PluginInfo]:
        return sorted(self.infos.values(), key=lambda i: (i.name != core.NAME, i.name))

    def hooks_of(self, name: str) -> list[str]:
        plugin = self.pm.get_plugin(name)
        return sorted(h.name for h in self.pm.get_hookcallers(plugin) or []) if plugin else []

    def _caller(self, hook: str, enabled: frozenset[str]) -> Any:
        key = (hook, enabled)
        if key not in self._callers:
            off = [p for n, p in self.pm.list_name_plugin() if n not in enabled | ALWAYS_ON]
            self._callers[key] = self.pm.subset_hook_caller(hook, remove_plugins=off)
        return self._callers[key]

    def agency(
        self,
        tenant_id: int | None,
        enabled: Iterable[str],
        stored: Mapping[str, Mapping[str, Any]] | None = None,
        locale: str | None = None,
        principal: Principal | None = None,
    ) -> context.Agency:
        """The agency as plugins see it: every installed plugin's settings, the agency's stored
        ones over the schema's defaults (a setting added to a schema later takes its default)."""
        stored = stored or {}
        settings = {name: {**d, **stored.get(name, {})} for name, d in self.defaults.items()}
        return context.Agency(
            tenant_id, frozenset(enabled) | ALWAYS_ON, settings, locale, principal
        )

    def call(
        self, hook: str, enabled: Iterable[str], tenant_id: int | None = None, /, **kwargs: Any
    ) -> list[tuple[str, Any]]:
        """`call_for` an agency known only by its enabled plugins (its settings: the defaults)."""
        return self.call_for(self.agency(tenant_id, enabled), hook, **kwargs)

    def call_for(self, agency: context.Agency, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """(plugin, result) of each plugin enabled in `agency`, in pluggy's order; failures are
        skipped (and recorded)."""
        results = []
        caller = self._caller(hook, agency.enabled)
        for impl in reversed(caller.get_hookimpls()):
            name = impl.plugin_name
            args = {k: kwargs[k] for k in impl.argnames}
            try:
                if name in ALWAYS_ON or hook in UNLIMITED_HOOKS:
                    with context.using(agency):
                        result = impl.function(**args)
                else:
                    result = self._limited(agency, name, impl.function, args)
            except _Refused as refused:
                self._failed(agency.tenant_id, name, hook, str(refused))
                continue
            except Exception as error:  # a plugin's bug must never break the core's answer
                self._failed(agency.tenant_id, name, hook, f"{type(error).__name__}: {error}")
                continue
            if not RETURNS.get(hook, lambda r: True)(result):
                self._failed(
                    agency.tenant_id, name, hook, f"wrong return type {type(result).__name__}"
                )
                continue
            results.append((name, result))
        return results

    def _limited(
        self, agency: context.Agency, name: str, function: Callable[..., Any], args: dict[str, Any]
    ) -> Any:
        """`function(**args)` in a worker thread, waited for at most `time_limit` seconds."""
        # Only calls abandoned past the limit and still running count: any number of calls may
        # be in flight at once (a burst of one agency's requests), but a plugin that hangs
        # holds at most BUSY_PER_PLUGIN threads.
        with self._lock:
            if self._busy[name] >= BUSY_PER_PLUGIN:
                raise _Refused(
                    f"skipped: {self._busy[name]} earlier calls still running past the limit"
                )
        enter = self.carrier(agency) if self.carrier else _nothing
        future: Future[Any] = self._workers().submit(self._run, agency, enter, function, args)
        try:
            return future.result(timeout=self.time_limit)
        except FutureTimeout:
            if not future.cancel():  # it runs on: count it until it ends
                with self._lock:
                    self._busy[name] += 1
                future.add_done_callback(lambda _f: self._done(name))
            raise _Refused(
                f"no answer within {self.time_limit:g} s (KINERJA_PLUGIN_TIME_LIMIT): abandoned"
            ) from None

    def _run(
        self,
        agency: context.Agency,
        enter: Callable[[], AbstractContextManager[Any]],
        function: Callable[..., Any],
        args: dict[str, Any],
    ) -> Any:
        with enter(), context.using(agency):
            return function(**args)

    def _done(self, name: str) -> None:
        with self._lock:
            self._busy[name] -= 1

    def _workers(self) -> ThreadPoolExecutor:
        """The pool, made in this process (threads do not survive a fork of the server)."""
        if self._pool is None or self._pool_pid != os.getpid():
            self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="kinerja-plugin")
            self._pool_pid = os.getpid()
        return self._pool

    def _failed(self, tenant_id: int | None, plugin: str, hook: str, message: str) -> None:
        log.error(
            "plugin %s failed in %s: %s",
            plugin,
            hook,
            message,
            extra={"plugin": plugin, "hook": hook, "tenant_id": tenant_id},
        )
        key = (tenant_id, plugin, hook)
        known = self.failures.get(key)
        failure = Failure(
            plugin, hook, message[:500], datetime.now(UTC), (known.count + 1) if known else 1
        )
        self.failures[key] = failure
        if self.on_failure is not None:
            try:
                self.on_failure(tenant_id, failure)
            except Exception:  # recording must not fail the request either
                log.exception("could not record the failure of plugin %s", plugin)


class _Refused(Exception):
    """A call the manager itself gave up on (too slow, or the plugin still busy)."""


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def settings_defaults(schema: Any) -> dict[str, Any]:
    """What a settings schema gives where the agency set nothing: its fields' `load_default`s."""
    if schema is None:
        return {}
    found = {}
    for name, f in schema().fields.items():
        default = f.load_default
        if default is not missing:
            found[name] = default() if callable(default) else default
    return found


def _target_problem(form: ReportForm, defaults: Mapping[str, Any]) -> str | None:
    for ratio in form.ratios:
        if ratio.target_setting and not isinstance(defaults.get(ratio.target_setting), int | float):
            return (
                f"ratio {ratio.name}: target_setting {ratio.target_setting} must be a setting "
                "of the plugin with a number as its default"
            )
    return None


def live_fields(form: ReportForm) -> list[str]:
    """The fields of `form` whose choices its plugin gives per agency (`live_choices`)."""
    return [f.name for f in form.fields if f.live_choices]


def form_problem(form: ReportForm) -> str | None:
    """What is wrong with a declared form, checked at start-up (None when it is sound)."""
    if not form.code or not form.fields:
        return "needs a code and at least one field"
    if form.frequency not in FREQUENCIES:
        return f"frequency must be one of {', '.join(FREQUENCIES)}"
    names = [f.name for f in form.fields]
    if len(set(names)) != len(names):
        return "field names repeat"
    for f in form.fields:
        if f.type not in FIELD_TYPES:
            return f"field {f.name}: type must be one of {', '.join(FIELD_TYPES)}"
        if f.live_choices and (f.type != "choice" or f.choices):
            return f"field {f.name}: live_choices is for a choice field declaring no choices"
        if f.type == "choice" and not f.choices and not f.live_choices:
            return f"field {f.name}: a choice field needs choices (or live_choices)"
        if f.aggregate is not None and f.aggregate not in AGGREGATES:
            return f"field {f.name}: aggregate must be one of {', '.join(AGGREGATES)}"
    for needed in (*form.group_by, *(n for r in form.ratios for n in (r.numerator, r.denominator))):
        if needed not in names:
            return f"{needed} is not a field of the form"
    return None
