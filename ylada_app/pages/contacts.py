"""/contacts ("Contatos") and /contacts/[cid]: the business's contacts and leads.

The list filters by text, tag, a captured field, opted-out and "only leads"; imports a
CSV/XLSX into a number (all or nothing, every bad row listed) and exports CSV/XLSX through the
background export. A contact's page edits name, tags and fields, keeps the team's notes and
shows the goals reached, with a link to the conversation in the inbox.
"""

from __future__ import annotations

import asyncio
import re

import reflex as rx

from ylada_app.components.chat import Bubble
from ylada_app.components.forms import field_error, form_error
from ylada_app.components.layout import app_shell, card, not_found_block, page_header
from ylada_app.components.texts import t
from ylada_app.components.timeline import timeline_bubble, timeline_item
from ylada_app.core import live
from ylada_app.core.dates import local_text
from ylada_app.models.privacy import LegalBasis
from ylada_app.pages.contact_consents import ContactConsentsState, consents_section
from ylada_app.pages.contact_privacy import ContactPrivacyState, privacy_section
from ylada_app.pages.instances import path_segment
from ylada_app.services import agent_inbox, analytics_export, contacts, instances, privacy
from ylada_app.services.errors import NotFound, ServiceError
from ylada_app.services.tables import ImportRejected
from ylada_app.services.template_preview import variable_words
from ylada_app.services.validation import parse_id
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState

EXPORT_POLL_S = 1.0
TIMELINE = 50  # messages on a contact's page; the inbox pages through all of them


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _collected(key: str, value: object) -> str:
    """One collected answer as a person reads it: "Horário: 15:00", "Data: 15/12/2027"
    (the flow stores its variable's name and dates as 2027-12-15)."""
    label = variable_words(key).capitalize()
    text = str(value)
    found = _ISO_DATE.match(text)
    return f"{label}: {found[3]}/{found[2]}/{found[1]}" if found else f"{label}: {text}"


def _row(c: contacts.ContactRow) -> dict[str, str]:
    return {
        "id": str(c.id), "name": c.name or "—", "phone": c.phone, "instance": c.instance,
        "tags": ", ".join(c.tags), "first": local_text(c.first_at, "%d/%m/%Y"),
        "last": local_text(c.last_at, "%d/%m/%Y %H:%M") if c.last_at else "—",
        "fields": " · ".join(_collected(k, v) for k, v in list(c.fields.items())[:4]),
        "opted_out": "1" if c.opted_out else "", "goal": c.goal, "goal_flow": c.goal_flow,
        "goal_at": local_text(c.goal_at, "%d/%m/%Y %H:%M") if c.goal_at else "",
    }


def _options(session, *, tenant_id: int) -> dict:
    return {"tags": contacts.tags_in_use(session, tenant_id=tenant_id),
            "instances": [{"id": str(i.id), "name": i.name}
                          for i in instances.list_instances(session, tenant_id=tenant_id)]}


