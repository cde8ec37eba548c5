"""/dashboard: the current tenant at a glance — its instances and their status."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.badges import status_badge
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.services import auth, entitlements, instances, onboarding
from ylada_app.services.errors import ServiceError
from ylada_app.services.validation import parse_id
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState


def instance_rows(session, *, tenant_id: int) -> list[dict[str, str]]:
    return [
        {
            "id": str(i.id),
            "name": i.name,
            "channel": i.channel,
            "status": i.status,
            "number": i.display_number or "—",
        }
        for i in instances.list_instances(session, tenant_id=tenant_id)
    ]


def _dashboard_data(session, *, tenant_id: int) -> dict:
    state = entitlements.billing_state(session, tenant_id=tenant_id)
    guide = onboarding.progress(session, tenant_id=tenant_id)
    return {
        "instances": instance_rows(session, tenant_id=tenant_id),
        "plan": state.plan_name,
        "plan_status": state.status,
        # the checklist stays until every step is done or the business skips it
        "guide": None if guide.dismissed or guide.finished else {
            "done": guide.done_count, "total": len(guide.steps), "next": guide.next_step},
    }


class DashboardState(SessionState):
    items: list[dict[str, str]] = []
    current_instance: str = ""
    plan_name: str = ""
    plan_status: str = ""
    guide_open: bool = False
    guide_done: int = 0
    guide_label: str = ""
    guide_next: str = ""
    loaded: bool = False

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        data = await call(_dashboard_data, tenant_id=ctx.tenant_id)
        self.items = data["instances"]
        self.plan_name = data["plan"]
        self.plan_status = data["plan_status"]
        self.current_instance = str(ctx.instance_id or "")
        guide = data["guide"]
        self.guide_open = guide is not None
        if guide is not None:
            self.guide_done = guide["done"]
            self.guide_label = self._t("onboarding.progress", done=guide["done"],
                                       total=guide["total"])
            self.guide_next = self._t(f"onboarding.{guide['next']}.title")

    @rx.event
    async def dismiss_guide(self):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        _, problem = await self._call_or_toast(onboarding.dismiss, tenant_id=ctx.tenant_id)
        if problem is not None:
            return problem
        self.guide_open = False

    @rx.event
    async def use_instance(self, instance_key: str):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        try:
            await call(auth.select_instance, token=self._session_token(),
                       tenant_id=ctx.tenant_id,
                       instance_id=parse_id(instance_key))
        except ServiceError:
            return rx.toast.error(self._t("error.not_found"))
        self.current_instance = instance_key

    @rx.var
    def connected_count(self) -> int:
        # WhatsApp numbers only: the plan's usage page counts those (a simulator is no number)
        return len([i for i in self.items
                    if i["status"] == "connected" and i["channel"] != "simulator"])


def _stat(label_key: str, value, icon: str) -> rx.Component:
    return card(
        rx.hstack(
            rx.center(rx.icon(icon, size=20, color=rx.color("jade", 11)),
                      background=rx.color("jade", 3), border_radius="10px", padding="10px"),
            rx.vstack(
                rx.text(t(label_key), size="2", color_scheme="gray"),
                rx.heading(value, size="6"),
                spacing="0",
            ),
            align="center",
            spacing="4",
        )
    )


def _instance_card(item: rx.Var) -> rx.Component:
    is_current = DashboardState.current_instance == item["id"]
    return card(
        rx.vstack(
            rx.hstack(
                rx.icon(rx.cond(item["channel"] == "simulator", "bot", "smartphone"), size=20),
                rx.text(item["name"], weight="bold", size="4"),
                rx.spacer(),
                status_badge(item["status"]),
                width="100%",
                align="center",
            ),
            rx.text(
                rx.cond(item["channel"] == "simulator", t("channel.simulator"),
                        t("channel.whatsapp_cloud")),
                " · ",
                item["number"],
                size="2",
                color_scheme="gray",
            ),
            rx.hstack(
                rx.cond(
                    is_current,
                    rx.badge(rx.icon("check", size=12), t("dashboard.current"),
                             color_scheme="jade", variant="surface"),
                    rx.button(t("dashboard.use"), size="1", variant="soft",
                              on_click=DashboardState.use_instance(item["id"])),
                ),
                rx.spacer(),
                rx.link(t("instances.edit"), href="/instances/" + item["id"], size="2"),
                width="100%",
                align="center",
            ),
            spacing="3",
            width="100%",
        ),
        class_name="instance-card",
    )


def _guide_card() -> rx.Component:
    s = DashboardState
    return card(
        rx.vstack(
            rx.hstack(
                rx.icon("rocket", size=20, color=rx.color("jade", 11)),
                rx.heading(t("onboarding.card_title"), size="4"),
                rx.spacer(),
                rx.button(t("onboarding.dismiss"), size="1", variant="ghost", color_scheme="gray",
                          on_click=s.dismiss_guide, id="guide-dismiss"),
                width="100%", align="center",
            ),
            rx.text(s.guide_label, size="2", weight="medium", id="guide-progress"),
            rx.progress(value=s.guide_done * 20, width="100%", aria_label=t("a11y.progress")),
            rx.hstack(
                rx.text(t("onboarding.now"), ": ", s.guide_next, size="2"),
                rx.spacer(),
                rx.link(rx.button(t("onboarding.continue"), rx.icon("arrow-right", size=16),
                                  size="2", id="guide-continue"), href="/onboarding"),
                width="100%", align="center", wrap="wrap",
            ),
            spacing="3", width="100%",
        ),
        margin_bottom="24px", id="guide-card",
        border=f"2px solid {rx.color('jade', 7)}",
    )


def dashboard_page() -> rx.Component:
    return app_shell(
        page_header(
            "dashboard.title",
            None,
            rx.link(rx.button(rx.icon("plus", size=16), t("dashboard.new_instance"), size="3"),
                    href="/instances/new"),
        ),
        rx.text(SessionState.tenant_name, size="5", weight="medium", margin_bottom="16px",
                id="dashboard-tenant"),
        rx.cond(DashboardState.guide_open, _guide_card()),
        rx.grid(
            _stat("dashboard.count_instances", DashboardState.items.length(), "smartphone"),
            _stat("dashboard.count_connected", DashboardState.connected_count, "wifi"),
            _stat("dashboard.plan", DashboardState.plan_name, "credit-card"),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="4",
            width="100%",
            margin_bottom="28px",
        ),
        rx.heading(t("dashboard.instances"), size="5", margin_bottom="12px"),
        rx.cond(
            DashboardState.items.length() > 0,
            rx.grid(
                rx.foreach(DashboardState.items, _instance_card),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                spacing="4",
                width="100%",
                id="instance-grid",
            ),
            card(rx.text(t("dashboard.empty"), color_scheme="gray"), id="dashboard-empty"),
        ),
        ready=DashboardState.loaded,
    )
