"""/instances (list), /instances/new (create) and /instances/[iid] (edit, disable)."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.badges import status_badge
from ylada_app.components.forms import field_error, form_error, submit_button, text_field
from ylada_app.components.layout import app_shell, card, not_found_block, page_header
from ylada_app.components.texts import t
from ylada_app.models import Instance
from ylada_app.pages.dashboard import instance_rows
from ylada_app.services import instances
from ylada_app.services.errors import NotFound, ServiceError
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState


def instance_view(inst: Instance) -> dict[str, str]:
    words = instances.optout_settings(inst)
    return {
        "id": str(inst.id),
        "name": inst.name,
        "channel": inst.channel,
        "status": inst.status,
        "number": inst.display_number or "",
        "verified_name": inst.verified_name or "",
        "phone_number_id": inst.phone_number_id or "",
        "waba_id": inst.waba_id or "",
        "webhook_key": inst.webhook_key,
        "verify_token": inst.verify_token,
        "status_detail": inst.status_detail or "",
        "default_reply": inst.default_reply or "",
        # the words and replies the bot uses now (the platform's when the number has none)
        "optout_words": ", ".join(words.optout_words),
        "optout_reply": words.optout_reply,
        "optin_words": ", ".join(words.optin_words),
        "optin_reply": words.optin_reply,
        "optout_default": "1" if words == instances.DEFAULT_OPTOUT else "",
        "privacy_keyword": "1" if inst.privacy_keyword else "",  # LGPD "MEUS DADOS"
    }


def path_segment(path: str, index: int) -> str:
    parts = [p for p in (path or "").split("/") if p]
    return parts[index] if len(parts) > index else ""


class InstancesState(SessionState):
    items: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        self.items = await call(instance_rows, tenant_id=ctx.tenant_id)


class NewInstanceState(SessionState):
    errors: dict[str, str] = {}
    busy: bool = False
    channel: str = "simulator"

    @rx.event
    async def load(self):
        self.errors = {}
        # the guide's "connect your number" opens this page with the WhatsApp channel chosen
        wanted = self.router.url.query_parameters.get("channel", "")
        self.channel = wanted if wanted in ("simulator", "whatsapp_cloud") else "simulator"
        _, redirect = await self._guard()
        return redirect

    @rx.event
    def set_channel(self, value: str):
        self.channel = value

    @rx.event
    async def submit(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        self.busy = True
        yield
        try:
            inst = await call(
                instances.create_instance, tenant_id=ctx.tenant_id, name=form.get("name"),
                channel=self.channel,
            )
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            self.busy = False
            return
        self.errors = {}
        self.busy = False
        target = f"/instances/{inst.id}"
        if inst.channel == "whatsapp_cloud":
            target += "/connect"
        yield rx.redirect(target)


class InstanceDetailState(SessionState):
    inst: dict[str, str] = {}
    errors: dict[str, str] = {}
    missing: bool = False
    loaded: bool = False
    busy: bool = False

    def _instance_key(self) -> str:
        return path_segment(self.router.url.path, 1)

    async def _load_instance(self):
        self.loaded = False
        ctx, redirect = await self._guard()
        if redirect:
            return None, redirect
        try:
            inst = await call(
                instances.get_instance, tenant_id=ctx.tenant_id, instance_id=self._instance_key()
            )
        except NotFound:
            self.inst = {}
            self.missing = True
            self.loaded = True
            return ctx, None
        self.inst = instance_view(inst)
        self.missing = False
        self.errors = {}
        self.loaded = True
        return ctx, None

    @rx.event
    async def load(self):
        self.loaded = False
        yield
        _, redirect = await self._load_instance()
        if redirect:
            yield redirect

    async def _save(self, fn, *, done: str = "common.saved", **values):
        """A settings form of this number: the service call, field errors or `done`."""
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        try:
            inst = await call(fn, tenant_id=ctx.tenant_id, instance_id=self._instance_key(),
                              **values)
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return None
        self.inst = instance_view(inst)
        self.errors = {}
        return rx.toast.success(self._t(done))

    @rx.event
    async def rename(self, form: dict):
        return await self._save(instances.rename_instance, name=form.get("name"))

    @rx.event
    async def save_default_reply(self, form: dict):
        return await self._save(instances.set_default_reply, text=form.get("default_reply"))

    @rx.event
    async def save_optout(self, form: dict):
        return await self._save(
            instances.set_optout_settings, optout_words=form.get("optout_words"),
            optout_reply=form.get("optout_reply"), optin_words=form.get("optin_words"),
            optin_reply=form.get("optin_reply"))

    @rx.event
    async def restore_optout(self):
        return await self._save(instances.restore_optout_defaults, done="optout.restored")

    @rx.event
    async def set_privacy_keyword(self, enabled: bool):
        from ylada_app.services import privacy

        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        _, problem = await self._call_or_toast(
            privacy.set_keyword, tenant_id=ctx.tenant_id, instance_id=self._instance_key(),
            enabled=enabled, user_id=ctx.user_id)
        if problem is not None:
            return problem
        self.inst = {**self.inst, "privacy_keyword": "1" if enabled else ""}
        return rx.toast.success(self._t("privacy.keyword_on" if enabled
                                        else "privacy.keyword_off"))

    @rx.event
    async def set_enabled(self, enabled: bool):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        inst, problem = await self._call_or_toast(
            instances.set_instance_enabled, tenant_id=ctx.tenant_id,
            instance_id=self._instance_key(), enabled=enabled)
        if problem is not None:
            return problem
        self.inst = instance_view(inst)


def _channel_label(channel: rx.Var) -> rx.Component:
    return rx.cond(channel == "simulator", t("channel.simulator"), t("channel.whatsapp_cloud"))


def _row(item: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(item["name"], href="/instances/" + item["id"], weight="medium")),
        rx.table.cell(_channel_label(item["channel"])),
        rx.table.cell(item["number"]),
        rx.table.cell(status_badge(item["status"])),
        rx.table.cell(rx.link(t("instances.edit"), href="/instances/" + item["id"])),
        class_name="instance-row",
    )


def instances_page() -> rx.Component:
    return app_shell(
        page_header(
            "instances.title",
            "instances.subtitle",
            rx.link(rx.button(rx.icon("plus", size=16), t("instances.new"), size="3",
                              id="new-instance"), href="/instances/new"),
        ),
        card(
            rx.cond(
                InstancesState.items.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(t("common.name")),
                            rx.table.column_header_cell(t("instances.channel")),
                            rx.table.column_header_cell(t("instances.number")),
                            rx.table.column_header_cell(t("common.status")),
                            rx.table.column_header_cell(t("common.actions")),
                        )
                    ),
                    rx.table.body(rx.foreach(InstancesState.items, _row)),
                    width="100%",
                    id="instances-table",
                ),
                rx.text(t("instances.empty"), color_scheme="gray"),
            ),
        ),
        ready=InstancesState.loaded,
    )


def _channel_choice(value: str, icon: str, label_key: str) -> rx.Component:
    selected = NewInstanceState.channel == value
    return rx.box(
        rx.hstack(
            rx.icon(icon, size=22),
            rx.text(t(label_key), weight="medium"),
            align="center",
            spacing="3",
        ),
        on_click=NewInstanceState.set_channel(value),
        cursor="pointer",
        padding="14px",
        border_radius="10px",
        border=rx.cond(selected, f"2px solid {rx.color('jade', 9)}",
                       f"2px solid {rx.color('gray', 4)}"),
        background=rx.cond(selected, rx.color("jade", 2), "white"),
        flex="1",
        id=f"channel-{value}",
    )


def new_instance_page() -> rx.Component:
    return app_shell(
        page_header("instances.new_title"),
        card(
            rx.form(
                rx.vstack(
                    form_error(NewInstanceState.errors),
                    text_field("common.name", "name", NewInstanceState.errors, max_length=60),
                    rx.text(t("instances.channel"), size="2", weight="medium"),
                    rx.hstack(
                        _channel_choice("simulator", "bot", "channel.simulator"),
                        _channel_choice("whatsapp_cloud", "smartphone", "channel.whatsapp_cloud"),
                        width="100%",
                        spacing="3",
                    ),
                    rx.text(t("instances.channel_help"), size="1", color_scheme="gray"),
                    rx.hstack(
                        submit_button("instances.create", loading=NewInstanceState.busy,
                                      id="create-instance"),
                        rx.link(rx.button(t("common.cancel"), variant="soft", color_scheme="gray",
                                          size="3", type="button"), href="/instances"),
                        spacing="3",
                    ),
                    spacing="4",
                    width="100%",
                ),
                on_submit=NewInstanceState.submit,
            ),
            max_width="560px",
        ),
    )


def instance_detail_page() -> rx.Component:
    s = InstanceDetailState
    return app_shell(
        rx.cond(
            s.missing,
            not_found_block(),
            rx.vstack(
                rx.hstack(
                    rx.heading(s.inst["name"], size="7", id="instance-name"),
                    status_badge(s.inst["status"]),
                    rx.spacer(),
                    rx.link(rx.button(rx.icon("message-square", size=16),
                                      t("instances.simulator"), size="3", variant="soft",
                                      id="simulator-link"),
                            href="/instances/" + s.inst["id"] + "/simulator"),
                    rx.cond(
                        s.inst["channel"] == "whatsapp_cloud",
                        rx.hstack(
                            # message templates are Meta's: a simulator has none
                            rx.link(rx.button(rx.icon("file-text", size=16),
                                              t("templates.open"), size="3", variant="soft",
                                              id="templates-link"),
                                    href="/instances/" + s.inst["id"] + "/templates"),
                            rx.link(rx.button(rx.icon("plug", size=16), t("instances.connect"),
                                              size="3", id="connect-link"),
                                    href="/instances/" + s.inst["id"] + "/connect"),
                            spacing="3", wrap="wrap",
                        ),
                    ),
                    align="center",
                    spacing="3",
                    width="100%",
                    wrap="wrap",  # on a phone the buttons go under the name
                ),
                rx.text(_channel_label(s.inst["channel"]), " ", s.inst["number"],
                        color_scheme="gray"),
                rx.cond(
                    s.inst["status"] == "disabled",
                    rx.callout(t("instances.disabled_note"), icon="circle-pause",
                               color_scheme="gray", width="100%"),
                ),
                card(
                    rx.form(
                        rx.vstack(
                            rx.heading(t("instances.settings"), size="4"),
                            text_field("common.name", "name", s.errors,
                                       default_value=s.inst["name"], max_length=60),
                            rx.hstack(
                                submit_button("common.save", id="save-instance"),
                                rx.spacer(),
                                rx.cond(
                                    s.inst["status"] == "disabled",
                                    rx.button(t("instances.enable"), type="button",
                                              variant="soft", size="3", id="enable-instance",
                                              on_click=s.set_enabled(True)),
                                    rx.button(t("instances.disable"), type="button",
                                              variant="soft", color_scheme="red", size="3",
                                              id="disable-instance",
                                              on_click=s.set_enabled(False)),
                                ),
                                width="100%",
                            ),
                            spacing="4",
                            width="100%",
                        ),
                        on_submit=s.rename,
                        key=s.inst["id"] + s.inst["name"],
                    ),
                    max_width="640px",
                ),
                _default_reply_card(),
                _optout_card(),
                spacing="4",
                width="100%",
            ),
        ),
        ready=s.loaded,
    )


def _default_reply_card() -> rx.Component:
    s = InstanceDetailState
    return card(
        rx.form(
            rx.vstack(
                rx.heading(t("default_reply.title"), size="4"),
                rx.text(t("default_reply.hint"), size="2", color_scheme="gray"),
                rx.text(t("default_reply.label"), as_="label", size="2", weight="medium",
                        html_for="field-default_reply"),
                rx.text_area(name="default_reply", id="field-default_reply",
                             aria_label=t("default_reply.label"),
                             default_value=s.inst["default_reply"],
                             max_length=instances.DEFAULT_REPLY_MAX, rows="4", width="100%",
                             size="3"),
                field_error(s.errors, "default_reply"),
                rx.cond(s.inst["default_reply"] == "",
                        rx.text(t("default_reply.off"), size="1", color_scheme="amber")),
                submit_button("common.save", id="save-default-reply"),
                spacing="3",
                width="100%",
            ),
            on_submit=s.save_default_reply,
            key=s.inst["id"] + "-reply-" + s.inst["default_reply"],
        ),
        max_width="640px",
        id="default-reply",
    )


def _area(label_key: str, name: str, rows: str = "3") -> rx.Component:
    s = InstanceDetailState
    return rx.vstack(
        rx.text(t(label_key), as_="label", size="2", weight="medium", html_for=f"field-{name}"),
        rx.text_area(name=name, id=f"field-{name}", aria_label=t(label_key),
                     default_value=s.inst[name], max_length=instances.OPTOUT_REPLY_MAX,
                     rows=rows, width="100%", size="3",
                     color_scheme=rx.cond(s.errors.contains(name), "red", "jade")),
        field_error(s.errors, name),
        spacing="1",
        width="100%",
    )


def _optout_card() -> rx.Component:
    """The words that stop (and restart) the number's messages, and the replies to them."""
    s = InstanceDetailState
    return card(
        rx.form(
            rx.vstack(
                rx.heading(t("optout.title"), size="4"),
                rx.text(t("optout.hint"), size="2", color_scheme="gray"),
                text_field("optout.words", "optout_words", s.errors,
                           default_value=s.inst["optout_words"]),
                _area("optout.reply", "optout_reply"),
                rx.text(t("optout.reply_hint"), size="1", color_scheme="gray"),
                text_field("optin.words", "optin_words", s.errors,
                           default_value=s.inst["optin_words"]),
                _area("optin.reply", "optin_reply", rows="2"),
                rx.hstack(
                    submit_button("common.save", id="save-optout"),
                    rx.spacer(),
                    rx.cond(
                        s.inst["optout_default"] == "1",
                        rx.text(t("optout.is_default"), size="1", color_scheme="gray",
                                id="optout-is-default"),
                        # a link's look, a button's behaviour (no navigation, keyboard-ready)
                        rx.button(t("optout.restore"), type="button", variant="ghost",
                                  size="2", on_click=s.restore_optout, id="restore-optout"),
                    ),
                    align="center",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=s.save_optout,
            key=(s.inst["id"] + "-optout-" + s.inst["optout_words"] + "|"
                 + s.inst["optin_words"] + "|" + s.inst["optout_reply"] + "|"
                 + s.inst["optin_reply"]),
        ),
        rx.divider(margin_y="16px"),
        rx.vstack(  # LGPD: "MEUS DADOS" opens a data request (off until the business says)
            rx.heading(t("privacy.keyword_title"), size="3"),
            rx.text(t("privacy.keyword_hint"), size="2", color_scheme="gray"),
            rx.hstack(rx.switch(checked=s.inst["privacy_keyword"] == "1",
                                on_change=s.set_privacy_keyword, id="privacy-keyword",
                                aria_label=t("privacy.keyword_label")),
                      rx.text(t("privacy.keyword_label"), size="2"), align="center"),
            spacing="2", width="100%",
        ),
        max_width="640px",
        id="optout-words",
    )
