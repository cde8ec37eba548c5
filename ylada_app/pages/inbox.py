"""/inbox ("Atendimento"): the team answers its customers.

A list of conversations (tabs by status, filters, search) beside the selected conversation:
its whole timeline — customer, bot and team messages, private notes and system lines — and a
composer whose replies go through the pipeline's outbox (services/agent_inbox.py). The page
listens for changes of its business (core.live): the list and the open conversation reload
when something changed, keeping the selection; nothing is read while nothing happens.
"""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from ylada_app.components.chat import Bubble
from ylada_app.components.layout import app_shell, card
from ylada_app.components.texts import t
from ylada_app.components.timeline import timeline_bubble, timeline_item
from ylada_app.core import live
from ylada_app.core.dates import local_text
from ylada_app.models import utcnow
from ylada_app.services import agent_inbox, contacts, flows, instances, team
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState

LISTEN_EVERY_S = 0.5
LISTEN_FOR_S = 60 * 60
SNOOZE_CHOICES = (("60", "inbox.snooze_1h"), ("240", "inbox.snooze_4h"),
                  ("1440", "inbox.snooze_1d"), ("", "inbox.snooze_reply"))


def _when(value) -> str:
    if value is None:
        return ""
    today = local_text(utcnow(), "%d/%m/%Y")
    day = local_text(value, "%d/%m/%Y")
    return local_text(value, "%H:%M") if day == today else local_text(value, "%d/%m")


def _row_data(r: agent_inbox.InboxRow) -> dict[str, str]:
    return {
        "id": str(r.id), "name": r.contact_name, "phone": r.phone, "instance": r.instance_name,
        "preview": r.preview, "from": r.last_from, "when": _when(r.last_at),
        "waiting": _when(r.waiting_since) if r.status == "human" else "",
        "unread": str(r.unread) if r.unread else "", "assignee": r.assignee_name,
        "initials": "".join(w[0] for w in r.contact_name.split()[:2]).upper() or "?",
    }


def _page_options(session, *, tenant_id: int) -> dict:
    members = [{"id": str(m.user_id), "name": m.name or m.email}
               for m in team.list_members(session, tenant_id=tenant_id) if not m.pending]
    return {"members": members,
            "instances": [{"id": str(i.id), "name": i.name}
                          for i in instances.list_instances(session, tenant_id=tenant_id)],
            "tags": contacts.tags_in_use(session, tenant_id=tenant_id, limit=100),
            "quick": [{"id": str(q.id), "shortcut": q.shortcut, "text": q.text}
                      for q in agent_inbox.quick_replies(session, tenant_id=tenant_id)]}


def _flows_of(session, *, tenant_id: int, conversation_id: str) -> list[dict[str, str]]:
    view_instance = agent_inbox.conversation_instance(session, tenant_id=tenant_id,
                                                      conversation_id=conversation_id)
    return [{"id": str(f.id), "name": f.name}
            for f in flows.list_flows(session, tenant_id=tenant_id, instance_id=view_instance)
            if f.status == "active"]


