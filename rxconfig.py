"""Reflex configuration for ylada (UI in pure Python).

Ports and the API URL can be overridden with REFLEX_FRONTEND_PORT, REFLEX_BACKEND_PORT and
REFLEX_API_URL; REFLEX_REDIS_URL moves Reflex state to Redis for several backends.
"""

import os

import reflex as rx

config = rx.Config(
    app_name="ylada_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    default_color_mode="light",
    redis_url=os.environ.get("REFLEX_REDIS_URL") or None,
    disable_plugins=[rx.plugins.SitemapPlugin],
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(
                accent_color="jade", gray_color="slate", radius="large", appearance="light"
            )
        )
    ],
)
