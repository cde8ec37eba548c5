"""/settings/brand ("Marca própria", white label): the business's display name, logo, colour,
login headline, support contacts, "hide the ylada name", its subdomain and custom domain,
and its own e-mail sender (SMTP, tested with "testar envio"; services/brand_email.py).
Owner only; the plan must include white label. A live preview follows the form as it is
typed (the same validation as the save, services/brand.validate_settings)."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.forms import form_error
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.db import session_scope
from ylada_app.services import brand, brand_email
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.outbound import Busy, outbound
from ylada_app.state.session import SessionState

FIELDS = ("display_name", "primary_color", "login_headline", "support_email",
          "support_whatsapp")


def _snapshot(session, *, tenant_id: int) -> dict:
    """The page's view of the brand row (no bytes; image URLs relative to the API)."""
    allowed = True
    try:
        brand.require_white_label(session, tenant_id=tenant_id)
    except ServiceError:
        allowed = False
    row = brand.get_brand(session, tenant_id=tenant_id)
    out = {"allowed": allowed, "form": {f: "" for f in FIELDS}, "hide": False, "logo": "",
           "subdomain": "", "domain": "", "domain_status": "", "txt_name": "", "txt_value": ""}
    out["smtp"] = brand_email.smtp_form(session, tenant_id=tenant_id)
    if row is None:
        return out
    out["form"] = {f: getattr(row, f) or "" for f in FIELDS}
    out["hide"] = row.hide_platform_name
    if row.logo_png:
        out["logo"] = f"/brand/{row.id}/logo-{row.image_version}.png"
    out["subdomain"] = row.subdomain or ""
    out["domain"] = row.custom_domain or ""
    out["domain_status"] = row.domain_status if row.custom_domain else ""
    if row.custom_domain:
        out["txt_name"], out["txt_value"] = brand.txt_record(row)
    return out


def _api_base() -> str:
    return str(rx.config.get_config().api_url or "").rstrip("/")


