"""/ai ("Treinar IA"): the AI assistant of an instance — knowledge (upload catalog/FAQ/text,
search, edit, delete), settings (endpoint, model, encrypted key, prompt from the niche
template, tone, business info, fallback) and a test console that shows the answer and the
knowledge items used; the "Respostas" tab (pages/ai_learning.py) lets the team mark and correct
answers and answer the questions the assistant could not. Tenant from the session only; every
service call takes tenant_id."""

from __future__ import annotations

import asyncio
import threading

import reflex as rx

from ylada_app.components.forms import field_error, form_error
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.core.settings import get_settings
from ylada_app.models import Tenant
from ylada_app.pages.ai_learning import learning_tab
from ylada_app.pages.ai_synonyms import synonyms_card
from ylada_app.services import ai, instances, knowledge, onboarding, price_guard
from ylada_app.services.ai_templates import TONES, template_for
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.outbound import Busy, outbound
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState

KIND_LABELS = {"product": "ai.kind_product", "faq": "ai.kind_faq", "text": "ai.kind_text"}


def _instances(session, *, tenant_id: int) -> list[dict[str, str]]:
    return [{"id": str(i.id), "name": i.name}
            for i in instances.list_instances(session, tenant_id=tenant_id)]


def _row(item) -> dict[str, str]:
    return {"id": str(item.id), "kind": item.kind, "title": item.title, "body": item.body or "",
            "price": item.price or "", "sku": item.sku or "", "category": item.category or ""}


# AiCallError codes with words of their own (ai.call_error.*); http_* by status.
_CALL_CODES = ("connection", "timeout", "auth", "not_configured", "empty")


def _knowledge_data(session, *, tenant_id: int, instance_id: int, query: str) -> dict:
    rows = knowledge.list_items(session, tenant_id=tenant_id, instance_id=instance_id,
                                query=query, limit=500)
    return {"items": [_row(i) for i in rows],
            "count": knowledge.count_items(session, tenant_id=tenant_id,
                                           instance_id=instance_id)}


def _settings_data(session, *, tenant_id: int, instance_id: int) -> dict:
    cfg = ai.get_config(session, tenant_id=tenant_id, instance_id=instance_id)
    view = ai.config_view(cfg)
    view = {k: ("1" if v is True else "" if v is False else str(v)) for k, v in view.items()}
    settings = get_settings()
    demo = settings.anthropic_demo if cfg.provider == "anthropic" else settings.ai_demo
    view["demo"] = "1" if demo and not cfg.base_url else ""
    usage = ai.usage_view(session, tenant_id=tenant_id)
    logs = [{"when": local_text(row.created_at, "%d/%m %H:%M"), "source": row.source,
             "question": row.question[:200], "answer": (row.answer or "")[:300],
             "error": row.error or "", "items": str(len(row.item_ids or [])),
             "tokens": str(row.tokens)}
            for row in ai.recent_logs(session, tenant_id=tenant_id, instance_id=instance_id,
                                      limit=10)]
    return {"cfg": view, "usage": {k: f"{v:,}".replace(",", ".") for k, v in usage.items()},
            "logs": logs}


def _niche_template(session, *, tenant_id: int) -> str:
    tenant = session.get(Tenant, tenant_id)
    return template_for(tenant.niche if tenant else None)


class _Progress:
    def __init__(self) -> None:
        self.done = self.total = 0
        self.lock = threading.Lock()

    def __call__(self, done: int, total: int) -> None:
        with self.lock:
            self.done, self.total = done, total


def _import(session, *, tenant_id: int, instance_id: int, filename: str, data: bytes,
            kind: str, progress) -> int:
    return knowledge.import_upload(session, tenant_id=tenant_id, instance_id=instance_id,
                                   filename=filename, data=data, kind=kind, progress=progress)


