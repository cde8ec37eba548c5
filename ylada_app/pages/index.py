"""/: send the visitor where they belong (dashboard or login)."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.layout import loading_block
from ylada_app.state.session import SessionState


class IndexState(SessionState):
    @rx.event
    async def load(self):
        ctx = await self._context()
        if ctx is None:
            return rx.redirect("/login")
        return rx.redirect("/admin" if ctx.tenant_id is None and ctx.is_platform_admin
                           else "/dashboard")


def index_page() -> rx.Component:
    return loading_block()