class BrandSettingsState(SessionState):
    loaded: bool = False
    allowed: bool = False
    owner: bool = False
    form: dict[str, str] = {f: "" for f in FIELDS}
    hide: bool = False
    logo_url: str = ""
    errors: dict[str, str] = {}
    busy: bool = False
    subdomain: str = ""
    domain: str = ""
    domain_status: str = ""
    txt_name: str = ""
    txt_value: str = ""
    base_domain: str = ""
    # the business's own e-mail sender; the password is typed, sent, and never loaded back
    smtp: dict[str, str] = {}
    smtp_enabled: bool = False
    smtp_has_password: bool = False
    smtp_last_error: str = ""
    smtp_password: str = ""
    smtp_result: str = ""
    smtp_ok: bool = False
    smtp_busy: bool = False
    _upload: bytes = b""

    def _take(self, snap: dict) -> None:
        self.allowed = snap["allowed"]
        self.form = snap["form"]
        self.hide = snap["hide"]
        self.logo_url = _api_base() + snap["logo"] if snap["logo"] else ""
        self.subdomain = snap["subdomain"]
        self.domain = snap["domain"]
        self.domain_status = snap["domain_status"]
        self.txt_name, self.txt_value = snap["txt_name"], snap["txt_value"]
        mail = snap["smtp"]
        self.smtp = mail["form"]
        self.smtp_enabled, self.smtp_has_password = mail["enabled"], mail["has_password"]
        self.smtp_last_error = self._t(mail["last_error"]) if mail["last_error"] else ""
        self.smtp_password = ""

    async def _owner_ctx(self):
        ctx, redirect = await self._guard()
        if redirect:
            return None, redirect
        if ctx.role != "owner":
            self.owner = False
            return None, None
        self.owner = True
        return ctx, None

    @rx.event
    async def load(self):
        self.loaded = False
        self.errors = {}
        yield
        ctx, redirect = await self._owner_ctx()
        if redirect:
            yield redirect
            return
        self.base_domain = brand.base_domain()
        if ctx is not None:
            self._take(await call(_snapshot, tenant_id=ctx.tenant_id))
        self.loaded = True

    @rx.event
    def set_field(self, name: str, value: str):
        if name in FIELDS:
            self.form = {**self.form, name: value}

    @rx.event
    def set_hide(self, value: bool):
        self.hide = bool(value)

    @rx.event
    def set_smtp_field(self, name: str, value: str):
        if name == "smtp_password":
            self.smtp_password = value
        elif name in brand_email.SMTP_FIELDS:
            self.smtp = {**self.smtp, name: value}

    @rx.event
    async def save_smtp(self):
        ctx, redirect = await self._owner_ctx()
        if redirect or ctx is None:
            return redirect
        data = {**self.smtp, "smtp_password": self.smtp_password}
        try:
            await call(brand_email.save_smtp, tenant_id=ctx.tenant_id, data=data)
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return None
        self.errors, self.smtp_result = {}, ""
        self._take(await call(_snapshot, tenant_id=ctx.tenant_id))
        return rx.toast.success(self._t("brand.smtp.saved"))

    @rx.event
    async def remove_smtp(self):
        ctx, redirect = await self._owner_ctx()
        if redirect or ctx is None:
            return redirect
        _, problem = await self._call_or_toast(brand_email.remove_smtp, tenant_id=ctx.tenant_id)
        if problem is not None:
            return problem
        self.smtp_result = ""
        self._take(await call(_snapshot, tenant_id=ctx.tenant_id))
        return rx.toast.info(self._t("brand.smtp.removed"))

    @rx.event
    async def test_smtp(self):
        """Sends a test e-mail to the owner through the saved server, and says how it went."""
        ctx, redirect = await self._owner_ctx()
        if redirect or ctx is None:
            if redirect:
                yield redirect
            return
        self.smtp_busy, self.smtp_result = True, ""
        yield
        email = self.user_email
        try:
            ok, key = await outbound(
                ctx.tenant_id, brand_email.send_test, session_scope, tenant_id=ctx.tenant_id,
                to=email, lang=self.lang)
        except ServiceError as exc:
            ok, key = False, exc.code
        except Busy:
            ok, key = False, "outbound.busy"
        self.smtp_ok = ok
        self.smtp_result = self._t(key, email=email)
        self.smtp_busy = False
        self._take(await call(_snapshot, tenant_id=ctx.tenant_id))

    @rx.event
    def set_subdomain(self, value: str):
        self.subdomain = value

    @rx.event
    def set_domain(self, value: str):
        self.domain = value

    @rx.var
    def preview_color(self) -> str:
        """The colour the preview shows: the typed one once it is a valid hex."""
        try:
            return brand.normalize_color(self.form.get("primary_color", ""))
        except ValueError:
            return brand.PLATFORM_COLOR

    @rx.var
    def preview_name(self) -> str:
        return " ".join(self.form.get("display_name", "").split()) or self.tenant_name

    @rx.var
    def color_hint(self) -> str:
        """The contrast problem, live (before saving), in the visitor's language."""
        raw = self.form.get("primary_color", "").strip()
        if not raw:
            return ""
        try:
            brand.validate_settings({**self.form, "display_name": "x"})
        except ServiceError as exc:
            return exc.messages(self.lang).get("primary_color", "")
        return ""

    @rx.event
    async def save(self):
        ctx, redirect = await self._owner_ctx()
        if redirect or ctx is None:
            return redirect
        self.busy = True
        data = {**self.form, "hide_platform_name": "1" if self.hide else ""}
        try:
            await call(brand.save_settings, tenant_id=ctx.tenant_id, data=data)
        except ServiceError as exc:
            self.errors, self.busy = self._field_errors(exc), False
            return None
        self.errors, self.busy = {}, False
        self._take(await call(_snapshot, tenant_id=ctx.tenant_id))
        return [rx.toast.success(self._t("brand.saved")), BrandSettingsState.refresh_brand]

    @rx.event
    async def refresh_brand(self):
        from ylada_app.state.brand import BrandState

        return BrandState.load_brand

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]):
        got = await self._signed_in_upload(files, brand.MAX_UPLOAD_BYTES)
        if got is None:
            return None
        self._upload = got[0]
        return BrandSettingsState.process_upload

    @rx.event
    async def process_upload(self):
        ctx, redirect = await self._owner_ctx()
        data, self._upload = self._upload, b""
        if redirect or ctx is None:
            return redirect
        try:
            await call(brand.set_logo, tenant_id=ctx.tenant_id, data=data)
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return None
        self.errors = {}
        self._take(await call(_snapshot, tenant_id=ctx.tenant_id))
        return [rx.toast.success(self._t("brand.logo_saved")), BrandSettingsState.refresh_brand]

    @rx.event
    async def remove_logo(self):
        ctx, redirect = await self._owner_ctx()
        if redirect or ctx is None:
            return redirect
        _, problem = await self._call_or_toast(brand.remove_logo, tenant_id=ctx.tenant_id)
        if problem is not None:
            return problem
        self._take(await call(_snapshot, tenant_id=ctx.tenant_id))
        return BrandSettingsState.refresh_brand

    @rx.event
    async def save_subdomain(self):
        ctx, redirect = await self._owner_ctx()
        if redirect or ctx is None:
            return redirect
        try:
            await call(brand.set_subdomain, tenant_id=ctx.tenant_id, subdomain=self.subdomain)
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return None
        self.errors = {}
        self._take(await call(_snapshot, tenant_id=ctx.tenant_id))
        return rx.toast.success(self._t("brand.subdomain_saved"))

    @rx.event
    async def save_domain(self):
        ctx, redirect = await self._owner_ctx()
        if redirect or ctx is None:
            return redirect
        try:
            await call(brand.request_custom_domain, tenant_id=ctx.tenant_id, domain=self.domain)
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return None
        self.errors = {}
        self._take(await call(_snapshot, tenant_id=ctx.tenant_id))
        return None

    @rx.event
    async def check_domain(self):
        ctx, redirect = await self._owner_ctx()
        if redirect or ctx is None:
            if redirect:
                yield redirect
            return
        self.busy = True
        yield
        try:
            # a DNS query: in a thread (call), never on the event loop
            await call(brand.verify_custom_domain, tenant_id=ctx.tenant_id)
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
        self.busy = False
        self._take(await call(_snapshot, tenant_id=ctx.tenant_id))


