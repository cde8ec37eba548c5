"""/broadcasts ("Transmissões"): send an approved template to the contacts of a number who
agreed to receive messages — pick the number, the template and what fills each of its
blanks, narrow the audience by tags, a contact field and recent conversation, see how many
people and the
estimated cost, send now or at a time; then follow each broadcast's progress live and cancel
one mid-way. Owners and admins."""

from __future__ import annotations

import asyncio

import reflex as rx

from ylada_app.components.confirm import confirm_button
from ylada_app.components.forms import field_error, form_error, show_first_error
from ylada_app.components.layout import app_shell, card
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.core.i18n import translate
from ylada_app.core.money import format_int
from ylada_app.services import broadcasts, instances, message_templates, outbound_settings
from ylada_app.services.broadcasts import Draft
from ylada_app.services.errors import ServiceError
from ylada_app.services.send_failures import failure_text
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState

POLL_S = 2.0
_STATUS_COLORS = {"scheduled": "blue", "sending": "amber", "done": "jade",
                  "cancelled": "gray", "stopped": "orange"}


def _brl(value) -> str:
    return f"R$ {value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _tier_note(session, b, lang: str) -> str:
    """"Limite diário do número atingido (…) — continua às HH:MM" while it waits for it."""
    wait = broadcasts.tier_wait(session, b)
    if wait is None:
        return ""
    if wait.frees_at is None:
        return translate("broadcasts.tier_cap_soon", lang, limit=format_int(wait.limit, lang))
    return translate("broadcasts.tier_cap", lang, limit=format_int(wait.limit, lang),
                     at=local_text(wait.frees_at, "%H:%M"))


def _rows(session, *, tenant_id: int, lang: str = "pt-BR") -> list[dict[str, str]]:
    names = {i.id: i.name for i in instances.list_instances(session, tenant_id=tenant_id)}
    out = []
    for b, p in broadcasts.list_broadcasts(session, tenant_id=tenant_id):
        done = p["sent"] + p["delivered"] + p["read"] + p["failed"] + p["skipped"]
        total = max(p["total"], 1)
        out.append({
            "id": str(b.id), "name": b.name, "number": names.get(b.instance_id, ""),
            "template": b.template_name, "status": b.status,
            "open": "1" if b.status in broadcasts.OPEN else "",
            "when": local_text(b.send_at), "pct": f"{min(100, round(100 * done / total))}%",
            "total": format_int(p["total"], lang), "queued": format_int(p["queued"], lang),
            "sent": format_int(p["sent"] + p["delivered"] + p["read"], lang),
            "delivered": format_int(p["delivered"] + p["read"], lang),
            "read": format_int(p["read"], lang),
            "failed": format_int(p["failed"] + p["skipped"], lang),
            "replied": format_int(p["replied"], lang),
            "cost": _brl(b.price_cents * (p["total"]) / 100) if b.price_cents else "",
            "stop_reason": "" if b.stop_reason == broadcasts.TIER_CAP else b.stop_reason,
            "note": _tier_note(session, b, lang),
        })
    return out


def _recipients(session, *, tenant_id: int, broadcast_id: str) -> list[dict[str, str]]:
    return [{"name": r["name"] or r["wa_id"], "phone": r["wa_id"], "status": r["status"],
             "reason": r["reason"]}
            for r in broadcasts.recipients(session, tenant_id=tenant_id,
                                           broadcast_id=broadcast_id)]


def _numbers(session, *, tenant_id: int) -> list[dict[str, str]]:
    return [{"id": str(i.id), "name": i.name}
            for i in instances.list_instances(session, tenant_id=tenant_id)]


def _language(code: str, lang: str) -> str:
    """"Português (Brasil)" for pt_BR; a code without a name stays as it is."""
    key = f"templates.lang.{code}"
    name = translate(key, lang)
    return code if name == key else name


