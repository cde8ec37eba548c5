"""/instances/[iid]/simulator: chat with the instance's active flows as a WhatsApp user.

The message goes through the same storage, coalesced job, engine and outbox as a real
WhatsApp message; the page then polls for the replies (a background task, so the UI stays
responsive). Buttons render as buttons, lists as lists, media as previews. On a business's
own brand (white label) the chat's header carries its colour, logo and name, like the shell.
"""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from ylada_app.components.chat import Bubble, bubble_body, bubble_from
from ylada_app.components.layout import app_shell, help_link, not_found_block
from ylada_app.components.texts import t
from ylada_app.core import live
from ylada_app.pages.instances import path_segment
from ylada_app.services import simulator
from ylada_app.services.errors import NotFound, ServiceError
from ylada_app.services.instances import get_instance
from ylada_app.state.brand import BrandState
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState

PLATFORM_HEADER = "#075E54"
PLATFORM_AVATAR = "#128C7E"
POLL_S = 0.3
SILENT_AFTER_S = 1.5  # handled with no reply for this long: the bot is not answering
POLL_FOR_S = 12.0
# After the bot's answer: the team may write from the inbox; the page listens for changes of
# its business (core.live) for this long, re-reading only when something changed.
LISTEN_EVERY_S = 0.5
LISTEN_FOR_S = 30 * 60


def _bubble_data(m: simulator.SimMessage) -> Bubble:
    return bubble_from(m.id, m.direction, m.type, m.text, m.payload, m.status)


def _instance_name(session, *, tenant_id: int, instance_id: str) -> str:
    return get_instance(session, tenant_id=tenant_id, instance_id=instance_id).name