S = BrandSettingsState


def _error(name: str) -> rx.Component:
    return rx.cond(S.errors.contains(name),
                   rx.text(S.errors[name], size="1", color_scheme="red", id=f"error-{name}"))


def _input(label_key: str, name: str, **props) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), as_="label", size="2", weight="medium", html_for=f"field-{name}"),
        rx.input(value=S.form[name], on_change=lambda v: S.set_field(name, v),
                 id=f"field-{name}", aria_label=t(label_key), size="3", width="100%", **props),
        _error(name),
        spacing="1", width="100%",
    )


def _preview() -> rx.Component:
    """A small login card drawn with the values being typed (nothing saved yet)."""
    return card(
        rx.text(t("brand.preview"), size="1", color_scheme="gray", weight="medium"),
        rx.vstack(
            rx.hstack(
                rx.cond(S.logo_url != "",
                        rx.image(src=S.logo_url, alt="", height="32px", max_width="140px",
                                 object_fit="contain"),
                        rx.box(width="28px", height="28px", border_radius="8px",
                               background=S.preview_color)),
                rx.heading(S.preview_name, size="5", color=S.preview_color,
                           id="preview-name"),
                align="center", spacing="2",
            ),
            rx.cond(S.form["login_headline"] != "",
                    rx.text(S.form["login_headline"], size="2", color_scheme="gray")),
            rx.box(t("brand.preview_button"), background=S.preview_color, color="white",
                   padding="8px 16px", border_radius="8px", text_align="center", width="100%",
                   id="preview-button"),
            spacing="3", align="center", padding="16px", width="100%",
        ),
        id="brand-preview", max_width="320px",
    )