def _templates(session, *, tenant_id: int, instance_id: str,
               lang: str = "pt-BR") -> list[dict[str, str]]:
    return [{"value": f"{r.name}|{r.language}",
             "label": f"{r.name} · {_language(r.language, lang)}",
             "vars": str(r.body_variables),
             "media": message_templates.media_header(r) or "", "quality": r.quality}
            for r in broadcasts.approved_templates(session, tenant_id=tenant_id,
                                                   instance_id=instance_id)]


def _field_rules(name: str, op: str, value: str) -> list[dict[str, str]]:
    return [{"name": name, "op": op, "value": value}]


def _estimate(session, *, tenant_id: int, instance_id: str, template: str,
              tags: str, active_days: str, fields: list[dict[str, str]]) -> dict[str, str]:
    audience = broadcasts.clean_audience(tags, active_days, fields)
    est = broadcasts.estimate(session, tenant_id=tenant_id, instance_id=instance_id,
                              template=template, audience=audience)
    return {"count": format_int(est.recipients), "cost": _brl(est.cost_brl),
            "quota": format_int(est.quota_left),
            "over": "1" if est.recipients > est.quota_left else ""}


class BroadcastsState(SessionState):
    loaded: bool = False
    rows: list[dict[str, str]] = []
    numbers: list[dict[str, str]] = []
    templates: list[dict[str, str]] = []
    number: str = ""
    template: str = ""
    name: str = ""
    tags: str = ""
    active_days: str = "any"
    field_name: str = ""  # the audience's contact-field filter (optional)
    field_op: str = "equals"
    field_value: str = ""
    when: str = "now"
    send_at: str = ""
    up_to_quota: bool = False
    var_rows: list[dict[str, str]] = []  # {"n", "source", "value"} per blank of the template
    media_kind: str = ""  # the chosen template's media header (image, video, document)
    low_quality: bool = False  # Meta rates the chosen template low: it may pause it
    header_link: str = ""
    cap: str = ""  # the business's marketing templates per contact in 7 days
    estimate: dict[str, str] = {}
    errors: dict[str, str] = {}
    busy: bool = False
    shown: str = ""  # the broadcast whose recipients are open
    shown_rows: list[dict[str, str]] = []
    _polling: bool = False

    @rx.event
    async def load(self):
        self.loaded, self.errors, self.estimate = False, {}, {}
        yield
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        self.rows = await call(_rows, tenant_id=ctx.tenant_id, lang=self.lang)
        self.numbers = await call(_numbers, tenant_id=ctx.tenant_id)
        if self.numbers and self.number not in [n["id"] for n in self.numbers]:
            self.number = self.numbers[0]["id"]
        await self._load_templates(ctx.tenant_id)
        self.cap = str(await call(outbound_settings.marketing_per_week,
                                  tenant_id=ctx.tenant_id))
        self.loaded = True
        if any(r["open"] for r in self.rows):
            yield BroadcastsState.poll

    async def _load_templates(self, tenant_id: int) -> None:
        self.templates = await call(_templates, tenant_id=tenant_id, instance_id=self.number,
                                    lang=self.lang) if self.number else []
        values = [tpl["value"] for tpl in self.templates]
        if self.template not in values:
            self.template = values[0] if values else ""
        self._blanks()

    def _blanks(self) -> None:
        count = next((int(tpl["vars"]) for tpl in self.templates
                      if tpl["value"] == self.template), 0)
        self.media_kind = next((tpl.get("media", "") for tpl in self.templates
                                if tpl["value"] == self.template), "")
        self.low_quality = any(tpl.get("quality") == "RED" for tpl in self.templates
                               if tpl["value"] == self.template)
        old = {r["n"]: r for r in self.var_rows}
        self.var_rows = [old.get(str(i), {"n": str(i), "source": "name" if i == 1 else "text",
                                          "value": ""}) for i in range(1, count + 1)]

    @rx.event
    async def pick_number(self, value: str):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        self.number, self.estimate = value, {}
        try:
            await self._load_templates(ctx.tenant_id)
        except ServiceError:  # not one of the business's numbers (or no number at all)
            self.number = ""
            yield rx.toast.error(self._t("error.not_found"))

    @rx.event
    def pick_template(self, value: str):
        self.template, self.estimate = value, {}
        self._blanks()

    @rx.event
    def set_header_link(self, value: str):
        self.header_link = value[:2000]

    @rx.event
    def set_cap(self, value: str):
        self.cap = value[:3]

    @rx.event
    async def save_cap(self):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        try:
            saved = await call(outbound_settings.set_marketing_per_week,
                               tenant_id=ctx.tenant_id, value=self.cap)
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return None
        self.cap = str(saved)
        self.errors = {k: v for k, v in self.errors.items() if k != "marketing_per_week"}
        return rx.toast.success(self._t("outbound.cap_saved"))

    @rx.event
    def set_name(self, value: str):
        self.name = value

    @rx.event
    def set_tags(self, value: str):
        self.tags, self.estimate = value, {}

    @rx.event
    def set_active_days(self, value: str):
        self.active_days, self.estimate = value, {}

    @rx.event
    def set_field_name(self, value: str):
        self.field_name, self.estimate = value, {}

    @rx.event
    def set_field_op(self, value: str):
        self.field_op, self.estimate = value, {}

    @rx.event
    def set_field_value(self, value: str):
        self.field_value, self.estimate = value, {}

    @rx.event
    def set_when(self, value: str):
        self.when = value

    @rx.event
    def set_send_at(self, value: str):
        self.send_at = value

    @rx.event
    def set_up_to_quota(self, value: bool):
        self.up_to_quota = bool(value)

    @rx.event
    def set_var_source(self, n: str, value: str):
        self.var_rows = [{**r, "source": value} if r["n"] == n else r for r in self.var_rows]

    @rx.event
    def set_var_value(self, n: str, value: str):
        self.var_rows = [{**r, "value": value} if r["n"] == n else r for r in self.var_rows]

    @rx.event
    async def calculate(self):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        try:
            self.estimate = await call(_estimate, tenant_id=ctx.tenant_id,
                                       instance_id=self.number, template=self.template,
                                       tags=self.tags, active_days=self.active_days,
                                       fields=_field_rules(self.field_name, self.field_op,
                                                           self.field_value))
            self.errors = {}
        except ServiceError as exc:
            self.estimate, self.errors = {}, self._field_errors(exc)

    @rx.event
    async def create(self):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        send_at = None
        if self.when == "later":
            try:  # typed in the business's timezone (Brasília unless set otherwise)
                send_at = await call(broadcasts.parse_send_at, tenant_id=ctx.tenant_id,
                                     value=self.send_at)
            except ServiceError:
                send_at = None
            if send_at is None:
                self.errors = {"send_at": self._t("broadcasts.error.send_at")}
                yield show_first_error()
                return
        self.busy = True
        yield
        try:
            audience = broadcasts.clean_audience(
                self.tags, self.active_days,
                _field_rules(self.field_name, self.field_op, self.field_value))
            draft = Draft(instance_id=self.number, name=self.name, template=self.template,
                          variables=[{"source": r["source"], "value": r["value"]}
                                     for r in self.var_rows],
                          audience=audience, send_at=send_at,
                          header_link=self.header_link if self.media_kind else "")
            await call(broadcasts.create, tenant_id=ctx.tenant_id, user_id=ctx.user_id,
                       draft=draft, up_to_quota=self.up_to_quota)
        except ServiceError as exc:
            self.errors, self.busy = self._field_errors(exc), False
            yield show_first_error()
            return
        await asyncio.to_thread(_kick)
        self.errors, self.busy, self.estimate, self.name = {}, False, {}, ""
        self.rows = await call(_rows, tenant_id=ctx.tenant_id, lang=self.lang)
        yield rx.toast.success(self._t("broadcasts.created"))
        yield BroadcastsState.poll

    @rx.event
    async def cancel(self, broadcast_id: str):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        _, problem = await self._call_or_toast(broadcasts.cancel, tenant_id=ctx.tenant_id,
                                               broadcast_id=broadcast_id)
        if problem is not None:
            yield problem
            return
        self.rows = await call(_rows, tenant_id=ctx.tenant_id, lang=self.lang)
        yield rx.toast.success(self._t("broadcasts.cancelled"))

    @rx.event
    async def show_recipients(self, broadcast_id: str):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        rows, problem = await self._call_or_toast(_recipients, tenant_id=ctx.tenant_id,
                                                  broadcast_id=broadcast_id)
        if problem is not None:
            yield problem
            return
        self.shown_rows = [{**r, "reason": self._reason_text(r)} for r in rows]
        self.shown = broadcast_id

    def _reason_text(self, row: dict) -> str:
        """A skip is one of our reasons (a text key); a failed send says why in words."""
        if not row["reason"]:
            return ""
        if row["status"] == "failed":
            return failure_text(row["reason"], self.lang)
        if row["reason"] == "templates.error.var_value":  # (its words name the limit)
            return self._t(row["reason"], max=message_templates.PARAM_MAX)
        return self._t(row["reason"])

    @rx.event
    def hide_recipients(self, _open: bool = False):
        self.shown, self.shown_rows = "", []

    @rx.event(background=True)
    async def poll(self):
        async with self:
            if self._polling:
                return
            self._polling = True
        try:
            for _ in range(int(3600 / POLL_S)):
                await asyncio.sleep(POLL_S)
                async with self:
                    # (the page's own guard: an agent, or a blocked business, gets nothing)
                    ctx, redirect = await self._guard()
                    if redirect:
                        return
                    tenant_id, lang = ctx.tenant_id, self.lang
                rows = await call(_rows, tenant_id=tenant_id, lang=lang)
                async with self:
                    self.rows = rows
                if not any(r["open"] for r in rows):
                    return
        finally:
            async with self:
                self._polling = False