class InboxState(SessionState):
    loaded: bool = False
    tab: str = "open"
    assignee: str = "anyone"
    instance_filter: str = "all"
    tag_filter: str = "all"
    search: str = ""
    instance_options: list[dict[str, str]] = []
    tag_options: list[str] = []
    quick: list[dict[str, str]] = []
    draft: str = ""
    quick_open: bool = False
    attach_open: bool = False
    quick_errors: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    counts: dict[str, int] = {"open": 0, "snoozed": 0}
    members: list[dict[str, str]] = []
    # the open conversation
    selected: str = ""
    contact_name: str = ""
    phone: str = ""
    instance_name: str = ""
    status: str = ""
    assignee_id: str = ""
    tags: list[str] = []
    can_send: bool = True
    send_reason: str = ""
    window_text: str = ""
    # the window closed: an approved template may reopen the conversation
    template_only: bool = False
    templates: list[dict[str, str]] = []  # key "name|language", label, body, vars
    tpl_key: str = ""
    items: list[Bubble] = []
    older: bool = False
    flow_options: list[dict[str, str]] = []
    mode: str = "reply"  # reply | note
    composer_key: int = 0
    error: str = ""
    busy: bool = False
    _seen: int = -1
    _listen_gen: int = 0
    _limit: int = agent_inbox.TIMELINE  # messages of the open conversation on screen

    # --- loading ------------------------------------------------------------------------------
    @rx.event
    @guarded_load(agent_ok=True)
    async def load(self, ctx):
        self.error = ""
        self.selected = self.router.url.query_parameters.get("c", "") or self.selected
        await self._load_options(ctx)
        await self._refresh(ctx)
        if self.selected:
            self.flow_options = await call(_flows_of, tenant_id=ctx.tenant_id,
                                           conversation_id=self.selected)
        self.loaded = True
        yield InboxState.listen

    async def _load_options(self, ctx) -> None:
        options = await call(_page_options, tenant_id=ctx.tenant_id)
        self.members, self.quick = options["members"], options["quick"]
        self.instance_options, self.tag_options = options["instances"], options["tags"]

    async def _refresh(self, ctx) -> None:
        self._seen = live.version(ctx.tenant_id)
        if self.selected:  # open on screen: what arrives there is being read
            await self._open(ctx, self.selected, mark_read=True)
        rows = await call(agent_inbox.list_conversations, tenant_id=ctx.tenant_id,
                          user_id=ctx.user_id, tab=self.tab, assignee=self.assignee,
                          instance_id=self.instance_filter,
                          tag="" if self.tag_filter == "all" else self.tag_filter,
                          search=self.search)
        self.rows = [_row_data(r) for r in rows]
        self.counts = await call(agent_inbox.tab_counts, tenant_id=ctx.tenant_id)

    async def _open(self, ctx, conversation_id: str, *, mark_read: bool) -> None:
        try:
            view = await call(agent_inbox.conversation_view, tenant_id=ctx.tenant_id,
                              conversation_id=conversation_id, limit=self._limit)
        except ServiceError:
            self.selected, self.items = "", []
            return
        if mark_read and not ctx.tenant_closed:  # a closed business is read, not changed
            await call(agent_inbox.mark_read, tenant_id=ctx.tenant_id,
                       conversation_id=conversation_id)
        self.selected = str(view.id)
        self.contact_name, self.phone, self.instance_name = (view.contact_name, view.phone,
                                                             view.instance_name)
        self.status, self.tags = view.status, view.tags
        self.assignee_id = str(view.assignee_id or "")
        self.can_send = view.send.allowed
        self.send_reason = self._t(view.send.reason) if view.send.reason else ""
        self.window_text = (self._t("inbox.window_until", when=local_text(view.send.closes_at))
                            if view.send.closes_at else "")
        self.template_only = view.send.template_only
        if self.template_only:
            choices = await call(agent_inbox.template_choices, tenant_id=ctx.tenant_id,
                                 conversation_id=view.id)
            self.templates = [{"key": f"{c.name}|{c.language}",
                               "label": f"{c.name} ({c.language})", "body": c.body,
                               "vars": str(c.variables), "media": c.media} for c in choices]
            if self.tpl_key not in {t["key"] for t in self.templates}:
                self.tpl_key = self.templates[0]["key"] if self.templates else ""
        else:
            self.templates, self.tpl_key = [], ""
        self.older = view.older
        self.items = [timeline_bubble(i, self.lang) for i in view.items]

    @rx.event(background=True)
    async def listen(self):
        """While the page is open: reload when the business changed (core.live)."""
        async with self:
            ctx, redirect = await self._guard(agent_ok=True)
            if redirect:  # (signed out, or the business was blocked meanwhile)
                return
            self._listen_gen += 1
            gen = self._listen_gen
        deadline = time.monotonic() + LISTEN_FOR_S
        while time.monotonic() < deadline:
            await asyncio.sleep(LISTEN_EVERY_S)
            current = live.version(ctx.tenant_id)
            async with self:
                if self._listen_gen != gen or self.router.url.path.rstrip("/") != "/inbox":
                    return
                if current == self._seen:
                    continue
                fresh, redirect = await self._guard(agent_ok=True)
                if redirect or fresh.tenant_id != ctx.tenant_id:
                    return
                await self._refresh(fresh)

    # --- list controls --------------------------------------------------------------------------
    async def _relist(self):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            return redirect
        await self._refresh(ctx)
        return None

    @rx.event
    async def set_tab(self, tab: str):
        self.tab = tab if tab in agent_inbox.TABS else "open"
        return await self._relist()

    @rx.event
    async def set_assignee_filter(self, value: str):
        self.assignee = value if value in agent_inbox.ASSIGNEE_FILTERS else "anyone"
        return await self._relist()

    @rx.event
    async def set_instance_filter(self, value: str):
        self.instance_filter = str(value)[:20] or "all"
        return await self._relist()

    @rx.event
    async def set_tag_filter(self, value: str):
        self.tag_filter = str(value)[:50] or "all"
        return await self._relist()

    @rx.event
    async def do_search(self, form: dict):
        self.search = str(form.get("q") or "")[:100]
        return await self._relist()

    @rx.event
    async def select(self, conversation_id: str):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            return redirect
        self.error = ""
        self.mode = "reply"
        self.draft = ""
        self._limit = agent_inbox.TIMELINE
        await self._open(ctx, conversation_id, mark_read=True)
        self.flow_options = await call(_flows_of, tenant_id=ctx.tenant_id,
                                       conversation_id=self.selected) if self.selected else []
        for row in self.rows:
            if row["id"] == self.selected:
                row["unread"] = ""
        self.rows = list(self.rows)
        return None

    @rx.event
    def close_conversation(self):
        """Back to the list (phones show one or the other)."""
        self.selected, self.items, self.draft = "", [], ""

    # --- the conversation ------------------------------------------------------------------------
    @rx.event
    async def load_older(self):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            return redirect
        if self.selected:
            self._limit = min(self._limit + agent_inbox.TIMELINE, agent_inbox.TIMELINE_MAX)
            await self._open(ctx, self.selected, mark_read=False)
        return None

    @rx.event
    def set_mode(self, mode: str):
        self.mode = "note" if mode == "note" else "reply"

    @rx.event
    def set_draft(self, value: str):
        self.draft = str(value)[:4096]

    @rx.event
    def use_quick(self, reply_id: str):
        reply = next((q for q in self.quick if q["id"] == reply_id), None)
        if reply is not None:
            self.draft = reply["text"]
            self.mode = "reply"

    @rx.var
    def suggestions(self) -> list[dict[str, str]]:
        """Quick replies matching a draft that starts with "/"."""
        if not self.draft.startswith("/") or " " in self.draft.strip():
            return []
        key = self.draft[1:].strip().lower()
        return [q for q in self.quick if q["shortcut"].startswith(key)][:8]

    @rx.event
    async def send(self, form: dict):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            yield redirect
            return
        text = str(form.get("text") if form.get("text") is not None else self.draft)
        self.busy = True
        yield
        try:
            if self.mode == "note":
                await call(agent_inbox.add_note, tenant_id=ctx.tenant_id,
                           conversation_id=self.selected, user_id=ctx.user_id, text=text)
                live.bump([ctx.tenant_id])
            else:
                await asyncio.to_thread(agent_inbox.send_agent_message,
                                        tenant_id=ctx.tenant_id, conversation_id=self.selected,
                                        user_id=ctx.user_id, text=text)
        except ServiceError as exc:
            self.error = next(iter(self._field_errors(exc).values()), "")
            self.busy = False
            return
        self.error = ""
        self.busy = False
        self.draft = ""
        self.composer_key += 1
        await self._refresh(ctx)

    @rx.var
    def tpl_body(self) -> str:
        return next((t["body"] for t in self.templates if t["key"] == self.tpl_key), "")

    @rx.var
    def tpl_inputs(self) -> list[str]:
        count = next((int(t["vars"]) for t in self.templates if t["key"] == self.tpl_key), 0)
        return [str(i) for i in range(1, count + 1)]

    @rx.var
    def tpl_media(self) -> str:
        return next((t.get("media", "") for t in self.templates if t["key"] == self.tpl_key),
                    "")

    @rx.event
    def set_tpl_key(self, value: str):
        self.tpl_key = str(value)

    @rx.event
    async def send_template(self, form: dict):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            yield redirect
            return
        name, _, language = self.tpl_key.partition("|")
        variables = [str(form.get(f"var_{i}") or "") for i in self.tpl_inputs]
        self.busy = True
        yield
        try:
            await asyncio.to_thread(agent_inbox.send_agent_template, tenant_id=ctx.tenant_id,
                                    conversation_id=self.selected, user_id=ctx.user_id,
                                    name=name, language=language, variables=variables,
                                    header_link=str(form.get("header_link") or "") or None)
        except ServiceError as exc:
            self.error = self._error_text(exc)
            self.busy = False
            return
        self.error, self.busy = "", False
        self.composer_key += 1
        await self._refresh(ctx)

    @rx.event
    def set_attach_open(self, value: bool):
        self.attach_open = bool(value)

    @rx.event
    async def send_media(self, form: dict):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            return redirect
        try:
            media = agent_inbox.media_message(form.get("url"), form.get("kind"),
                                              form.get("caption"))
            await asyncio.to_thread(agent_inbox.send_agent_message, tenant_id=ctx.tenant_id,
                                    conversation_id=self.selected, user_id=ctx.user_id,
                                    media=media)
        except ServiceError as exc:
            self.error = next(iter(self._field_errors(exc).values()), "")
            self.attach_open = False
            return None
        self.error = ""
        self.attach_open = False
        await self._refresh(ctx)
        return None

    @rx.event
    async def add_tag(self, form: dict):
        return await self._act(agent_inbox.set_tags, add=form.get("tag"))

    @rx.event
    async def remove_tag(self, tag: str):
        return await self._act(agent_inbox.set_tags, remove=tag)

    # --- quick replies ---------------------------------------------------------------------------
    @rx.event
    def open_quick(self, value: bool = True):
        self.quick_open = bool(value)
        self.quick_errors = {}

    @rx.event
    async def save_quick(self, form: dict):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            return redirect
        try:
            await call(agent_inbox.save_quick_reply, tenant_id=ctx.tenant_id,
                       shortcut=form.get("shortcut"), text=form.get("text"))
        except ServiceError as exc:
            self.quick_errors = self._field_errors(exc)
            return None
        self.quick_errors = {}
        await self._load_options(ctx)
        return rx.toast.success(self._t("common.saved"))

    @rx.event
    async def delete_quick(self, reply_id: str):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            return redirect
        _, problem = await self._call_or_toast(agent_inbox.delete_quick_reply,
                                               tenant_id=ctx.tenant_id, reply_id=reply_id)
        if problem is not None:
            return problem
        await self._load_options(ctx)
        return None

    async def _act(self, fn, **kwargs):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            return redirect
        try:
            await call(fn, tenant_id=ctx.tenant_id, conversation_id=self.selected,
                       user_id=ctx.user_id, **kwargs)
        except ServiceError as exc:
            return rx.toast.error(next(iter(self._field_errors(exc).values()),
                                       self._error_text(exc)))
        live.bump([ctx.tenant_id])
        await self._refresh(ctx)
        return None

    @rx.event
    async def assign_to(self, assignee_id: str):
        return await self._act(agent_inbox.assign, assignee_id=assignee_id)

    @rx.event
    async def resolve(self):
        return await self._act(agent_inbox.set_status, action="resolve")

    @rx.event
    async def reopen(self):
        return await self._act(agent_inbox.set_status, action="reopen")

    @rx.event
    async def snooze(self, minutes: str):
        return await self._act(agent_inbox.set_status, action="snooze", snooze_minutes=minutes)

    @rx.event
    async def back_to_bot(self, flow_id: str):
        result = await self._act(agent_inbox.return_to_bot, flow_id=flow_id)
        if result is None:
            return rx.toast.success(self._t("inbox.returned"))
        return result