def _identity() -> rx.Component:
    return card(
        rx.vstack(
            rx.heading(t("brand.section_identity"), size="4"),
            form_error(S.errors),
            _input("brand.display_name", "display_name", max_length=60),
            _input("brand.primary_color", "primary_color", max_length=7,
                   placeholder="#0A5BD3"),
            rx.cond(S.color_hint != "",
                    rx.text(S.color_hint, size="1", color_scheme="amber", id="color-hint")),
            _input("brand.login_headline", "login_headline", max_length=120),
            _input("brand.support_email", "support_email", type="email"),
            _input("brand.support_whatsapp", "support_whatsapp"),
            rx.hstack(rx.checkbox(checked=S.hide, on_change=S.set_hide, id="field-hide",
                                  aria_label=t("brand.hide_platform")),
                      rx.text(t("brand.hide_platform"), size="2"), align="center"),
            rx.text(t("brand.logo"), size="2", weight="medium"),
            rx.hstack(
                # the label names the file input (see pages/ai.py)
                rx.el.label(rx.upload(
                    rx.hstack(rx.icon("upload", size=14), rx.text(t("brand.logo_upload"),
                                                                  size="2"),
                              align="center", spacing="2", color=rx.color("jade", 11)),
                    id="brand-logo-upload", multiple=False, max_files=1,
                    accept={"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"],
                            "image/webp": [".webp"]},
                    on_drop=S.handle_upload(rx.upload_files(upload_id="brand-logo-upload")),
                    border=f"1px dashed {rx.color('jade', 7)}", padding="6px 12px",
                    border_radius="8px", cursor="pointer",
                ), style={"display": "block"}),
                rx.cond(S.logo_url != "",
                        rx.button(t("brand.logo_remove"), variant="ghost", color_scheme="gray",
                                  on_click=S.remove_logo, type="button")),
                spacing="3", align="center",
            ),
            _error("logo"),
            rx.button(t("brand.save"), on_click=S.save, loading=S.busy, id="brand-save",
                      size="3"),
            spacing="3", width="100%",
        ),
    )


def _addresses() -> rx.Component:
    return card(
        rx.vstack(
            rx.heading(t("brand.section_address"), size="4"),
            rx.text(t("brand.subdomain"), size="2", weight="medium"),
            rx.hstack(
                rx.input(value=S.subdomain, on_change=S.set_subdomain, id="field-subdomain",
                         aria_label=t("brand.subdomain"), max_length=32),
                rx.text("." + S.base_domain, size="2", color_scheme="gray"),
                rx.button(t("brand.subdomain_save"), on_click=S.save_subdomain,
                          variant="soft", id="subdomain-save"),
                align="center", spacing="2", wrap="wrap",
            ),
            _error("subdomain"),
            rx.text(t("brand.custom_domain"), size="2", weight="medium"),
            rx.hstack(
                rx.input(value=S.domain, on_change=S.set_domain, id="field-custom_domain",
                         aria_label=t("brand.custom_domain"), max_length=253, width="320px"),
                rx.button(t("brand.domain_save"), on_click=S.save_domain, variant="soft",
                          id="domain-save"),
                align="center", spacing="2", wrap="wrap",
            ),
            _error("custom_domain"),
            rx.cond(S.domain_status != "", rx.vstack(
                rx.badge(S.tr["brand.domain_status." + S.domain_status],
                         color_scheme=rx.match(S.domain_status, ("verified", "green"),
                                               ("failed", "red"), "amber"), id="domain-status"),
                rx.cond(S.domain_status != "verified", rx.vstack(
                    rx.text(t("brand.domain_txt"), size="2"),
                    rx.code(S.txt_name), rx.code(S.txt_value),
                    rx.button(t("brand.domain_check"), on_click=S.check_domain,
                              loading=S.busy, variant="soft", id="domain-check"),
                    spacing="2")),
                spacing="2")),
            spacing="3", width="100%",
        ),
    )


def _smtp_input(label_key: str, name: str, **props) -> rx.Component:
    value = S.smtp_password if name == "smtp_password" else S.smtp[name]
    return rx.vstack(
        rx.text(t(label_key), as_="label", size="2", weight="medium", html_for=f"field-{name}"),
        rx.input(value=value, on_change=lambda v: S.set_smtp_field(name, v),
                 id=f"field-{name}", aria_label=t(label_key), size="3", width="100%", **props),
        _error(name),
        spacing="1", width="100%",
    )


