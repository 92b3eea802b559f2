"""Enabling plugins per agency (audited), their settings (validated), and their failures."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja import audit
from kinerja.exceptions import Invalid, NotFound
from kinerja.i18n import _, in_language
from kinerja.plugins.manager import ALWAYS_ON, Failure, Plugins
from kinerja.plugins.models import TenantPlugin
from kinerja.schema import translate_field


def enabled_names(session: Session) -> frozenset[str]:
    """The plugins enabled in the session's tenant (the core's is always on)."""
    names = session.scalars(select(TenantPlugin.plugin).where(TenantPlugin.enabled))
    return frozenset(names) | ALWAYS_ON


def enabled_settings(session: Session) -> dict[str, dict[str, Any]]:
    """{plugin: its stored settings} of the plugins enabled in the session's tenant."""
    found = session.execute(
        select(TenantPlugin.plugin, TenantPlugin.settings).where(TenantPlugin.enabled)
    )
    return {plugin: dict(settings or {}) for plugin, settings in found}


def rows(session: Session) -> dict[str, TenantPlugin]:
    return {row.plugin: row for row in session.scalars(select(TenantPlugin))}


def check_settings(plugins: Plugins, name: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The plugin's settings as its schema loads them; `Invalid` names the first bad field."""
    info = plugins.infos.get(name)
    if info is None or name in ALWAYS_ON:
        raise NotFound(_("No plugin %(name)s is installed here.", name=name))
    if info.settings_schema is None:
        if settings:
            raise Invalid("settings", _("This plugin has no settings."))
        return {}
    schema = info.settings_schema()
    for field in schema.fields.values():  # a plugin's own schema speaks the reader's language too
        translate_field(field)
    try:
        loaded = schema.load(dict(settings))
    except ValidationError as error:
        field, messages = next(iter(error.normalized_messages().items()))
        message = messages[0] if isinstance(messages, list) else str(messages)
        raise Invalid(f"settings.{field}", message) from None
    return dict(loaded)


def set_enabled(
    session: Session,
    plugins: Plugins,
    name: str,
    enabled: bool,
    settings: Mapping[str, Any] | None = None,
) -> TenantPlugin:
    """Turn a plugin on or off for the session's tenant; settings are checked; audited.

    Turning off keeps the row and everything the plugin stored: turning on again brings it back.
    """
    if name not in plugins.infos or name in ALWAYS_ON:
        raise NotFound(_("No plugin %(name)s is installed here.", name=name))
    row = session.scalar(select(TenantPlugin).where(TenantPlugin.plugin == name))
    if settings is not None:
        new_settings = check_settings(plugins, name, settings)
    else:  # keep what the agency set; a first enabling takes the schema's defaults
        new_settings = row.settings if row else check_settings(plugins, name, {})
    before = {"enabled": row.enabled, "settings": row.settings} if row else {}
    if row is None:
        row = TenantPlugin(plugin=name, enabled=enabled, settings=new_settings, error_count=0)
        session.add(row)
    else:
        row.enabled, row.settings = enabled, new_settings
    session.flush()
    after = {"enabled": enabled, "settings": new_settings}
    if changes := audit.diff(before, after):
        action = "plugin.enable" if enabled else "plugin.disable"
        audit.record(session, action, "plugin", name, changes=changes)
    return row


def record_failure(session: Session, failure: Failure) -> None:
    """Keep the last failure where the agency's admin sees it (plugins page)."""
    row = session.scalar(select(TenantPlugin).where(TenantPlugin.plugin == failure.plugin))
    if row is None:
        return  # the core's own plugin, or one the agency never enabled
    row.error_count += 1
    row.last_error = f"{failure.hook}: {failure.message}"[:1000]
    row.last_error_at = datetime.now(UTC)


def enablement_everywhere(session: Session) -> dict[str, list[int]]:
    """plugin -> the agencies (tenant ids) that have it on: for the city admin's catalogue.

    Reads across agencies through the allow-listed SECURITY DEFINER function, which returns
    only who has what switched on.
    """
    from sqlalchemy import text

    found: dict[str, list[int]] = {}
    rows = session.execute(text("SELECT * FROM kinerja_plugin_enablement() WHERE enabled"))
    for tenant_id, plugin, _enabled in rows:
        found.setdefault(str(plugin), []).append(int(tenant_id))
    return found


def describe_settings(schema: Any) -> dict[str, dict[str, Any]]:
    """{setting: {type, required, default}} of a plugin's marshmallow schema (for people)."""
    if schema is None:
        return {}
    described = {}
    for name, field in schema().fields.items():
        default = field.load_default
        described[name] = {
            # The name people read: the plugin's own in both languages (checked at start-up).
            "label": in_language(
                field.metadata.get("label") or name, field.metadata.get("label_en", "")
            ),
            "type": type(field).__name__.lower(),
            "required": field.required,
            "default": None
            if callable(default) or default.__class__.__name__ == "_Missing"
            else default,
        }
    return described


def settings_from_form(schema: Any, form: Mapping[str, str]) -> dict[str, Any]:
    """The settings a page posted (`settings.<name>` inputs), blanks left to their defaults."""
    if schema is None:
        return {}
    prefix = "settings."
    return {
        key[len(prefix) :]: value.strip()
        for key, value in form.items()
        if key.startswith(prefix) and value.strip() != ""
    }
