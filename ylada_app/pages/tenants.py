"""/tenants/new: a user creates another business (becoming its owner)."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.forms import form_error, select_field, submit_button, text_field
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.pages.signup import NICHE_OPTIONS
from ylada_app.services import auth, tenants
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


def _create_and_switch(session, *, token: str, user_id: int, name: str, niche: str):
    tenant = tenants.create_tenant(session, user_id=user_id, name=name, niche=niche)
    return auth.switch_tenant(session, token=token, tenant_id=tenant.id)


class NewTenantState(SessionState):
    errors: dict[str, str] = {}
    busy: bool = False

    @rx.event
    async def load(self):
        self.errors = {}
        _, redirect = await self._guard(need_tenant=False)
        return redirect

    @rx.event
    async def submit(self, form: dict):
        ctx, redirect = await self._guard(need_tenant=False)
        if redirect:
            yield redirect
            return
        self.busy = True
        yield
        try:
            new_ctx = await call(
                _create_and_switch, token=self._session_token(), user_id=ctx.user_id,
                name=form.get("tenant_name") or "", niche=form.get("niche") or "outro",
            )
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            self.busy = False
            return
        self._apply(new_ctx)
        self.errors = {}
        self.busy = False
        yield rx.redirect("/dashboard")


def new_tenant_page() -> rx.Component:
    s = NewTenantState
    return app_shell(
        page_header("tenant_new.title", "tenant_new.subtitle"),
        card(
            rx.form(
                rx.vstack(
                    form_error(s.errors),
                    text_field("signup.tenant_name", "tenant_name", s.errors, max_length=80),
                    select_field("signup.niche", "niche", s.errors, NICHE_OPTIONS, "outro"),
                    submit_button("tenant_new.submit", loading=s.busy, id="create-tenant"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=s.submit,
            ),
            max_width="560px",
        ),
    )
