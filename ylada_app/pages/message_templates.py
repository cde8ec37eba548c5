"""/instances/[iid]/templates ("Modelos de mensagem"): the number's WhatsApp templates —
create one (checked against Meta's rules with field messages, then sent for approval; its
header none, text, or an image / video / document given by an example file), see its
status (em análise, aprovado, rejeitado with Meta's reason), ask Meta again, delete.
Owners and admins."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.confirm import confirm_button
from ylada_app.components.forms import field_error, form_error, submit_button, text_field
from ylada_app.components.layout import app_shell, card, not_found_block
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.pages.instances import path_segment
from ylada_app.services import instances, message_templates
from ylada_app.services.errors import NotFound, ServiceError
from ylada_app.services.message_templates import Draft, MediaExample
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState

_STATUS_COLORS = {"APPROVED": "jade", "PENDING": "amber", "REJECTED": "red",
                  "PAUSED": "orange", "DISABLED": "gray"}


def _rows(session, *, tenant_id: int, instance_id: str) -> list[dict[str, str]]:
    out = []
    for row in message_templates.list_templates(session, tenant_id=tenant_id,
                                                instance_id=instance_id):
        body = next((c.get("text", "") for c in row.components if c.get("type") == "BODY"), "")
        out.append({"id": str(row.id), "name": row.name, "language": row.language,
                    "category": row.category, "status": row.status, "reason": row.reason,
                    "quality": row.quality if row.status == "APPROVED" else "",
                    "body": body, "updated": local_text(row.updated_at),
                    "media": message_templates.media_header(row) or ""})
    return out


def _lines(value: object) -> list[str]:
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def draft_from_form(form: dict, header_kind: str = "",
                    header_file: MediaExample | None = None) -> Draft:
    buttons = [{"type": "quick_reply", "text": text} for text in _lines(form.get("quick"))]
    if str(form.get("link_text") or "").strip() or str(form.get("link_url") or "").strip():
        buttons.append({"type": "url", "text": str(form.get("link_text") or ""),
                        "url": str(form.get("link_url") or "")})
    return Draft(name=str(form.get("name") or "").strip(),
                 language=str(form.get("language") or "pt_BR"),
                 category=str(form.get("category") or "UTILITY"),
                 body=str(form.get("body") or ""), body_examples=_lines(form.get("examples")),
                 header=str(form.get("header") or ""),
                 header_example=str(form.get("header_example") or ""),
                 footer=str(form.get("footer") or ""), buttons=buttons,
                 header_kind=header_kind or str(form.get("header_kind") or ""),
                 header_file=header_file)


HEADER_KINDS = [(k, f"templates.hk.{k}") for k in message_templates.HEADER_KINDS]
MEDIA_ACCEPT = {"image": {"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"]},
                "video": {"video/mp4": [".mp4"]},
                "document": {"application/pdf": [".pdf"]}}


class TemplatesState(SessionState):
    loaded: bool = False
    missing: bool = False
    inst_id: str = ""
    inst_name: str = ""
    whatsapp: bool = False
    rows: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    busy: bool = False
    form_key: int = 0
    header_kind: str = "none"
    header_file_name: str = ""
    # the example file of a media header, until the form is sent (read up to the kind's
    # cap and one byte more: the service says when it is too big)
    _header_data: bytes = b""

    @rx.event
    def set_header_kind(self, kind: str):
        self.header_kind = kind if kind in message_templates.HEADER_KINDS else "none"
        self._header_data, self.header_file_name = b"", ""
        self.errors = {k: v for k, v in self.errors.items()
                       if k not in ("header", "header_file", "header_kind")}

    @rx.event
    async def pick_header_file(self, files: list[rx.UploadFile]):
        if not files or self.header_kind not in message_templates.MEDIA_RULES:
            return
        cap = message_templates.MEDIA_RULES[self.header_kind][1]
        got = await self._signed_in_upload(files, cap)
        if got is None:
            return
        self._header_data = got[0]
        self.header_file_name = (got[1] or "arquivo")[:120]
        self.errors = {k: v for k, v in self.errors.items() if k != "header_file"}

    @rx.event
    async def load(self):
        self.loaded, self.errors = False, {}
        yield
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        try:
            inst = await call(instances.get_instance, tenant_id=ctx.tenant_id,
                              instance_id=path_segment(self.router.url.path, 1))
        except NotFound:
            self.missing, self.loaded = True, True
            return
        self.missing = False
        self.inst_id, self.inst_name = str(inst.id), inst.name
        self.whatsapp = inst.channel == "whatsapp_cloud"
        self.rows = await call(_rows, tenant_id=ctx.tenant_id, instance_id=self.inst_id)
        self.loaded = True

    @rx.event
    async def create(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        self.busy = True
        yield
        media = MediaExample(self._header_data, self.header_file_name) \
            if self.header_kind in message_templates.MEDIA_RULES and self._header_data else None
        try:
            row = await call(message_templates.create, tenant_id=ctx.tenant_id,
                             instance_id=self.inst_id,
                             draft=draft_from_form(form, self.header_kind, media))
        except ServiceError as exc:
            # the service's names for what this form calls examples / header
            renamed = {"body_examples": "examples", "header_example": "header"}
            self.errors = {renamed.get(k, k): v for k, v in self._field_errors(exc).items()}
            self.busy = False
            if not self.errors:
                self.errors = {"_": self._error_text(exc)}
            return
        self.errors, self.busy = {}, False
        self.form_key += 1
        self.header_kind, self.header_file_name, self._header_data = "none", "", b""
        self.rows = await call(_rows, tenant_id=ctx.tenant_id, instance_id=self.inst_id)
        yield rx.toast.success(self._t("templates.created_approved" if row.status == "APPROVED"
                                       else "templates.created"))

    @rx.event
    async def sync(self):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        changed, problem = await self._call_or_toast(message_templates.sync,
                                                     tenant_id=ctx.tenant_id,
                                                     instance_id=self.inst_id)
        if problem is not None:
            return problem
        self.rows = await call(_rows, tenant_id=ctx.tenant_id, instance_id=self.inst_id)
        return rx.toast.success(self._t("templates.synced", count=changed))

    @rx.event
    async def delete(self, template_id: str):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        _, problem = await self._call_or_toast(message_templates.delete,
                                               tenant_id=ctx.tenant_id, template_id=template_id)
        if problem is not None:
            return problem
        self.rows = await call(_rows, tenant_id=ctx.tenant_id, instance_id=self.inst_id)
        return rx.toast.success(self._t("templates.deleted"))


def _status(status: rx.Var) -> rx.Component:
    return rx.match(
        status,
        *[(key, rx.badge(t(f"templates.st.{key}"), color_scheme=color))
          for key, color in _STATUS_COLORS.items()],
        rx.badge(status),
    )


def _quality(quality: rx.Var) -> rx.Component:
    """Meta's rating of an approved template (nothing until it rates it)."""
    return rx.match(
        quality,
        *[(key, rx.badge(t(f"templates.q.{key}"), color_scheme=color, variant="outline",
                         class_name="template-quality"))
          for key, color in (("GREEN", "jade"), ("YELLOW", "amber"), ("RED", "red"))],
        rx.fragment(),
    )