# --- components ----------------------------------------------------------------------------------
def _tab(key: str, label_key: str) -> rx.Component:
    s = InboxState
    badge = rx.cond(s.counts[key] > 0, rx.badge(s.counts[key], variant="solid", radius="full",
                                                 size="1", class_name="tab-count")) \
        if key in ("open", "snoozed") else rx.fragment()
    return rx.button(t(label_key), badge, variant=rx.cond(s.tab == key, "solid", "soft"),
                     size="1", on_click=s.set_tab(key), id=f"tab-{key}")


def _row(r: rx.Var) -> rx.Component:
    s = InboxState
    active = s.selected == r["id"]
    return rx.hstack(
        rx.center(rx.text(r["initials"], size="2", weight="bold", color="white"),
                  background=rx.color("jade", 9), border_radius="50%", min_width="38px",
                  height="38px"),
        rx.vstack(
            rx.hstack(rx.text(r["name"], weight="bold", size="2", trim="both",
                              overflow="hidden", text_overflow="ellipsis", white_space="nowrap",
                              max_width="170px"),
                      rx.spacer(),
                      rx.text(r["when"], size="1", color_scheme="gray"), width="100%"),
            rx.hstack(
                rx.text(rx.match(r["from"], ("agent", t("inbox.from_agent")),
                                 ("bot", t("inbox.from_bot")),
                                 ("api", t("inbox.from_api")),
                                 ("broadcast", t("inbox.from_broadcast")),
                                 ("app", t("inbox.from_app")), ""),
                        r["preview"], size="1", color_scheme="gray", overflow="hidden",
                        text_overflow="ellipsis", white_space="nowrap", max_width="200px"),
                rx.spacer(),
                rx.cond(r["unread"] != "", rx.badge(r["unread"], variant="solid",
                                                     color_scheme="green", radius="full",
                                                     class_name="unread")),
                width="100%",
            ),
            rx.hstack(
                rx.cond(r["waiting"] != "", rx.text(t("inbox.waiting_since"), " ", r["waiting"],
                                                    size="1", color_scheme="amber")),
                rx.spacer(),
                rx.cond(r["assignee"] != "", rx.text(r["assignee"], size="1",
                                                      color_scheme="gray")),
                width="100%",
            ),
            spacing="0", width="100%",
        ),
        on_click=s.select(r["id"]), cursor="pointer", padding="10px", width="100%",
        background=rx.cond(active, rx.color("jade", 3), "transparent"),
        _hover={"background": rx.color("jade", 2)}, border_radius="8px", align="center",
        class_name="inbox-row", custom_attrs={"data-id": r["id"]},
    )


