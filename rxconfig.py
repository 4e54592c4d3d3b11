"""Reflex configuration. OpenCERS settings live in cers_app/core/settings.py (CERS_* variables)."""

import os

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin
from reflex_components_radix.plugin import RadixThemesPlugin

from cers_app.core.settings import _database_url_from_env


def _origins() -> list[str]:
    base = os.environ.get("CERS_BASE_URL", "http://localhost:3000").rstrip("/")
    origins = {base}
    extra = os.environ.get("CERS_ALLOWED_ORIGINS", "")
    origins.update(o.strip().rstrip("/") for o in extra.split(",") if o.strip())
    local = {o for o in origins if "://localhost:" in o}
    origins |= {o.replace("://localhost:", "://127.0.0.1:") for o in local}
    return sorted(origins)


config = rx.Config(
    app_name="cers_app",
    db_url=_database_url_from_env(),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    cors_allowed_origins=_origins(),
    disable_plugins=[SitemapPlugin],
    plugins=[RadixThemesPlugin(theme=rx.theme(accent_color="teal", radius="medium"))],
)
