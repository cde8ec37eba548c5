"""The "Dados pessoais (LGPD)" section of a contact's page (/contacts/[cid]): buttons to
export or erase the contact's data (the erasure asks first, saying what goes), and the
contact's requests with their status, progress, deadline and — for a built export — an
expiring download link. Its own small state; it polls while a request is open.

Agents see the list; only owners and admins can ask for an export or an erasure.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ylada_app.components.confirm import confirm_button
from ylada_app.components.layout import card
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.pages.instances import path_segment
from ylada_app.services import privacy
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState

POLL_S = 1.0


def request_row(view: privacy.RequestView, tr) -> dict[str, str]:
    """A request as the pages show it (`tr`: the state's translate)."""
    status = "overdue" if view.overdue else view.status
    return {"id": str(view.id), "kind": tr(f"privacy.kind.{view.kind}"),
            "source": tr(f"privacy.source.{view.source}"),
            "status": tr(f"privacy.status.{status}"), "status_key": status,
            "progress": str(view.progress),
            "created": local_text(view.created_at, "%d/%m/%Y %H:%M"),
            "due": local_text(view.due_at, "%d/%m/%Y"),
            "done": local_text(view.done_at, "%d/%m/%Y %H:%M") if view.done_at else "—",
            "open": "1" if view.status in privacy.OPEN else "",
            "url": f"/privacy/exports/{view.id}/{view.file_token}" if view.downloadable else "",
            "contact": str(view.contact_id or ""), "contact_label": view.contact_label}


class ContactPrivacyState(SessionState):
    rows: list[dict[str, str]] = []
    erased: bool = False
    can_act: bool = False
    polling: bool = False

    def _cid(self) -> str:
        return path_segment(self.router.url.path, 1)

    async def _refresh(self, ctx) -> None:
        try:
            views = await call(privacy.list_requests, tenant_id=ctx.tenant_id,
                               contact_id=self._cid())
            self.erased = await call(_erased, tenant_id=ctx.tenant_id, contact_id=self._cid())
        except ServiceError:
            views, self.erased = [], False
        self.can_act = ctx.role in ("owner", "admin")
        # (agents see the requests; the file is for owners and admins, as the route says)
        self.rows = [{**request_row(v, self._t), **({} if self.can_act else {"url": ""})}
                     for v in views]

    @rx.event
    async def load(self):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            return redirect
        await self._refresh(ctx)
        if any(r["open"] for r in self.rows) and not self.polling:
            return ContactPrivacyState.poll
        return None

    async def _ask(self, kind: str):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        _, problem = await self._call_or_toast(
            privacy.create_request, tenant_id=ctx.tenant_id, contact_id=self._cid(), kind=kind,
            source="contact_page", user_id=ctx.user_id)
        if problem is not None:
            return problem
        await self._refresh(ctx)
        return [rx.toast.success(self._t(f"privacy.requested_{kind}")),
                *([ContactPrivacyState.poll] if not self.polling else [])]

    @rx.event
    async def request_export(self):
        return await self._ask("export")

    @rx.event
    async def request_erase(self):
        return await self._ask("erase")

    @rx.event(background=True)
    async def poll(self):
        async with self:
            if self.polling:
                return
            self.polling = True
        try:
            for _ in range(600):
                await asyncio.sleep(POLL_S)
                async with self:
                    ctx = await self._context()
                    if ctx is None or ctx.tenant_id is None:
                        return
                    was_erased = self.erased
                    await self._refresh(ctx)
                    just_erased = self.erased and not was_erased
                    still_open = any(r["open"] for r in self.rows)
                if just_erased:
                    from ylada_app.pages.contacts import ContactState

                    yield ContactState.load  # the page's own fields show the anonymised contact
                if not still_open:
                    return
        finally:
            async with self:
                self.polling = False


def _erased(session, *, tenant_id: int, contact_id: str) -> bool:
    from ylada_app.services.contacts import get_contact

    return privacy.is_erased(get_contact(session, tenant_id=tenant_id, contact_id=contact_id))


def status_badge(r: rx.Var) -> rx.Component:
    color = rx.match(r["status_key"], ("done", "green"), ("failed", "red"),
                     ("overdue", "red"), ("running", "blue"), "amber")
    return rx.hstack(
        rx.badge(r["status"], color_scheme=color, variant="soft"),
        rx.cond(r["open"] == "1",
                rx.progress(value=r["progress"].to(int), max=100, width="60px", size="1")),
        align="center", spacing="2")


def _row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r["kind"]),
        rx.table.cell(r["source"]),
        rx.table.cell(r["created"], white_space="nowrap"),
        rx.table.cell(r["due"], white_space="nowrap"),
        rx.table.cell(status_badge(r)),
        rx.table.cell(rx.cond(r["url"] != "",
                              rx.link(rx.button(rx.icon("file-down", size=14),
                                                t("privacy.download"), size="1",
                                                variant="soft"),
                                      href=r["url"], is_external=True,
                                      class_name="privacy-download"),
                              rx.text(r["done"], size="1", color_scheme="gray"))),
        class_name="privacy-row",
    )


def privacy_section() -> rx.Component:
    s = ContactPrivacyState
    cols = ("privacy.col.kind", "privacy.col.source", "privacy.col.created",
            "privacy.col.due", "privacy.col.status", "privacy.col.done")
    actions = rx.cond(
        s.can_act & ~s.erased,
        rx.hstack(
            rx.button(rx.icon("file-down", size=14), t("privacy.export"), size="2",
                      variant="soft", on_click=s.request_export, id="privacy-export"),
            confirm_button(
                rx.button(rx.icon("user-x", size=14), t("privacy.erase"), size="2",
                          variant="soft", color_scheme="red", id="privacy-erase"),
                title_key="privacy.erase_title", body=t("privacy.erase_body"),
                confirm_key="privacy.erase_confirm", on_confirm=s.request_erase,
                confirm_id="privacy-erase-confirm"),
            spacing="2", wrap="wrap"),
    )
    return card(
        rx.hstack(
            rx.vstack(rx.heading(t("privacy.section"), size="3"),
                      rx.text(t("privacy.section_hint"), size="1", color_scheme="gray"),
                      spacing="1"),
            rx.spacer(), actions,
            width="100%", align="start", margin_bottom="8px", wrap="wrap",
        ),
        rx.cond(s.erased, rx.callout(t("privacy.erased_note"), icon="shield-check",
                                     color_scheme="gray", size="1", id="privacy-erased",
                                     margin_bottom="8px")),
        rx.cond(s.rows.length() == 0,
                rx.text(t("privacy.no_requests"), size="2", color_scheme="gray",
                        id="privacy-empty"),
                rx.table.root(
                    rx.table.header(rx.table.row(
                        *[rx.table.column_header_cell(t(c)) for c in cols])),
                    rx.table.body(rx.foreach(s.rows, _row)),
                    width="100%", size="1", id="privacy-table",
                )),
        on_mount=s.load, width="100%", id="privacy",
    )