def _list_panel() -> rx.Component:
    s = InboxState
    return card(
        rx.vstack(
            rx.hstack(_tab("open", "inbox.tab_open"), _tab("bot", "inbox.tab_bot"),
                      _tab("resolved", "inbox.tab_resolved"),
                      _tab("snoozed", "inbox.tab_snoozed"), spacing="1", wrap="wrap"),
            rx.hstack(
                rx.select.root(
                    rx.select.trigger(width="130px", id="filter-assignee",
                                      aria_label=t("a11y.filter_assignee")),
                    rx.select.content(
                        rx.select.item(t("inbox.filter_anyone"), value="anyone"),
                        rx.select.item(t("inbox.filter_me"), value="me"),
                        rx.select.item(t("inbox.filter_unassigned"), value="unassigned"),
                    ),
                    value=s.assignee, on_change=s.set_assignee_filter, size="1",
                ),
                rx.form(
                    rx.input(name="q", placeholder=t("inbox.search"), size="1",
                             default_value=s.search, id="inbox-search"),
                    on_submit=s.do_search, flex="1",
                ),
                width="100%", spacing="2",
            ),
            rx.hstack(
                rx.select.root(
                    rx.select.trigger(width="150px", id="filter-instance",
                                      aria_label=t("a11y.filter_instance")),
                    rx.select.content(
                        rx.select.item(t("inbox.all_numbers"), value="all"),
                        rx.foreach(s.instance_options,
                                   lambda i: rx.select.item(i["name"], value=i["id"]))),
                    value=s.instance_filter, on_change=s.set_instance_filter, size="1",
                ),
                rx.select.root(
                    rx.select.trigger(width="150px", id="filter-tag",
                                      aria_label=t("a11y.filter_tag")),
                    rx.select.content(
                        rx.select.item(t("contacts.any_tag"), value="all"),
                        rx.foreach(s.tag_options, lambda tag: rx.select.item(tag, value=tag))),
                    value=s.tag_filter, on_change=s.set_tag_filter, size="1",
                ),
                width="100%", spacing="2",
            ),
            rx.cond(s.rows.length() == 0,
                    rx.center(rx.text(t("inbox.empty"), size="2", color_scheme="gray"),
                              padding="24px", id="inbox-empty")),
            rx.vstack(rx.foreach(s.rows, _row), spacing="1", width="100%", id="inbox-list",
                      overflow_y="auto", max_height="70vh"),
            spacing="3", width="100%",
        ),
        width="360px", min_width="300px", padding="12px",
        class_name=rx.cond(s.selected == "", "inbox-side", "inbox-side picked"),
    )