class ContactsState(SessionState):
    loaded: bool = False
    rows: list[dict[str, str]] = []
    total: int = 0
    search: str = ""
    tag: str = ""
    field_name: str = ""
    field_value: str = ""
    opted_out: str = "any"
    leads: bool = False
    limit: int = 50
    tag_options: list[str] = []
    instance_options: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    # import
    import_open: bool = False
    import_instance: str = ""
    import_consent: bool = False
    import_basis: str = "consent"  # the LGPD legal basis the business declares for the file
    import_busy: bool = False
    import_message: str = ""
    import_errors: list[str] = []
    # export
    export_id: str = ""
    export_status: str = ""
    export_url: str = ""
    _upload_name: str = ""
    _upload_data: bytes = b""

    @rx.event
    @guarded_load(agent_ok=True)
    async def load(self, ctx):
        self.errors = {}
        self.export_id = self.export_status = self.export_url = ""
        self.leads = self.router.url.query_parameters.get("leads") == "1" or self.leads
        options = await call(_options, tenant_id=ctx.tenant_id)
        self.tag_options, self.instance_options = options["tags"], options["instances"]
        if self.import_instance not in {i["id"] for i in self.instance_options}:
            self.import_instance = self.instance_options[0]["id"] if self.instance_options \
                else ""
        await self._refresh(ctx)

    async def _refresh(self, ctx) -> None:
        try:
            found, self.total = await call(
                contacts.list_contacts, tenant_id=ctx.tenant_id, search=self.search,
                tag=self.tag, field_name=self.field_name, field_value=self.field_value,
                opted_out=self.opted_out, leads=self.leads, limit=self.limit)
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return
        self.errors = {}
        self.rows = [_row(c) for c in found]

    async def _requery(self):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            return redirect
        self.limit = 50
        await self._refresh(ctx)
        return None

    @rx.event
    async def apply_filters(self, form: dict):
        self.search = str(form.get("q") or "")[:100]
        self.field_name = str(form.get("field_name") or "").strip()[:50]
        self.field_value = str(form.get("field_value") or "").strip()[:200]
        return await self._requery()

    @rx.event
    async def set_tag(self, tag: str):
        self.tag = "" if tag == "__all__" else str(tag)[:50]
        return await self._requery()

    @rx.event
    async def set_opted_out(self, value: str):
        self.opted_out = value if value in ("any", "yes", "no") else "any"
        return await self._requery()

    @rx.event
    async def set_leads(self, value: bool):
        self.leads = bool(value)
        return await self._requery()

    @rx.event
    async def more(self):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            return redirect
        self.limit = min(self.limit + 50, 1000)
        await self._refresh(ctx)
        return None

    # --- import -------------------------------------------------------------------------------
    @rx.event
    def open_import(self, value: bool = True):
        self.import_open = bool(value)
        self.import_message, self.import_errors = "", []

    @rx.event
    def set_import_instance(self, value: str):
        self.import_instance = str(value)

    @rx.event
    def set_import_consent(self, value: bool):
        self.import_consent = bool(value)

    @rx.event
    def set_import_basis(self, value: str):
        self.import_basis = value if value in LegalBasis.ALL else LegalBasis.CONSENT

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]):
        got = await self._signed_in_upload(files, contacts.MAX_IMPORT_BYTES)
        if got is None:
            return None
        self._upload_data, self._upload_name = got[0], got[1] or "contatos.csv"
        self.import_busy = True
        self.import_message, self.import_errors = "", []
        return ContactsState.process_upload

    @rx.event
    async def process_upload(self):
        data, name = self._upload_data, self._upload_name
        self._upload_data = b""
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            self.import_busy = False
            yield redirect
            return
        yield
        try:
            result = await call(contacts.import_contacts, tenant_id=ctx.tenant_id,
                                instance_id=self.import_instance, filename=name, data=data,
                                consent=self.import_consent, legal_basis=self.import_basis,
                                actor_user_id=ctx.user_id)
        except ImportRejected as exc:
            self.import_busy = False
            self.import_message = exc.text(self.lang)
            self.import_errors = exc.rows(self.lang)[:100]
            return
        except ServiceError as exc:
            self.import_busy = False
            self.import_message = self._error_text(exc)
            return
        self.import_busy = False
        self.import_message = self._t("contacts.imported", created=result.created,
                                      updated=result.updated)
        live.bump([ctx.tenant_id])
        await self._refresh(ctx)
        options = await call(_options, tenant_id=ctx.tenant_id)
        self.tag_options = options["tags"]
        yield rx.toast.success(self.import_message)

    # --- export ---------------------------------------------------------------------------------
    @rx.event
    async def export(self, fmt: str):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            yield redirect
            return
        export_id, problem = await self._call_or_toast(
            analytics_export.request_export, tenant_id=ctx.tenant_id, user_id=ctx.user_id,
            kind="leads", fmt=fmt, period="90d", include_simulator=True, lang=self.lang)
        if problem is not None:
            yield problem
            return
        await asyncio.to_thread(analytics_export.start, export_id)
        self.export_id, self.export_status, self.export_url = str(export_id), "queued", ""
        yield ContactsState.poll_export

    @rx.event(background=True)
    async def poll_export(self):
        for _ in range(600):
            await asyncio.sleep(EXPORT_POLL_S)
            async with self:
                ctx = await self._context()
                if ctx is None or not self.export_id:
                    return
                try:
                    status = await call(analytics_export.export_status,
                                        tenant_id=ctx.tenant_id, export_id=self.export_id)
                except ServiceError:
                    self.export_status = "failed"
                    return
                self.export_status = status["status"]
                if status["status"] == "done":
                    self.export_url = f"/exports/{status['id']}/{status['token']}"
                    return
                if status["status"] == "failed":
                    return