def _kick() -> None:
    """Start at once rather than at the sweeper's next round."""
    from ylada_app.jobs.broadcasts import kick

    kick()


# --- view -----------------------------------------------------------------------------------

def _status(status: rx.Var) -> rx.Component:
    return rx.match(status, *[(k, rx.badge(t(f"broadcasts.st.{k}"), color_scheme=c))
                              for k, c in _STATUS_COLORS.items()], rx.badge(status))


def _count(label: str, value: rx.Var) -> rx.Component:
    return rx.vstack(rx.text(value, weight="bold", size="3"),
                     rx.text(t(label), size="1", color_scheme="gray"),
                     spacing="0", align="center", min_width="64px")


def _row(r: rx.Var) -> rx.Component:
    return card(
        rx.vstack(
            rx.hstack(rx.text(r["name"], weight="bold"), rx.spacer(), _status(r["status"]),
                      width="100%", align="center"),
            rx.text(r["number"], " · ", r["template"], " · ", r["when"], size="1",
                    color_scheme="gray"),
            rx.box(rx.box(width=r["pct"], height="8px", background="#128C7E",
                          border_radius="4px", transition="width 0.5s"),
                   width="100%", background=rx.color("gray", 3), border_radius="4px",
                   class_name="broadcast-progress"),
            rx.grid(_count("broadcasts.total", r["total"]),
                      _count("broadcasts.queued", r["queued"]),
                      _count("broadcasts.sent", r["sent"]),
                      _count("broadcasts.delivered", r["delivered"]),
                      _count("broadcasts.read", r["read"]),
                      _count("broadcasts.failed", r["failed"]),
                      _count("broadcasts.replied", r["replied"]),
                      columns="4", spacing="2", width="100%"),
            rx.cond(r["stop_reason"] != "", rx.text(
                rx.match(r["stop_reason"],
                         ("inbox.quota_over", t("broadcasts.stop.quota")),
                         t("broadcasts.stop.template")),
                size="1", color_scheme="orange")),
            rx.cond(r["note"] != "", rx.text(r["note"], size="1", color_scheme="amber",
                                             class_name="tier-note")),
            rx.hstack(
                rx.cond(r["cost"] != "", rx.text(t("broadcasts.cost_est"), " ", r["cost"],
                                                 size="1", color_scheme="gray")),
                rx.spacer(),
                rx.button(t("broadcasts.see_recipients"), size="1", variant="ghost",
                          on_click=BroadcastsState.show_recipients(r["id"]),
                          class_name="show-recipients"),
                rx.cond(r["open"] != "", confirm_button(
                    rx.button(t("broadcasts.cancel"), size="1", variant="soft",
                              color_scheme="red", class_name="cancel-broadcast"),
                    title_key="broadcasts.cancel_title", body=t("broadcasts.cancel_body"),
                    confirm_key="broadcasts.cancel", on_confirm=BroadcastsState.cancel(r["id"]),
                    confirm_id="confirm-cancel-broadcast")),
                width="100%", align="center"),
            spacing="2", width="100%",
        ),
        width="100%", class_name="broadcast-row",
    )


