"""/onboarding: the first-hour guide — the niche's template on a simulator number, a first
test chat, "Treinar IA" from a sample catalog, the real number, going live. Each step shows
whether it is done (read from the data by services/onboarding); skippable and resumable."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.models.tenant import NICHES
from ylada_app.services import onboarding
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState


def guide_view(session, *, tenant_id: int) -> dict:
    """What the guide and the dashboard's checklist show (plain strings for the page)."""
    progress = onboarding.progress(session, tenant_id=tenant_id)
    card_ = onboarding.suggested_template(session, tenant_id=tenant_id)
    return {
        "done": {s.key: s.done for s in progress.steps},
        "done_count": progress.done_count,
        "total": len(progress.steps),
        "next": progress.next_step,
        "dismissed": progress.dismissed,
        "niche": progress.niche,
        "sim": str(progress.simulator_id or ""),
        "real": str(progress.real_id or ""),
        "template": {"slug": card_.slug, "name": card_.name,
                     "description": card_.description} if card_ else {},
    }


class OnboardingState(SessionState):
    done: dict[str, bool] = {}
    done_count: int = 0
    total: int = 5
    next_step: str = ""
    niche: str = ""
    sim_id: str = ""
    real_id: str = ""
    template: dict[str, str] = {}
    progress_label: str = ""
    busy: str = ""
    error: str = ""
    loaded: bool = False

    def _show(self, view: dict) -> None:
        self.done = view["done"]
        self.done_count = view["done_count"]
        self.total = view["total"]
        self.next_step = view["next"]
        self.niche = view["niche"]
        self.sim_id = view["sim"]
        self.real_id = view["real"]
        self.template = view["template"]
        self.progress_label = self._t("onboarding.progress", done=self.done_count,
                                      total=self.total)

    async def _refresh(self, tenant_id: int) -> None:
        self._show(await call(guide_view, tenant_id=tenant_id))

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        self.error = self.busy = ""
        await self._refresh(ctx.tenant_id)

    async def _do(self, step: str, fn, **kwargs):
        ctx, redirect = await self._guard()
        if redirect:
            return None, redirect
        self.busy, self.error = step, ""
        try:
            out = await call(fn, tenant_id=ctx.tenant_id, **kwargs)
        except ServiceError as exc:
            self.busy, self.error = "", self._error_text(exc)
            return None, None
        await self._refresh(ctx.tenant_id)
        self.busy = ""
        return out, None

    @rx.event
    async def pick_niche(self, niche: str):
        _, redirect = await self._do("template", onboarding.set_niche, niche=niche)
        return redirect

    @rx.event
    async def install(self):
        sim, redirect = await self._do("template", onboarding.install_suggested,
                                       slug=self.template.get("slug", ""))
        if redirect:
            return redirect
        if sim:
            return rx.toast.success(self._t("onboarding.installed"))

    @rx.event
    async def sample_catalog(self):
        if not self.sim_id:
            return
        added, redirect = await self._do("ai", onboarding.load_sample_catalog,
                                         instance_id=int(self.sim_id))
        if redirect:
            return redirect
        if added:
            return rx.toast.success(self._t("onboarding.catalog_loaded", count=added))

    @rx.event
    async def go_live(self):
        out, redirect = await self._do("live", onboarding.go_live,
                                       slug=self.template.get("slug", ""))
        if redirect:
            return redirect
        if out:
            return rx.toast.success(self._t("onboarding.live"))

    @rx.event
    async def skip(self):
        _, redirect = await self._do("skip", onboarding.dismiss)
        return redirect or rx.redirect("/dashboard")


def _status(step: str) -> rx.Component:
    s = OnboardingState
    return rx.cond(
        s.done[step],
        rx.badge(rx.icon("check", size=12), t("onboarding.done"), color_scheme="jade",
                 variant="surface", class_name="step-done"),
        rx.cond(s.next_step == step,
                rx.badge(t("onboarding.now"), color_scheme="amber", variant="surface"),
                rx.badge(t("onboarding.later"), color_scheme="gray", variant="surface")),
    )


def _step(number: int, step: str, body: rx.Component) -> rx.Component:
    s = OnboardingState
    return card(
        rx.hstack(
            rx.center(rx.text(str(number), weight="bold", color="white"),
                      background=rx.cond(s.done[step], rx.color("jade", 9), rx.color("gray", 8)),
                      border_radius="50%", width="32px", height="32px", flex_shrink="0"),
            rx.vstack(
                rx.hstack(rx.heading(t(f"onboarding.{step}.title"), size="4"), rx.spacer(),
                          _status(step), width="100%", align="center"),
                rx.text(t(f"onboarding.{step}.text"), size="2", color_scheme="gray"),
                body,
                spacing="2", width="100%",
            ),
            spacing="4", align="start", width="100%",
        ),
        id=f"step-{step}",
        border=rx.cond(s.next_step == step, f"2px solid {rx.color('jade', 8)}",
                       f"1px solid {rx.color('gray', 4)}"),
    )


