"""The "Consentimentos" section of a contact's page (/contacts/[cid]): every grant and
revocation of the contact, in words, and its CSV download. Its own small state, loaded when
the section mounts and again after the page's consent switches change something."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.layout import card
from ylada_app.components.texts import t
from ylada_app.pages.instances import path_segment
from ylada_app.services import consent_view
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


class ContactConsentsState(SessionState):
    rows: list[dict[str, str]] = []

    def _cid(self) -> str:
        return path_segment(self.router.url.path, 1)

    @rx.event
    async def load(self):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            return redirect
        try:
            self.rows = await call(consent_view.rows, tenant_id=ctx.tenant_id,
                                   contact_id=self._cid(), lang=self.lang)
        except ServiceError:
            self.rows = []
        return None

    @rx.event
    async def download(self):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            return redirect
        text, problem = await self._call_or_toast(
            consent_view.csv_download, tenant_id=ctx.tenant_id, contact_id=self._cid(),
            user_id=ctx.user_id, lang=self.lang)
        if problem is not None:
            return problem
        return rx.download(data=text, filename=f"consentimentos-contato-{self._cid()}.csv")


def _row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r["when"], white_space="nowrap"),
        rx.table.cell(r["purpose"]),
        rx.table.cell(rx.badge(r["choice"], color_scheme=rx.cond(r["granted"] == "1", "green",
                                                                  "red"), variant="soft")),
        rx.table.cell(r["basis"]),
        rx.table.cell(r["source"]),
        rx.table.cell(rx.text(r["text"], size="1", color_scheme="gray"), max_width="280px"),
        class_name="consent-row",
    )


def consents_section() -> rx.Component:
    s = ContactConsentsState
    cols = ("consents.col.when", "consents.col.purpose", "consents.col.choice",
            "consents.col.basis", "consents.col.source", "consents.col.text")
    return card(
        rx.hstack(
            rx.vstack(rx.heading(t("consents.title"), size="3"),
                      rx.text(t("consents.subtitle"), size="1", color_scheme="gray"),
                      spacing="1"),
            rx.spacer(),
            rx.button(rx.icon("download", size=14), t("consents.download"), size="1",
                      variant="soft", on_click=s.download, id="consents-csv",
                      disabled=s.rows.length() == 0),
            width="100%", align="start", margin_bottom="8px",
        ),
        rx.cond(s.rows.length() == 0,
                rx.text(t("consents.empty"), size="2", color_scheme="gray",
                        id="consents-empty"),
                rx.table.root(
                    rx.table.header(rx.table.row(
                        *[rx.table.column_header_cell(t(c)) for c in cols])),
                    rx.table.body(rx.foreach(s.rows, _row)),
                    width="100%", size="1", id="consents-table",
                )),
        on_mount=s.load, width="100%", id="consents",
    )
