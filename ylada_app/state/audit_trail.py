"""AuditTrailState: the filters, pages and CSV download shared by the two audit-trail pages
(a business's /settings/audit and the platform admin's /admin/audit). A page's state says
only who may look (`_trail_guard`), where one page of rows comes from (`_trail_page`) and
where the CSV comes from (`_trail_csv`).

A Reflex *mixin*: its vars and event handlers are copied into each page's state (`class
AuditState(AuditTrailState, SessionState)`). A plain parent state would not do — Reflex runs
an inherited handler on the parent's own instance, which has no page behind it."""

from __future__ import annotations

import reflex as rx

from ylada_app.services.audit import KINDS
from ylada_app.services.errors import ServiceError

ALL = "all"  # the selects' "no filter" (a Radix select item cannot be empty)


class AuditTrailState(rx.State, mixin=True):
    loaded: bool = False
    rows: list[dict[str, str]] = []
    people: list[dict[str, str]] = []
    kind: str = ALL
    person: str = ALL
    since: str = ""
    until: str = ""
    page: int = 1
    pages: int = 1
    total: int = 0
    error: str = ""
    form_key: int = 0

    # --- what a page's state provides -------------------------------------------------
    async def _trail_guard(self):
        return await self._guard()

    async def _trail_page(self, ctx) -> tuple[list[dict[str, str]], int, int, list]:
        """(rows, total, pages, people as (user id, name)) for the current filters."""
        raise NotImplementedError

    async def _trail_csv(self, ctx) -> tuple[str, str]:
        """(CSV text, file name)."""
        raise NotImplementedError

    # --- shared -----------------------------------------------------------------------
    def _filters(self) -> dict:
        return {"kind": "" if self.kind == ALL else self.kind,
                "person": "" if self.person == ALL else self.person,
                "since": self.since, "until": self.until}

    async def _fill(self, ctx) -> None:
        try:
            self.rows, self.total, self.pages, people = await self._trail_page(ctx)
        except ServiceError as exc:
            self.error = self._error_text(exc)
            return
        self.error = ""
        self.people = [{"id": str(uid), "name": name} for uid, name in people]

    @rx.event
    async def load(self):
        self.loaded = False
        yield
        ctx, redirect = await self._trail_guard()
        if redirect:
            yield redirect
            return
        self.kind, self.person, self.since, self.until, self.page = ALL, ALL, "", "", 1
        self.form_key += 1
        await self._fill(ctx)
        self.loaded = True

    @rx.event
    async def apply(self, form: dict):
        ctx, redirect = await self._trail_guard()
        if redirect:
            return redirect
        kind = str(form.get("kind") or ALL)
        self.kind = kind if kind in KINDS else ALL
        self.person = str(form.get("person") or ALL)[:20]
        self.since = str(form.get("since") or "")[:10]
        self.until = str(form.get("until") or "")[:10]
        self.page = 1
        await self._fill(ctx)
        return None

    @rx.event
    async def set_filter(self, kind: str):
        """One kind at once (links from elsewhere)."""
        ctx, redirect = await self._trail_guard()
        if redirect:
            return redirect
        self.kind = kind if kind in KINDS else ALL
        self.page = 1
        await self._fill(ctx)
        return None

    @rx.event
    async def clear(self):
        ctx, redirect = await self._trail_guard()
        if redirect:
            return redirect
        self.kind, self.person, self.since, self.until, self.page = ALL, ALL, "", "", 1
        self.form_key += 1
        await self._fill(ctx)
        return None

    @rx.event
    async def go(self, delta: int):
        ctx, redirect = await self._trail_guard()
        if redirect:
            return redirect
        try:
            step = int(delta)
        except (TypeError, ValueError, OverflowError):
            return None  # a forged argument (the buttons send -1 or 1): nothing to do
        self.page = max(1, min(self.pages, self.page + step))
        await self._fill(ctx)
        return None

    @rx.event
    async def download(self):
        ctx, redirect = await self._trail_guard()
        if redirect:
            return redirect
        try:
            text, name = await self._trail_csv(ctx)
        except ServiceError as exc:
            return rx.toast.error(self._error_text(exc))
        return rx.download(data=text, filename=name)

    @rx.var
    def page_label(self) -> str:
        return self._t("audit.page_of", page=self.page, pages=self.pages, total=self.total)