def _recipient(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r["name"]), rx.table.cell(r["phone"], white_space="nowrap"),
        rx.table.cell(rx.match(r["status"],
                               *[(k, rx.badge(t(f"broadcasts.rs.{k}"), color_scheme=c))
                                 for k, c in (("queued", "gray"), ("sent", "blue"),
                                              ("delivered", "jade"), ("read", "green"),
                                              ("failed", "red"), ("skipped", "orange"))],
                               rx.badge(r["status"]))),
        rx.table.cell(rx.text(r["reason"], size="1", color_scheme="gray")),
        class_name="recipient-row")


def _recipients_dialog() -> rx.Component:
    s = BroadcastsState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("broadcasts.recipients")),
            rx.text(t("broadcasts.recipients_hint"), size="1", color_scheme="gray"),
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell(t("broadcasts.col.name")),
                    rx.table.column_header_cell(t("broadcasts.col.phone")),
                    rx.table.column_header_cell(t("broadcasts.col.status")),
                    rx.table.column_header_cell(t("broadcasts.col.reason")))),
                rx.table.body(rx.foreach(s.shown_rows, _recipient)), size="1", width="100%"),
                max_height="420px", overflow_y="auto", width="100%", margin_top="8px"),
            rx.hstack(rx.dialog.close(rx.button(t("common.close"), variant="soft",
                                                color_scheme="gray")),
                      justify="end", width="100%", margin_top="12px"),
            max_width="640px",
        ),
        open=s.shown != "", on_open_change=s.hide_recipients,
    )