def _row(r: rx.Var) -> rx.Component:
    return card(
        rx.vstack(
            rx.hstack(rx.text(r["name"], weight="bold"),
                      rx.badge(rx.match(r["language"], ("en_US", t("templates.lang.en_US")),
                                        ("es", t("templates.lang.es")),
                                        t("templates.lang.pt_BR")),
                               variant="soft", color_scheme="gray"),
                      rx.badge(rx.cond(r["category"] == "MARKETING", t("templates.cat.MARKETING"),
                                       t("templates.cat.UTILITY")), variant="outline"),
                      rx.cond(r["media"] != "",
                              rx.badge(rx.match(r["media"], ("image", t("templates.hk.image")),
                                                ("video", t("templates.hk.video")),
                                                t("templates.hk.document")),
                                       variant="soft", color_scheme="blue",
                                       class_name="template-media")),
                      rx.spacer(), _quality(r["quality"]), _status(r["status"]),
                      width="100%", align="center", wrap="wrap"),
            rx.text(r["body"], size="2", white_space="pre-wrap", color_scheme="gray"),
            rx.cond(r["reason"] != "", rx.text(t("templates.reason"), " ", r["reason"],
                                               size="1", color_scheme="red")),
            rx.cond(r["quality"] == "RED", rx.text(t("templates.q.red_help"), size="1",
                                                   color_scheme="red",
                                                   class_name="template-quality-help")),
            rx.hstack(rx.text(t("templates.updated"), " ", r["updated"], size="1",
                              color_scheme="gray"),
                      rx.spacer(),
                      confirm_button(
                          rx.button(t("templates.delete"), size="1", variant="soft",
                                    color_scheme="red", class_name="delete-template"),
                          title_key="templates.delete_title", body=t("templates.delete_body"),
                          confirm_key="templates.delete",
                          on_confirm=TemplatesState.delete(r["id"]),
                          confirm_id="confirm-delete-template"),
                      width="100%", align="center"),
            spacing="2", width="100%",
        ),
        width="100%", class_name="template-row",
    )


def _textarea(label: str, name: str, hint: str, rows: int = 3) -> rx.Component:
    s = TemplatesState
    return rx.vstack(
        rx.text(t(label), as_="label", size="2", weight="medium", html_for=f"field-{name}"),
        rx.text_area(name=name, id=f"field-{name}", rows=str(rows), width="100%",
                     aria_label=t(label),
                     color_scheme=rx.cond(s.errors.contains(name), "red", "jade")),
        rx.text(t(hint), size="1", color_scheme="gray"),
        field_error(s.errors, name),
        spacing="1", width="100%",
    )


