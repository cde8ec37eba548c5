"""/blocked: what a user of a suspended tenant sees instead of the app."""

from __future__ import annotations

import reflex as rx
from sqlmodel import select

from ylada_app.components.layout import card, public_shell
from ylada_app.components.texts import t
from ylada_app.models import Tenant
from ylada_app.services.agency import SUSPENDED_BY_AGENCY
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


def _reason(session, *, tenant_id: int) -> str:
    return session.exec(select(Tenant.suspended_reason).where(Tenant.id == tenant_id)).first() or ""


class BlockedState(SessionState):
    message: str = ""
    reason: str = ""

    @rx.event
    async def load(self):
        ctx = await self._context()
        if ctx is None:
            return rx.redirect("/login")
        if not ctx.tenant_blocked:
            return rx.redirect("/dashboard")
        self.message = self._t("blocked.body", tenant=ctx.tenant_name)
        reason = await call(_reason, tenant_id=ctx.tenant_id)
        # the agency's own suspension is a marker, not a text (services/agency.py)
        self.reason = self._t("agency.suspended_reason") if reason == SUSPENDED_BY_AGENCY \
            else reason


def blocked_page() -> rx.Component:
    s = BlockedState
    return public_shell(
        rx.vstack(
            rx.center(rx.icon("lock", size=28, color=rx.color("red", 10)),
                      background=rx.color("red", 3), border_radius="50%", padding="14px"),
            rx.heading(t("blocked.title"), size="6", id="blocked-title"),
            rx.text(s.message, id="blocked-message"),
            rx.cond(s.reason != "",
                    card(rx.text(t("blocked.reason"), ": ", s.reason, size="2"))),
            rx.cond(
                SessionState.tenants.length() > 1,
                rx.vstack(
                    rx.text(t("blocked.switch"), size="2", weight="medium"),
                    rx.select.root(
                        rx.select.trigger(width="100%", aria_label=t("blocked.switch")),
                        rx.select.content(rx.foreach(
                            SessionState.tenants,
                            lambda ten: rx.select.item(ten["name"], value=ten["id"]),
                        )),
                        value=SessionState.tenant_key,
                        on_change=SessionState.switch_tenant,
                    ),
                    width="100%",
                ),
            ),
            rx.button(t("nav.logout"), variant="soft", color_scheme="gray",
                      on_click=SessionState.logout),
            align="center",
            spacing="4",
            text_align="center",
        )
    )