def _label(key: str, html_for: str = "") -> rx.Component:
    return rx.text(t(key), as_="label", size="2", weight="medium", html_for=html_for)


def _select(items, value, on_change, id_: str, label: str) -> rx.Component:
    return rx.select.root(rx.select.trigger(width="100%", id=id_, aria_label=t(label)),
                          rx.select.content(*items), value=value, on_change=on_change,
                          size="3")


def _blank(r: rx.Var) -> rx.Component:
    s = BroadcastsState
    return rx.vstack(
        rx.hstack(
            rx.badge("{{", r["n"], "}}", variant="soft", color_scheme="gray"),
            rx.select.root(
                rx.select.trigger(width="170px", class_name="var-source",
                                  aria_label=t("broadcasts.var_source")),
                rx.select.content(
                    rx.select.item(t("broadcasts.src.name"), value="name"),
                    rx.select.item(t("broadcasts.src.phone"), value="phone"),
                    rx.select.item(t("broadcasts.src.field"), value="field"),
                    rx.select.item(t("broadcasts.src.text"), value="text")),
                value=r["source"], on_change=lambda v: s.set_var_source(r["n"], v)),
            rx.cond((r["source"] == "text") | (r["source"] == "field"),
                    rx.input(value=r["value"], on_change=lambda v: s.set_var_value(r["n"], v),
                             placeholder=rx.cond(r["source"] == "field",
                                                 t("broadcasts.field_ph"),
                                                 t("broadcasts.text_ph")),
                             class_name="var-value", flex="1", min_width="140px",
                             size="2")),
            width="100%", align="center", wrap="wrap"),
        field_error(s.errors, "var" + r["n"]),
        spacing="1", width="100%",
    )


