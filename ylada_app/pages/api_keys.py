"""/settings/api ("API"): the business's keys of the public REST API — create (the key is
shown once), see when each was last used, revoke. Owners and admins only."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.confirm import confirm_button
from ylada_app.components.forms import form_error, submit_button, text_field
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.services import api_keys
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState


def _rows(session, *, tenant_id: int) -> list[dict[str, str]]:
    return [{"id": str(k.id), "name": k.name, "prefix": k.prefix + "…",
             "scopes": ",".join(k.scopes), "created": local_text(k.created_at),
             "used": local_text(k.last_used_at) if k.last_used_at else "",
             "revoked": "1" if k.revoked else ""}
            for k in api_keys.list_keys(session, tenant_id=tenant_id)]


class ApiKeysState(SessionState):
    loaded: bool = False
    keys: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    new_key: str = ""  # shown once, right after creating it
    busy: bool = False
    form_key: int = 0

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        self.new_key = ""
        self.keys = await call(_rows, tenant_id=ctx.tenant_id)

    @rx.event
    async def create(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        self.busy = True
        try:
            row_and_key = await call(api_keys.create_key, tenant_id=ctx.tenant_id,
                                     name=form.get("name"), scopes=form.get("scopes") or "read",
                                     user_id=ctx.user_id)
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            self.busy = False
            return None
        self.errors, self.busy = {}, False
        self.new_key = row_and_key[1]
        self.form_key += 1
        self.keys = await call(_rows, tenant_id=ctx.tenant_id)
        return None

    @rx.event
    def hide_key(self):
        self.new_key = ""

    @rx.event
    async def revoke(self, key_id: str):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        _, problem = await self._call_or_toast(api_keys.revoke_key, tenant_id=ctx.tenant_id,
                                               key_id=key_id, actor_user_id=ctx.user_id)
        if problem is not None:
            return problem
        self.keys = await call(_rows, tenant_id=ctx.tenant_id)
        return rx.toast.success(self._t("apikeys.revoked"))


def _key_row(k: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(k["name"], min_width="120px"),
        rx.table.cell(rx.code(k["prefix"])),
        rx.table.cell(rx.cond(k["scopes"] == "read", t("apikeys.scope_read"),
                              t("apikeys.scope_write"))),
        rx.table.cell(k["created"]),
        rx.table.cell(rx.cond(k["used"] != "", k["used"], t("apikeys.never_used"))),
        rx.table.cell(rx.cond(
            k["revoked"] != "",
            rx.badge(t("apikeys.revoked_badge"), color_scheme="gray", variant="soft"),
            confirm_button(
                rx.button(t("apikeys.revoke"), size="1", variant="soft", color_scheme="red",
                          class_name="revoke-key"),
                title_key="apikeys.confirm_title",
                body=rx.text(t("apikeys.confirm_body"), " ", rx.text.strong(k["name"]), "."),
                confirm_key="apikeys.revoke", on_confirm=ApiKeysState.revoke(k["id"]),
                confirm_id="confirm-revoke-key"),
        )),
        class_name="key-row",
    )


def api_keys_page() -> rx.Component:
    s = ApiKeysState
    shown = rx.cond(s.new_key != "", rx.callout.root(
        rx.callout.icon(rx.icon("key-round")),
        rx.vstack(
            rx.text(t("apikeys.copy_now"), weight="bold"),
            rx.hstack(rx.code(s.new_key, id="new-key", word_break="break-all"),
                      rx.icon_button(rx.icon("copy", size=14), size="1", variant="soft",
                                     on_click=rx.set_clipboard(s.new_key)),
                      align="center"),
            rx.button(t("apikeys.done"), size="1", variant="soft", on_click=s.hide_key),
            spacing="2",
        ),
        color_scheme="amber", width="100%",
    ))
    form = card(
        rx.form(
            rx.vstack(
                rx.heading(t("apikeys.new"), size="4"),
                form_error(s.errors),
                text_field("apikeys.name", "name", s.errors, max_length=80,
                           placeholder="ERP, planilha, n8n…"),
                rx.vstack(
                    rx.text(t("apikeys.scopes"), size="2", weight="medium"),
                    rx.select.root(
                        rx.select.trigger(width="100%", id="field-scopes",
                                          aria_label=t("a11y.scopes")),
                        rx.select.content(
                            rx.select.item(t("apikeys.scope_read"), value="read"),
                            rx.select.item(t("apikeys.scope_write"), value="read,write"),
                        ),
                        name="scopes", default_value="read", size="3",
                    ),
                    spacing="1", width="100%",
                ),
                submit_button("apikeys.create", loading=s.busy, id="create-key"),
                spacing="4", width="100%",
            ),
            on_submit=s.create, key=s.form_key,
        ),
        max_width="420px",
    )
    table = card(
        rx.cond(
            s.keys.length() == 0,
            rx.text(t("apikeys.none"), color_scheme="gray", id="no-keys"),
            rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell(t("common.name")),
                    rx.table.column_header_cell(t("apikeys.key")),
                    rx.table.column_header_cell(t("apikeys.scopes")),
                    rx.table.column_header_cell(t("apikeys.created")),
                    rx.table.column_header_cell(t("apikeys.last_used")),
                    rx.table.column_header_cell(""),
                )),
                rx.table.body(rx.foreach(s.keys, _key_row)),
                width="100%",
            ),
        ),
        rx.text(t("apikeys.docs_hint"), " ",
                rx.link("/api/v1/docs", href="/api/v1/docs", is_external=True), size="2",
                color_scheme="gray", margin_top="12px"),
        flex="2",
    )
    return app_shell(
        page_header("apikeys.title", "apikeys.subtitle"),
        rx.vstack(
            shown,
            rx.flex(table, form, spacing="4", width="100%", align="start",
                    direction=rx.breakpoints(initial="column", md="row")),
            spacing="4", width="100%",
        ),
        ready=s.loaded,
    )
