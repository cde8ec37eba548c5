"""The page of an address that does not exist (Reflex's "404" route): in the visitor's
language, with a way back to the dashboard (which sends a signed-out visitor to the login)
instead of Reflex's bare "404: Page not found" in English."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.layout import public_shell
from ylada_app.components.texts import t
from ylada_app.state.session import SessionState


class NotFoundState(SessionState):
    @rx.event
    def load(self):
        self._sync_lang()


def not_found_page() -> rx.Component:
    return public_shell(rx.vstack(
        rx.icon("search-x", size=32, color=rx.color("gray", 9)),
        rx.heading(t("notfound.title"), size="5"),
        rx.text(t("notfound.body"), color_scheme="gray", text_align="center"),
        rx.link(rx.button(t("notfound.home"), size="3"), href="/dashboard",
                id="not-found-home"),
        align="center", spacing="3", width="100%", id="not-found-page",
    ))