class AiState(SessionState):
    loaded: bool = False
    instance_options: list[dict[str, str]] = []
    instance_key: str = ""
    items: list[dict[str, str]] = []
    item_count: int = 0
    query: str = ""
    import_kind: str = "product"
    import_busy: bool = False
    import_progress: int = 0
    import_message: str = ""
    import_errors: list[str] = []
    import_ok: bool = False
    editing: dict[str, str] = {}
    edit_errors: dict[str, str] = {}
    text_errors: dict[str, str] = {}
    text_form_key: int = 0
    cfg: dict[str, str] = {}
    cfg_errors: dict[str, str] = {}
    cfg_form_key: int = 0
    usage: dict[str, str] = {}
    logs: list[dict[str, str]] = []
    console_question: str = ""
    console_answer: str = ""
    console_error: str = ""
    console_items: list[dict[str, str]] = []
    console_busy: bool = False
    _upload_name: str = ""
    _upload_data: bytes = b""

    def _iid(self) -> int:
        # Only an instance the server listed for this tenant (services check again).
        if self.instance_key not in [o["id"] for o in self.instance_options]:
            return 0
        return int(self.instance_key) if self.instance_key.isdigit() else 0

    async def _refresh_items(self, tenant_id: int) -> None:
        if not self._iid():
            self.items, self.item_count = [], 0
            return
        data = await call(_knowledge_data, tenant_id=tenant_id, instance_id=self._iid(),
                          query=self.query)
        self.items, self.item_count = data["items"], data["count"]

    def _ai_error(self, stored: str) -> str:
        """A stored error in words: a failed model call keeps only its code (connection,
        http_401…), which says nothing to the business; other errors are already words."""
        code = ai.call_failure(stored)
        if code is None:
            if stored in ai.ERROR_KEYS:
                return self._t(ai.ERROR_KEYS[stored])
            if values := price_guard.blocked_values(stored):
                if self.lang == "en":  # ("R$ 5,00, R$ 7,00 e R$ 9,00")
                    values = " and ".join(values.rsplit(" e ", 1))
                return self._t("ai.err.price_blocked", values=values)
            return stored
        if code.startswith("http_"):
            status = code[5:]
            key = {"401": "auth", "403": "auth", "404": "not_found", "429": "rate"}.get(
                status, "server" if status.startswith("5") else "http")
        else:
            key = code if code in _CALL_CODES else "other"
        return self._t("ai.call_failed", why=self._t(f"ai.call_error.{key}", status=code[5:]))

    async def _refresh_settings(self, tenant_id: int) -> None:
        if not self._iid():
            return
        data = await call(_settings_data, tenant_id=tenant_id, instance_id=self._iid())
        data["cfg"]["last_error"] = self._ai_error(data["cfg"]["last_error"])
        for row in data["logs"]:
            row["error"] = self._ai_error(row["error"])
        self.cfg, self.usage, self.logs = data["cfg"], data["usage"], data["logs"]
        self.cfg_form_key += 1

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        self.instance_options = await call(_instances, tenant_id=ctx.tenant_id)
        keys = [o["id"] for o in self.instance_options]
        if self.instance_key not in keys:
            self.instance_key = keys[0] if keys else ""
        self.query, self.editing, self.import_errors, self.import_message = "", {}, [], ""
        self.console_answer = self.console_error = ""
        self.console_items = []
        await self._refresh_items(ctx.tenant_id)
        await self._refresh_settings(ctx.tenant_id)

    @rx.event
    async def pick_instance(self, key: str):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        self.instance_options = await call(_instances, tenant_id=ctx.tenant_id)
        if key not in [o["id"] for o in self.instance_options]:
            return rx.toast.error(self._t("error.not_found"))
        self.instance_key = key
        self.editing = {}
        await self._refresh_items(ctx.tenant_id)
        await self._refresh_settings(ctx.tenant_id)

    @rx.event
    def set_import_kind(self, kind: str):
        self.import_kind = kind if kind in KIND_LABELS else "product"

    # --- knowledge ----------------------------------------------------------------------

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]):
        got = await self._signed_in_upload(files, knowledge.MAX_UPLOAD_BYTES)
        if got is None:
            return None
        self._upload_data, self._upload_name = got[0], got[1] or "arquivo"
        self.import_busy, self.import_progress = True, 0
        self.import_errors, self.import_message, self.import_ok = [], "", False
        return AiState.process_upload

    @rx.event
    async def process_upload(self):
        data, name = self._upload_data, self._upload_name
        self._upload_data = b""
        ctx, redirect = await self._guard()
        if redirect:
            self.import_busy = False
            yield redirect
            return
        progress = _Progress()
        self.import_busy = True
        yield
        task = asyncio.ensure_future(call(_import, tenant_id=ctx.tenant_id,
                                          instance_id=self._iid(), filename=name, data=data,
                                          kind=self.import_kind, progress=progress))
        while not task.done():
            await asyncio.sleep(0.2)
            with progress.lock:
                if progress.total:
                    self.import_progress = int(100 * progress.done / progress.total)
            yield
        self.import_busy = False
        try:
            count = task.result()
        except knowledge.KnowledgeImportError as exc:
            self.import_message = exc.text(self.lang)
            self.import_errors = exc.rows(self.lang)[:100]
            return
        except ServiceError as exc:
            self.import_message = self._error_text(exc)
            return
        self.import_progress, self.import_ok = 100, True
        self.import_message = f"{name}: {count} {self._t('ai.imported')}"
        await self._refresh_items(ctx.tenant_id)
        yield rx.toast.success(self.import_message)

    @rx.event
    async def search(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        self.query = str(form.get("q") or "")[:200]
        await self._refresh_items(ctx.tenant_id)

    @rx.event
    async def clear_search(self):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        self.query = ""
        await self._refresh_items(ctx.tenant_id)

    @rx.event
    def start_edit(self, item: dict[str, str]):
        # (what the page sent; the id is checked against the business when saved)
        self.editing = {str(k): str(v) for k, v in item.items()} if isinstance(item, dict) else {}
        self.edit_errors = {}

    @rx.event
    def cancel_edit(self):
        self.editing, self.edit_errors = {}, {}

    @rx.event
    async def save_edit(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        try:
            await call(knowledge.update_item, tenant_id=ctx.tenant_id,
                       item_id=self.editing.get("id"), title=form.get("title"),
                       body=form.get("body") or "", price=form.get("price") or None,
                       sku=form.get("sku") or None, category=form.get("category") or None)
        except ServiceError as exc:
            self.edit_errors = self._field_errors(exc)
            return
        self.editing, self.edit_errors = {}, {}
        await self._refresh_items(ctx.tenant_id)
        return rx.toast.success(self._t("ai.saved"))

    @rx.event
    async def delete_item(self, item_id: str):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        try:
            await call(knowledge.delete_item, tenant_id=ctx.tenant_id, item_id=item_id)
        except ServiceError:
            return rx.toast.error(self._t("error.not_found"))
        await self._refresh_items(ctx.tenant_id)
        return rx.toast.success(self._t("ai.deleted"))

    @rx.event
    async def delete_all(self):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        _, problem = await self._call_or_toast(knowledge.clear, tenant_id=ctx.tenant_id,
                                               instance_id=self._iid())
        if problem is not None:
            return problem
        await self._refresh_items(ctx.tenant_id)

    @rx.event
    async def sample_catalog(self):
        """The niche's sample catalog, as the onboarding's step 3 loads it: an empty list
        reached by the menu is not a dead end."""
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        await self._refresh_items(ctx.tenant_id)
        if not self._iid() or self.item_count:  # a second click: loaded already
            return None
        added, problem = await self._call_or_toast(
            onboarding.load_sample_catalog, tenant_id=ctx.tenant_id, instance_id=self._iid())
        if problem is not None:
            return problem
        await self._refresh_items(ctx.tenant_id)
        await self._refresh_settings(ctx.tenant_id)
        return rx.toast.success(self._t("onboarding.catalog_loaded", count=added))

    @rx.event
    async def add_text(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        try:
            await call(knowledge.add_item, tenant_id=ctx.tenant_id, instance_id=self._iid(),
                       kind=form.get("kind") or "text", title=form.get("title") or "",
                       body=form.get("body") or "")
        except ServiceError as exc:
            self.text_errors = self._field_errors(exc)
            return
        self.text_errors = {}
        self.text_form_key += 1
        await self._refresh_items(ctx.tenant_id)
        return rx.toast.success(self._t("ai.saved"))

    # --- settings -----------------------------------------------------------------------

    @rx.event
    async def save_settings(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        data = dict(form)
        for flag in ("enabled", "fallback_enabled", "clear_api_key"):
            data[flag] = bool(form.get(flag))
        try:
            await call(ai.save_config, tenant_id=ctx.tenant_id, instance_id=self._iid(),
                       data=data)
        except ServiceError as exc:
            self.cfg_errors = self._field_errors(exc)
            return
        self.cfg_errors = {}
        await self._refresh_settings(ctx.tenant_id)
        return rx.toast.success(self._t("ai.saved"))

    @rx.event
    async def turn_on_fallback(self):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        try:
            await call(ai.save_config, tenant_id=ctx.tenant_id, instance_id=self._iid(),
                       data={"enabled": True, "fallback_enabled": True})
        except ServiceError as exc:
            return rx.toast.error(self._t(exc.code))
        await self._refresh_settings(ctx.tenant_id)
        return rx.toast.success(self._t("ai.fallback_on_done"))

    @rx.event
    async def reset_prompt(self):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        self.cfg = {**self.cfg, "system_prompt": await call(_niche_template,
                                                            tenant_id=ctx.tenant_id)}
        self.cfg_form_key += 1

    # --- console ------------------------------------------------------------------------

    @rx.event
    async def ask(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        question = str(form.get("question") or "").strip()
        if not question or not self._iid():
            return
        self.console_question, self.console_busy = question, True
        self.console_answer = self.console_error = ""
        self.console_items = []
        yield
        try:
            result = await outbound(ctx.tenant_id, ai.answer, tenant_id=ctx.tenant_id,
                                    instance_id=self._iid(), question=question,
                                    source="console")
        except Busy:
            self.console_busy = False
            self.console_error = self._t("outbound.busy")
            return
        self.console_busy = False
        self.console_answer = result.text
        self.console_error = self._ai_error(result.error or "")
        self.console_items = [{k: str(v) for k, v in i.items()} for i in result.items]
        await self._refresh_settings(ctx.tenant_id)


# --- components ------------------------------------------------------------------------------

def _kind_badge(kind: rx.Var) -> rx.Component:
    return rx.match(
        kind,
        ("product", rx.badge(t("ai.badge_product"), color_scheme="jade", variant="soft")),
        ("faq", rx.badge(t("ai.badge_faq"), color_scheme="blue", variant="soft")),
        rx.badge(t("ai.badge_text"), color_scheme="gray", variant="soft"),
    )


def _item_row(item: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(
            rx.text(item["title"], weight="medium", size="2"),
            rx.text(item["body"], size="1", color_scheme="gray", max_width="380px",
                    white_space="nowrap", overflow="hidden", text_overflow="ellipsis"),
            # SKU and category on a line of their own: as columns they pushed the table
            # past the card's width on a 1366 px screen
            rx.cond(
                (item["sku"] != "") | (item["category"] != ""),
                rx.text(
                    rx.cond(item["sku"] != "", t("ai.col_sku") + " " + item["sku"], ""),
                    rx.cond((item["sku"] != "") & (item["category"] != ""), " · ", ""),
                    item["category"],
                    size="1", color_scheme="gray", class_name="item-meta"),
            ),
            spacing="0")),
        rx.table.cell(_kind_badge(item["kind"])),
        rx.table.cell(rx.text(item["price"], class_name="item-price", white_space="nowrap")),
        rx.table.cell(rx.hstack(
            rx.icon_button(rx.icon("pencil", size=14), size="1", variant="soft",
                           on_click=AiState.start_edit(item), title=t("ai.edit"),
                           class_name="item-edit"),
            rx.icon_button(rx.icon("trash-2", size=14), size="1", variant="soft",
                           color_scheme="red", on_click=AiState.delete_item(item["id"]),
                           title=t("ai.delete"), class_name="item-delete"),
            spacing="2")),
        class_name="knowledge-row",
    )


def _input(label: str, name: str, errors: rx.Var, value: rx.Var | str = "", **props):
    return rx.vstack(
        rx.text(t(label), size="2", weight="medium"),
        rx.input(name=name, default_value=value, id=f"ai-{name}", width="100%",
                 aria_label=t(label), **props),
        field_error(errors, name),
        spacing="1", width="100%",
    )


def _textarea(label: str, name: str, errors: rx.Var, value: rx.Var | str = "",
              rows: str = "3", *, max_len: int):
    return rx.vstack(
        rx.text(t(label), size="2", weight="medium"),
        rx.text_area(name=name, default_value=value, id=f"ai-{name}", width="100%",
                     rows=rows, aria_label=t(label), max_length=max_len),
        field_error(errors, name),
        spacing="1", width="100%",
    )


def _edit_card() -> rx.Component:
    e = AiState.editing
    return card(
        rx.form(
            rx.vstack(
                rx.heading(t("ai.edit_title"), size="4"),
                form_error(AiState.edit_errors),
                _input("ai.field_title", "title", AiState.edit_errors, e["title"],
                       max_length=knowledge.MAX_TITLE),
                _textarea("ai.field_body", "body", AiState.edit_errors, e["body"],
                          max_len=knowledge.MAX_BODY),
                rx.hstack(
                    _input("ai.field_price", "price", AiState.edit_errors, e["price"]),
                    _input("ai.field_sku", "sku", AiState.edit_errors, e["sku"],
                           max_length=knowledge.MAX_SKU),
                    _input("ai.field_category", "category", AiState.edit_errors,
                           e["category"], max_length=knowledge.MAX_CATEGORY),
                    spacing="3", width="100%"),
                rx.hstack(
                    rx.button(t("ai.save"), type="submit", id="edit-save"),
                    rx.button(t("ai.cancel"), type="button", variant="soft",
                              color_scheme="gray", on_click=AiState.cancel_edit),
                    spacing="2"),
                spacing="3", width="100%"),
            on_submit=AiState.save_edit,
            key=e["id"],
        ),
        id="edit-card", box_shadow=f"0 0 0 2px {rx.color('jade', 7)}",
    )


def _upload_card() -> rx.Component:
    s = AiState
    return card(
        rx.vstack(
            rx.heading(t("ai.upload_title"), size="4"),
            rx.text(t("ai.upload_help"), size="2", color_scheme="gray"),
            rx.select.root(
                rx.select.trigger(width="100%", id="import-kind", aria_label=t("a11y.import_kind")),
                rx.select.content(
                    rx.select.item(t("ai.kind_product"), value="product"),
                    rx.select.item(t("ai.kind_faq"), value="faq"),
                    rx.select.item(t("ai.kind_text"), value="text"),
                ),
                value=s.import_kind, on_change=s.set_import_kind,
            ),
            # Inside a <label>: the file input then carries the drop zone's words as its name
            # (it cannot be given one directly); the label opens the file chooser on click.
            rx.el.label(rx.upload(
                rx.vstack(
                    rx.icon("upload", size=22, color=rx.color("jade", 9)),
                    rx.text(t("ai.drop"), size="2"),
                    align="center", spacing="2",
                ),
                id="kb-upload", no_click=True,
                multiple=False,
                max_files=1,
                accept={"text/csv": [".csv", ".tsv"], "text/plain": [".txt", ".md"],
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                            [".xlsx"]},
                on_drop=s.handle_upload(rx.upload_files(upload_id="kb-upload")),
                border=f"2px dashed {rx.color('jade', 6)}",
                padding="24px", border_radius="12px", width="100%", cursor="pointer",
            ), style={"display": "block", "width": "100%"}),
            rx.cond(s.import_busy, rx.vstack(
                rx.text(t("ai.importing"), size="2"),
                rx.progress(value=s.import_progress, width="100%", id="import-progress"),
                width="100%")),
            rx.cond(s.import_message != "", rx.callout(
                s.import_message, icon=rx.cond(s.import_ok, "check", "triangle-alert"),
                color_scheme=rx.cond(s.import_ok, "green", "red"), width="100%",
                id="import-message")),
            rx.cond(s.import_errors.length() > 0, rx.box(
                rx.foreach(s.import_errors,
                           lambda e: rx.text(e, size="1", color_scheme="red")),
                max_height="160px", overflow_y="auto", width="100%", id="import-errors")),
            spacing="3", width="100%",
        ),
    )


def _add_text_card() -> rx.Component:
    return card(
        rx.form(
            rx.vstack(
                rx.heading(t("ai.add_text_title"), size="4"),
                rx.select.root(
                    rx.select.trigger(width="100%", aria_label=t("a11y.item_kind")),
                    rx.select.content(
                        rx.select.item(t("ai.kind_text"), value="text"),
                        rx.select.item(t("ai.kind_faq"), value="faq"),
                    ),
                    name="kind", default_value="text",
                ),
                _input("ai.field_title", "title", AiState.text_errors,
                       max_length=knowledge.MAX_TITLE),
                _textarea("ai.field_body", "body", AiState.text_errors,
                          max_len=knowledge.MAX_BODY),
                rx.button(t("ai.add"), type="submit", id="add-text"),
                spacing="3", width="100%"),
            on_submit=AiState.add_text, key=AiState.text_form_key,
        ),
    )


def _knowledge_tab() -> rx.Component:
    s = AiState
    return rx.flex(
        rx.vstack(
            card(
                rx.hstack(
                    rx.heading(t("ai.items"), size="4"),
                    rx.badge(s.item_count, variant="soft", id="item-count"),
                    rx.spacer(),
                    rx.cond(s.item_count > 0, rx.button(
                        t("ai.delete_all"), size="1", variant="ghost", color_scheme="red",
                        on_click=s.delete_all, id="delete-all")),
                    align="center", width="100%"),
                rx.form(
                    rx.hstack(
                        rx.input(name="q", placeholder=t("ai.search"), id="kb-search",
                                 default_value=s.query, width="100%"),
                        rx.button(t("ai.search_button"), type="submit", id="kb-search-go"),
                        rx.cond(s.query != "", rx.button(
                            t("ai.clear_search"), type="button", variant="soft",
                            color_scheme="gray", on_click=s.clear_search)),
                        width="100%", spacing="2"),
                    on_submit=s.search, margin_y="12px", width="100%",
                ),
                rx.cond(s.editing.contains("id"), _edit_card()),
                rx.cond(
                    s.items.length() > 0,
                    rx.box(rx.table.root(
                        rx.table.header(rx.table.row(
                            rx.table.column_header_cell(t("ai.col_title")),
                            rx.table.column_header_cell(t("ai.col_kind")),
                            rx.table.column_header_cell(t("ai.col_price")),
                            rx.table.column_header_cell(""),
                        )),
                        rx.table.body(rx.foreach(s.items, _item_row)),
                        width="100%", size="1",
                    ), max_height="560px", overflow_y="auto", overflow_x="auto",
                        width="100%"),
                    rx.cond(s.query != "",
                            rx.text(t("ai.none_found"), color_scheme="gray", id="kb-empty"),
                            rx.vstack(
                                rx.text(t("ai.empty"), color_scheme="gray", id="kb-empty"),
                                rx.button(rx.icon("book-open", size=16),
                                          t("onboarding.sample_catalog"), variant="soft",
                                          on_click=s.sample_catalog, id="kb-sample-catalog"),
                                spacing="3", align="start")),
                ),
            ),
            # min_width 0: a wide table scrolls inside its card instead of pushing the page
            # wider than a 1366 px screen
            flex="2", width="100%", min_width="0",
        ),
        rx.vstack(_upload_card(), _add_text_card(), synonyms_card(), flex="1", width="100%",
                  spacing="4", min_width="0"),
        spacing="4", width="100%", align="start",
        direction=rx.breakpoints(initial="column", lg="row"),
    )


def _switch(label: str, name: str, checked: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.checkbox(name=name, default_checked=checked, id=f"ai-{name}"),
        rx.text(t(label), size="2"),
        align="center", spacing="2",
    )


def _settings_tab() -> rx.Component:
    s, c = AiState, AiState.cfg
    return rx.flex(
        card(
            rx.form(
                rx.vstack(
                    rx.heading(t("ai.settings_title"), size="4"),
                    form_error(s.cfg_errors),
                    _switch("ai.enabled", "enabled", c["enabled"] == "1"),
                    _switch("ai.fallback", "fallback_enabled", c["fallback_enabled"] == "1"),
                    rx.hstack(
                        _input("ai.company", "company", s.cfg_errors, c["company"],
                               max_length=ai.TEXT_LIMITS["company"]),
                        _input("ai.hours", "hours", s.cfg_errors, c["hours"],
                               max_length=ai.TEXT_LIMITS["hours"]),
                        spacing="3", width="100%"),
                    _input("ai.address", "address", s.cfg_errors, c["address"],
                           max_length=ai.TEXT_LIMITS["address"]),
                    _textarea("ai.policies", "policies", s.cfg_errors, c["policies"],
                              max_len=ai.TEXT_LIMITS["policies"]),
                    rx.vstack(
                        rx.hstack(
                            rx.text(t("ai.system_prompt"), size="2", weight="medium"),
                            rx.spacer(),
                            rx.button(t("ai.reset_prompt"), type="button", size="1",
                                      variant="soft", on_click=s.reset_prompt,
                                      id="reset-prompt"),
                            width="100%", align="center"),
                        rx.text_area(name="system_prompt", default_value=c["system_prompt"],
                                     rows="6", width="100%", id="ai-system_prompt",
                                     max_length=ai.TEXT_LIMITS["system_prompt"]),
                        field_error(s.cfg_errors, "system_prompt"),
                        spacing="1", width="100%"),
                    rx.hstack(
                        rx.vstack(
                            rx.text(t("ai.tone"), size="2", weight="medium"),
                            rx.select.root(
                                rx.select.trigger(width="100%", aria_label=t("ai.tone")),
                                rx.select.content(*[
                                    rx.select.item(t(f"ai.tone_{code}"), value=code)
                                    for code in TONES]),
                                name="tone", default_value=c["tone"],
                            ),
                            field_error(s.cfg_errors, "tone"),
                            spacing="1", width="100%"),
                        _input("ai.temperature", "temperature", s.cfg_errors,
                               c["temperature"]),
                        spacing="3", width="100%"),
                    _textarea("ai.handoff_text", "handoff_text", s.cfg_errors,
                              rx.cond(c["handoff_text"] != "", c["handoff_text"],
                                      c["handoff_default"]),
                              max_len=ai.TEXT_LIMITS["handoff_text"]),
                    rx.text(t("ai.handoff_text_hint"), size="1", color_scheme="gray"),
                    rx.divider(),
                    rx.vstack(
                        rx.text(t("ai.provider"), size="2", weight="medium"),
                        rx.select.root(
                            rx.select.trigger(width="100%", id="ai-provider",
                                              aria_label=t("ai.provider")),
                            rx.select.content(
                                rx.select.item(t("ai.provider_openai"), value="openai"),
                                rx.select.item(t("ai.provider_anthropic"),
                                               value="anthropic")),
                            name="provider", default_value=c["provider"],
                        ),
                        field_error(s.cfg_errors, "provider"),
                        rx.text(t("ai.provider_hint"), size="1", color_scheme="gray"),
                        spacing="1", width="100%"),
                    _input("ai.base_url", "base_url", s.cfg_errors, c["base_url"],
                           placeholder="https://…/v1", max_length=300),
                    rx.text(t("ai.base_url_hint"), size="1", color_scheme="gray"),
                    rx.hstack(
                        _input("ai.model", "model", s.cfg_errors, c["model"],
                               max_length=100),
                        _input("ai.api_key", "api_key", s.cfg_errors, "", type="password",
                               auto_complete="off"),
                        spacing="3", width="100%"),
                    rx.cond(c["has_api_key"] == "1", rx.vstack(
                        rx.text(t("ai.api_key_saved"), size="1", color_scheme="gray"),
                        _switch("ai.clear_key", "clear_api_key", False),
                        spacing="1")),
                    rx.button(t("ai.save"), type="submit", id="ai-save-settings"),
                    spacing="3", width="100%"),
                on_submit=s.save_settings, key=s.cfg_form_key,
            ),
            flex="2", min_width="0",
        ),
        _status_card(),
        spacing="4", width="100%", align="start",
        direction=rx.breakpoints(initial="column", lg="row"),
    )


def _status_card() -> rx.Component:
    s = AiState
    return card(
        rx.vstack(
            rx.text(t("ai.usage"), size="2", weight="medium"),
            rx.heading(s.usage["used"] + " / " + s.usage["limit"], size="5", id="ai-usage"),
            rx.cond(s.cfg["last_error"] != "", rx.callout(
                rx.vstack(rx.text(t("ai.last_error"), weight="medium"),
                          rx.text(s.cfg["last_error"]),
                          rx.text(s.cfg["last_error_at"], size="1"), spacing="1"),
                icon="triangle-alert", color_scheme="orange", id="ai-last-error")),
            spacing="2", width="100%"),
        flex="1", min_width="0",
    )


def _used_item(item: rx.Var) -> rx.Component:
    return rx.hstack(
        _kind_badge(item["kind"]),
        rx.text(item["title"], size="2", weight="medium"),
        rx.cond(item["price"] != "", rx.badge(item["price"], color_scheme="jade")),
        rx.cond(item["sku"] != "", rx.text(item["sku"], size="1", color_scheme="gray")),
        align="center", spacing="2", class_name="used-item",
    )


def _log_row(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(row["when"], size="1", color_scheme="gray"),
            rx.badge(rx.match(row["source"], ("console", t("ai.source_console")),
                              ("fallback", t("ai.source_fallback")), t("ai.source_flow")),
                     variant="soft", color_scheme="gray"),
            rx.text(t("ai.tokens") + ": " + row["tokens"] + " · " + t("ai.items") + ": "
                    + row["items"], size="1", color_scheme="gray"),
            spacing="2", align="center"),
        rx.text(row["question"], size="2", weight="medium"),
        rx.cond(row["error"] != "",
                rx.text(row["error"], size="1", color_scheme="orange"),
                rx.text(row["answer"], size="1", color_scheme="gray")),
        spacing="1", width="100%", class_name="ai-log-row",
        padding_bottom="8px", border_bottom=f"1px solid {rx.color('gray', 3)}",
    )


def _logs_card() -> rx.Component:
    return card(
        rx.vstack(
            rx.text(t("ai.recent"), size="2", weight="medium"),
            rx.cond(AiState.logs.length() > 0,
                    rx.vstack(rx.foreach(AiState.logs, _log_row), spacing="2",
                              width="100%"),
                    rx.text("—", color_scheme="gray")),
            spacing="2", width="100%"),
    )


def _console_tab() -> rx.Component:
    s = AiState
    return rx.flex(
        card(
            rx.vstack(
                rx.heading(t("ai.console_title"), size="4"),
                rx.text(t("ai.console_help"), size="2", color_scheme="gray"),
                rx.form(
                    rx.hstack(
                        rx.input(name="question", placeholder=t("ai.question"),
                                 id="console-question", width="100%", size="3"),
                        rx.button(t("ai.ask"), type="submit", loading=s.console_busy,
                                  id="console-ask", size="3"),
                        width="100%", spacing="2"),
                    on_submit=s.ask, reset_on_submit=False, width="100%",
                ),
                rx.cond(s.console_answer != "", rx.vstack(
                    rx.text(s.console_question, size="2", color_scheme="gray",
                            font_style="italic"),
                    rx.box(rx.text(s.console_answer, white_space="pre-wrap"),
                           background=rx.color("jade", 3), padding="12px 16px",
                           border_radius="12px", id="console-answer", width="100%"),
                    rx.text(t("ai.items_used"), size="2", weight="medium", margin_top="8px"),
                    rx.cond(s.console_items.length() > 0,
                            rx.vstack(rx.foreach(s.console_items, _used_item),
                                      spacing="2", id="console-items"),
                            rx.text(t("ai.none_used"), size="2", color_scheme="gray")),
                    rx.cond(s.console_error != "", rx.callout(
                        s.console_error, icon="triangle-alert", color_scheme="orange",
                        id="console-error")),
                    spacing="2", width="100%")),
                spacing="3", width="100%"),
            flex="2", min_width="0",
        ),
        rx.vstack(_status_card(), _logs_card(), flex="1", width="100%", spacing="4",
                  min_width="0"),
        spacing="4", width="100%", align="start",
        direction=rx.breakpoints(initial="column", lg="row"),
    )


def ai_page() -> rx.Component:
    s = AiState
    return app_shell(
        page_header(
            "ai.title", "ai.subtitle",
            rx.cond(s.instance_options.length() > 0, rx.hstack(
                rx.text(t("ai.instance"), size="2", weight="medium"),
                rx.select.root(
                    rx.select.trigger(id="ai-instance", aria_label=t("ai.instance")),
                    rx.select.content(rx.foreach(
                        s.instance_options,
                        lambda o: rx.select.item(o["name"], value=o["id"]))),
                    value=s.instance_key, on_change=s.pick_instance,
                ),
                align="center", spacing="2")),
        ),
        rx.cond(s.cfg["demo"] == "1", rx.callout(
            t("ai.demo_note"), icon="flask-conical", color_scheme="violet", width="100%",
            margin_bottom="12px", id="ai-demo-note")),
        rx.cond((s.item_count > 0) & ((s.cfg["fallback_enabled"] != "1")
                                      | (s.cfg["enabled"] != "1")),
                rx.callout.root(
                    rx.callout.icon(rx.icon("info", size=16)),
                    rx.callout.text(t("ai.fallback_off_note")),
                    rx.button(t("ai.fallback_turn_on"), size="2", on_click=s.turn_on_fallback,
                              id="fallback-turn-on", width="fit-content"),
                    color_scheme="amber", width="100%", margin_bottom="12px",
                    id="fallback-off-note")),
        rx.cond(
            s.instance_key != "",
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger(t("ai.tab_knowledge"), value="knowledge",
                                    id="tab-knowledge"),
                    rx.tabs.trigger(t("ai.tab_settings"), value="settings", id="tab-settings"),
                    rx.tabs.trigger(t("ai.tab_console"), value="console", id="tab-console"),
                    rx.tabs.trigger(t("ai.tab_learning"), value="learning",
                                    id="tab-learning"),
                ),
                rx.tabs.content(_knowledge_tab(), value="knowledge", padding_top="16px"),
                rx.tabs.content(_settings_tab(), value="settings", padding_top="16px"),
                rx.tabs.content(_console_tab(), value="console", padding_top="16px"),
                # keyed by the instance: picking another one reloads the tab
                rx.tabs.content(rx.box(learning_tab(), key=s.instance_key, width="100%"),
                                value="learning", padding_top="16px"),
                default_value="knowledge", width="100%",
            ),
            card(rx.text(t("ai.no_instance"), color_scheme="gray")),
        ),
        ready=s.loaded,
    )
