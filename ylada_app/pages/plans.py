"""/plans: the public plan catalogue (no login needed)."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.layout import logo
from ylada_app.components.texts import t
from ylada_app.pages.plan_cards import plan_card, plan_row
from ylada_app.services import billing, entitlements
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


def _plans(session, *, tenant_id: int | None, lang: str = "pt-BR") -> list[dict[str, str]]:
    current = entitlements.billing_state(session, tenant_id=tenant_id).plan_code \
        if tenant_id is not None else ""
    return [plan_row(p, current, lang) for p in billing.plan_catalog(session)]


class PlansState(SessionState):
    plans: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        self._sync_lang()
        # signed in? then the header offers the dashboard, not a login, and the business's
        # own plan is marked
        ctx = await self._context()
        self.plans = await call(_plans, tenant_id=ctx.tenant_id if ctx is not None else None,
                                lang=self.lang)


def _action(plan: rx.Var) -> rx.Component:
    # Signed in, a card leads to subscribing (billing), not to a second sign-up; the plan
    # already in use is not offered as a choice.
    return rx.cond(
        SessionState.authed,
        rx.link(rx.cond(plan["current"] == "1",
                        rx.button(t("plans.see_mine"), width="100%", size="3", variant="soft",
                                  class_name="plan-mine"),
                        rx.button(t("plans.choose"), width="100%", size="3",
                                  class_name="plan-choose")),
                href="/billing", width="100%"),
        rx.link(rx.button(t("plans.start"), width="100%", size="3", class_name="plan-start"),
                href="/signup", width="100%"))


def plans_page() -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.hstack(logo(), rx.spacer(),
                      rx.cond(SessionState.authed,
                              rx.link(t("plans.to_dashboard"), href="/dashboard",
                                      id="plans-dashboard"),
                              rx.link(t("plans.login"), href="/login", id="plans-login")),
                      rx.button(rx.icon("languages", size=14), t("nav.language"),
                                variant="ghost", size="1", on_click=SessionState.toggle_lang),
                      width="100%", align="center", spacing="4"),
            rx.heading(t("plans.title"), size="8", margin_top="24px"),
            rx.text(t("plans.subtitle"), size="4", color_scheme="gray"),
            rx.grid(rx.foreach(PlansState.plans, lambda p: plan_card(p, _action(p))),
                    columns=rx.breakpoints(initial="1", sm="2", lg="4"), spacing="4",
                    width="100%", margin_top="24px"),
            spacing="3", max_width="1200px", width="100%", margin="0 auto",
        ),
        padding="32px", min_height="100vh",
        background=f"linear-gradient(160deg, {rx.color('jade', 2)} 0%, {rx.color('gray', 2)} 60%)",
    )
