"""/instances/[iid]/connect: connecting a WhatsApp number — "Continuar com o Facebook"
(Meta's Embedded Signup popup, each server step shown as it went) as the main path, and the
manual form (token and app secret, checked against the Graph API) as the fallback.
"""

from __future__ import annotations

import json

import reflex as rx

from ylada_app.components.badges import status_badge
from ylada_app.components.forms import form_error, submit_button, text_field
from ylada_app.components.layout import app_shell, card, detail_header, not_found_block
from ylada_app.components.texts import t
from ylada_app.core.settings import get_settings
from ylada_app.pages.instances import instance_view, path_segment
from ylada_app.services import instances
from ylada_app.services.errors import NotFound, ServiceError
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState


class ConnectState(SessionState):
    inst: dict[str, str] = {}
    errors: dict[str, str] = {}
    missing: bool = False
    loaded: bool = False
    busy: bool = False
    success: str = ""
    callback_url: str = ""
    # Embedded Signup
    es_enabled: bool = False
    es_busy: bool = False
    es_steps: list[dict[str, str]] = []
    es_error: str = ""
    es_pin: str = ""
    demo_available: bool = False  # `make run`: the local demonstration Graph server

    def _instance_key(self) -> str:
        return path_segment(self.router.url.path, 1)

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        self.success = ""
        self.errors = {}
        try:
            inst = await call(instances.get_instance, tenant_id=ctx.tenant_id,
                              instance_id=self._instance_key())
        except NotFound:
            self.missing = True
            self.loaded = True
            return
        self.missing = False
        self.inst = instance_view(inst)
        settings = get_settings()
        base = settings.public_base_url.rstrip("/")
        self.callback_url = f"{base}/webhooks/whatsapp/{inst.webhook_key}"
        self.es_enabled = bool(settings.meta_app_id and settings.meta_app_secret)
        self.demo_available = ":" in settings.whatsapp_demo_number
        self.es_steps, self.es_error, self.es_pin = [], "", ""

    @rx.event
    def start_signup(self):
        """Open Meta's popup (the JS SDK); its outcome comes back to `finish_signup`."""
        settings = get_settings()
        if not self.es_enabled:
            return None
        self.es_busy, self.es_error, self.es_steps, self.es_pin = True, "", [], ""
        return rx.call_script(signup_script(settings.meta_app_id, settings.meta_es_config_id,
                                            settings.whatsapp_graph_version,
                                            settings.meta_sdk_url),
                              callback=ConnectState.finish_signup)

    @rx.event
    async def finish_signup(self, outcome: str):
        ctx, redirect = await self._guard()
        if redirect:
            self.es_busy = False
            return redirect
        try:
            data = json.loads(outcome or "{}")
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        try:
            result = await call(
                instances.connect_embedded, tenant_id=ctx.tenant_id, user_id=ctx.user_id,
                instance_id=self._instance_key(), code=data.get("code"),
                waba_id=data.get("waba_id"), phone_number_id=data.get("phone_number_id"))
        except ServiceError as exc:
            self.es_busy, self.es_error = False, self._error_text(exc)
            return None
        self.es_busy = False
        self.es_steps = [{"label": self._t(f"connect.es.step.{step.key}"),
                          "ok": "1" if step.ok else "", "detail": step.detail}
                         for step in result.steps]
        if result.instance is None:
            self.es_error = self._t("connect.es.failed")
            return None
        self.inst = instance_view(result.instance)
        self.es_pin = result.pin
        number = result.instance.display_number or result.instance.phone_number_id
        self.success = self._t("connect.success", number=number)
        return None

    @rx.event
    async def connect_demo(self):
        """The demonstration number, in one click (only when `make run` started the local
        Graph server: its id and token come from the settings, never from the page)."""
        number = get_settings().whatsapp_demo_number
        if ":" not in number:
            return
        phone_id, token = number.split(":", 1)
        async for update in self._connect({"phone_number_id": phone_id, "access_token": token,
                                           "app_secret": "d" * 32}):
            yield update

    @rx.event
    async def submit(self, form: dict):
        async for update in self._connect(form):
            yield update

    async def _connect(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        self.busy = True
        self.success = ""
        self.errors = {}
        yield
        try:
            inst = await call(
                instances.connect_whatsapp,
                tenant_id=ctx.tenant_id,
                user_id=ctx.user_id,
                instance_id=self._instance_key(),
                phone_number_id=form.get("phone_number_id"),
                waba_id=form.get("waba_id"),
                access_token=form.get("access_token"),
                app_secret=form.get("app_secret"),
            )
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            self.busy = False
            return
        self.inst = instance_view(inst)
        number = inst.display_number or inst.phone_number_id
        self.success = self._t("connect.success", number=number)
        self.busy = False


def signup_script(app_id: str, config_id: str, version: str, sdk_url: str) -> str:
    """The browser side of Embedded Signup, as one expression whose Promise resolves to a
    JSON string: the one-time code from FB.login, and the account and number from the popup's
    WA_EMBEDDED_SIGNUP message (accepted only from a facebook.com origin)."""
    cfg = json.dumps({"appId": app_id, "configId": config_id, "version": version,
                      "sdk": sdk_url})
    return _SIGNUP_JS.replace("__CONFIG__", cfg)


_SIGNUP_JS = """(async () => {
  const cfg = __CONFIG__;
  const session = {};
  const listener = (event) => {
    let host = "";
    try { host = new URL(event.origin).hostname; } catch (e) { return; }
    if (host !== "facebook.com" && !host.endsWith(".facebook.com")) return;
    try {
      const d = typeof event.data === "string" ? JSON.parse(event.data) : event.data;
      if (d && d.type === "WA_EMBEDDED_SIGNUP") {
        session.event = d.event || "";
        Object.assign(session, d.data || {});
      }
    } catch (e) {}
  };
  window.addEventListener("message", listener);
  try {
    if (!window.FB) {
      await new Promise((resolve, reject) => {
        window.fbAsyncInit = () => {
          FB.init({appId: cfg.appId, autoLogAppEvents: true, xfbml: false,
                   version: cfg.version});
          resolve();
        };
        const s = document.createElement("script");
        s.src = cfg.sdk; s.async = true; s.crossOrigin = "anonymous";
        s.onerror = () => reject(new Error("sdk"));
        document.body.appendChild(s);
      });
    }
    const code = await new Promise((resolve) => FB.login(
      (r) => resolve(r && r.authResponse ? (r.authResponse.code || "") : ""),
      {config_id: cfg.configId, response_type: "code", override_default_response_type: true,
       extras: {setup: {}, sessionInfoVersion: "3"}}));
    await new Promise((r) => setTimeout(r, 400));  // the popup's message may trail the login
    return JSON.stringify({code: code, waba_id: session.waba_id || "",
                           phone_number_id: session.phone_number_id || "",
                           event: session.event || ""});
  } catch (e) {
    return JSON.stringify({error: String(e)});
  } finally {
    window.removeEventListener("message", listener);
  }
})()"""


def _step_row(step: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon(rx.cond(step["ok"] == "1", "circle-check", "circle-x"), size=16,
                color=rx.cond(step["ok"] == "1", rx.color("jade", 10), rx.color("red", 10)),
                flex_shrink="0", margin_top="2px"),
        rx.vstack(rx.text(step["label"], size="2", weight="medium"),
                  rx.cond(step["detail"] != "", rx.text(step["detail"], size="1",
                                                        color_scheme="gray")),
                  spacing="0"),
        align="start", spacing="2", class_name=rx.cond(step["ok"] == "1", "es-step es-ok",
                                                         "es-step es-failed"),
    )


def _signup_card() -> rx.Component:
    s = ConnectState
    return card(
        rx.vstack(
            rx.heading(t("connect.es.title"), size="4"),
            rx.text(t("connect.es.intro"), size="2", color_scheme="gray"),
            rx.button(rx.icon("log-in", size=16), t("connect.es.button"), size="3",
                      on_click=s.start_signup, loading=s.es_busy, id="es-start",
                      style={"background": "#1877F2"}),
            rx.cond(s.es_steps.length() > 0,
                    rx.vstack(rx.foreach(s.es_steps, _step_row), spacing="2", id="es-steps")),
            rx.cond(s.es_error != "", rx.callout(s.es_error, icon="triangle-alert",
                                                 color_scheme="red", width="100%",
                                                 id="es-error")),
            rx.cond(s.es_pin != "", rx.callout.root(
                rx.callout.icon(rx.icon("key-round", size=16)),
                rx.callout.text(t("connect.es.pin_note"), " ", rx.code(s.es_pin)),
                color_scheme="jade", width="100%", id="es-pin")),
            spacing="3", width="100%",
        ),
        id="es-card",
    )


def _demo_card() -> rx.Component:
    s = ConnectState
    return card(rx.vstack(
        rx.heading(t("connect.demo_title"), size="4"),
        rx.text(t("connect.demo_note"), size="2", color_scheme="gray"),
        rx.button(rx.icon("smartphone", size=16), t("connect.demo_submit"),
                  on_click=s.connect_demo, loading=s.busy, id="connect-demo", size="3"),
        spacing="3", width="100%"), border_color=rx.color("violet", 6), id="demo-card")


# The webhook fields to tick in Meta's app, in groups (the names are what Meta's page shows).
WEBHOOK_FIELDS = (
    ("connect.fields_needed", ("messages",)),
    ("connect.fields_notices", ("account_update", "phone_number_quality_update",
                                "phone_number_name_update", "message_template_status_update",
                                "message_template_quality_update", "template_category_update",
                                "user_preferences")),
    ("connect.fields_app", ("smb_message_echoes", "smb_app_state_sync", "history")),
)


def _fields(label: str, names: tuple[str, ...]) -> rx.Component:
    return rx.vstack(
        rx.text(t(label), size="1", color_scheme="gray"),
        rx.hstack(*[rx.code(name, size="1", variant="soft") for name in names],
                  wrap="wrap", spacing="1"),
        spacing="1", width="100%", class_name="webhook-fields",
    )


def _copy_row(label_key: str, value: rx.Var, elem_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), size="2", weight="medium"),
        rx.hstack(
            rx.code(value, size="2", id=elem_id, style={"word_break": "break-all"}),
            rx.icon_button(rx.icon("copy", size=14), size="1", variant="soft", type="button",
                           on_click=rx.set_clipboard(value)),
            align="center",
            spacing="2",
        ),
        spacing="1",
        width="100%",
    )