def _contact_row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(r["name"], href="/contacts/" + r["id"], weight="medium")),
        rx.table.cell(r["phone"], white_space="nowrap"),
        rx.table.cell(r["instance"]),
        rx.table.cell(r["tags"]),
        rx.table.cell(rx.cond(ContactsState.leads,
                              rx.vstack(rx.text(r["goal"], size="2"),
                                        rx.text(r["goal_flow"], " ", r["goal_at"], size="1",
                                                color_scheme="gray"), spacing="0"),
                              rx.text(r["fields"], size="1", color_scheme="gray"))),
        rx.table.cell(r["first"], white_space="nowrap"),
        rx.table.cell(r["last"], white_space="nowrap"),
        rx.table.cell(rx.cond(r["opted_out"] != "",
                              rx.badge(t("contacts.opted_out"), color_scheme="red"))),
        class_name="contact-row",
    )


def _import_dialog() -> rx.Component:
    s = ContactsState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("contacts.import_title")),
            rx.vstack(
                rx.text(t("contacts.import_help"), size="2", color_scheme="gray"),
                rx.text(t("contacts.import_into"), size="2", weight="medium"),
                rx.select.root(
                    rx.select.trigger(width="100%", id="import-instance",
                                      aria_label=t("a11y.filter_instance")),
                    rx.select.content(rx.foreach(
                        s.instance_options,
                        lambda i: rx.select.item(i["name"], value=i["id"]))),
                    value=s.import_instance, on_change=s.set_import_instance,
                ),
                rx.hstack(rx.checkbox(checked=s.import_consent, on_change=s.set_import_consent,
                                      id="import-consent"),
                          rx.text(t("contacts.import_consent"), size="2"), align="start"),
                rx.cond(s.import_consent, rx.hstack(
                    rx.text(t("consents.col.basis"), size="2"),
                    rx.select.root(
                        rx.select.trigger(id="import-basis",
                                          aria_label=t("consents.col.basis")),
                        rx.select.content(*[rx.select.item(t(f"consents.basis.{b}"), value=b)
                                            for b in LegalBasis.ALL]),
                        value=s.import_basis, on_change=s.set_import_basis, size="1"),
                    align="center", spacing="2")),
                rx.el.label(rx.upload(  # the label names the file input (see pages/ai.py)
                    rx.vstack(rx.icon("upload", size=22, color=rx.color("jade", 9)),
                              rx.text(t("contacts.drop"), size="2"), align="center",
                              spacing="2"),
                    id="contacts-upload", multiple=False, max_files=1, no_click=True,
                    accept={"text/csv": [".csv", ".tsv", ".txt"],
                            "application/vnd.openxmlformats-officedocument.spreadsheetml"
                            ".sheet": [".xlsx"]},
                    on_drop=s.handle_upload(rx.upload_files(upload_id="contacts-upload")),
                    border=f"2px dashed {rx.color('jade', 6)}", padding="24px",
                    border_radius="12px", width="100%", cursor="pointer",
                ), style={"display": "block", "width": "100%"}),
                rx.cond(s.import_busy, rx.hstack(rx.spinner(), rx.text(t("contacts.importing"),
                                                                         size="2"))),
                rx.cond(s.import_message != "", rx.callout.root(
                    rx.callout.text(s.import_message),
                    color_scheme=rx.cond(s.import_errors.length() > 0, "red", "green"),
                    width="100%", id="import-message")),
                rx.cond(s.import_errors.length() > 0, rx.box(
                    rx.foreach(s.import_errors, lambda e: rx.text(e, size="1")),
                    max_height="200px", overflow_y="auto", width="100%",
                    id="import-errors")),
                rx.hstack(rx.dialog.close(rx.button(t("common.close"), variant="soft",
                                                    color_scheme="gray")),
                          justify="end", width="100%"),
                spacing="3", width="100%",
            ),
            max_width="560px",
        ),
        open=s.import_open, on_open_change=s.open_import,
    )