def _actions() -> rx.Component:
    s = InboxState
    return rx.hstack(
        rx.select.root(
            rx.select.trigger(placeholder=t("inbox.assign"), width="150px", id="assign",
                                  aria_label=t("inbox.assign")),
            rx.select.content(
                rx.select.item(t("inbox.nobody"), value="none"),
                rx.foreach(s.members, lambda m: rx.select.item(m["name"], value=m["id"])),
            ),
            value=rx.cond(s.assignee_id != "", s.assignee_id, "none"),
            on_change=s.assign_to, size="1",
        ),
        rx.cond(
            (s.status == "closed") | (s.status == "snoozed"),
            rx.button(rx.icon("rotate-ccw", size=14), t("inbox.reopen"), size="1",
                      variant="soft", on_click=s.reopen, id="reopen"),
            rx.button(rx.icon("check", size=14), t("inbox.resolve"), size="1",
                      variant="soft", color_scheme="green", on_click=s.resolve, id="resolve"),
        ),
        rx.menu.root(
            rx.menu.trigger(rx.button(rx.icon("alarm-clock", size=14), t("inbox.snooze"),
                                      size="1", variant="soft", color_scheme="gray",
                                      id="snooze")),
            rx.menu.content(*[rx.menu.item(t(label), on_click=s.snooze(value))
                              for value, label in SNOOZE_CHOICES]),
        ),
        rx.menu.root(
            rx.menu.trigger(rx.button(rx.icon("bot", size=14), t("inbox.to_bot"), size="1",
                                      variant="soft", color_scheme="gray", id="to-bot")),
            rx.menu.content(
                rx.menu.item(t("inbox.to_bot_resume"), on_click=s.back_to_bot(""),
                             id="to-bot-resume"),
                rx.cond(s.flow_options.length() > 0, rx.menu.separator()),
                rx.foreach(s.flow_options, lambda f: rx.menu.item(
                    t("inbox.to_bot_flow"), " ", f["name"], on_click=s.back_to_bot(f["id"]))),
            ),
        ),
        spacing="2", wrap="wrap",
    )


