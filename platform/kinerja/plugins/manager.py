"""The one plugin manager: the core's built-in plugin, then the installed plugins (entry-point
group `kinerja.plugins`) that the allow-list admits. Calls go only to the plugins enabled for the
tenant, one plugin at a time: pluggy stops at the first exception, so each call is isolated here,
timed, and its result checked; a failure is logged, counted and kept for the tenant's admin."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import entry_points
from typing import Any

import pluggy
from marshmallow import Schema as MarshmallowSchema

from kinerja.plugins import core, hookspecs
from kinerja.plugins.types import (
    AGGREGATES,
    DEVELOPMENT_KINDS,
    FIELD_TYPES,
    FREQUENCIES,
    GROUPS,
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
    "kinerja_skp_sections": lambda r: (
        isinstance(r, list)
        and all(isinstance(s, SkpSection) and len(s.lines) <= 50 for s in r)
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
    _callers: dict[tuple[str, frozenset[str]], Any] = field(default_factory=dict)

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
                info = info_impl() if info_impl else PluginInfo(name=name, title=name)
                competencies_impl = getattr(plugin, "kinerja_competencies", None)
                competencies = competencies_impl() if competencies_impl else []
                forms_impl = getattr(plugin, "kinerja_report_forms", None)
                forms = forms_impl() if forms_impl else []
            except Exception as error:
                raise StartupError(f"plugin {name}: fails at start-up: {error}") from None
            if not isinstance(info, PluginInfo):
                raise StartupError(f"plugin {name}: kinerja_plugin_info must return PluginInfo")
            schema = info.settings_schema
            if schema is not None and not (
                isinstance(schema, type) and issubclass(schema, MarshmallowSchema)
            ):
                raise StartupError(f"plugin {name}: settings_schema must be a marshmallow Schema")
            if not RETURNS["kinerja_competencies"](competencies):
                raise StartupError(f"plugin {name}: kinerja_competencies must return Competency")
            self.infos[name] = info
            for form in forms:
                problem = form_problem(form)
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

    def call(
        self, hook: str, enabled: Iterable[str], tenant_id: int | None = None, /, **kwargs: Any
    ) -> list[tuple[str, Any]]:
        """(plugin, result) of each enabled plugin, in pluggy's order; failures are skipped."""
        results = []
        caller = self._caller(hook, frozenset(enabled))
        for impl in reversed(caller.get_hookimpls()):
            started = time.perf_counter()
            try:
                result = impl.function(**{k: kwargs[k] for k in impl.argnames})
            except Exception as error:  # a plugin's bug must never break the core's answer
                self._failed(tenant_id, impl.plugin_name, hook, f"{type(error).__name__}: {error}")
                continue
            elapsed = time.perf_counter() - started
            if elapsed > self.time_limit:
                self._failed(
                    tenant_id, impl.plugin_name, hook, f"too slow: {elapsed:.2f} s, result dropped"
                )
                continue
            if not RETURNS.get(hook, lambda r: True)(result):
                self._failed(
                    tenant_id, impl.plugin_name, hook, f"wrong return type {type(result).__name__}"
                )
                continue
            results.append((impl.plugin_name, result))
        return results

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
        if f.type == "choice" and not f.choices:
            return f"field {f.name}: a choice field needs choices"
        if f.aggregate is not None and f.aggregate not in AGGREGATES:
            return f"field {f.name}: aggregate must be one of {', '.join(AGGREGATES)}"
    for needed in (*form.group_by, *(n for r in form.ratios for n in (r.numerator, r.denominator))):
        if needed not in names:
            return f"{needed} is not a field of the form"
    return None
