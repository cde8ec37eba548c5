"""/marketplace/[slug]: a template's description, its read-only flow outline, a "try it" chat
(the real engine in memory, example values) and the install wizard: fill the parameters →
choose the instance → talk to the personalised bot → activate."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ylada_app.components.chat import formatted_text
from ylada_app.components.forms import field_error
from ylada_app.components.layout import app_shell, card, not_found_block
from ylada_app.components.texts import t
from ylada_app.core.wa_format import as_rows
from ylada_app.pages.flows import instance_options, option_label
from ylada_app.pages.instances import path_segment
from ylada_app.pages.marketplace import (
    install_rows,
    installs_table,
    template_badges,
    upgrade_install,
)
from ylada_app.services import marketplace
from ylada_app.services.errors import FieldErrors, NotFound, ServiceError
from ylada_app.services.sandbox_chat import preview_reply
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState

STEPS = ("mkt.step_params", "mkt.step_instance", "mkt.step_preview", "mkt.step_activate")


@dataclasses.dataclass
class ChatLine:
    mine: bool
    text: str
    options: list[str]
    parts: list[dict[str, str]] = dataclasses.field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.parts:
            self.parts = as_rows(self.text)


_IDENTITY_KEYS = ("nome_", "endereco", "telefone", "chave_pix", "email")


def _is_sample(p: dict) -> bool:
    """A parameter whose default only shows the kind of value (another business's name,
    address, phone, site or Pix key): a placeholder in the wizard, never a value a business
    could install without noticing. Prices, hours and texts stay as editable defaults."""
    default = str(p.get("default") or "")
    return (str(p.get("type") or "") in ("url", "phone")
            or str(p["key"]).startswith(_IDENTITY_KEYS) or "exemplo" in default.lower())


def _detail(session, *, tenant_id: int, slug: str, lang: str = "pt-BR") -> dict:
    d = marketplace.template_detail(session, tenant_id=tenant_id, slug=slug, lang=lang)
    c = d.card
    return {
        "info": {"slug": c.slug, "name": c.name, "description": c.description,
                 "category": c.category, "niche": c.niche, "price": c.price,
                 "premium": "1" if c.is_premium else "", "locked": "1" if c.locked else "",
                 "installed": "1" if c.installed else "", "version": str(c.version)},
        "params": [{"key": str(p["key"]), "type": str(p.get("type") or "text"),
                    "label": str(p.get("label") or p["key"]),
                    "required": "1" if p.get("required") else "",
                    "help": str(p.get("help") or ""), "default": str(p.get("default") or ""),
                    "sample": "1" if _is_sample(p) else "",
                    "choices": [str(x) for x in p.get("choices") or []]}
                   for p in d.parameters],
        "outline": d.outline,
        "definition": marketplace.personalized_flow(session, slug=slug, defaults=True),
        "instances": instance_options(session, tenant_id=tenant_id),
        "installs": install_rows(session, tenant_id=tenant_id, slug=slug),
    }


def _active_flow_names(session, *, tenant_id: int, instance_id: str) -> list[str]:
    return [f.name for f in marketplace.other_active_flows(session, tenant_id=tenant_id,
                                                           instance_id=instance_id)]


def _line(message: dict) -> ChatLine:
    from ylada_app.chat_cli import render

    options = [o.get("title", "") for o in message.get("buttons") or []]
    options += [r.get("title", "") for s in message.get("sections") or []
                for r in s.get("rows") or []]
    text = render({**message, "buttons": [], "sections": []}) if options else render(message)
    return ChatLine(False, text.replace("\n≡ " + str(message.get("button_label") or "Opções"),
                                        "").strip(), options)


class TemplateState(SessionState):
    info: dict[str, str] = {}
    params: list[dict] = []
    outline: list[dict[str, str]] = []
    instance_options: list[dict[str, str]] = []
    installs: list[dict[str, str]] = []
    missing: bool = False
    loaded: bool = False
    # chat ("try it" with example values, or the wizard's personalised preview)
    chat: list[ChatLine] = []
    chat_key: int = 0
    _chat_state: dict = {}
    _definition: dict = {}
    _example: dict = {}
    # wizard
    step: int = 0
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    instance_id: str = ""
    busy: bool = False
    installed_instance: str = ""
    active_flows: list[str] = []
    replace_active: bool = True

    def _slug(self) -> str:
        return path_segment(self.router.url.path, 1)

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        try:
            data = await call(_detail, tenant_id=ctx.tenant_id, slug=self._slug(),
                              lang=self.lang)
        except (NotFound, ServiceError):
            self.missing = True
            self.loaded = True
            return
        self.missing = False
        self.info, self.params, self.outline = data["info"], data["params"], data["outline"]
        self.instance_options, self.installs = data["instances"], data["installs"]
        self._example = data["definition"]
        self._definition = self._example
        # the business's own name where the template asks for one; examples stay examples
        self.values = {p["key"]: (self.tenant_name if p["key"].startswith("nome_")
                                  else "" if p["sample"] else p["default"])
                       for p in self.params}
        self.instance_id = self.instance_options[0]["id"] if self.instance_options else ""
        self.step, self.errors, self.installed_instance = 0, {}, ""
        self._reset_chat()

    def _reset_chat(self) -> None:
        self.chat, self._chat_state = [], {}
        self.chat_key += 1

    def _say(self, text: str) -> None:
        text = (text or "").strip()[:4096]
        if not text or not self._definition:
            return
        sent, self._chat_state = preview_reply(self._definition, self._chat_state, text,
                                               name=(self.user_name or "Cliente").split()[0])
        self.chat = [*self.chat, ChatLine(True, text, []), *[_line(m) for m in sent]][-80:]
        self.chat_key += 1

    @rx.event
    def send(self, form: dict):
        self._say(form.get("text") or "")

    @rx.event
    def choose(self, title: str):
        self._say(title)

    @rx.event
    def restart_chat(self):
        self._reset_chat()

    # --- wizard -------------------------------------------------------------------------------
    @rx.event
    async def start_wizard(self):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        if self.info.get("locked") == "1":
            return rx.toast.error(self._t("error.template_premium"))
        self.step, self.errors = 1, {}
        return None

    @rx.event
    def close_wizard(self):
        self.step, self.errors = 0, {}
        self._definition = self._example
        self._reset_chat()

    @rx.event
    def back(self):
        self.step = max(1, self.step - 1)
        self.errors = {}

    @rx.event
    async def submit_params(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        keys = {p["key"] for p in self.params}
        self.values = {k: str(v)[:2000] for k, v in form.items() if k in keys}
        try:
            await call(marketplace.personalized_flow, slug=self._slug(), values=self.values)
        except FieldErrors as exc:
            self.errors = self._field_errors(exc)
            return None
        except ServiceError as exc:
            self.errors = {"_": self._error_text(exc)}
            return None
        self.errors, self.step = {}, 2
        return None

    @rx.event
    async def submit_instance(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        chosen = str(form.get("instance_id") or "")
        if chosen not in {i["id"] for i in self.instance_options}:
            self.errors = {"instance_id": self._t("error.instance_choose")}
            return None
        self.instance_id = chosen
        self._definition = await call(marketplace.personalized_flow, slug=self._slug(),
                                      values=self.values)
        self.active_flows = await call(_active_flow_names, tenant_id=ctx.tenant_id,
                                       instance_id=chosen)
        self._reset_chat()
        self.errors, self.step = {}, 3
        return None

    @rx.event
    def to_activate(self):
        self.step = 4

    @rx.event
    def set_replace_active(self, value: bool):
        self.replace_active = bool(value)

    @rx.event
    async def activate(self):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        self.busy = True
        self.errors = {}
        yield
        try:
            await call(marketplace.install_template, tenant_id=ctx.tenant_id,
                       slug=self._slug(), instance_id=self.instance_id, values=self.values,
                       replace_active=self.replace_active and bool(self.active_flows))
        except FieldErrors as exc:
            self.errors = self._field_errors(exc)
            self.step = 2 if "instance_id" in self.errors else 1
            self.busy = False
            return
        except ServiceError as exc:
            self.errors = {"_": self._error_text(exc)}
            self.busy = False
            return
        self.busy = False
        self.installed_instance = self.instance_id
        self.installs = await call(install_rows, tenant_id=ctx.tenant_id, slug=self._slug())
        self.info = {**self.info, "installed": "1"}
        self.step = 5
        yield rx.toast.success(self._t("mkt.activated"))

    @rx.event
    async def upgrade(self, install_id: str, overwrite: bool):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        toast = await upgrade_install(self, ctx.tenant_id, install_id, overwrite)
        self.installs = await call(install_rows, tenant_id=ctx.tenant_id, slug=self._slug())
        return toast


# --- components ---------------------------------------------------------------------------------


def _chat_line(line: rx.Var) -> rx.Component:
    bubble = rx.box(
        formatted_text(line.parts),
        background=rx.cond(line.mine, "#d9fdd3", "white"),
        padding="8px 12px", border_radius="10px", max_width="85%",
        box_shadow="0 1px 1px rgba(0,0,0,0.08)",
        class_name=rx.cond(line.mine, "try-msg try-in", "try-msg try-out"),
    )
    return rx.vstack(
        rx.hstack(rx.cond(line.mine, rx.spacer()), bubble, width="100%"),
        rx.cond(line.options.length() > 0, rx.flex(
            rx.foreach(line.options, lambda o: rx.button(
                o, size="1", variant="surface", class_name="try-option",
                on_click=TemplateState.choose(o))),
            wrap="wrap", gap="6px", max_width="85%")),
        width="100%", spacing="1", align="start",
    )


def chat_box(title_key: str, hint_key: str) -> rx.Component:
    s = TemplateState
    return rx.vstack(
        rx.hstack(
            rx.center(rx.icon("bot", size=16, color="white"), background="#128C7E",
                      border_radius="50%", width="30px", height="30px"),
            rx.text(t(title_key), weight="bold", size="3", color="white"),
            rx.spacer(),
            rx.button(rx.icon("rotate-ccw", size=12), t("mkt.chat_restart"), size="1",
                      variant="solid", color_scheme="gray", high_contrast=True,
                      on_click=s.restart_chat,
                      id="try-restart"),
            width="100%", padding="10px 14px", background="#075E54", align="center",
        ),
        rx.text(t(hint_key), size="1", color_scheme="gray", padding="6px 12px"),
        rx.box(
            rx.vstack(rx.foreach(s.chat, _chat_line), spacing="2", width="100%"),
            id="try-messages", display="flex", flex_direction="column-reverse",
            overflow_y="auto", padding="12px", width="100%", background="#efeae2",
            min_height="320px", max_height="55vh", tab_index=0,
        ),
        rx.form(
            rx.hstack(
                rx.input(name="text", placeholder=t("mkt.chat_placeholder"), size="2",
                         width="100%", id="try-input", auto_complete="off", max_length=4096,
                         key=s.chat_key),
                rx.button(rx.icon("send", size=14), type="submit", size="2", id="try-send",
                          aria_label=t("a11y.send")),
                width="100%", padding="8px", background="#f0f2f5",
            ),
            on_submit=s.send, width="100%",
        ),
        spacing="0", width="100%", border_radius="12px", overflow="hidden",
        border=f"1px solid {rx.color('gray', 5)}", background="white", id="try-chat",
    )


def _outline_line(line: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.badge(line["label"], variant="soft", size="1", min_width="110px",
                 color_scheme=rx.match(line["kind"], ("message", "jade"), ("question", "blue"),
                                       ("condition", "orange"), ("handoff", "red"),
                                       ("goal", "amber"), "gray")),
        rx.text(line["text"], size="1", color_scheme="gray"),
        spacing="2", align="start", width="100%",
    )


def _param_input(p: rx.Var) -> rx.Component:
    s = TemplateState
    name = p["key"].to(str)
    example = rx.cond(p["sample"] == "1", t("mkt.example_prefix") + p["default"].to(str), "")
    control = rx.match(
        p["type"],
        ("long_text", rx.text_area(name=name, default_value=s.values[name], rows="3",
                                   width="100%", id="param-" + name, placeholder=example)),
        ("choice", rx.el.select(
            rx.foreach(p["choices"].to(list[str]), lambda c: rx.el.option(c, value=c)),
            name=name, default_value=s.values[name], id="param-" + name,
            style={"width": "100%", "padding": "8px", "border_radius": "8px",
                   "border": f"1px solid {rx.color('gray', 6)}"})),
        rx.input(name=name, default_value=s.values[name], size="2", width="100%",
                 id="param-" + name, placeholder=example,
                 color_scheme=rx.cond(s.errors.contains(name), "red", "jade")),
    )
    return rx.vstack(
        rx.text(p["label"], rx.cond(p["required"] == "1", rx.text.span(" *", color="red")),
                size="2", weight="medium", as_="label"),
        control,
        rx.cond(p["help"] != "", rx.text(p["help"], size="1", color_scheme="gray")),
        rx.cond(s.errors.contains(name),
                rx.text(s.errors[name], color_scheme="red", size="1",
                        class_name="param-error", id="error-" + name)),
        spacing="1", width="100%",
    )


def _steps() -> rx.Component:
    s = TemplateState
    return rx.hstack(
        *[rx.badge(t(key), variant=rx.cond(s.step == i + 1, "solid", "soft"),
                   color_scheme=rx.cond(s.step > i + 1, "green", "jade"), size="2")
          for i, key in enumerate(STEPS)],
        spacing="2", wrap="wrap",
    )


def _form_error() -> rx.Component:
    s = TemplateState
    return rx.cond(s.errors.contains("_"),
                   rx.callout(s.errors["_"], icon="triangle_alert", color_scheme="red",
                              width="100%", id="wizard-error"))


def _wizard() -> rx.Component:
    s = TemplateState
    nav_back = rx.button(t("mkt.prev"), variant="soft", color_scheme="gray", on_click=s.back,
                         type="button")
    step1 = rx.form(
        rx.vstack(
            rx.foreach(s.params, _param_input),
            rx.hstack(rx.button(t("common.cancel"), variant="soft", color_scheme="gray",
                                type="button", on_click=s.close_wizard),
                      rx.button(t("mkt.next"), type="submit", id="wizard-params-next"),
                      spacing="2"),
            spacing="3", width="100%",
        ),
        on_submit=s.submit_params, width="100%", id="wizard-params",
    )
    step2 = rx.cond(
        s.instance_options.length() > 0,
        rx.form(
            rx.vstack(
                rx.text(t("mkt.instance"), size="2", weight="medium"),
                rx.el.select(
                    rx.foreach(s.instance_options,
                               lambda i: rx.el.option(option_label(i), value=i["id"])),
                    name="instance_id", id="wizard-instance", default_value=s.instance_id,
                    aria_label=t("mkt.instance"),
                    style={"width": "100%", "padding": "8px", "border_radius": "8px",
                           "border": f"1px solid {rx.color('gray', 6)}"}),
                field_error(s.errors, "instance_id"),
                rx.hstack(nav_back, rx.button(t("mkt.next"), type="submit",
                                              id="wizard-instance-next"), spacing="2"),
                spacing="3", width="100%",
            ),
            on_submit=s.submit_instance, width="100%",
        ),
        rx.vstack(rx.text(t("mkt.no_instances")),
                  rx.link(rx.button(t("nav.instances")), href="/instances/new")),
    )
    step3 = rx.vstack(
        chat_box("mkt.step_preview", "mkt.preview_hint"),
        rx.hstack(nav_back, rx.button(t("mkt.next"), on_click=s.to_activate,
                                      id="wizard-preview-next"), spacing="2"),
        spacing="3", width="100%",
    )
    step4 = rx.vstack(
        rx.text(t("mkt.activate_hint"), size="2"),
        rx.cond(s.active_flows.length() > 0, rx.callout.root(
            rx.callout.text(t("mkt.other_flows"), " ", rx.text.strong(s.active_flows.join(", "))),
            rx.hstack(rx.checkbox(checked=s.replace_active, on_change=s.set_replace_active,
                                  id="wizard-replace"),
                      rx.text(t("mkt.replace_active"), size="2"), align="center"),
            color_scheme="amber", width="100%", id="wizard-other-flows")),
        rx.hstack(nav_back, rx.button(rx.icon("zap", size=14), t("mkt.activate"),
                                      on_click=s.activate, loading=s.busy,
                                      id="wizard-activate", color_scheme="jade"),
                  spacing="2"),
        spacing="3", width="100%",
    )
    done = rx.callout.root(
        rx.callout.text(t("mkt.activated"), weight="bold"),
        rx.link(rx.button(rx.icon("message-circle", size=14), t("mkt.open_simulator"),
                          size="2", margin_top="8px"),
                href="/instances/" + s.installed_instance + "/simulator", id="open-simulator"),
        color_scheme="green", width="100%", id="wizard-done",
    )
    return card(
        rx.vstack(
            rx.heading(t("mkt.wizard_title"), size="5"),
            _steps(),
            _form_error(),
            rx.match(s.step, (1, step1), (2, step2), (3, step3), (4, step4), (5, done),
                     rx.fragment()),
            spacing="4", width="100%",
        ),
        id="wizard",
    )


def template_page() -> rx.Component:
    s = TemplateState
    header = rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow-left", size=16), t("mkt.back"), align="center",
                          spacing="1"), href="/marketplace", size="2"),
        rx.hstack(
            rx.heading(s.info["name"], size="7", id="template-name"),
            rx.spacer(),
            rx.cond(s.info["locked"] == "1",
                    rx.button(rx.icon("lock", size=14), t("mkt.use"), disabled=True, size="3"),
                    rx.button(rx.icon("sparkles", size=14), t("mkt.use"), size="3",
                              on_click=s.start_wizard, id="use-template")),
            width="100%", align="center",
        ),
        template_badges(s.info),
        rx.text(s.info["description"], size="3", color_scheme="gray", max_width="760px"),
        rx.cond(s.info["locked"] == "1",
                rx.callout(t("mkt.locked_body"), icon="crown", color_scheme="amber",
                           id="locked-callout")),
        spacing="3", width="100%", margin_bottom="20px",
    )
    outline = card(
        rx.vstack(rx.heading(t("mkt.preview_title"), size="4"),
                  rx.vstack(rx.foreach(s.outline, _outline_line), spacing="2", width="100%",
                            max_height="520px", overflow_y="auto", tab_index=0),
                  spacing="3", width="100%"),
        flex="3", id="flow-outline",
    )
    body = rx.cond(
        s.step == 0,
        rx.flex(outline, rx.box(chat_box("mkt.try_title", "mkt.try_hint"), flex="2",
                                width="100%"),
                spacing="4", width="100%", align="start",
                direction=rx.breakpoints(initial="column", md="row")),
        _wizard(),
    )
    installs = rx.cond(s.installs.length() > 0, card(
        rx.vstack(rx.heading(t("mkt.my_installs"), size="4"),
                  installs_table(s.installs, s.upgrade), spacing="3", width="100%"),
        margin_top="20px"))
    return app_shell(
        rx.cond(s.missing, not_found_block(), rx.vstack(header, body, installs, width="100%",
                                                        spacing="0")),
        ready=s.loaded,
    )