def contacts_page() -> rx.Component:
    s = ContactsState
    filters = card(
        rx.hstack(
            rx.form(
                rx.hstack(
                    rx.input(name="q", placeholder=t("contacts.search"),
                             default_value=s.search, width="220px", id="contacts-search"),
                    rx.input(name="field_name", placeholder=t("contacts.field_name"),
                             default_value=s.field_name, width="150px", id="filter-field"),
                    rx.input(name="field_value", placeholder=t("contacts.field_value"),
                             default_value=s.field_value, width="120px", id="filter-value"),
                    rx.button(rx.icon("search", size=14), t("common.search"), type="submit",
                              id="contacts-apply"),
                    spacing="2", align="center",
                ),
                on_submit=s.apply_filters,
            ),
            rx.select.root(
                rx.select.trigger(placeholder=t("contacts.any_tag"), width="160px",
                                  aria_label=t("a11y.filter_tag"),
                                  id="filter-tag"),
                rx.select.content(
                    rx.select.item(t("contacts.any_tag"), value="__all__"),
                    rx.foreach(s.tag_options, lambda tag: rx.select.item(tag, value=tag))),
                value=rx.cond(s.tag != "", s.tag, "__all__"), on_change=s.set_tag,
            ),
            rx.select.root(
                rx.select.trigger(width="160px", id="filter-opted",
                                  aria_label=t("a11y.filter_opted")),
                rx.select.content(
                    rx.select.item(t("contacts.opted_any"), value="any"),
                    rx.select.item(t("contacts.opted_no"), value="no"),
                    rx.select.item(t("contacts.opted_yes"), value="yes")),
                value=s.opted_out, on_change=s.set_opted_out,
            ),
            rx.hstack(rx.switch(checked=s.leads, on_change=s.set_leads, id="only-leads",
                                aria_label=t("contacts.only_leads")),
                      rx.text(t("contacts.only_leads"), size="2"), align="center"),
            spacing="3", wrap="wrap", align="center",
        ),
        form_error(s.errors),
        rx.cond(s.errors.contains("field"), rx.text(s.errors["field"], color_scheme="red",
                                                     size="1", id="error-field")),
        margin_bottom="16px",
    )
    export = rx.hstack(
        rx.button(rx.icon("upload", size=14), t("contacts.import"), variant="soft",
                  on_click=s.open_import(True), id="open-import"),
        rx.menu.root(
            rx.menu.trigger(rx.button(rx.icon("download", size=14), t("contacts.export"),
                                      variant="soft", id="export")),
            rx.menu.content(rx.menu.item("CSV", on_click=s.export("csv")),
                            rx.menu.item("XLSX", on_click=s.export("xlsx"))),
        ),
        rx.cond(s.export_url != "", rx.link(rx.button(rx.icon("file-down", size=14),
                                                      t("contacts.download")),
                                            href=s.export_url, is_external=True,
                                            id="export-download")),
        rx.cond((s.export_id != "") & (s.export_url == "") & (s.export_status != "failed"),
                rx.hstack(rx.spinner(size="1"), rx.text(t("contacts.exporting"), size="2"))),
        spacing="2", align="center", wrap="wrap",
    )
    return app_shell(
        page_header("contacts.title", "contacts.subtitle", export),
        filters,
        card(
            rx.text(s.total, " ", rx.cond(s.total == 1, t("contacts.found_one"),
                                          t("contacts.found")),
                    size="2", color_scheme="gray", id="contacts-total"),
            rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell(t("common.name")),
                    rx.table.column_header_cell(t("contacts.phone")),
                    rx.table.column_header_cell(t("contacts.instance")),
                    rx.table.column_header_cell(t("contacts.tags")),
                    rx.table.column_header_cell(rx.cond(s.leads, t("contacts.goal"),
                                                        t("contacts.fields"))),
                    rx.table.column_header_cell(t("contacts.first")),
                    rx.table.column_header_cell(t("contacts.last")),
                    rx.table.column_header_cell(""),
                )),
                rx.table.body(rx.foreach(s.rows, _contact_row)),
                width="100%", id="contacts-table",
            ),
            rx.cond(s.rows.length() < s.total,
                    rx.center(rx.button(t("contacts.more"), variant="soft", on_click=s.more,
                                        id="contacts-more"), padding="12px")),
        ),
        _import_dialog(),
        ready=s.loaded,
    )