def connect_page() -> rx.Component:
    s = ConnectState
    form = rx.form(
        rx.vstack(
            rx.text(t("connect.intro"), color_scheme="gray", size="2"),
            form_error(s.errors),
            rx.cond(s.success != "",
                    rx.callout(s.success, icon="circle-check", color_scheme="green",
                               width="100%", id="connect-success")),
            text_field("connect.phone_number_id", "phone_number_id", s.errors,
                       default_value=s.inst["phone_number_id"], max_length=40),
            text_field("connect.waba_id", "waba_id", s.errors, default_value=s.inst["waba_id"],
                       max_length=40),
            text_field("connect.access_token", "access_token", s.errors, type="password",
                       autocomplete="off"),
            text_field("connect.app_secret", "app_secret", s.errors, type="password",
                       autocomplete="off"),
            rx.text(t("connect.secrets_note"), size="1", color_scheme="gray"),
            submit_button("connect.submit", loading=s.busy, id="connect-submit"),
            spacing="4",
            width="100%",
        ),
        on_submit=s.submit,
        key=s.inst["id"],
    )
    webhook = card(
        rx.vstack(
            rx.heading(t("connect.webhook_title"), size="4"),
            rx.text(t("connect.webhook_help"), size="2", color_scheme="gray"),
            _copy_row("connect.callback_url", s.callback_url, "callback-url"),
            _copy_row("connect.verify_token", s.inst["verify_token"], "verify-token"),
            *[_fields(label, names) for label, names in WEBHOOK_FIELDS],
            spacing="3",
            width="100%",
        )
    )
    return app_shell(
        rx.cond(
            s.missing,
            not_found_block(),
            rx.vstack(
                detail_header("/instances/" + s.inst["id"], t("connect.title"),
                              help_topic="whatsapp", name=s.inst["name"],
                              badge=status_badge(s.inst["status"]),
                              actions=[rx.link(t("health.open"), id="health-link", size="2",
                                               href="/instances/" + s.inst["id"] + "/health")]),
                # (hidden once connected: the form says so, with the number)
                rx.cond(s.demo_available & (s.inst["status"] != "connected"), _demo_card()),
                rx.cond(s.es_enabled, _signup_card()),
                rx.cond(s.es_enabled, rx.heading(t("connect.es.manual"), size="4",
                                                 margin_top="8px")),
                rx.grid(
                    card(form),
                    webhook,
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                    align_items="start",
                ),
                spacing="4",
                width="100%",
            ),
        ),
        ready=s.loaded,
    )