class SimulatorState(SessionState):
    messages: list[Bubble] = []
    instance_name: str = ""
    missing: bool = False
    loaded: bool = False
    waiting: bool = False
    error: str = ""
    draft_key: int = 0
    # Why the last message got no real answer (empty: it did): lines for people, and links.
    why: str = ""
    why_more: str = ""
    why_link: str = ""
    why_link_label: str = ""
    reply_href: str = ""  # the number's page, where its default reply is edited
    _last_id: int = 0
    _poll_gen: int = 0
    _listen_gen: int = 0

    def _instance_key(self) -> str:
        return path_segment(self.router.url.path, 1)

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        try:
            self.instance_name = await call(_instance_name, tenant_id=ctx.tenant_id,
                                            instance_id=self._instance_key())
        except NotFound:
            self.missing = True
            self.loaded = True
            return
        self.missing = False
        rows = await call(simulator.history, tenant_id=ctx.tenant_id,
                          instance_id=self._instance_key(), user_id=ctx.user_id)
        self.messages = [_bubble_data(m) for m in rows]
        self._last_id = rows[-1].id if rows else 0
        await self._explain(ctx)
        self.loaded = True
        yield SimulatorState.listen

    async def _explain(self, ctx) -> None:
        silence = await call(simulator.why_silent, tenant_id=ctx.tenant_id,
                             instance_id=self._instance_key(), user_id=ctx.user_id)
        self.why = self.why_more = self.why_link = self.why_link_label = ""
        self.reply_href = ""
        if silence is None:
            return
        if silence.reason in ("human", "opted_out"):
            self.why = self._t(f"sim.why.{silence.reason}", word=silence.text)
            return
        if silence.reason == "template_failed":
            self.why = self._t("sim.why.template_failed", text=silence.text)
            self.why_link = f"/instances/{self._instance_key()}/templates"
            self.why_link_label = self._t("sim.why.templates")
            return
        self.why = self._t(f"sim.why.{silence.reason}", text=silence.text)
        self.why_more = self._t("sim.why.default_sent" if silence.default_sent
                                else "sim.why.silent")
        self.reply_href = f"/instances/{self._instance_key()}#default-reply"
        if silence.has_flows:
            self.why_link, self.why_link_label = "/flows", self._t("sim.why.activate")
        else:
            self.why_link, self.why_link_label = "/marketplace", self._t("sim.why.install")

    async def _send(self, **kwargs):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        self.error = ""
        try:
            conversation_id = await call(
                simulator.send, tenant_id=ctx.tenant_id, instance_id=self._instance_key(),
                user_id=ctx.user_id, user_name=ctx.name.split(" ")[0], **kwargs)
        except ServiceError as exc:
            self.error = self._error_text(exc)
            return None
        await asyncio.to_thread(simulator.schedule, conversation_id)
        self.waiting = True
        self.draft_key += 1
        return SimulatorState.poll

    @rx.event
    async def send_text(self, form: dict):
        return await self._send(text=(form.get("text") or ""))

    @rx.event
    async def choose(self, option_id: str, title: str):
        return await self._send(payload=option_id, title=title)

    @rx.event(background=True)
    async def poll(self):
        """Fetch new messages until the bot has answered (or a timeout). Several polls may
        overlap (the user sends again quickly): each only appends ids it has not seen, and
        an older poll stops once a newer one has started."""
        async with self:
            ctx = await self._context()
            if ctx is None:
                return
            self._poll_gen += 1
            gen = self._poll_gen
            key = self._instance_key()
        waited = 0.0
        quiet_after_reply = None
        silent = 0.0  # handled, and nothing sent back: the bot chose not to answer
        while waited < POLL_FOR_S:
            async with self:
                if self._poll_gen != gen:
                    return
                last = self._last_id
            rows = await call(simulator.history, tenant_id=ctx.tenant_id, instance_id=key,
                              user_id=ctx.user_id, after_id=last)
            pending = await call(simulator.has_pending, tenant_id=ctx.tenant_id,
                                 instance_id=key, user_id=ctx.user_id)
            async with self:
                if self._poll_gen != gen:
                    return
                fresh = [m for m in rows if m.id > self._last_id]
                if fresh:
                    self.messages = self.messages + [_bubble_data(m) for m in fresh]
                    self._last_id = fresh[-1].id
                if any(m.direction == "out" for m in fresh):
                    quiet_after_reply = 0.0
                if not pending and quiet_after_reply is not None and quiet_after_reply >= 0.6:
                    self.waiting = False
                    await self._explain(ctx)
                    return
                # no "digitando…" for a bot that will not answer (an opted-out contact, a
                # message no flow takes): say why at once instead of after POLL_FOR_S
                silent = silent + POLL_S if not pending and quiet_after_reply is None else 0.0
                if silent >= SILENT_AFTER_S:
                    await self._explain(ctx)
                    if self.why:
                        self.waiting = False
                        return
                    silent = 0.0  # no reason recorded: still coming (an AI answer, a wait)
            await asyncio.sleep(POLL_S)
            waited += POLL_S
            if quiet_after_reply is not None:
                quiet_after_reply += POLL_S
        async with self:
            if self._poll_gen == gen:
                self.waiting = False
                await self._explain(ctx)

    @rx.event(background=True)
    async def listen(self):
        """While the page stays open, replies written by others (the team, from the inbox)
        appear without a reload: it wakes when its business changed, not on a timer."""
        async with self:
            ctx = await self._context()
            if ctx is None:
                return
            self._listen_gen += 1
            gen, key = self._listen_gen, self._instance_key()
        seen = live.version(ctx.tenant_id)
        deadline = time.monotonic() + LISTEN_FOR_S
        while time.monotonic() < deadline:
            await asyncio.sleep(LISTEN_EVERY_S)
            current = live.version(ctx.tenant_id)
            if current == seen:
                continue
            seen = current
            async with self:
                if self._listen_gen != gen or self._instance_key() != key:
                    return
                last = self._last_id
            rows = await call(simulator.history, tenant_id=ctx.tenant_id, instance_id=key,
                              user_id=ctx.user_id, after_id=last)
            async with self:
                if self._listen_gen != gen:
                    return
                fresh = [m for m in rows if m.id > self._last_id]
                if fresh:
                    self.messages = self.messages + [_bubble_data(m) for m in fresh]
                    self._last_id = fresh[-1].id

    @rx.event
    async def restart(self):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        _, problem = await self._call_or_toast(simulator.reset, tenant_id=ctx.tenant_id,
                                               instance_id=self._instance_key(),
                                               user_id=ctx.user_id)
        if problem is not None:
            return problem
        self.messages = []
        self._last_id = 0
        self.why = ""


def _option_button(opt: rx.Var) -> rx.Component:
    return rx.button(opt["title"], variant="surface", size="2", width="100%",
                     class_name="sim-option",
                     on_click=SimulatorState.choose(opt["id"], opt["title"]))


def _list_row(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(row["title"], weight="medium", size="2"),
        rx.cond(row["description"] != "", rx.text(row["description"], size="1",
                                                   color_scheme="gray")),
        on_click=SimulatorState.choose(row["id"], row["title"]),
        class_name="sim-row", cursor="pointer", padding="8px 10px", border_radius="8px",
        _hover={"background": rx.color("jade", 3)}, width="100%",
    )


def _bubble(m: rx.Var) -> rx.Component:
    mine = m.direction == "in"
    body = bubble_body(m)
    bubble = rx.box(
        body,
        background=rx.cond(mine, "#d9fdd3", "white"),
        padding="8px 12px",
        border_radius="10px",
        box_shadow="0 1px 1px rgba(0,0,0,0.08)",
        max_width="78%",
        class_name=rx.cond(mine, "sim-msg sim-in", "sim-msg sim-out"),
    )
    return rx.vstack(
        rx.hstack(rx.cond(mine, rx.spacer()), bubble, width="100%"),
        rx.cond(
            m.buttons.length() > 0,
            rx.vstack(rx.foreach(m.buttons, _option_button), width="60%", spacing="1"),
        ),
        rx.cond(
            m.rows.length() > 0,
            rx.popover.root(
                rx.popover.trigger(rx.button(rx.icon("list", size=14), m.button_label,
                                             variant="surface", size="2",
                                             class_name="sim-list-open")),
                rx.popover.content(rx.vstack(rx.foreach(m.rows, _list_row), spacing="1",
                                             min_width="240px")),
            ),
        ),
        width="100%",
        spacing="1",
        align="start",
    )