def _select(label: str, name: str, options: list[tuple[str, str]], default: str):
    return rx.vstack(
        rx.text(t(label), size="2", weight="medium"),
        rx.select.root(rx.select.trigger(width="100%", id=f"field-{name}", aria_label=t(label)),
                       rx.select.content(*[rx.select.item(t(k), value=v) for v, k in options]),
                       name=name, default_value=default, size="3"),
        field_error(TemplatesState.errors, name),
        spacing="1", width="100%",
    )


def _header() -> rx.Component:
    """The header's kind, then its text or its example file (field messages under each)."""
    s = TemplatesState
    upload = rx.vstack(
        rx.text(t("templates.header_file"), size="2", weight="medium"),
        rx.el.label(rx.match(
            s.header_kind,
            *[(kind, rx.upload(
                rx.hstack(rx.icon("upload", size=14),
                          rx.text(t("templates.header_file_pick"), size="2"),
                          align="center", spacing="2", color=rx.color("jade", 11)),
                id=f"header-upload-{kind}", multiple=False, max_files=1, accept=accept,
                on_drop=s.pick_header_file(rx.upload_files(upload_id=f"header-upload-{kind}")),
                border=f"1px dashed {rx.color('jade', 7)}", padding="6px 12px",
                border_radius="8px", cursor="pointer"))
              for kind, accept in MEDIA_ACCEPT.items()],
            rx.fragment()), style={"display": "block"}),
        rx.cond(s.header_file_name != "",
                rx.text(t("templates.header_file_chosen"), " ", s.header_file_name, size="1",
                        id="header-file-name")),
        rx.text(t("templates.header_file_hint"), size="1", color_scheme="gray"),
        field_error(s.errors, "header_file"),
        spacing="1", width="100%",
    )
    return rx.vstack(
        rx.text(t("templates.header_kind"), size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", id="field-header_kind",
                              aria_label=t("templates.header_kind")),
            rx.select.content(*[rx.select.item(t(k), value=v) for v, k in HEADER_KINDS]),
            value=s.header_kind, on_change=s.set_header_kind, size="3"),
        field_error(s.errors, "header_kind"),
        rx.match(s.header_kind,
                 ("none", rx.fragment()),
                 ("text", text_field("templates.header_text", "header", s.errors,
                                     max_length=60)),
                 upload),
        spacing="1", width="100%",
    )


def _form() -> rx.Component:
    s = TemplatesState
    return card(
        rx.form(
            rx.vstack(
                rx.heading(t("templates.new"), size="4"),
                form_error(s.errors),
                text_field("templates.name", "name", s.errors, max_length=512,
                           placeholder="pedido_enviado", hint_key="templates.name_hint"),
                _select("templates.language", "language",
                        [("pt_BR", "templates.lang.pt_BR"), ("en_US", "templates.lang.en_US"),
                         ("es", "templates.lang.es")], "pt_BR"),
                _select("templates.category", "category",
                        [("UTILITY", "templates.cat.UTILITY"),
                         ("MARKETING", "templates.cat.MARKETING")], "UTILITY"),
                _header(),
                _textarea("templates.body", "body", "templates.body_hint", rows=4),
                _textarea("templates.examples", "examples", "templates.examples_hint", rows=2),
                text_field("templates.footer", "footer", s.errors, max_length=60),
                _textarea("templates.quick", "quick", "templates.quick_hint", rows=2),
                text_field("templates.link_text", "link_text", s.errors, max_length=25),
                text_field("templates.link_url", "link_url", s.errors, placeholder="https://"),
                field_error(s.errors, "buttons"),
                submit_button("templates.submit", loading=s.busy, id="create-template"),
                spacing="3", width="100%",
            ),
            on_submit=s.create, key=s.form_key,
        ),
        max_width="460px", width="100%",
    )


def templates_page() -> rx.Component:
    s = TemplatesState
    listing = rx.vstack(
        rx.hstack(
            rx.link(rx.hstack(rx.icon("arrow-left", size=14), s.inst_name, align="center"),
                    href="/instances/" + s.inst_id, size="2"),
            rx.spacer(),
            rx.cond(s.whatsapp, rx.button(rx.icon("refresh-cw", size=14), t("templates.sync"),
                                          size="2", variant="soft", on_click=s.sync,
                                          id="sync-templates")),
            width="100%", align="center"),
        rx.cond(s.rows.length() == 0,
                card(rx.text(t("templates.none"), color_scheme="gray", id="no-templates"),
                     width="100%"),
                rx.foreach(s.rows, _row)),
        rx.text(rx.cond(s.whatsapp, t("templates.how"), t("templates.how_simulator")),
                size="1", color_scheme="gray"),
        spacing="3", width="100%", flex="2",
    )
    return app_shell(
        rx.cond(
            s.missing,
            not_found_block(),
            rx.vstack(
                rx.heading(t("templates.title"), size="7"),
                rx.text(t("templates.subtitle"), color_scheme="gray"),
                rx.flex(listing, _form(), spacing="4", width="100%", align="start",
                        direction=rx.breakpoints(initial="column", md="row")),
                spacing="4", width="100%",
            ),
        ),
        ready=s.loaded,
    )
