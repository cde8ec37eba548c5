"""/settings/privacy ("Privacidade e retenção"), owner only: the business's retention policy
(messages and AI logs older than N / M days are deleted every night), the last run and the
next one, the DPA it accepted, and closing the account (read-only for 30 days, then erased;
reopening while it lasts)."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.forms import field_error, form_error
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.models import Tenant
from ylada_app.services import closure, retention
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


def _snapshot(session, *, tenant_id: int) -> dict:
    st = retention.status(session, tenant_id=tenant_id)
    tenant = session.get(Tenant, tenant_id)
    last = st.last_run
    fmt = "%d/%m/%Y %H:%M"
    return {
        "messages_days": str(st.policy.messages_days), "ai_days": str(st.policy.ai_days),
        "last_at": local_text(last.finished_at, fmt, st.timezone) if last else "",
        "last_messages": str(last.messages_deleted) if last else "",
        "last_ai": str(last.ai_logs_deleted) if last else "",
        "next_at": local_text(st.next_run, fmt, st.timezone),
        "status": tenant.status, "name": tenant.name,
        "closed_at": local_text(tenant.closed_at, "%d/%m/%Y", st.timezone),
        "erase_after": local_text(tenant.erase_after, "%d/%m/%Y", st.timezone),
        "dpa_version": str(tenant.dpa_version or ""),
        "dpa_at": local_text(tenant.dpa_accepted_at, "%d/%m/%Y", st.timezone),
    }


class PrivacySettingsState(SessionState):
    loaded: bool = False
    owner: bool = False
    info: dict[str, str] = {}
    errors: dict[str, str] = {}
    close_errors: dict[str, str] = {}
    busy: bool = False

    async def _owner_ctx(self):
        ctx, redirect = await self._guard()
        if redirect:
            return None, redirect
        self.owner = ctx.role == "owner"
        return (ctx if self.owner else None), None

    async def _refresh(self, tenant_id: int) -> None:
        self.info = await call(_snapshot, tenant_id=tenant_id)

    @rx.event
    async def load(self):
        self.loaded = False
        self.errors, self.close_errors = {}, {}
        yield
        ctx, redirect = await self._owner_ctx()
        if redirect:
            yield redirect
            return
        if ctx is not None:
            await self._refresh(ctx.tenant_id)
        self.loaded = True

    @rx.event
    async def save_policy(self, form: dict):
        ctx, redirect = await self._owner_ctx()
        if redirect or ctx is None:
            return redirect
        try:
            await call(retention.set_policy, tenant_id=ctx.tenant_id,
                       messages_days=form.get("messages_days"), ai_days=form.get("ai_days"))
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return
        self.errors = {}
        await self._refresh(ctx.tenant_id)
        return rx.toast.success(self._t("retention.saved"))

    @rx.event
    async def close_account(self, form: dict):
        ctx, redirect = await self._owner_ctx()
        if redirect or ctx is None:
            yield redirect
            return
        self.busy = True
        yield
        try:
            await call(closure.close_business, tenant_id=ctx.tenant_id, user_id=ctx.user_id,
                       confirmation=form.get("confirmation"), client_ip=self._client_ip())
        except ServiceError as exc:
            self.close_errors = self._field_errors(exc)
            self.busy = False
            return
        self.busy = False
        self.close_errors = {}
        await self._context()
        await self._refresh(ctx.tenant_id)
        yield rx.toast.success(self._t("closure.closed_toast"))

    @rx.event
    async def reopen(self):
        ctx, redirect = await self._owner_ctx()
        if redirect or ctx is None:
            return redirect
        _, problem = await self._call_or_toast(closure.reopen_business, tenant_id=ctx.tenant_id,
                                               user_id=ctx.user_id, client_ip=self._client_ip())
        if problem is not None:
            return problem
        await self._context()
        await self._refresh(ctx.tenant_id)
        return rx.toast.success(self._t("closure.reopened_toast"))


def _days_field(name: str, label_key: str, hint_key: str) -> rx.Component:
    s = PrivacySettingsState
    return rx.vstack(
        rx.text(t(label_key), as_="label", size="2", weight="medium", html_for=f"field-{name}"),
        rx.hstack(
            # no `min`: the browser would block the form silently; the service says why
            rx.input(name=name, id=f"field-{name}", type="number",
                     default_value=s.info.get(name, ""), key=s.info.get(name, ""), size="3",
                     width="140px", aria_label=t(label_key),
                     color_scheme=rx.cond(s.errors.contains(name), "red", "jade")),
            rx.text(t("retention.days"), size="2", color_scheme="gray"),
            align="center",
        ),
        rx.text(t(hint_key), size="1", color_scheme="gray"),
        field_error(s.errors, name),
        spacing="1",
    )


def _policy_card() -> rx.Component:
    s = PrivacySettingsState
    return card(
        rx.form(
            rx.vstack(
                rx.heading(t("retention.policy_title"), size="4"),
                rx.text(t("retention.policy_body"), size="2", color_scheme="gray"),
                form_error(s.errors),
                rx.flex(
                    _days_field("messages_days", "retention.messages_days",
                                "retention.messages_hint"),
                    _days_field("ai_days", "retention.ai_days", "retention.ai_hint"),
                    spacing="6", wrap="wrap",
                ),
                rx.button(t("retention.save"), type="submit", id="retention-save"),
                spacing="3", align="start",
            ),
            on_submit=s.save_policy,
            reset_on_submit=False,
        ),
        id="retention-policy",
    )


def _runs_card() -> rx.Component:
    s = PrivacySettingsState
    return card(
        rx.vstack(
            rx.heading(t("retention.runs_title"), size="4"),
            rx.hstack(rx.icon("calendar-clock", size=16),
                      rx.text(t("retention.next_run"), ": ", rx.text.strong(s.info["next_at"]),
                              size="2", id="retention-next"),
                      align="center"),
            rx.cond(
                s.info["last_at"] != "",
                rx.hstack(rx.icon("history", size=16),
                          rx.text(t("retention.last_run"), ": ", s.info["last_at"], " · ",
                                  rx.text.strong(s.info["last_messages"]), " ",
                                  t("retention.messages_deleted"), " · ",
                                  rx.text.strong(s.info["last_ai"]), " ",
                                  t("retention.ai_deleted"), size="2", id="retention-last"),
                          align="center"),
                rx.text(t("retention.never_ran"), size="2", color_scheme="gray",
                        id="retention-last"),
            ),
            rx.text(t("retention.totals_note"), size="1", color_scheme="gray"),
            spacing="2",
        ),
    )


def _documents_card() -> rx.Component:
    s = PrivacySettingsState
    return card(
        rx.vstack(
            rx.heading(t("legal.documents"), size="4"),
            rx.cond(s.info["dpa_version"] != "",
                    rx.text(t("legal.dpa_accepted"), " ", s.info["dpa_version"], " · ",
                            s.info["dpa_at"], size="2", id="dpa-accepted"),
                    rx.text(t("legal.dpa_not_recorded"), size="2", color_scheme="gray")),
            rx.hstack(rx.link(t("legal.privacy_title"), href="/legal/privacy", is_external=True),
                      rx.text("·", color_scheme="gray"),
                      rx.link(t("legal.dpa_title"), href="/legal/dpa", is_external=True),
                      spacing="2"),
            spacing="2",
        ),
    )


def _closure_card() -> rx.Component:
    s = PrivacySettingsState
    closed = rx.vstack(
        rx.callout.root(
            rx.callout.icon(rx.icon("lock", size=16)),
            rx.callout.text(t("closure.closed_on"), " ", s.info["closed_at"], ". ",
                            t("closure.erase_on"), " ", rx.text.strong(s.info["erase_after"]),
                            "."),
            color_scheme="red", variant="surface", width="100%", id="closure-closed"),
        rx.text(t("closure.reopen_body"), size="2", color_scheme="gray"),
        rx.button(rx.icon("lock-open", size=16), t("closure.reopen"), on_click=s.reopen,
                  id="closure-reopen", color_scheme="jade"),
        spacing="3", width="100%",
    )
    open_form = rx.form(
        rx.vstack(
            rx.text(t("closure.body"), size="2"),
            rx.el.ul(rx.el.li(t("closure.point_billing")), rx.el.li(t("closure.point_read")),
                     rx.el.li(t("closure.point_erase")), rx.el.li(t("closure.point_keep")),
                     style={"paddingLeft": "20px", "fontSize": "14px", "lineHeight": "1.7",
                            "listStyleType": "disc"}),
            rx.text(t("closure.confirm_label"), " ", rx.text.strong(s.info["name"]),
                    as_="label", size="2", weight="medium", html_for="field-confirmation"),
            rx.input(name="confirmation", id="field-confirmation", size="3", width="100%",
                     max_width="360px", auto_complete="off",
                     aria_label=t("closure.confirm_label"),
                     color_scheme=rx.cond(s.close_errors.contains("confirmation"), "red",
                                          "gray")),
            field_error(s.close_errors, "confirmation"),
            form_error(s.close_errors),
            rx.button(rx.icon("triangle-alert", size=16), t("closure.submit"), type="submit",
                      color_scheme="red", loading=s.busy, id="closure-submit"),
            spacing="3", align="start", width="100%",
        ),
        on_submit=s.close_account,
        reset_on_submit=False,
    )
    return card(
        rx.vstack(
            rx.heading(t("closure.title"), size="4", color_scheme="red"),
            rx.cond(s.info["status"] == "closed", closed, open_form),
            spacing="3", width="100%",
        ),
        border=f"1px solid {rx.color('red', 6)}",
        id="closure",
    )


def privacy_settings_page() -> rx.Component:
    s = PrivacySettingsState
    return app_shell(
        page_header("retention.title", "retention.subtitle"),
        rx.cond(
            s.owner,
            rx.vstack(_policy_card(), _runs_card(), _documents_card(), _closure_card(),
                      spacing="4", width="100%", max_width="820px"),
            card(rx.text(t("retention.owner_only"), color_scheme="gray"), id="owner-only"),
        ),
        ready=s.loaded,
    )