def _attach() -> rx.Component:
    s = InboxState
    return rx.popover.root(
        rx.popover.trigger(rx.icon_button(rx.icon("paperclip", size=16), variant="ghost",
                                          type="button", id="attach",
                                          aria_label=t("inbox.attach"))),
        rx.popover.content(rx.form(
            rx.vstack(
                rx.text(t("inbox.attach_help"), size="1", color_scheme="gray"),
                rx.input(name="url", placeholder="https://…", width="100%", id="attach-url",
                         aria_label=t("inbox.attach")),
                rx.select.root(
                    rx.select.trigger(width="100%", aria_label=t("a11y.media_kind")),
                    rx.select.content(*[rx.select.item(t(f"inbox.media_{k}"), value=k)
                                        for k in agent_inbox.MEDIA_KINDS]),
                    name="kind", default_value="document",
                ),
                rx.input(name="caption", placeholder=t("inbox.caption"), width="100%"),
                rx.button(t("inbox.attach_send"), type="submit", id="attach-send"),
                spacing="2", width="280px",
            ),
            on_submit=s.send_media, reset_on_submit=True,
        )),
        open=s.attach_open, on_open_change=s.set_attach_open,
    )


def _quick_dialog() -> rx.Component:
    s = InboxState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("inbox.quick_title")),
            rx.text(t("inbox.quick_help"), size="2", color_scheme="gray"),
            rx.vstack(
                rx.foreach(s.quick, lambda q: rx.hstack(
                    rx.code("/" + q["shortcut"]),
                    rx.text(q["text"], size="2", flex="1", overflow="hidden",
                            text_overflow="ellipsis", white_space="nowrap"),
                    rx.icon_button(rx.icon("trash-2", size=14), variant="ghost",
                                   color_scheme="red", on_click=s.delete_quick(q["id"])),
                    width="100%", align="center", class_name="quick-row")),
                max_height="240px", overflow_y="auto", width="100%", margin_y="12px",
            ),
            rx.form(
                rx.vstack(
                    rx.input(name="shortcut", placeholder=t("inbox.quick_shortcut"),
                             width="100%", id="quick-shortcut"),
                    rx.cond(s.quick_errors.contains("shortcut"),
                            rx.text(s.quick_errors["shortcut"], size="1", color_scheme="red")),
                    rx.text_area(name="text", placeholder=t("inbox.quick_text"), rows="3",
                                 width="100%", id="quick-text"),
                    rx.cond(s.quick_errors.contains("text"),
                            rx.text(s.quick_errors["text"], size="1", color_scheme="red")),
                    rx.hstack(rx.dialog.close(rx.button(t("common.close"), variant="soft",
                                                        color_scheme="gray", type="button")),
                              rx.button(t("common.save"), type="submit", id="quick-save"),
                              justify="end", width="100%"),
                    spacing="2", width="100%",
                ),
                on_submit=s.save_quick, reset_on_submit=True,
            ),
            max_width="520px",
        ),
        open=s.quick_open, on_open_change=s.open_quick,
    )