# --- one contact -----------------------------------------------------------------------------
class ContactState(SessionState):
    loaded: bool = False
    missing: bool = False
    contact_id: str = ""
    title: str = ""
    name: str = ""
    phone: str = ""
    instance: str = ""
    tags: str = ""
    field_rows: list[dict[str, str]] = []
    opted_out: bool = False
    opted_in: bool = False
    consent: str = ""  # when and where consent was given, as people read it
    first: str = ""
    last: str = ""
    conversation_id: str = ""
    notes: list[dict[str, str]] = []
    goals: list[dict[str, str]] = []
    items: list[Bubble] = []
    older: bool = False
    errors: dict[str, str] = {}
    form_key: int = 0
    note_key: int = 0

    def _cid(self) -> str:
        return path_segment(self.router.url.path, 1)

    async def _fill(self, ctx) -> None:
        try:
            d = await call(contacts.contact_detail, tenant_id=ctx.tenant_id,
                           contact_id=self._cid())
        except NotFound:
            self.missing = True
            return
        self.missing = False
        self.contact_id, self.name, self.phone, self.instance = (str(d.id), d.name, d.phone,
                                                                 d.instance)
        self.title = d.name or d.phone
        self.tags = ", ".join(d.tags)
        self.field_rows = [{"key": k, "value": str(v)} for k, v in d.fields.items()]
        self.opted_out = d.opted_out
        self.opted_in = d.opted_in_at is not None and not d.opted_out
        if d.opt_in_source == "flow" and d.consent_flow:
            source = self._t("contacts.consent_src.flow_named", flow=d.consent_flow)
        else:
            source = self._t(f"contacts.consent_src.{d.opt_in_source}")
        self.consent = self._t("contacts.consent_when", at=local_text(d.opted_in_at),
                               source=source) if d.opted_in_at else ""
        self.first = local_text(d.first_at)
        self.last = local_text(d.last_at) if d.last_at else "—"
        self.conversation_id = str(d.conversation_id or "")
        self.notes = [{"text": text, "by": by, "at": local_text(at)} for text, by, at in d.notes]
        self.goals = [{"goal": g, "flow": f, "at": local_text(at)} for g, f, at in d.goals]
        self.items, self.older = [], False
        if d.conversation_id:
            view = await call(agent_inbox.conversation_view, tenant_id=ctx.tenant_id,
                              conversation_id=d.conversation_id, limit=TIMELINE)
            self.items = [timeline_bubble(i, self.lang) for i in view.items]
            self.older = view.older
        self.form_key += 1

    @rx.event
    @guarded_load(agent_ok=True)
    async def load(self, ctx):
        self.errors = {}
        await self._fill(ctx)

    @rx.event
    def add_field_row(self):
        self.field_rows = [*self.field_rows, {"key": "", "value": ""}]

    @rx.event
    def remove_field_row(self, index: int):
        rows = list(self.field_rows)
        at = parse_id(index)  # (whatever the page sent: a row number, or nothing)
        if at is not None and at < len(rows):
            rows.pop(at)
        self.field_rows = rows

    @rx.event
    async def save(self, form: dict):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            return redirect
        fields = {}
        for i in range(len(self.field_rows)):
            key = str(form.get(f"key_{i}") or "").strip()
            if key:
                fields[key] = str(form.get(f"value_{i}") or "")
        # asked by the person (LGPD): the same edit, recorded as a correction request
        lgpd = bool(form.get("lgpd_correct"))
        try:
            if lgpd:
                await call(privacy.correct, tenant_id=ctx.tenant_id, contact_id=self.contact_id,
                           name=form.get("name"), tags=form.get("tags"), fields=fields,
                           user_id=ctx.user_id)
            else:
                await call(contacts.update_contact, tenant_id=ctx.tenant_id,
                           contact_id=self.contact_id, name=form.get("name"),
                           tags=form.get("tags"), fields=fields)
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return None
        self.errors = {}
        await self._fill(ctx)
        if lgpd:
            return [rx.toast.success(self._t("privacy.corrected")), ContactPrivacyState.load]
        return rx.toast.success(self._t("common.saved"))

    async def _switch(self, fn, **value: bool):
        """One of the contact's switches (opted out, consent): the service call, then the
        page read again — the service decides what else changes with it."""
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            return redirect
        _, problem = await self._call_or_toast(fn, tenant_id=ctx.tenant_id,
                                               contact_id=self.contact_id,
                                               actor_user_id=ctx.user_id, **value)
        if problem is not None:
            return problem
        await self._fill(ctx)
        return ContactConsentsState.load  # the history gained a record

    @rx.event
    async def toggle_opted_out(self, value: bool):
        return await self._switch(contacts.set_opted_out, opted_out=bool(value))

    @rx.event
    async def toggle_opted_in(self, value: bool):
        return await self._switch(contacts.set_opted_in, opted_in=bool(value))

    @rx.event
    async def add_note(self, form: dict):
        ctx, redirect = await self._guard(agent_ok=True)
        if redirect:
            return redirect
        try:
            conversation_id = await call(contacts.note_conversation, tenant_id=ctx.tenant_id,
                                         contact_id=self.contact_id)
            await call(agent_inbox.add_note, tenant_id=ctx.tenant_id,
                       conversation_id=conversation_id, user_id=ctx.user_id,
                       text=form.get("note"))
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return None
        self.errors = {}
        self.note_key += 1
        await self._fill(ctx)
        return None


