"""/admin/audit (platform admin): the whole audit trail — who did what, when, from where, in
which business — with the same filters as a business's own page (kind, period, person),
pages and a CSV download."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.pages.audit import filters_form, trail_table
from ylada_app.services import audit, audit_view
from ylada_app.state.audit_trail import AuditTrailState
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState

CSV_MAX = 5000


def _page_data(session, *, actor, page: int, lang: str, **filters) -> dict:
    actor.require_admin()
    rows, total = audit_view.admin_view(session, page=page, lang=lang, **filters)
    return {"rows": rows, "total": total, "people": audit.actors(session)}


def _csv(session, *, actor, lang: str, **filters) -> str:
    actor.require_admin()
    rows, _ = audit_view.admin_view(session, lang=lang, per_page=CSV_MAX, **filters)
    audit.record(session, action="export.audit", actor_user_id=actor.user_id, format="csv",
                 rows=len(rows))
    return audit_view.csv_text(rows, lang=lang, with_business=True)


class AdminAuditState(AuditTrailState, SessionState):
    async def _trail_guard(self):
        return await self._guard(admin=True)

    async def _trail_page(self, ctx):
        data = await call(_page_data, actor=ctx, page=self.page, lang=self.lang,
                          **self._filters())
        pages = max(1, -(-data["total"] // audit.PAGE))
        return data["rows"], data["total"], pages, data["people"]

    async def _trail_csv(self, ctx):
        text = await call(_csv, actor=ctx, lang=self.lang, **self._filters())
        return text, "auditoria-plataforma.csv"


def admin_audit_page() -> rx.Component:
    s = AdminAuditState
    return app_shell(
        page_header("audit.title", "audit.subtitle",
                    rx.button(rx.icon("download", size=14), t("audit.export_csv"),
                              variant="soft", on_click=s.download, id="audit-csv")),
        card(filters_form(s), margin_bottom="16px"),
        card(trail_table(s, business_column=True)),
        ready=s.loaded,
    )
