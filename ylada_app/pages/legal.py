"""/legal/privacy and /legal/dpa: the platform's privacy notice and data processing
agreement, public and readable (markdown); /admin/legal: the platform admin publishes new
versions of them (services/legal.py)."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.forms import field_error
from ylada_app.components.layout import app_shell, brand_style, card, logo, page_header
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.pages.instances import path_segment
from ylada_app.services import legal
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState


def _doc(session, *, kind: str) -> dict[str, str]:
    doc = legal.current(session, kind)
    return {"kind": kind, "version": str(doc.version), "title": doc.title, "body": doc.body,
            "published": local_text(doc.published_at, "%d/%m/%Y") if doc.published_at else ""}


class LegalState(SessionState):
    doc: dict[str, str] = {}
    loaded: bool = False

    @rx.event
    async def load(self):
        self._sync_lang()
        kind = path_segment(self.router.url.path, 1)
        try:
            self.doc = await call(_doc, kind=kind if kind in legal.KINDS else "privacy")
        except ServiceError:
            self.doc = {}
        self.loaded = True


def legal_page() -> rx.Component:
    s = LegalState
    return rx.box(
        rx.cond(rx.State.is_hydrated, rx.el.span(id="page-ready", hidden=True)),
        brand_style(),
        rx.vstack(
            rx.hstack(rx.link(logo("6"), href="/"), rx.spacer(),
                      rx.link(t("legal.privacy_title"), href="/legal/privacy", size="2"),
                      rx.link(t("legal.dpa_title"), href="/legal/dpa", size="2"),
                      spacing="4", align="center", width="100%"),
            rx.box(
                rx.cond(s.loaded, rx.fragment(
                    rx.text(t("legal.version"), " ", s.doc["version"],
                            rx.cond(s.doc["published"] != "",
                                    rx.fragment(" · ", t("legal.published"), " ",
                                                s.doc["published"])),
                            size="1", color_scheme="gray", id="legal-version"),
                    rx.markdown(s.doc["body"], class_name="help-text legal-text"),
                )),
                background="white", border=f"1px solid {rx.color('gray', 4)}",
                border_radius="16px", padding=["20px", "40px"], width="100%",
                id="legal-doc",
            ),
            rx.link(t("legal.back_signup"), href="/signup", size="2"),
            spacing="4", width="100%", max_width="860px", margin="0 auto",
        ),
        padding=["16px", "40px"],
        min_height="100vh",
        background=rx.color("gray", 2),
        class_name="brand-root",
    )


class AdminLegalState(SessionState):
    kind: str = "dpa"
    title: str = ""
    body: str = ""
    version: str = ""
    errors: dict[str, str] = {}
    loaded: bool = False

    async def _fill(self) -> None:
        doc = await call(_doc, kind=self.kind)
        self.title, self.body, self.version = doc["title"], doc["body"], doc["version"]

    @rx.event
    @guarded_load(admin=True)
    async def load(self, ctx):
        self.errors = {}
        await self._fill()

    @rx.event
    async def pick(self, kind: str | list[str]):
        _, redirect = await self._guard(admin=True)
        if redirect:
            return redirect
        if isinstance(kind, str) and kind in legal.KINDS:
            self.kind, self.errors = kind, {}
            await self._fill()

    @rx.event
    def set_title(self, value: str):
        self.title = value

    @rx.event
    def set_body(self, value: str):
        self.body = value

    @rx.event
    async def publish(self):
        ctx, redirect = await self._guard(admin=True)
        if redirect:
            return redirect
        try:
            doc = await call(legal.publish, kind=self.kind, title=self.title, body=self.body,
                             user_id=ctx.user_id)
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return
        self.errors, self.version = {}, str(doc.version)
        return rx.toast.success(self._t("legal.published_toast", version=doc.version))


def admin_legal_page() -> rx.Component:
    s = AdminLegalState
    return app_shell(
        page_header("legal.admin_title", "legal.admin_subtitle"),
        card(rx.vstack(
            rx.hstack(
                rx.segmented_control.root(
                    rx.segmented_control.item(t("legal.dpa_title"), value="dpa"),
                    rx.segmented_control.item(t("legal.privacy_title"), value="privacy"),
                    value=s.kind, on_change=s.pick, id="legal-kind",
                ),
                rx.spacer(),
                rx.text(t("legal.version"), " ", s.version, size="2", color_scheme="gray",
                        id="legal-current-version"),
                rx.link(t("legal.view_public"), href="/legal/" + s.kind, is_external=True,
                        size="2"),
                width="100%", align="center",
            ),
            rx.text(t("legal.field_title"), as_="label", size="2", weight="medium"),
            # uncontrolled (on_blur): a 10-page document is not sent back on every keystroke
            rx.input(default_value=s.title, on_blur=s.set_title, id="field-title",
                     key=s.kind + s.version, width="100%", aria_label=t("legal.field_title")),
            field_error(s.errors, "title"),
            rx.text(t("legal.field_body"), as_="label", size="2", weight="medium"),
            rx.text_area(default_value=s.body, on_blur=s.set_body, id="field-body", rows="24",
                         key=s.kind + s.version,
                         width="100%", font_family="monospace",
                         aria_label=t("legal.field_body")),
            field_error(s.errors, "body"),
            rx.text(t("legal.publish_hint"), size="1", color_scheme="gray"),
            rx.button(t("legal.publish"), on_click=s.publish, id="legal-publish"),
            spacing="2", width="100%",
        )),
        ready=s.loaded,
    )
