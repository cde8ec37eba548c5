"""/privacy/requests ("Solicitações LGPD"): every data subject request of the business —
open ones first, by deadline, highlighted, overdue ones marked — with a link to the contact
and, for a built export, its expiring download. Owners and admins only.
"""

from __future__ import annotations

import reflex as rx

from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.pages.contact_privacy import request_row, status_badge
from ylada_app.services import privacy
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


def _rows(session, *, tenant_id: int) -> list[privacy.RequestView]:
    return privacy.list_requests(session, tenant_id=tenant_id)


class PrivacyRequestsState(SessionState):
    loaded: bool = False
    rows: list[dict[str, str]] = []
    open_count: int = 0

    @rx.event
    async def load(self):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        views = await call(_rows, tenant_id=ctx.tenant_id)
        self.rows = [request_row(v, self._t) for v in views]
        self.open_count = sum(1 for v in views if v.status in privacy.OPEN)
        self.loaded = True
        return None


def _row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r["kind"], weight="medium"),
        rx.table.cell(rx.cond(r["contact"] != "",
                              rx.link(r["contact_label"], href="/contacts/" + r["contact"]),
                              rx.text(t("privacy.erased_contact"), color_scheme="gray"))),
        rx.table.cell(r["source"]),
        rx.table.cell(r["created"], white_space="nowrap"),
        rx.table.cell(rx.text(r["due"], weight=rx.cond(r["open"] == "1", "bold", "regular"),
                              color_scheme=rx.cond(r["status_key"] == "overdue", "red",
                                                   "gray")),
                      white_space="nowrap"),
        rx.table.cell(status_badge(r)),
        rx.table.cell(rx.cond(r["url"] != "",
                              rx.link(rx.button(rx.icon("file-down", size=14),
                                                t("privacy.download"), size="1",
                                                variant="soft"),
                                      href=r["url"], is_external=True),
                              rx.text(r["done"], size="1", color_scheme="gray"))),
        background=rx.cond(r["status_key"] == "overdue", "var(--red-a3)",
                           rx.cond(r["open"] == "1", "var(--amber-a3)", "transparent")),
        class_name=rx.cond(r["open"] == "1", "privacy-request open", "privacy-request"),
    )


def privacy_requests_page() -> rx.Component:
    s = PrivacyRequestsState
    cols = ("privacy.col.kind", "privacy.col.contact", "privacy.col.source",
            "privacy.col.created", "privacy.col.due", "privacy.col.status",
            "privacy.col.done")
    return app_shell(
        rx.vstack(
            page_header("privacy.title", "privacy.subtitle",
                        rx.cond(s.open_count > 0,
                                rx.badge(s.tr["privacy.open_count"].replace(
                                    "{n}", s.open_count.to_string()),
                                    color_scheme="amber", size="2", id="privacy-open"))),
            card(
                rx.cond(s.rows.length() == 0,
                        rx.text(t("privacy.empty"), size="2", color_scheme="gray",
                                id="privacy-requests-empty"),
                        rx.table.root(
                            rx.table.header(rx.table.row(
                                *[rx.table.column_header_cell(t(c)) for c in cols])),
                            rx.table.body(rx.foreach(s.rows, _row)),
                            width="100%", size="2", id="privacy-requests"),
                        ),
                width="100%",
            ),
            spacing="4", width="100%",
        ),
        ready=s.loaded,
    )