def _field_row(row: rx.Var, index: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.input(name="key_" + index.to_string(), default_value=row["key"],
                 placeholder=t("contacts.field_name"), width="160px"),
        rx.input(name="value_" + index.to_string(), default_value=row["value"],
                 placeholder=t("contacts.field_value"), flex="1"),
        rx.icon_button(rx.icon("x", size=14), variant="ghost", color_scheme="gray",
                       type="button", on_click=ContactState.remove_field_row(index)),
        width="100%",
    )


def _timeline() -> rx.Component:
    """The latest messages of the contact's conversation (the whole history is in /inbox)."""
    s = ContactState
    return card(
        rx.hstack(
            rx.heading(t("contacts.timeline"), size="3"),
            rx.spacer(),
            rx.cond(s.conversation_id != "", rx.link(
                rx.button(rx.icon("messages-square", size=14), t("contacts.open_chat"),
                          variant="soft", size="1"),
                href="/inbox?c=" + s.conversation_id)),
            width="100%", align="center", margin_bottom="8px",
        ),
        rx.cond(s.older, rx.center(rx.link(t("contacts.older_in_inbox"), size="1",
                                           href="/inbox?c=" + s.conversation_id),
                                   width="100%", margin_bottom="8px")),
        rx.cond(s.items.length() == 0,
                rx.text(t("contacts.no_messages"), size="2", color_scheme="gray")),
        # column-reverse: opens scrolled to the latest message, as a chat does
        rx.box(rx.vstack(rx.foreach(s.items, timeline_item), spacing="2", width="100%"),
               id="contact-timeline", display="flex", flex_direction="column-reverse",
               max_height="520px", overflow_y="auto", background="#efeae2",
               border_radius="8px", padding=rx.cond(s.items.length() > 0, "12px", "0")),
        width="100%",
    )