def _template_body() -> rx.Component:
    s = OnboardingState
    return rx.vstack(
        rx.hstack(
            rx.text(t("onboarding.niche"), as_="label", size="2", weight="medium",
                    html_for="onboarding-niche"),
            rx.select.root(
                rx.select.trigger(id="onboarding-niche", aria_label=t("onboarding.niche")),
                rx.select.content(*[rx.select.item(t(f"niche.{n}"), value=n) for n in NICHES]),
                value=s.niche, on_change=s.pick_niche,
            ),
            align="center", spacing="2", wrap="wrap",
        ),
        rx.cond(
            s.template.contains("slug"),
            rx.box(
                rx.text(t("onboarding.suggested"), size="1", color_scheme="gray"),
                rx.text(s.template["name"], weight="bold", id="suggested-template"),
                rx.text(s.template["description"], size="2"),
                padding="12px", border_radius="10px", background=rx.color("jade", 2),
                width="100%",
            ),
        ),
        rx.hstack(
            rx.button(rx.icon("download", size=16), t("onboarding.install"), size="3",
                      on_click=s.install, loading=s.busy == "template",
                      disabled=~s.template.contains("slug"), id="onboarding-install"),
            rx.link(t("onboarding.browse"), href="/marketplace", size="2"),
            align="center", spacing="4", wrap="wrap",
        ),
        spacing="3", width="100%",
    )


def _simulator_body() -> rx.Component:
    s = OnboardingState
    return rx.cond(
        s.sim_id != "",
        rx.link(rx.button(rx.icon("message-square", size=16), t("onboarding.open_simulator"),
                          size="3", variant=rx.cond(s.done["simulator"], "soft", "solid"),
                          id="onboarding-simulator"),
                href="/instances/" + s.sim_id + "/simulator"),
        rx.text(t("onboarding.simulator.first"), size="2", color_scheme="gray"),
    )


def _ai_body() -> rx.Component:
    s = OnboardingState
    return rx.hstack(
        rx.button(rx.icon("book-open", size=16), t("onboarding.sample_catalog"), size="3",
                  variant=rx.cond(s.done["ai"], "soft", "solid"), on_click=s.sample_catalog,
                  loading=s.busy == "ai", disabled=s.sim_id == "",
                  id="onboarding-sample-catalog"),
        rx.link(t("onboarding.open_ai"), href="/ai", size="2", id="onboarding-ai"),
        align="center", spacing="4", wrap="wrap",
    )


def _connect_body() -> rx.Component:
    s = OnboardingState
    return rx.link(
        rx.button(rx.icon("plug", size=16), t("onboarding.connect_button"), size="3",
                  variant=rx.cond(s.done["connect"], "soft", "solid"),
                  id="onboarding-connect"),
        href=rx.cond(s.real_id != "", "/instances/" + s.real_id + "/connect",
                     "/instances/new?channel=whatsapp_cloud"),
    )


def _live_body() -> rx.Component:
    s = OnboardingState
    return rx.button(rx.icon("rocket", size=16), t("onboarding.go_live"), size="3",
                     on_click=s.go_live, loading=s.busy == "live",
                     disabled=~s.done["connect"] | s.done["live"], id="onboarding-go-live")


def onboarding_page() -> rx.Component:
    s = OnboardingState
    return app_shell(
        page_header(
            "onboarding.title", "onboarding.subtitle",
            rx.button(t("onboarding.skip"), variant="ghost", color_scheme="gray",
                      on_click=s.skip, id="onboarding-skip"),
        ),
        rx.vstack(
            rx.text(s.progress_label, size="2", weight="medium", id="onboarding-progress"),
            rx.progress(value=s.done_count * 20, width="100%", max_width="720px",
                        aria_label=t("a11y.progress")),
            rx.cond(s.error != "", rx.callout(s.error, color_scheme="red", width="100%")),
            _step(1, "template", _template_body()),
            _step(2, "simulator", _simulator_body()),
            _step(3, "ai", _ai_body()),
            _step(4, "connect", _connect_body()),
            _step(5, "live", _live_body()),
            rx.cond(s.next_step == "", rx.callout(t("onboarding.all_done"), icon="party-popper",
                                                  color_scheme="jade", width="100%",
                                                  id="onboarding-finished")),
            spacing="4", width="100%", max_width="720px",
        ),
        ready=s.loaded,
    )