def _template_sender() -> rx.Component:
    """Outside the 24-hour window: pick an approved template, fill its variables, send."""
    s = InboxState
    return rx.cond(
        s.templates.length() == 0,
        rx.text(t("inbox.no_templates"), " ",
                rx.link(t("templates.open"), href="/instances"), size="1",
                color_scheme="gray", id="no-templates-hint"),
        rx.form(
            rx.vstack(
                rx.hstack(
                    rx.text(t("inbox.send_template"), size="2", weight="medium"),
                    rx.select.root(
                        rx.select.trigger(id="template-choice", min_width="220px",
                                          aria_label=t("templates.title")),
                        rx.select.content(rx.foreach(
                            s.templates, lambda tp: rx.select.item(tp["label"],
                                                                   value=tp["key"]))),
                        value=s.tpl_key, on_change=s.set_tpl_key, size="2"),
                    align="center", spacing="2", wrap="wrap"),
                rx.text(s.tpl_body, size="1", color_scheme="gray", white_space="pre-wrap"),
                rx.flex(rx.foreach(s.tpl_inputs, lambda i: rx.input(
                    name="var_" + i, placeholder="{{" + i + "}}", size="2",
                    class_name="template-var", width="180px")), spacing="2", wrap="wrap"),
                rx.cond(s.tpl_media != "", rx.input(
                    name="header_link", placeholder=t("templates.header_link"), size="2",
                    id="template-header-link", width="100%")),
                rx.button(rx.icon("send", size=14), t("inbox.send_template_button"), size="2",
                          type="submit", loading=s.busy, id="send-template"),
                spacing="2", width="100%",
            ),
            on_submit=s.send_template, reset_on_submit=True, key=s.composer_key,
            width="100%",
        ),
    )


def _composer() -> rx.Component:
    s = InboxState
    blocked = (s.mode == "reply") & ~s.can_send
    return rx.vstack(
        rx.hstack(
            rx.button(t("inbox.reply"), size="1", on_click=s.set_mode("reply"),
                      variant=rx.cond(s.mode == "reply", "solid", "ghost"), id="mode-reply"),
            rx.button(rx.icon("lock", size=12), t("inbox.note"), size="1",
                      on_click=s.set_mode("note"), color_scheme="amber",
                      variant=rx.cond(s.mode == "note", "solid", "ghost"), id="mode-note"),
            rx.button(rx.icon("zap", size=12), t("inbox.quick"), size="1", variant="ghost",
                      color_scheme="gray", on_click=s.open_quick(True), id="open-quick"),
            # outside the composer's form: a form inside a form (even in a popover's portal)
            # would submit the outer one too
            rx.cond(s.mode == "reply", _attach()),
            rx.spacer(),
            rx.text(s.window_text, size="1", color_scheme="gray"),
            width="100%", align="center", wrap="wrap",
        ),
        rx.cond(blocked, rx.callout.root(
            rx.callout.icon(rx.icon("info", size=16)), rx.callout.text(s.send_reason),
            color_scheme="amber", size="1", width="100%", id="send-blocked")),
        rx.cond(blocked & s.template_only, _template_sender()),
        rx.cond(s.suggestions.length() > 0, rx.vstack(
            rx.foreach(s.suggestions, lambda q: rx.hstack(
                rx.code("/" + q["shortcut"]),
                rx.text(q["text"], size="1", overflow="hidden", text_overflow="ellipsis",
                        white_space="nowrap", max_width="480px"),
                on_click=s.use_quick(q["id"]), cursor="pointer", padding="4px 8px",
                border_radius="6px", _hover={"background": rx.color("jade", 3)},
                class_name="quick-suggestion")),
            spacing="0", width="100%", background="white", border_radius="8px",
            border=f"1px solid {rx.color('gray', 5)}", padding="4px")),
        rx.form(
            rx.hstack(
                rx.text_area(name="text", placeholder=rx.cond(s.mode == "note",
                                                              t("inbox.note_placeholder"),
                                                              t("inbox.reply_placeholder")),
                             rows="2", width="100%", max_length=4096, value=s.draft,
                             on_change=s.set_draft, debounce_timeout=200, id="composer",
                             auto_focus=True, disabled=blocked, enter_key_submit=True),
                rx.button(rx.icon("send", size=16), type="submit", loading=s.busy,
                          disabled=blocked, id="send"),
                width="100%", align="end",
            ),
            on_submit=s.send, reset_on_submit=False, width="100%",
        ),
        rx.cond(s.error != "", rx.text(s.error, size="1", color_scheme="red",
                                       id="composer-error")),
        _quick_dialog(),
        spacing="2", width="100%", padding="10px",
        background=rx.cond(s.mode == "note", "#fffbea", rx.color("gray", 2)),
    )


