"""/admin/audit (platform admin): the audit trail — who did what, when, from where."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.services import audit
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState

FILTERS = (("", "audit.filter_all"), ("admin.", "audit.filter_admin"),
           ("auth.", "audit.filter_auth"), ("team.", "audit.filter_team"))


def _rows(session, *, actor, prefix: str) -> list[dict]:
    actor.require_admin()
    return [
        {"when": local_text(e.at, "%d/%m/%Y %H:%M:%S"), "actor": e.actor, "action": e.action,
         "target": e.target or "—", "ip": e.client_ip or "—",
         "raw": {k: v for k, v in e.details.items() if v not in ("", None)}}
        for e in audit.entries(session, action_prefix=prefix, limit=300)
    ]


class AdminAuditState(SessionState):
    rows: list[dict[str, str]] = []

    def _label(self, key: str, fallback: str) -> str:
        label = self._t(key)
        return fallback if label == key else label

    prefix: str = ""
    loaded: bool = False

    @rx.event
    async def load(self):
        self.loaded = False
        yield
        ctx, redirect = await self._guard(admin=True)
        if redirect:
            yield redirect
            return
        await self._fill(ctx)
        self.loaded = True

    async def _fill(self, ctx) -> None:
        rows = await call(_rows, actor=ctx, prefix=self.prefix)
        for row in rows:  # actions and fields in words; an unknown one as it is
            row["what"] = self._label("audit.action." + row["action"], row["action"])
            row["details"] = "; ".join(f"{self._label('field.' + k, k)}: {v}"
                                       for k, v in row.pop("raw").items()) or "—"
        self.rows = rows

    @rx.event
    async def set_filter(self, prefix: str):
        ctx, redirect = await self._guard(admin=True)
        if redirect:
            return redirect
        self.prefix = prefix if prefix in {p for p, _ in FILTERS} else ""
        await self._fill(ctx)


def _row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r["when"], white_space="nowrap"),
        rx.table.cell(r["actor"]),
        rx.table.cell(r["what"]),
        rx.table.cell(r["target"]),
        rx.table.cell(r["details"], max_width="320px"),
        rx.table.cell(r["ip"]),
        class_name="audit-row",
    )


def admin_audit_page() -> rx.Component:
    s = AdminAuditState
    return app_shell(
        page_header("audit.title", "audit.subtitle"),
        card(
            rx.hstack(*[rx.button(t(label), size="1", on_click=s.set_filter(prefix),
                                  variant=rx.cond(s.prefix == prefix, "solid", "soft"))
                        for prefix, label in FILTERS], spacing="2", margin_bottom="12px"),
            rx.cond(s.rows.length() == 0, rx.text(t("audit.empty"), color_scheme="gray")),
            rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell(t("audit.when")),
                    rx.table.column_header_cell(t("audit.who")),
                    rx.table.column_header_cell(t("audit.what")),
                    rx.table.column_header_cell(t("audit.target")),
                    rx.table.column_header_cell(t("audit.details")),
                    rx.table.column_header_cell(t("account.address")),
                )),
                rx.table.body(rx.foreach(s.rows, _row)),
                width="100%", id="audit-table",
            ),
        ),
        ready=s.loaded,
    )