def _field_filter() -> rx.Component:
    """One contact field: "cidade" é igual a / contém "Campinas" (empty: no filter)."""
    s = BroadcastsState
    return rx.vstack(
        rx.text(t("broadcasts.field_filter"), size="1", color_scheme="gray"),
        rx.hstack(
            rx.input(value=s.field_name, on_change=s.set_field_name, id="field-filter-name",
                     placeholder=t("broadcasts.field_name_ph"), size="2", flex="1",
                     max_length=50),
            rx.select.root(
                rx.select.trigger(width="110px", id="field-filter-op",
                                  aria_label=t("broadcasts.field_filter")),
                rx.select.content(
                    rx.select.item(t("broadcasts.op.equals"), value="equals"),
                    rx.select.item(t("broadcasts.op.contains"), value="contains")),
                value=s.field_op, on_change=s.set_field_op, size="2"),
            rx.input(value=s.field_value, on_change=s.set_field_value,
                     id="field-filter-value", placeholder=t("broadcasts.field_value_ph"),
                     size="2", flex="1", max_length=broadcasts.FIELD_VALUE_MAX),
            width="100%", align="center"),
        field_error(s.errors, "field"),
        spacing="1", width="100%",
    )


def _form() -> rx.Component:
    s = BroadcastsState
    return card(
        rx.vstack(
            rx.heading(t("broadcasts.new"), size="4"),
            form_error(s.errors),
            _label("broadcasts.name", "field-name"),
            rx.input(value=s.name, on_change=s.set_name, id="field-name", max_length=120,
                     placeholder=t("broadcasts.name_ph"), size="3", width="100%"),
            field_error(s.errors, "name"),
            _label("broadcasts.number"),
            _select([rx.foreach(s.numbers,
                                lambda n: rx.select.item(n["name"], value=n["id"]))],
                    s.number, s.pick_number, "field-number", "broadcasts.number"),
            field_error(s.errors, "instance_id"),
            _label("broadcasts.template"),
            rx.cond(s.templates.length() == 0,
                    rx.text(t("broadcasts.no_templates"), size="2", color_scheme="orange",
                            id="no-approved-templates"),
                    _select([rx.foreach(s.templates, lambda tpl: rx.select.item(
                        tpl["label"], value=tpl["value"]))], s.template, s.pick_template,
                        "field-template", "broadcasts.template")),
            field_error(s.errors, "template"),
            rx.cond(s.low_quality, rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert", size=16)),
                rx.callout.text(t("templates.q.red_help")), color_scheme="red", size="1",
                width="100%", id="template-low-quality")),
            rx.cond(s.media_kind != "", rx.vstack(
                _label("templates.header_link", "field-header-link"),
                rx.input(value=s.header_link, on_change=s.set_header_link,
                         id="field-header-link", placeholder="https://", size="3",
                         width="100%"),
                rx.text(t("templates.header_link_hint"), size="1", color_scheme="gray"),
                field_error(s.errors, "header_link"),
                spacing="1", width="100%")),
            rx.cond(s.var_rows.length() > 0, rx.vstack(
                _label("broadcasts.vars"),
                rx.foreach(s.var_rows, _blank),
                field_error(s.errors, "variables"),
                spacing="2", width="100%")),
            rx.separator(size="4"),
            _label("broadcasts.audience"),
            rx.text(t("broadcasts.audience_hint"), size="1", color_scheme="gray"),
            rx.input(value=s.tags, on_change=s.set_tags, id="field-tags",
                     placeholder=t("broadcasts.tags_ph"), size="3", width="100%"),
            field_error(s.errors, "tags"),
            _field_filter(),
            _select([rx.select.item(t("broadcasts.days.any"), value="any"),
                     *[rx.select.item(t(f"broadcasts.days.{d}"), value=str(d))
                       for d in broadcasts.ACTIVE_DAYS]],
                    s.active_days, s.set_active_days, "field-active-days",
                    "broadcasts.active_days"),
            field_error(s.errors, "active_days"),
            rx.button(rx.icon("users", size=14), t("broadcasts.calculate"), variant="soft",
                      on_click=s.calculate, id="calculate-audience", width="100%"),
            rx.cond(s.estimate.contains("count"), rx.box(
                rx.text(t("broadcasts.reach"), " ", rx.text.strong(s.estimate["count"]), " · ",
                        t("broadcasts.cost_est"), " ", rx.text.strong(s.estimate["cost"]),
                        size="2", id="audience-estimate"),
                rx.text(t("broadcasts.quota_left"), " ", s.estimate["quota"], size="1",
                        color_scheme=rx.cond(s.estimate["over"] != "", "red", "gray")),
                background=rx.color("jade", 3), padding="8px 12px", border_radius="8px",
                width="100%")),
            field_error(s.errors, "audience"),
            rx.separator(size="4"),
            _label("broadcasts.when"),
            rx.radio_group.root(
                rx.hstack(rx.radio_group.item(value="now", id="when-now",
                                               aria_label=t("broadcasts.now")),
                          rx.text(t("broadcasts.now"), size="2"),
                          rx.radio_group.item(value="later", id="when-later",
                                               aria_label=t("broadcasts.later")),
                          rx.text(t("broadcasts.later"), size="2"), align="center"),
                value=s.when, on_change=s.set_when),
            rx.cond(s.when == "later",
                    rx.input(type="datetime-local", value=s.send_at, on_change=s.set_send_at,
                             id="field-send-at", size="3", width="100%")),
            field_error(s.errors, "send_at"),
            rx.hstack(rx.checkbox(checked=s.up_to_quota, on_change=s.set_up_to_quota,
                                  id="field-up-to-quota"),
                      rx.text(t("broadcasts.up_to_quota"), size="2"), align="center"),
            rx.button(rx.icon("send", size=14), t("broadcasts.submit"), size="3",
                      width="100%", loading=s.busy, on_click=s.create, id="create-broadcast",
                      disabled=s.templates.length() == 0),
            rx.text(t("broadcasts.consent_note"), size="1", color_scheme="gray"),
            spacing="2", width="100%",
        ),
        max_width="460px", width="100%",
    )


