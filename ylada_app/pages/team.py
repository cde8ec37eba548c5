"""/team: members of the current tenant; the owner invites people by e-mail and manages the
pending invitations (re-send with a new link, revoke)."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.confirm import confirm_button
from ylada_app.components.forms import form_error, submit_button, text_field
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.services import team
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState


def _member_rows(session, *, tenant_id: int, me: int | None = None) -> list[dict[str, str]]:
    return [
        {"name": m.name or "—", "email": m.email, "role": m.role,
         "pending": "1" if m.pending else "", "expired": "1" if m.expired else "",
         "invitation": str(m.invitation_id or ""), "user": str(m.user_id or ""),
         "me": "1" if m.user_id is not None and m.user_id == me else ""}
        for m in team.list_members(session, tenant_id=tenant_id)
    ]


class TeamState(SessionState):
    members: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    loaded: bool = False
    busy: bool = False
    form_key: int = 0

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        self.errors = {}
        self.members = await call(_member_rows, tenant_id=ctx.tenant_id, me=ctx.user_id)

    @rx.event
    async def invite(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        self.busy = True
        yield
        try:
            row = await call(
                team.invite_member, tenant_id=ctx.tenant_id, actor_user_id=ctx.user_id,
                email=form.get("email"), role=form.get("role") or "agent",
                client_ip=self._client_ip(),
            )
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            self.busy = False
            return
        self.errors = {}
        self.busy = False
        self.members = await call(_member_rows, tenant_id=ctx.tenant_id, me=ctx.user_id)
        self.form_key += 1
        yield rx.toast.success(self._t("team.invited", email=row.email))

    async def _invitation_action(self, fn, invitation_id: str, done_key: str):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        _, problem = await self._call_or_toast(fn, tenant_id=ctx.tenant_id,
                                               actor_user_id=ctx.user_id,
                                               invitation_id=invitation_id)
        if problem is not None:
            return problem
        self.members = await call(_member_rows, tenant_id=ctx.tenant_id, me=ctx.user_id)
        return rx.toast.success(self._t(done_key))

    async def _member_action(self, fn, done_key: str, **kwargs):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        _, problem = await self._call_or_toast(fn, tenant_id=ctx.tenant_id,
                                               actor_user_id=ctx.user_id,
                                               client_ip=self._client_ip(), **kwargs)
        if problem is not None:
            return problem
        self.members = await call(_member_rows, tenant_id=ctx.tenant_id, me=ctx.user_id)
        return rx.toast.success(self._t(done_key))

    @rx.event
    async def set_role(self, user_id: str, role: str):
        return await self._member_action(team.change_role, "team.role_saved",
                                         user_id=user_id, role=role)

    @rx.event
    async def remove(self, user_id: str):
        return await self._member_action(team.remove_member, "team.removed", user_id=user_id)

    @rx.event
    async def resend(self, invitation_id: str):
        return await self._invitation_action(team.resend_invitation, invitation_id,
                                             "team.resent")

    @rx.event
    async def revoke(self, invitation_id: str):
        return await self._invitation_action(team.revoke_invitation, invitation_id,
                                             "team.revoked")


def _member(m: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(m["name"]),
        rx.table.cell(m["email"]),
        rx.table.cell(rx.cond(
            (m["pending"] == "") & (m["me"] == "") & (SessionState.tenant_role == "owner"),
            rx.select.root(
                rx.select.trigger(aria_label=t("team.change_role"), class_name="member-role"),
                rx.select.content(*[rx.select.item(t(f"role.{r}"), value=r)
                                    for r in ("agent", "admin", "owner")]),
                value=m["role"], on_change=lambda role: TeamState.set_role(m["user"], role),
                size="1"),
            rx.text(SessionState.tr["role." + m["role"]]))),
        rx.table.cell(rx.cond(
            m["pending"] != "",
            rx.cond(m["expired"] != "",
                    rx.badge(t("team.expired"), color_scheme="gray", variant="soft"),
                    rx.badge(t("team.pending"), color_scheme="orange", variant="soft")),
            rx.badge(t("status.active"), color_scheme="green", variant="soft"))),
        rx.table.cell(rx.cond(
            (m["pending"] == "") & (m["me"] == "") & (SessionState.tenant_role == "owner"),
            confirm_button(
                rx.button(t("team.remove"), size="1", variant="soft", color_scheme="red",
                          class_name="remove-member"),
                title_key="team.confirm_remove_title",
                body=rx.text(t("team.confirm_remove_body"), " ", rx.text.strong(m["email"]),
                             "."),
                confirm_key="team.remove", on_confirm=TeamState.remove(m["user"]),
                confirm_id="confirm-remove"),
            rx.cond(
            (m["pending"] != "") & (SessionState.tenant_role == "owner"),
            rx.hstack(
                rx.button(t("team.resend"), size="1", variant="soft",
                          on_click=TeamState.resend(m["invitation"]), class_name="resend-invite"),
                confirm_button(
                    rx.button(t("team.revoke"), size="1", variant="soft", color_scheme="red",
                              class_name="revoke-invite"),
                    title_key="team.confirm_revoke_title",
                    body=rx.text(t("team.confirm_revoke_body"), " ", rx.text.strong(m["email"]),
                                 "."),
                    confirm_key="team.revoke", on_confirm=TeamState.revoke(m["invitation"]),
                    confirm_id="confirm-revoke"),
                spacing="2"),
        ))),
        class_name="member-row",
    )


def team_page() -> rx.Component:
    s = TeamState
    invite_form = card(
        rx.cond(
            SessionState.tenant_role == "owner",
            rx.form(
                rx.vstack(
                    rx.heading(t("team.invite_title"), size="4"),
                    rx.text(t("team.invite_help"), size="2", color_scheme="gray"),
                    form_error(s.errors),
                    text_field("login.email", "email", s.errors, type="email"),
                    rx.vstack(
                        rx.text(t("team.role"), size="2", weight="medium"),
                        rx.select.root(
                            rx.select.trigger(width="100%", aria_label=t("team.role")),
                            rx.select.content(
                                rx.select.item(t("role.agent"), value="agent"),
                                rx.select.item(t("role.admin"), value="admin"),
                                rx.select.item(t("role.owner"), value="owner"),
                            ),
                            name="role", default_value="agent", size="3",
                        ),
                        rx.text(t("team.roles_help"), size="1", color_scheme="gray"),
                        spacing="1", width="100%",
                    ),
                    submit_button("team.invite", loading=s.busy, id="invite-submit"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=s.invite,
                key=s.form_key,
            ),
            rx.text(t("team.owner_only"), color_scheme="gray", id="owner-only"),
        ),
        # never squeezed below its words by a wide members table (a pending invite's
        # Reenviar/Revogar pushed it past the screen's right edge)
        max_width="420px", min_width=rx.breakpoints(initial="0", md="300px"), flex_shrink="0",
        id="invite-card",
    )
    return app_shell(
        page_header("team.title", "team.subtitle"),
        rx.flex(
            card(
                rx.box(rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell(t("common.name")),
                        rx.table.column_header_cell(t("login.email")),
                        rx.table.column_header_cell(t("team.role")),
                        rx.table.column_header_cell(t("common.status")),
                        rx.table.column_header_cell(""),
                    )),
                    rx.table.body(rx.foreach(s.members, _member)),
                    width="100%",
                ), overflow_x="auto", width="100%"),
                # min_width 0: the table scrolls inside its card instead of pushing the page
                flex="2", min_width="0",
            ),
            invite_form,
            spacing="4",
            width="100%",
            # side by side only where the members table fits beside the form (a pending
            # invite's row with Reenviar/Revogar is ~800 px wide); below, the form goes under it
            direction=rx.breakpoints(initial="column", xl="row"),
            align="start",
        ),
        ready=s.loaded,
    )