def _conversation_panel() -> rx.Component:
    s = InboxState
    return card(
        rx.cond(
            s.selected == "",
            rx.center(rx.vstack(rx.icon("messages-square", size=40, color=rx.color("gray", 8)),
                                rx.text(t("inbox.pick"), color_scheme="gray"), align="center"),
                      height="60vh"),
            rx.vstack(
                rx.hstack(
                    rx.icon_button(rx.icon("arrow-left", size=18), variant="ghost",
                                   color_scheme="gray", on_click=s.close_conversation,
                                   class_name="inbox-back", id="conv-back",
                                   aria_label=t("inbox.back")),
                    rx.vstack(
                        rx.text(s.contact_name, weight="bold", size="4", id="conv-name"),
                        rx.text(s.phone, " · ", s.instance_name, size="1", color_scheme="gray"),
                        spacing="0",
                    ),
                    rx.spacer(),
                    _actions(),
                    width="100%", align="center", padding="10px", wrap="wrap",
                    border_bottom=f"1px solid {rx.color('gray', 4)}",
                ),
                rx.hstack(
                    rx.foreach(s.tags, lambda tag: rx.badge(
                        tag, rx.icon("x", size=10, cursor="pointer",
                                     on_click=s.remove_tag(tag)),
                        variant="soft", class_name="conv-tag")),
                    rx.form(rx.input(name="tag", placeholder=t("inbox.add_tag"), size="1",
                                     width="120px", id="add-tag"),
                            on_submit=s.add_tag, reset_on_submit=True),
                    padding_x="10px", padding_y="6px", wrap="wrap", align="center",
                    spacing="2",
                ),
                rx.box(
                    rx.vstack(
                        rx.cond(s.older, rx.center(rx.button(
                            rx.icon("arrow-up", size=14), t("inbox.load_older"), size="1",
                            variant="soft", color_scheme="gray", on_click=s.load_older,
                            id="load-older"), width="100%")),
                        rx.foreach(s.items, timeline_item), spacing="2", width="100%"),
                    display="flex", flex_direction="column-reverse", overflow_y="auto",
                    padding="14px", width="100%", height="56vh", background="#efeae2",
                    id="conv-timeline",
                ),
                _composer(),
                spacing="0", width="100%",
            ),
        ),
        flex="1", padding="0", overflow="hidden", min_width="0",
        class_name=rx.cond(s.selected == "", "inbox-conv", "inbox-conv picked"),
    )


def inbox_page() -> rx.Component:
    return app_shell(
        rx.hstack(rx.heading(t("inbox.title"), size="7"), rx.spacer(), width="100%",
                  margin_bottom="16px"),
        # (phones: the list, or the open conversation with a way back — assets/layout.css)
        rx.hstack(_list_panel(), _conversation_panel(), spacing="4", width="100%",
                  align="start", class_name="inbox-split"),
        ready=InboxState.loaded,
    )