def contact_page() -> rx.Component:
    s = ContactState
    edit = card(
        rx.form(
            rx.vstack(
                rx.text(t("common.name"), size="2", weight="medium"),
                rx.input(name="name", default_value=s.name, max_length=120, id="field-name",
                         width="100%"),
                rx.text(t("contacts.tags"), size="2", weight="medium"),
                rx.input(name="tags", default_value=s.tags, id="field-tags", width="100%",
                         placeholder=t("contacts.tags_hint")),
                rx.cond(s.errors.contains("tags"), rx.text(s.errors["tags"], size="1",
                                                           color_scheme="red")),
                rx.text(t("contacts.fields"), size="2", weight="medium"),
                rx.foreach(s.field_rows, _field_row),
                rx.button(rx.icon("plus", size=14), t("contacts.add_field"), type="button",
                          variant="ghost", size="1", on_click=s.add_field_row),
                rx.cond(s.errors.contains("fields"), rx.text(s.errors["fields"], size="1",
                                                             color_scheme="red",
                                                             id="error-fields")),
                form_error(s.errors),
                rx.checkbox(t("privacy.correct_check"), name="lgpd_correct", size="1",
                            id="lgpd-correct"),
                rx.button(t("common.save"), type="submit", id="save-contact"),
                spacing="2", width="100%",
            ),
            on_submit=s.save, key=s.form_key, reset_on_submit=False,
        ),
        flex="2",
    )
    side = rx.vstack(
        card(
            rx.vstack(
                rx.text(t("contacts.phone"), ": ", s.phone, size="2"),
                rx.text(t("contacts.instance"), ": ", s.instance, size="2"),
                rx.text(t("contacts.first"), ": ", s.first, size="2"),
                rx.text(t("contacts.last"), ": ", s.last, size="2"),
                rx.hstack(rx.switch(checked=s.opted_out, on_change=s.toggle_opted_out,
                                    id="opted-out", aria_label=t("contacts.opted_out_label")),
                          rx.text(t("contacts.opted_out_label"), size="2"), align="center"),
                rx.hstack(rx.switch(checked=s.opted_in, on_change=s.toggle_opted_in,
                                    id="opted-in", aria_label=t("contacts.opted_in_label")),
                          rx.text(t("contacts.opted_in_label"), size="2"), align="center"),
                rx.cond(s.consent != "", rx.text(s.consent, size="1", color_scheme="gray",
                                                 id="consent-record")),
                spacing="2",
            ),
        ),
        card(
            rx.heading(t("contacts.goals"), size="3", margin_bottom="8px"),
            rx.cond(s.goals.length() == 0, rx.text(t("contacts.no_goals"), size="2",
                                                   color_scheme="gray")),
            rx.foreach(s.goals, lambda g: rx.text(g["goal"], " · ", g["flow"], " · ", g["at"],
                                                  size="2")),
        ),
        card(
            rx.heading(t("contacts.notes"), size="3", margin_bottom="8px"),
            rx.form(
                rx.hstack(rx.input(name="note", placeholder=t("inbox.note_placeholder"),
                                   flex="1", max_length=4000, id="note-input"),
                          rx.button(t("contacts.add_note"), type="submit", id="add-note"),
                          width="100%"),
                on_submit=s.add_note, key=s.note_key, reset_on_submit=True,
            ),
            field_error(s.errors, "text"),  # an empty note: "Campo obrigatório."
            rx.foreach(s.notes, lambda n: rx.box(
                rx.text(n["text"], size="2", white_space="pre-wrap"),
                rx.text(n["by"], " · ", n["at"], size="1", color_scheme="gray"),
                background="#fff6d6", padding="8px", border_radius="8px", margin_top="8px",
                class_name="contact-note")),
        ),
        flex="1", spacing="4", width="100%",
    )
    return app_shell(
        rx.cond(
            s.missing,
            not_found_block(),
            rx.vstack(
                rx.hstack(rx.link(rx.icon("arrow-left", size=18), aria_label=t("a11y.back"),
                                  href="/contacts"),
                          rx.heading(s.title, size="7", id="contact-name"), align="center",
                          spacing="3"),
                rx.flex(edit, side, spacing="4", width="100%", align="start",
                        direction=rx.breakpoints(initial="column", md="row")),
                _timeline(),
                consents_section(),
                privacy_section(),
                spacing="4", width="100%",
            ),
        ),
        ready=s.loaded,
    )
