"""Report forms (laporan) declared by plugins: the core stores, decides and sums them up."""

from flask import Flask

from kinerja.reports import permissions as permissions  # registers the rule of its kind


def init_app(app: Flask) -> None:
    """Hand the report helpers to `kinerja.plugins.api` (it cannot import this layer)."""
    from kinerja.plugins import context
    from kinerja.reports import for_plugins

    context.provide("submissions", for_plugins.submissions)
    context.provide("record_submission", for_plugins.record)
    context.provide("scope", for_plugins.scope)