def _cap_card() -> rx.Component:
    """The business's marketing frequency cap (every sender counts toward it)."""
    s = BroadcastsState
    return card(
        rx.vstack(
            rx.heading(t("outbound.cap_title"), size="3"),
            _label("outbound.cap_label", "field-marketing-cap"),
            rx.hstack(
                rx.input(value=s.cap, on_change=s.set_cap, id="field-marketing-cap",
                         type="number", min="1", max="14", size="2", width="90px"),
                rx.button(t("outbound.cap_save"), size="2", variant="soft",
                          on_click=s.save_cap, id="save-marketing-cap"),
                align="center", spacing="2"),
            field_error(s.errors, "marketing_per_week"),
            rx.text(t("outbound.cap_help"), size="1", color_scheme="gray"),
            spacing="2", width="100%",
        ),
        max_width="460px", width="100%",
    )


def broadcasts_page() -> rx.Component:
    s = BroadcastsState
    listing = rx.vstack(
        rx.cond(s.rows.length() == 0,
                card(rx.vstack(rx.icon("megaphone", size=28, color=rx.color("gray", 8)),
                               rx.text(t("broadcasts.none"), color_scheme="gray"),
                               align="center", spacing="2", width="100%"),
                     id="no-broadcasts"),
                rx.foreach(s.rows, _row)),
        spacing="3", width="100%", flex="2",
    )
    return app_shell(
        rx.vstack(
            rx.heading(t("broadcasts.title"), size="7"),
            rx.text(t("broadcasts.subtitle"), color_scheme="gray"),
            rx.flex(listing, rx.vstack(_form(), _cap_card(), spacing="4", width="100%",
                                       max_width="460px"),
                    spacing="4", width="100%", align="start",
                    direction=rx.breakpoints(initial="column", md="row")),
            _recipients_dialog(),
            spacing="4", width="100%",
        ),
        ready=s.loaded,
    )