def _email_sender() -> rx.Component:
    """The business's own SMTP: saved, tested, removed. The password field stays empty."""
    return card(
        rx.vstack(
            rx.hstack(
                rx.heading(t("brand.section_email"), size="4"),
                rx.badge(rx.cond(S.smtp_enabled, t("brand.smtp.active"),
                                 t("brand.smtp.inactive")),
                         color_scheme=rx.cond(S.smtp_enabled, "green", "gray"),
                         id="smtp-status"),
                align="center", spacing="3", wrap="wrap",
            ),
            rx.text(t("brand.smtp.intro"), size="2", color_scheme="gray"),
            rx.grid(
                _smtp_input("brand.smtp.host", "smtp_host", max_length=253),
                _smtp_input("brand.smtp.port", "smtp_port", max_length=5, input_mode="numeric"),
                rx.vstack(
                    rx.text(t("brand.smtp.security"), size="2", weight="medium"),
                    rx.select.root(
                        rx.select.trigger(width="100%", id="field-smtp_security",
                                          aria_label=t("brand.smtp.security")),
                        rx.select.content(
                            rx.select.item(t("brand.smtp.security.starttls"),
                                           value="starttls"),
                            rx.select.item(t("brand.smtp.security.ssl"), value="ssl")),
                        value=S.smtp["smtp_security"],
                        on_change=lambda v: S.set_smtp_field("smtp_security", v), size="3"),
                    spacing="1", width="100%"),
                _smtp_input("brand.smtp.from_email", "smtp_from_email", type="email"),
                _smtp_input("brand.smtp.username", "smtp_username", auto_complete="off"),
                _smtp_input("brand.smtp.password", "smtp_password", type="password",
                            auto_complete="new-password"),
                columns=rx.breakpoints(initial="1", md="2"), spacing="3", width="100%",
            ),
            rx.cond(S.smtp_has_password,
                    rx.text(t("brand.smtp.password_kept"), size="1", color_scheme="gray",
                            id="smtp-password-kept")),
            rx.cond(S.smtp_last_error != "",
                    rx.callout(rx.text(t("brand.smtp.last_error"), " ", S.smtp_last_error),
                               icon="triangle_alert", color_scheme="amber", size="1",
                               id="smtp-last-error")),
            rx.hstack(
                rx.button(t("brand.smtp.save"), on_click=S.save_smtp, id="smtp-save"),
                rx.cond(S.smtp_enabled, rx.fragment(
                    rx.button(t("brand.smtp.test"), on_click=S.test_smtp, loading=S.smtp_busy,
                              variant="soft", id="smtp-test"),
                    rx.button(t("brand.smtp.remove"), on_click=S.remove_smtp, variant="ghost",
                              color_scheme="gray", id="smtp-remove"))),
                spacing="3", wrap="wrap",
            ),
            rx.cond(S.smtp_result != "", rx.box(rx.cond(
                S.smtp_ok,
                rx.callout(S.smtp_result, icon="circle_check", color_scheme="green"),
                rx.callout(S.smtp_result, icon="circle_x", color_scheme="red")),
                id="smtp-result", role="status", width="100%")),
            spacing="3", width="100%",
        ),
    )


def brand_page() -> rx.Component:
    return app_shell(
        page_header("brand.title", "brand.subtitle"),
        rx.cond(
            ~S.owner,
            card(rx.text(t("brand.owner_only")), id="brand-owner-only"),
            rx.cond(
                ~S.allowed,
                card(rx.vstack(rx.text(t("brand.plan_needed")),
                               rx.link(t("brand.see_plans"), href="/billing")),
                     id="brand-plan-needed"),
                rx.vstack(
                    rx.flex(_identity(), _preview(), spacing="5", width="100%",
                            direction=rx.breakpoints(initial="column", md="row"),
                            align="start"),
                    _addresses(),
                    _email_sender(),
                    spacing="5", width="100%",
                ),
            ),
        ),
        ready=S.loaded,
    )