def _why_note() -> rx.Component:
    s = SimulatorState
    return rx.callout.root(
        rx.callout.icon(rx.icon("info", size=16)),
        rx.vstack(
            rx.text(s.why, weight="medium", size="2"),
            rx.cond(s.why_more != "", rx.text(s.why_more, size="2")),
            rx.hstack(
                rx.cond(s.why_link != "", rx.link(s.why_link_label, href=s.why_link, size="2",
                                                  id="sim-why-link")),
                rx.cond(s.reply_href != "",
                        rx.link(t("sim.why.edit_reply"), href=s.reply_href, size="2",
                                id="sim-why-reply")),
                spacing="4", wrap="wrap",
            ),
            spacing="1",
        ),
        color_scheme="amber", size="1", width="100%", id="sim-why",
    )


def _avatar() -> rx.Component:
    """The bot's picture: the business's logo (white label), else an icon on its colour."""
    return rx.cond(
        BrandState.brand_logo != "",
        rx.center(rx.image(src=BrandState.brand_logo, alt="", width="28px", height="28px",
                           object_fit="contain"),
                  background="white", border_radius="50%", width="34px", height="34px",
                  min_width="34px", id="sim-brand-logo"),
        rx.center(rx.icon("bot", size=18, color="white"),
                  background=rx.cond(BrandState.brand_custom, BrandState.brand_color,
                                     PLATFORM_AVATAR),
                  border_radius="50%", width="34px", height="34px", min_width="34px",
                  border="1px solid rgba(255,255,255,0.5)"),
    )


def simulator_page() -> rx.Component:
    s = SimulatorState
    chat = rx.vstack(
        rx.hstack(
            _avatar(),
            rx.vstack(rx.text(s.instance_name, weight="bold", size="3", color="white"),
                      rx.text(rx.el.span(rx.cond(s.waiting, t("sim.typing"),
                                                  t("sim.online")), id="sim-presence"),
                              rx.cond(BrandState.brand_custom,
                                      rx.el.span(" · ", BrandState.brand_name,
                                                 id="sim-brand-name")),
                              size="1", color="#e6f4f1"), spacing="0"),
            rx.spacer(),
            rx.button(rx.icon("rotate-ccw", size=14), t("sim.restart"), size="1",
                      variant="solid", color_scheme="gray", high_contrast=True, on_click=s.restart,
                      id="sim-restart"),
            width="100%", padding="10px 14px", align="center", id="sim-header",
            # white label: the header takes the business's colour (kept dark enough for white
            # text by the brand's contrast rule), else WhatsApp's own green
            background=rx.cond(BrandState.brand_custom, BrandState.brand_color,
                               PLATFORM_HEADER),
        ),
        rx.box(
            rx.cond(s.messages.length() == 0,
                    rx.center(rx.text(t("sim.empty"), size="2", color_scheme="gray"),
                              padding="40px")),
            rx.vstack(rx.foreach(s.messages, _bubble), spacing="2", width="100%"),
            id="sim-messages", tab_index=0,
            # column-reverse keeps the newest message in view without any scrolling code
            display="flex", flex_direction="column-reverse",
            flex="1", overflow_y="auto", padding="14px", width="100%",
            background="#efeae2", min_height="420px", max_height="60vh",
        ),
        rx.cond(s.error != "", rx.callout(s.error, color_scheme="red", size="1", width="100%")),
        rx.cond(s.why != "", _why_note()),
        rx.form(
            rx.hstack(
                rx.input(name="text", placeholder=t("sim.placeholder"), size="3",
                         width="100%", id="sim-input", auto_complete="off", max_length=4096,
                         key=s.draft_key, auto_focus=True),
                rx.button(rx.icon("send", size=16), type="submit", size="3", id="sim-send",
                          aria_label=t("a11y.send")),
                width="100%", padding="8px", background="#f0f2f5",
            ),
            on_submit=s.send_text, width="100%",
        ),
        spacing="0", width="100%", max_width="520px", border_radius="12px", overflow="hidden",
        border=f"1px solid {rx.color('gray', 5)}", background="white",
    )
    return app_shell(
        rx.cond(
            s.missing,
            not_found_block(),
            rx.vstack(
                rx.hstack(
                    rx.link(rx.icon("arrow-left", size=18), aria_label=t("a11y.back"),
                            href="/instances"),
                    rx.heading(t("sim.title"), size="7"),
                    help_link("primeiros-passos"),
                    align="center", spacing="3",
                ),
                rx.text(t("sim.subtitle"), color_scheme="gray"),
                chat,
                spacing="4", width="100%",
            ),
        ),
        ready=s.loaded,
    )
