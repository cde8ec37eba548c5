"""/flows/[fid]/edit: the visual flow editor.

The canvas (React Flow, flow_canvas component) owns the nodes in the browser; this state
keeps the draft document in a backend-only var (`_doc`), applies each finished canvas
action to it, re-validates it with the engine, marks the nodes with problems and autosaves
the draft. The inspector edits the selected node with ordinary Reflex inputs (saved on blur)
and pushes only that node back to the canvas. A test chat runs the DRAFT in memory.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import reflex as rx

from ylada_app.components.badges import status_badge
from ylada_app.components.chat import formatted_text
from ylada_app.components.flow_canvas import flow_canvas, palette_item
from ylada_app.components.layout import BRAND, loading_block, not_found_block
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.core.wa_format import as_rows
from ylada_app.engine import validate_flow
from ylada_app.engine.limits import RANDOMIZER_BRANCHES_MAX
from ylada_app.pages.instances import path_segment
from ylada_app.services import flow_editor as fe
from ylada_app.services import flow_words, flows, instances, marketplace
from ylada_app.services.errors import NotFound, ServiceError
from ylada_app.services.sandbox_chat import sandbox_say
from ylada_app.services.template_params import apply_params, default_values
from ylada_app.state.calls import call
from ylada_app.state.outbound import Busy, outbound
from ylada_app.state.session import SessionState

MAX_ISSUES_SHOWN = 100
MAX_CHAT = 60

# kind → (lucide icon for the palette, colour); the canvas draws the same colours.
KINDS: list[tuple[str, str, str]] = [
    ("message", "message-square", "#0284c7"),
    ("template", "file-text", "#059669"),
    ("question", "circle-help", "#7c3aed"),
    ("condition", "git-branch", "#d97706"),
    ("randomizer", "shuffle", "#2563eb"),
    ("set_variable", "variable", "#0891b2"),
    ("tag", "tag", "#db2777"),
    ("consent", "shield-check", "#65a30d"),
    ("http_request", "globe", "#4f46e5"),
    ("ai_reply", "bot", "#9333ea"),
    ("handoff", "headphones", "#ea580c"),
    ("delay", "clock", "#64748b"),
    ("reminder", "alarm-clock", "#0e7490"),
    ("goto_flow", "corner-down-right", "#0f766e"),
    ("goal", "target", "#ca8a04"),
    ("end", "circle-stop", "#475569"),
    ("start", "play", "#16a34a"),
]


def _chat_bubbles(messages: list[dict]) -> list[dict[str, Any]]:
    out = []
    for m in messages:
        options = []
        if m.get("type") == "buttons":
            options = [str(b.get("title", "")) for b in m.get("buttons") or []]
        elif m.get("type") == "list":
            options = [str(r.get("title", "")) for s in m.get("sections") or []
                       for r in s.get("rows") or []]
        text = str(m.get("text") or m.get("caption") or "")
        if m.get("type") == "media":
            text = f"[{m.get('kind')}] {m.get('url')}" + (f"\n{text}" if text else "")
        out.append({"who": "bot", "text": text, "options": options,
                    "footer": str(m.get("footer") or ""), "parts": as_rows(text)})
    return out


class FlowEditorState(SessionState):
    loaded: bool = False
    missing: bool = False
    flow_id: str = ""
    flow_name: str = ""
    instance_name: str = ""
    status: str = ""
    # Pushed to the canvas: a whole graph (rarely) and changed nodes (inspector edits).
    graph: dict[str, Any] = {}
    patch: dict[str, Any] = {}
    marks: dict[str, str] = {}
    focus: dict[str, Any] = {}
    # Validation.
    issues: list[dict[str, str]] = []
    error_count: int = 0
    warning_count: int = 0
    # Inspector.
    sel_id: str = ""
    sel_kind: str = ""
    sel: dict[str, str] = {}
    sel_options: list[dict[str, str]] = []
    sel_rules: list[dict[str, str]] = []
    sel_branches: list[dict[str, str]] = []
    sel_values: list[dict[str, str]] = []
    # The number's approved templates a template block may send (fe.approved_templates).
    wa_templates: list[dict[str, str]] = []
    sel_issues: list[str] = []
    sel_key: int = 0
    variables: list[str] = []
    goto_options: list[dict[str, str]] = []
    # Saving, versions, import.
    save_status: str = "saved"
    saved_at: str = ""
    node_count: int = 0
    versions: list[dict[str, str]] = []
    import_errors: list[str] = []
    import_mode: str = "merge"
    import_open: bool = False
    tab: str = "inspector"
    # Editing a marketplace template's flow (platform admin) instead of a business's flow.
    template_mode: bool = False
    back_href: str = ""
    simulator_href: str = ""  # phones: where the flow can be tried (the editor needs a wide screen)
    # Test chat.
    chat: list[dict[str, Any]] = []
    chat_problems: list[str] = []
    active_node: str = ""

    # The draft as JSON text: a plain string is never wrapped in Reflex's mutation proxies,
    # which made every pass over a 300-node dict ~10x slower. Handlers work on `doc`, a
    # plain dict from `_read()`, and store it back with `_write(doc)`.
    _doc_json: str = ""
    _rev: int = 0
    _seq: int = 0
    _sim: dict[str, Any] = {}
    _params: list[dict[str, Any]] = []  # template mode: its parameters (sample values)
    _words: dict[str, Any] = {}  # the number's opt-out / opt-in words, for the test chat

    # --- helpers ---------------------------------------------------------------------
    def _flow_key(self) -> str:
        return path_segment(self.router.url.path, 1)

    def _template_key(self) -> str:
        """/admin/templates/{id}/flow: the template whose flow is being edited ("" if none)."""
        path = self.router.url.path or ""
        return path_segment(path, 2) if path.startswith("/admin/templates/") else ""

    def _checked(self, doc: dict[str, Any]) -> dict[str, Any]:
        """What validation and the test chat see: a template's flow with its sample values
        (its {{param.x}} are filled in when a business installs it)."""
        if not self.template_mode:
            return doc
        return apply_params(doc, default_values(self._params))

    def _read(self) -> dict[str, Any]:
        return json.loads(self._doc_json) if self._doc_json else {}

    def _write(self, doc: dict[str, Any]) -> None:
        self._doc_json = json.dumps(doc, ensure_ascii=False)

    @staticmethod
    def _node(doc: dict[str, Any], node_id: str) -> dict[str, Any] | None:
        return next((n for n in doc.get("nodes", []) if n.get("id") == node_id), None)

    def _push_graph(self, doc: dict[str, Any]) -> None:
        self._rev += 1
        self.graph = {"rev": self._rev, "nodes": doc.get("nodes", []),
                      "edges": doc.get("edges", [])}

    def _settle_graph(self) -> None:
        """Once the browser has the graph, keep only its revision in the state, so a later
        hydration (reload, second tab) does not carry the whole graph twice."""
        if "nodes" in self.graph:
            self.graph = {"rev": self._rev}

    def _push_nodes(self, nodes: list[dict], removed_edges: list[str] | None = None) -> None:
        self._seq += 1
        self.patch = {"seq": self._seq,
                      "nodes": [{"id": n["id"], "data": n.get("data", {})} for n in nodes],
                      "removeEdges": removed_edges or []}

    def _validate(self, doc: dict[str, Any]) -> None:
        report = validate_flow(self._checked(doc), lang=self.lang)
        marks: dict[str, str] = {}
        for issue in report.warnings:
            if issue.node_id:
                marks[issue.node_id] = "warning"
        for issue in report.errors:
            if issue.node_id:
                marks[issue.node_id] = "error"
        if marks != self.marks:
            self.marks = marks
        issues = [{"level": "error", "message": i.message, "node": i.node_id or ""}
                  for i in report.errors]
        issues += [{"level": "warning", "message": i.message, "node": i.node_id or ""}
                   for i in report.warnings]
        issues = issues[:MAX_ISSUES_SHOWN]
        if issues != self.issues:
            self.issues = issues
        self.error_count, self.warning_count = len(report.errors), len(report.warnings)
        self.node_count = len(doc.get("nodes", []))
        self._refresh_selected_issues()
        variables = fe.variables_in(doc)
        if variables != self.variables:
            self.variables = variables

    def _refresh_selected_issues(self) -> None:
        sel = [i["message"] for i in self.issues if i["node"] == self.sel_id] \
            if self.sel_id else []
        if sel != self.sel_issues:
            self.sel_issues = sel

    def _select(self, doc: dict[str, Any], node_id: str, *, remount: bool = True) -> None:
        node = self._node(doc, node_id) if node_id else None
        if node is None:
            self.sel_id, self.sel_kind, self.sel = "", "", {}
            self.sel_options, self.sel_rules, self.sel_issues = [], [], []
            self.sel_branches, self.sel_values = [], []
            return
        self.sel_id, self.sel_kind = node["id"], node["type"]
        self.sel = fe.inspector_fields(node)
        self.sel_options = fe.inspector_options(node)
        self.sel_rules = fe.inspector_rules(node)
        self.sel_branches = fe.inspector_branches(node)
        self.sel_values = fe.inspector_template_values(node)
        self._refresh_selected_issues()
        if remount:
            self.sel_key += 1

    def _too_big(self) -> bool:
        return len(self._doc_json.encode()) > flows.MAX_FLOW_BYTES

    async def _flow_call(self, fn, **kwargs) -> tuple[Any, Any]:
        """(result, None) of a service call on this flow in the session's tenant, or
        (None, event to return) when the session is gone or the service refused."""
        if self.template_mode:  # versions of a template are published on its own page
            return None, rx.toast.error(self._t("editor.template_versions"))
        ctx, redirect = await self._guard()
        if redirect:
            return None, redirect
        return await self._call_or_toast(fn, tenant_id=ctx.tenant_id, flow_id=self.flow_id,
                                         **kwargs)

    async def _template_call(self, fn, **kwargs) -> tuple[Any, Any]:
        ctx, redirect = await self._guard(need_tenant=False, admin=True)
        if redirect:
            return None, redirect
        return await self._call_or_toast(fn, actor=ctx, template_id=self.flow_id, **kwargs)

    async def _save(self):
        if self.template_mode:
            when, problem = await self._template_call(marketplace.admin_autosave_template_flow,
                                                      definition=self._read())
        else:
            when, problem = await self._flow_call(fe.autosave, definition=self._read())
        if problem is not None:
            self.save_status = "error"
            if self._too_big() and not self.template_mode:
                # The draft outgrew what may be stored: go back to the stored draft, so the
                # canvas shows what a reload would.
                data, _ = await self._flow_call(fe.load_editor)
                if data is not None:
                    self._write(data.draft)
                    self._push_graph(data.draft)
                    self._select(data.draft, "")
                    self._validate(data.draft)
            return problem
        self.save_status = "saved"
        self.saved_at = local_text(when, "%H:%M:%S")
        return None

    async def _load_versions(self, tenant_id: int) -> None:
        rows = await call(fe.list_versions, tenant_id=tenant_id, flow_id=self.flow_id)
        self.versions = [{"id": str(v.id), "version": str(v.version),
                          "label": self._t("editor.version", n=v.version),
                          "when": local_text(v.created_at, "%d/%m/%Y %H:%M"),
                          "active": "1" if v.active else "", "nodes": str(v.nodes)}
                         for v in rows]

    # --- page load -------------------------------------------------------------------
    async def _load_template(self):
        ctx, redirect = await self._guard(need_tenant=False, admin=True)
        if redirect:
            return redirect
        key = self._template_key()
        try:
            data = await call(marketplace.admin_template_flow, actor=ctx, template_id=key)
        except ServiceError:
            self._doc_json, self.graph, self.flow_id, self.flow_name = "", {}, "", ""
            self.missing, self.loaded = True, True
            return None
        self.template_mode, self.back_href = True, f"/admin/templates/{data.template_id}"
        self.simulator_href = ""
        self._params = data.parameters
        self.flow_id, self.flow_name = str(data.template_id), data.name
        self.instance_name, self.status = self._t("editor.template_flow"), "draft"
        self.saved_at = local_text(data.updated_at, "%H:%M:%S")
        self.save_status = "saved"
        self._write(data.flow)
        self._push_graph(data.flow)
        self._select(data.flow, "")
        self._validate(data.flow)
        self.chat, self.chat_problems, self.active_node, self._sim = [], [], "", {}
        self.import_errors, self.import_open = [], False
        self.goto_options, self.versions, self.wa_templates = [], [], []
        self._words = {}
        self.loaded = True
        return None

    @rx.event
    async def load(self):
        self.loaded, self.missing = False, False
        yield
        if self._template_key():
            redirect = await self._load_template()
            if redirect:
                yield redirect
            return
        self.template_mode, self.back_href, self._params = False, "/flows", []
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        try:
            data = await call(fe.load_editor, tenant_id=ctx.tenant_id, flow_id=self._flow_key())
        except NotFound:
            self._doc_json, self.graph, self.flow_id, self.flow_name = "", {}, "", ""
            self.missing, self.loaded = True, True
            return
        self.flow_id, self.flow_name = str(data.flow_id), data.name
        self.instance_name, self.status = data.instance_name, data.status
        self.simulator_href = f"/instances/{data.instance_id}/simulator"
        self.saved_at = local_text(data.updated_at, "%H:%M:%S")
        self.save_status = "saved"
        self._write(data.draft)
        self._push_graph(data.draft)
        self._select(data.draft, "")
        self._validate(data.draft)
        self.chat, self.chat_problems, self.active_node, self._sim = [], [], "", {}
        self.import_errors, self.import_open = [], False
        self.goto_options = await call(fe.flow_ids_of_instance, tenant_id=ctx.tenant_id,
                                       instance_id=data.instance_id)
        self.wa_templates = await call(fe.approved_templates, tenant_id=ctx.tenant_id,
                                       instance_id=data.instance_id)
        self._words = await call(instances.optout_fields, tenant_id=ctx.tenant_id,
                                 instance_id=data.instance_id)
        await self._load_versions(ctx.tenant_id)
        self.loaded = True

    # --- canvas actions --------------------------------------------------------------
    async def _saved(self):
        """Send the UI changes first, then autosave: the canvas never waits for the DB."""
        self.save_status = "saving"
        yield
        problem = await self._save()
        if problem is not None:
            yield problem

    @rx.event
    async def canvas_action(self, action: dict[str, Any]):
        if not self.flow_id or not isinstance(action, dict):
            return
        kind = action.get("kind")
        if kind == "ack":  # the browser has graph `rev`: keep only the revision in the state
            if action.get("rev") == self._rev:
                self._settle_graph()
            return
        self._settle_graph()
        if kind == "select":
            node_id = action.get("id") if isinstance(action.get("id"), str) else ""
            if node_id != self.sel_id:
                self._select(self._read(), node_id)
                if node_id:
                    self.tab = "inspector"
            return
        doc = self._read()
        if not fe.apply_action(doc, action):
            return
        self._write(doc)
        if kind == "add" and isinstance(action.get("select"), str) and action["select"]:
            self._select(doc, action["select"])
            self.tab = "inspector"
        elif kind in ("replace", "delete"):
            self._select(doc, self.sel_id)
        if kind != "move":  # positions never change what validation says
            self._validate(doc)
        async for event in self._saved():
            yield event

    @rx.event
    async def add_block(self, kind: str):
        """The palette without a mouse: click or Enter adds the block next to the selected
        one and selects it, so the inspector (reachable by Tab) edits it at once."""
        if not self.flow_id:
            return
        doc = self._read()
        node = fe.block_after(doc, str(kind), self.sel_id)
        if node is None or not fe.apply_action(doc, {"kind": "add", "nodes": [node]}):
            return
        self._write(doc)
        self._push_graph(doc)
        self._select(doc, node["id"])
        self.tab = "inspector"
        self._validate(doc)
        async for event in self._saved():
            yield event

    @rx.event
    def select_node(self, node_id: str):
        """From the problems list: select the node and bring it into view."""
        self._select(self._read(), node_id)
        if self.sel_id:
            self.tab = "inspector"
            self.focus = {"seq": int(self.focus.get("seq", 0)) + 1, "id": self.sel_id}

    # --- inspector -------------------------------------------------------------------
    async def _edit(self, change, *, remount: bool = False):
        """Apply `change(node) -> new data` to the selected node, push it, autosave."""
        self._settle_graph()
        doc = self._read()
        node = self._node(doc, self.sel_id)
        if node is None:
            return
        data = change(node)
        if data is None or data == node.get("data"):
            return
        removed = fe.set_node_data(doc, node["id"], data)
        self._write(doc)
        self._push_nodes([node], removed)
        self._validate(doc)
        self._select(doc, node["id"], remount=remount)
        async for event in self._saved():
            yield event

    @rx.event
    async def set_field(self, field: str, value: Any):
        async for event in self._edit(
                lambda n: fe.edit_field(n["type"], n.get("data") or {}, field, value,
                                        variables=self.variables),
                remount=field == "variant"):
            yield event

    @rx.event
    async def set_option(self, index: int, key: str, value: str):
        async for event in self._edit(
                lambda n: fe.edit_option(n.get("data") or {}, int(index), key, str(value))):
            yield event

    @rx.event
    async def add_option(self):
        async for event in self._edit(lambda n: fe.add_option(n.get("data") or {}),
                                      remount=True):
            yield event

    @rx.event
    async def remove_option(self, index: int):
        async for event in self._edit(
                lambda n: fe.remove_option(n.get("data") or {}, int(index)), remount=True):
            yield event

    @rx.event
    async def set_rule(self, index: int, key: str, value: str):
        async for event in self._edit(
                lambda n: fe.edit_rule(n.get("data") or {}, int(index), key, str(value)),
                remount=key in ("add", "remove")):
            yield event

    @rx.event
    async def set_branch(self, index: int, key: str, value: str):
        async for event in self._edit(
                lambda n: fe.edit_branch(n.get("data") or {}, int(index), key, str(value))):
            yield event

    @rx.event
    async def add_branch(self):
        async for event in self._edit(lambda n: fe.add_branch(n.get("data") or {}),
                                      remount=True):
            yield event

    @rx.event
    async def remove_branch(self, index: int):
        async for event in self._edit(
                lambda n: fe.remove_branch(n.get("data") or {}, int(index)), remount=True):
            yield event

    @rx.event
    async def set_template(self, ref: str):
        ref = str(ref or "")
        known = next((t for t in self.wa_templates if t["value"] == ref), None)
        if known is None and ref:
            return  # only an approved template of this number can be chosen
        count = int(known["variables"]) if known else 0
        async for event in self._edit(
                lambda n: fe.pick_template(n.get("data") or {}, ref, count), remount=True):
            yield event

    @rx.event
    async def set_template_value(self, index: int, value: str):
        async for event in self._edit(
                lambda n: fe.edit_template_value(n.get("data") or {}, int(index), str(value),
                                                 variables=self.variables)):
            yield event

    @rx.var
    def rule_subjects(self) -> list[dict[str, str]]:
        """What a condition's rules may look at, in words (never `vars.x`)."""
        return fe.rule_subjects(self.variables, self.sel_rules)

    @rx.var
    def placeholder_chips(self) -> list[dict[str, str]]:
        """The chips that insert a placeholder: the owner reads {words}."""
        paths = ["contact.name", "contact.first_name"] + [f"vars.{v}" for v in self.variables]
        return [{"value": flow_words.stored(p), "label": "{" + flow_words.word_for(p) + "}"}
                for p in paths]

    @rx.var
    def canvas_words(self) -> dict[str, str]:
        """Placeholder path → the owner's word, for the blocks' previews on the canvas;
        other flows' names by id, for "go to flow" blocks."""
        words = {p: flow_words.word_for(p) for p in flow_words.BUILTINS}
        words.update({f"vars.{v}": flow_words.word_for(f"vars.{v}") for v in self.variables})
        words.update({f"flow:{f['id']}": f["name"] for f in self.goto_options})
        return words

    @rx.var
    def template_options(self) -> list[dict[str, str]]:
        """The approved templates, plus the block's current one when it is not (or no longer)
        approved on this number, so the select shows what the block holds."""
        ref = self.sel.get("template_ref", "")
        options = [{"value": t["value"], "label": t["label"]} for t in self.wa_templates]
        if ref and all(o["value"] != ref for o in options):
            name, _, language = ref.partition("|")
            options.append({"value": ref, "label": f"{name} ({language}) ⚠"})
        return options

    @rx.var
    def template_media(self) -> str:
        """The chosen template's media header (image, video, document), or ""."""
        ref = self.sel.get("template_ref", "")
        return next((t.get("media", "") for t in self.wa_templates if t["value"] == ref), "")

    @rx.var
    def template_body(self) -> str:
        ref = self.sel.get("template_ref", "")
        return next((t["body"] for t in self.wa_templates if t["value"] == ref), "")

    @rx.event
    async def insert_placeholder(self, placeholder: str):
        if not re.fullmatch(r"\{\{[a-z_.A-Z0-9]+\}\}", placeholder or ""):
            return

        def change(node: dict) -> dict:
            field = "prompt" if node["type"] == "ai_reply" else "text"
            current = str((node.get("data") or {}).get(field) or "")
            return fe.edit_field(node["type"], node.get("data") or {}, field,
                                 (current + " " + placeholder).strip())

        async for event in self._edit(change, remount=True):
            yield event

    # --- publish, versions -----------------------------------------------------------
    @rx.event
    async def publish(self):
        if self.template_mode:
            saved = await self._save()
            if saved is not None:
                yield saved
                return
            yield rx.redirect(self.back_href)
            return
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        self._validate(self._read())
        if self.error_count:
            self.tab = "problems"
            yield rx.toast.error(self._t("editor.publish_blocked"))
            return
        saved = await self._save()
        if saved is not None:
            yield saved
            return
        try:
            published = await call(flows.publish, tenant_id=ctx.tenant_id, flow_id=self.flow_id)
        except flows.FlowInvalid as exc:
            self.tab = "problems"
            yield rx.toast.error(exc.issues[0].message if exc.issues else "")
            return
        except ServiceError as exc:
            yield rx.toast.error(self._error_text(exc))
            return
        self.status = published.flow.status
        await self._load_versions(ctx.tenant_id)
        yield rx.toast.success(self._t("editor.published", version=published.version.version))

    @rx.event
    async def restore_version(self, version_id: str):
        definition, problem = await self._flow_call(fe.restore_version, version_id=version_id)
        if problem is not None:
            return problem
        self._write(definition)
        self._push_graph(definition)
        self._select(definition, "")
        self._validate(definition)
        self.save_status, self.chat, self._sim, self.active_node = "saved", [], {}, ""
        return rx.toast.success(self._t("editor.restored"))

    @rx.event
    async def activate_version(self, version_id: str):
        flow, problem = await self._flow_call(fe.activate_version, version_id=version_id)
        if problem is not None:
            return problem
        self.status = flow.status
        await self._load_versions(flow.tenant_id)
        return rx.toast.success(self._t("editor.activated"))

    # --- import / export -------------------------------------------------------------
    @rx.event
    def set_import_open(self, value: bool):
        self.import_open = value
        self.import_errors = []

    @rx.event
    def set_import_mode(self, value: str):
        self.import_mode = "replace" if value == "replace" else "merge"

    @rx.event
    async def import_file(self, files: list[rx.UploadFile]):
        self.import_errors = []
        if not files or not self.flow_id:
            return None
        upload = files[0]
        raw = await upload.read(flows.MAX_FLOW_BYTES + 1)
        try:
            imported = await asyncio.to_thread(fe.parse_import, raw, self.lang)
        except fe.ImportRejected as exc:
            self.import_errors = exc.messages
            return None
        doc = imported if self.import_mode == "replace" else fe.merge_import(self._read(),
                                                                               imported)
        self._write(doc)
        self._push_graph(doc)
        self._select(doc, "")
        self._validate(doc)
        self.import_open = False
        self.save_status = "saving"
        saved = await self._save()
        return saved or rx.toast.success(self._t("editor.imported"))

    @rx.event
    def export(self):
        name = re.sub(r"[^a-z0-9]+", "-", self.flow_name.lower()).strip("-") or "fluxo"
        return rx.download(data=json.dumps(self._read(), ensure_ascii=False, indent=2),
                           filename=f"{name}.json")

    # --- test chat -------------------------------------------------------------------
    @rx.event
    async def chat_send(self, form: dict):
        text = str(form.get("text") or "").strip()[:1000]
        if not text:
            return
        await self._chat(text)

    @rx.event
    async def chat_pick(self, title: str):
        await self._chat(str(title)[:100])

    async def _chat(self, text: str) -> None:
        self.chat = [*self.chat, {"who": "me", "text": text, "options": [], "footer": "",
                                  "parts": as_rows(text)}]
        ctx = await self._context()
        if ctx is None or ctx.tenant_id is None:
            return
        try:  # (its HTTP blocks call the business's own servers: not in the pages' pool)
            turn = await outbound(
                ctx.tenant_id, sandbox_say, self._checked(self._read()), self._sim or None,
                text, template_bodies={t["value"]: t["body"] for t in self.wa_templates},
                words=self._words)
        except Busy:
            busy = self._t("outbound.busy")
            self.chat = [*self.chat, {"who": "bot", "text": busy, "options": [],
                                      "footer": "", "parts": as_rows(busy)}]
            return
        # (the engine words a draft it cannot run in pt-BR; the page's language here)
        self.chat_problems = [i.message for i in validate_flow(
            self._checked(self._read()), lang=self.lang).errors][:10] if turn.problems else []
        self._sim = turn.snapshot
        self.active_node = turn.node_id or ""
        self.chat = [*self.chat, *_chat_bubbles(turn.messages)][-MAX_CHAT:]
        self.tab = "test"

    @rx.event
    def chat_restart(self):
        self.chat, self.chat_problems, self._sim, self.active_node = [], [], {}, ""

    @rx.event
    def set_tab(self, value: str):
        self.tab = value


# ---- view -----------------------------------------------------------------------------------

S = FlowEditorState


def _canvas_labels() -> dict[str, Any]:
    labels: dict[str, Any] = {f"kind_{k}": t(f"editor.kind.{k}") for k, _, _ in KINDS}
    labels.update({f"h_{h}": t(f"editor.h.{h}")
                   for h in ("other", "ok", "invalid", "true", "false", "error", "now",
                             "later")})
    labels.update({f"unit_{u}": t(f"editor.unit.{u}")
                   for u in ("seconds", "minutes", "hours", "days")})
    labels.update({k: t(f"editor.{k}") for k in ("any_message", "has_errors", "has_warnings",
                                                  "undo", "redo", "duplicate", "delete")})
    # a condition on the canvas in words ("pedido_status está preenchida"), not "is_set"
    labels.update({f"op_{op}": t(f"editor.op.{op}") for op in CONDITION_OPS})
    labels["regex_ok"] = t("editor.op.regex_canvas")
    labels.update({f"rf_{k}": t(f"editor.rf.{k}") for k in (
        "controls", "zoom_in", "zoom_out", "fit_view", "interactive", "minimap")})
    return labels


def _palette() -> rx.Component:
    return rx.vstack(
        rx.text(t("editor.palette"), weight="bold", size="2"),
        rx.text(t("editor.palette_hint"), size="1", color_scheme="gray"),
        *[palette_item(kind, t(f"editor.kind.{kind}"), icon, color,
                       on_add=S.add_block(kind))
          for kind, icon, color in KINDS],
        spacing="2",
        width="200px",
        min_width="200px",
        padding="12px",
        overflow_y="auto",
        height="100%",
        background="white",
        border_right=f"1px solid {rx.color('gray', 4)}",
    )


def _label(key: str) -> rx.Component:
    return rx.text(t(key), size="1", weight="medium", color_scheme="gray")


def _input(field: str, *, area: bool = False, rows: str = "3",
           label_key: str | None = None) -> rx.Component:
    common = {"default_value": S.sel.get(field, ""), "on_blur": S.set_field(field),
              "id": f"insp-{field}", "width": "100%", "size": "2"}
    if label_key:
        common["aria_label"] = t(label_key)
    if area:
        return rx.text_area(rows=rows, **common)
    return rx.input(**common)


def _field(key: str, field: str, *, area: bool = False, rows: str = "3") -> rx.Component:
    return rx.vstack(_label(key), _input(field, area=area, rows=rows, label_key=key),
                     spacing="1", width="100%")


def _select(key: str, field: str, options: list[tuple[str, rx.Var | str]]) -> rx.Component:
    return rx.vstack(
        _label(key),
        rx.el.select(
            *[rx.el.option(label, value=value) for value, label in options],
            default_value=S.sel.get(field, options[0][0]),
            on_change=S.set_field(field),
            id=f"insp-{field}", aria_label=t(key),
            style={"width": "100%", "padding": "6px", "border_radius": "6px",
                   "border": f"1px solid {rx.color('gray', 6)}", "background": "white"},
        ),
        spacing="1", width="100%",
    )


def _check(key: str, field: str) -> rx.Component:
    return rx.hstack(
        rx.checkbox(default_checked=S.sel.get(field, "") == "true",
                    on_change=S.set_field(field), id=f"insp-{field}"),
        rx.text(t(key), size="2"), align="center", spacing="2",
    )


def _placeholders() -> rx.Component:
    chip = {"size": "1", "variant": "soft", "color_scheme": "gray", "cursor": "pointer"}
    return rx.vstack(
        _label("editor.placeholders"),
        rx.flex(
            rx.foreach(S.placeholder_chips, lambda c: rx.badge(
                c["label"], on_click=S.insert_placeholder(c["value"]), **chip)),
            wrap="wrap", gap="4px",
        ),
        spacing="1", width="100%", id="insp-placeholders",
    )


def _options_editor() -> rx.Component:
    def row(opt: rx.Var, i: rx.Var) -> rx.Component:
        return rx.hstack(
            rx.input(default_value=opt["title"], on_blur=lambda v: S.set_option(i, "title", v),
                     size="2", flex="1", class_name="insp-option-title",
                     id="insp-option-" + i.to_string()),
            rx.icon_button(rx.icon("x", size=12), size="1", variant="ghost",
                           color_scheme="gray", on_click=S.remove_option(i),
                           class_name="insp-option-remove"),
            width="100%", align="center", spacing="1",
        )

    return rx.vstack(
        rx.text(rx.cond(S.sel.get("variant", "") == "list", t("editor.f.rows"),
                        t("editor.f.buttons")), size="1", weight="medium", color_scheme="gray"),
        rx.foreach(S.sel_options, row),
        rx.button(rx.icon("plus", size=12), t("editor.f.add_option"), size="1",
                  variant="soft", on_click=S.add_option, id="insp-add-option"),
        spacing="1", width="100%",
    )


def _message_fields() -> rx.Component:
    variant = S.sel.get("variant", "text")
    return rx.fragment(
        _select("editor.f.variant", "variant", [
            ("text", t("editor.v.text")), ("buttons", t("editor.v.buttons")),
            ("list", t("editor.v.list")), ("media", t("editor.v.media"))]),
        rx.cond(
            variant == "media",
            rx.fragment(
                _select("editor.f.media_kind", "media_kind", [
                    ("image", "image"), ("video", "video"), ("audio", "audio"),
                    ("document", "document")]),
                _field("editor.f.media_url", "media_url"),
                _field("editor.f.media_caption", "media_caption", area=True),
            ),
            rx.fragment(
                _field("editor.f.text", "text", area=True, rows="4"),
                _placeholders(),
            ),
        ),
        rx.cond(variant == "list", _field("editor.f.button_label", "button_label")),
        rx.cond((variant == "buttons") | (variant == "list"), rx.fragment(
            _options_editor(),
            _field("editor.f.header", "header"),
            _field("editor.f.footer", "footer"),
            _field("editor.f.retry_text", "retry_text"),
        )),
    )


CONDITION_OPS = ("equals", "not_equals", "contains", "gt", "lt", "gte", "lte", "is_set",
                 "is_not_set", "regex", "has_tag", "not_has_tag")


def _rules_editor() -> rx.Component:
    ops = list(CONDITION_OPS)

    box = {"width": "100%", "padding": "4px 6px", "border_radius": "6px",
           "border": f"1px solid {rx.color('gray', 6)}", "background": "white"}

    def row(rule: rx.Var, i: rx.Var) -> rx.Component:
        # what is compared, how, and with what — one line each (side by side, the field's
        # select was squeezed to nothing in the panel's width)
        return rx.vstack(
            rx.hstack(
                # (a tag rule looks at the contact's tags: nothing to choose)
                rx.cond(
                    (rule["op"] == "has_tag") | (rule["op"] == "not_has_tag"),
                    rx.text(t("editor.f.tags_subject"), size="2", flex="1"),
                    rx.el.select(
                        rx.el.option(t("editor.f.pick_subject"), value="vars.", disabled=True),
                        rx.foreach(S.rule_subjects,
                                   lambda o: rx.el.option(o["label"], value=o["value"])),
                        default_value=rule["left"], aria_label=t("editor.f.subject"),
                        on_change=lambda v: S.set_rule(i, "left", v),
                        class_name="insp-rule-left", style={**box, "flex": "1"}),
                ),
                rx.icon_button(rx.icon("x", size=12), size="1", variant="ghost",
                               color_scheme="gray", on_click=S.set_rule(i, "remove", ""),
                               aria_label=t("editor.f.remove_rule")),
                width="100%", align="center", spacing="1",
            ),
            rx.el.select(*[rx.el.option(t(f"editor.op.{op}"), value=op) for op in ops],
                         default_value=rule["op"], aria_label=t("editor.f.rules"),
                         on_change=lambda v: S.set_rule(i, "op", v), style=box),
            rx.cond((rule["op"] == "is_set") | (rule["op"] == "is_not_set"), rx.fragment(),
                    rx.input(default_value=rule["right"],
                             on_blur=lambda v: S.set_rule(i, "right", v),
                             size="1", width="100%", placeholder=t("editor.f.value"))),
            spacing="1", width="100%", padding="6px", border_radius="6px",
            border=f"1px solid {rx.color('gray', 4)}",
        )

    return rx.vstack(
        _select("editor.f.logic", "logic", [("and", t("editor.f.logic_and")),
                                             ("or", t("editor.f.logic_or"))]),
        _label("editor.f.rules"),
        rx.foreach(S.sel_rules, row),
        rx.button(rx.icon("plus", size=12), t("editor.f.add_rule"), size="1", variant="soft",
                  on_click=S.set_rule(-1, "add", "")),
        spacing="2", width="100%",
    )


def _branches_editor() -> rx.Component:
    def row(branch: rx.Var, i: rx.Var) -> rx.Component:
        return rx.hstack(
            rx.input(default_value=branch["label"], on_blur=lambda v: S.set_branch(i, "label", v),
                     size="2", flex="1", aria_label=t("editor.f.branch_label"),
                     class_name="insp-branch-label"),
            rx.input(default_value=branch["weight"],
                     on_blur=lambda v: S.set_branch(i, "weight", v), size="2", width="64px",
                     aria_label=t("editor.f.weight"), class_name="insp-branch-weight"),
            rx.text(branch["share"], size="1", color_scheme="gray", width="36px"),
            rx.icon_button(rx.icon("x", size=12), size="1", variant="ghost",
                           color_scheme="gray", on_click=S.remove_branch(i),
                           aria_label=t("editor.f.remove_branch"),
                           class_name="insp-branch-remove"),
            width="100%", align="center", spacing="1",
        )

    return rx.vstack(
        _label("editor.f.branches"),
        rx.text(t("editor.f.branches_hint"), size="1", color_scheme="gray"),
        rx.foreach(S.sel_branches, row),
        rx.cond(S.sel_branches.length() < RANDOMIZER_BRANCHES_MAX, rx.button(
            rx.icon("plus", size=12), t("editor.f.add_branch"), size="1", variant="soft",
            on_click=S.add_branch, id="insp-add-branch")),
        spacing="1", width="100%", id="insp-branches",
    )


def _template_fields() -> rx.Component:
    def value(v: rx.Var, i: rx.Var) -> rx.Component:
        return rx.hstack(
            rx.badge("{{" + v["n"] + "}}", size="1", variant="soft", color_scheme="gray"),
            rx.input(default_value=v["value"], on_blur=lambda x: S.set_template_value(i, x),
                     size="2", flex="1", aria_label=t("editor.f.template_values"),
                     class_name="insp-template-value"),
            width="100%", align="center", spacing="1",
        )

    return rx.vstack(
        _label("editor.f.template"),
        rx.el.select(
            rx.el.option("—", value=""),
            rx.foreach(S.template_options, lambda o: rx.el.option(o["label"], value=o["value"])),
            default_value=S.sel.get("template_ref", ""), on_change=S.set_template,
            id="insp-template", aria_label=t("editor.f.template"),
            style={"width": "100%", "padding": "6px"}),
        rx.cond(S.wa_templates.length() == 0,
                rx.text(t("editor.f.template_none"), size="1", color_scheme="amber")),
        rx.cond(S.template_body != "",
                rx.text(S.template_body, size="1", color_scheme="gray", white_space="pre-wrap",
                        id="insp-template-body")),
        rx.cond(S.template_media != "", rx.vstack(
            _field("templates.header_link", "header_link"),
            rx.text(t("templates.header_link_hint"), size="1", color_scheme="gray"),
            spacing="1", width="100%")),
        rx.cond(S.sel_values.length() > 0, rx.fragment(
            _label("editor.f.template_values"),
            rx.foreach(S.sel_values, value),
            rx.text(t("editor.f.template_hint"), size="1", color_scheme="gray"),
        )),
        spacing="2", width="100%",
    )


def _kind_fields() -> rx.Component:
    units = [(u, t(f"editor.unit.{u}")) for u in ("seconds", "minutes", "hours", "days")]
    return rx.match(
        S.sel_kind,
        ("start", rx.fragment(
            _field("editor.f.keywords", "keywords"),
            _select("editor.f.match", "match", [("exact", t("editor.f.match_exact")),
                                                 ("contains", t("editor.f.match_contains"))]),
            _check("editor.f.any_message", "any_message"),
        )),
        ("message", _message_fields()),
        ("question", rx.fragment(
            _field("editor.f.text", "text", area=True),
            _placeholders(),
            _field("editor.f.variable", "variable"),
            _select("editor.f.validator", "validator", [
                (v, t(f"editor.val.{v}"))
                for v in ("text", "number", "email", "phone", "date", "choice")]),
            _field("editor.f.choices", "choices"),
            _field("editor.f.retry_text", "retry_text"),
            _field("editor.f.max_retries", "max_retries"),
        )),
        ("condition", _rules_editor()),
        ("set_variable", rx.fragment(
            _field("editor.f.variable", "variable"),
            _field("editor.f.value", "value"),
            _select("editor.f.mode", "mode", [("set", "set"), ("increment", "increment")]),
        )),
        ("tag", rx.fragment(_field("editor.f.add", "add"), _field("editor.f.remove", "remove"))),
        ("http_request", rx.fragment(
            _select("editor.f.method", "method", [(m, m) for m in
                                                  ("GET", "POST", "PUT", "PATCH", "DELETE")]),
            _field("editor.f.url", "url"),
            _field("editor.f.headers", "headers", area=True),
            _field("editor.f.body", "body", area=True),
            _field("editor.f.timeout_s", "timeout_s"),
            _field("editor.f.response_map", "response_map", area=True),
        )),
        ("ai_reply", rx.fragment(_field("editor.f.prompt", "prompt", area=True),
                                 _check("editor.f.use_knowledge", "use_knowledge"))),
        ("handoff", rx.fragment(_field("editor.f.text", "text", area=True), _placeholders(),
                                _field("editor.f.note", "note", area=True))),
        ("delay", rx.fragment(_field("editor.f.amount", "amount"),
                              _select("editor.f.unit", "unit", units))),
        ("goto_flow", rx.vstack(
            _label("editor.f.flow_id"),
            rx.el.select(
                rx.el.option("—", value=""),
                rx.foreach(S.goto_options, lambda f: rx.el.option(f["name"], value=f["id"])),
                default_value=S.sel.get("flow_id", ""), on_change=S.set_field("flow_id"),
                id="insp-flow_id", aria_label=t("editor.f.flow_id"),
                style={"width": "100%", "padding": "6px"}),
            spacing="1", width="100%")),
        ("reminder", rx.fragment(
            rx.text(t("editor.f.reminder_hint"), size="1", color_scheme="gray",
                    id="insp-reminder-hint"),
            _field("editor.f.reminder_date", "date"),
            _field("editor.f.reminder_time", "time"),
            _placeholders(),
            _field("editor.f.reminder_before", "before_amount"),
            _select("editor.f.unit", "before_unit",
                    [(u, t(f"editor.unit.{u}")) for u in ("days", "hours", "minutes")]),
        )),
        ("goal", _field("editor.f.name", "name")),
        ("randomizer", _branches_editor()),
        ("template", _template_fields()),
        ("consent", rx.text(t("editor.f.consent_hint"), size="1", color_scheme="gray",
                            id="insp-consent-hint")),
        rx.fragment(),
    )


def _inspector() -> rx.Component:
    return rx.cond(
        S.sel_id != "",
        rx.vstack(
            rx.hstack(
                rx.badge(SessionState.tr["editor.kind." + S.sel_kind], size="1", id="insp-kind"),
                spacing="2", align="center",
            ),
            rx.cond(S.sel_issues.length() > 0, rx.callout.root(
                rx.callout.text(t("editor.node_errors"), weight="bold", size="1"),
                rx.foreach(S.sel_issues, lambda m: rx.callout.text("• ", m, size="1")),
                color_scheme="red", size="1", width="100%", id="insp-issues",
            )),
            _field("editor.f.label", "label"),
            _kind_fields(),
            spacing="3", width="100%", key=S.sel_key.to_string() + S.sel_id,
            id="inspector",
            # which block is open, for tests and tools — never shown to the owner
            custom_attrs={"data-node": S.sel_id},
        ),
        rx.text(t("editor.select_hint"), size="2", color_scheme="gray", id="inspector-empty"),
    )


def _problems() -> rx.Component:
    return rx.cond(
        S.issues.length() > 0,
        rx.vstack(
            rx.foreach(S.issues, lambda i: rx.hstack(
                rx.icon(rx.cond(i["level"] == "error", "circle-x", "triangle-alert"), size=14,
                        color=rx.cond(i["level"] == "error", "#dc2626", "#d97706"),
                        flex_shrink="0", margin_top="2px"),
                rx.text(i["message"], size="1"),
                align="start", spacing="2", cursor="pointer", width="100%",
                class_name=rx.cond(i["level"] == "error", "problem-error", "problem-warning"),
                on_click=S.select_node(i["node"]),
            )),
            spacing="2", width="100%", id="problems",
        ),
        rx.text(t("editor.no_problems"), size="2", color_scheme="gray", id="problems-none"),
    )


def _bubble(m: rx.Var) -> rx.Component:
    mine = m["who"] == "me"
    return rx.box(
        formatted_text(m["parts"].to(list[dict[str, str]])),
        rx.cond(m["footer"] != "", rx.text(m["footer"], size="1", color_scheme="gray")),
        rx.flex(
            rx.foreach(m["options"].to(list[str]), lambda o: rx.button(
                o, size="1", variant="outline", on_click=S.chat_pick(o),
                class_name="chat-option")),
            wrap="wrap", gap="4px", margin_top="4px",
        ),
        align_self=rx.cond(mine, "flex-end", "flex-start"),
        background=rx.cond(mine, "#dcf8c6", "white"),
        border=f"1px solid {rx.color('gray', 4)}",
        border_radius="10px",
        padding="6px 10px",
        max_width="85%",
        class_name=rx.cond(mine, "chat-me", "chat-bot"),
    )


def _test_chat() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(t("editor.test_hint"), size="1", color_scheme="gray"),
            rx.spacer(),
            rx.button(rx.icon("rotate-ccw", size=12), t("editor.test_restart"), size="1",
                      variant="soft", color_scheme="gray", on_click=S.chat_restart,
                      id="chat-restart"),
            width="100%", align="center",
        ),
        rx.cond(S.chat_problems.length() > 0, rx.callout.root(
            rx.callout.text(t("editor.test_invalid"), weight="bold", size="1"),
            rx.foreach(S.chat_problems, lambda m: rx.callout.text("• ", m, size="1")),
            color_scheme="red", size="1", width="100%")),
        rx.vstack(
            rx.foreach(S.chat, _bubble),
            width="100%", spacing="2", padding="8px", min_height="240px", max_height="52vh",
            overflow_y="auto", background="#efeae2", border_radius="8px", id="chat-log",
        ),
        rx.form(
            rx.hstack(
                rx.input(name="text", placeholder=t("editor.test_placeholder"), flex="1",
                         id="chat-input", auto_complete="off"),
                rx.button(t("editor.test_send"), type="submit", id="chat-send"),
                width="100%",
            ),
            on_submit=S.chat_send, reset_on_submit=True, width="100%",
        ),
        spacing="2", width="100%",
    )


def _versions() -> rx.Component:
    return rx.cond(
        S.versions.length() > 0,
        rx.vstack(
            rx.foreach(S.versions, lambda v: rx.hstack(
                rx.vstack(
                    rx.hstack(rx.text(v["label"], weight="bold", size="2"),
                              rx.cond(v["active"] == "1", rx.badge(
                                  t("editor.version_active"), color_scheme="green", size="1")),
                              spacing="2", align="center"),
                    rx.text(v["when"], size="1", color_scheme="gray"),
                    spacing="0",
                ),
                rx.spacer(),
                rx.button(t("editor.restore"), size="1", variant="soft",
                          on_click=S.restore_version(v["id"]), class_name="version-restore"),
                rx.cond(v["active"] != "1", rx.button(
                    t("editor.activate"), size="1", variant="outline",
                    on_click=S.activate_version(v["id"]), class_name="version-activate")),
                width="100%", align="center", class_name="version-row",
                padding_y="6px", border_bottom=f"1px solid {rx.color('gray', 3)}",
            )),
            spacing="1", width="100%", id="versions",
        ),
        rx.text(t("editor.versions_empty"), size="2", color_scheme="gray"),
    )


def _side_panel() -> rx.Component:
    def trigger(value: str, key: str, extra: rx.Component | None = None) -> rx.Component:
        return rx.tabs.trigger(rx.hstack(rx.text(t(key)), extra or rx.fragment(), spacing="1",
                                         align="center"), value=value, id=f"tab-{value}")

    return rx.box(
        rx.tabs.root(
            rx.tabs.list(
                trigger("inspector", "editor.tab.inspector"),
                trigger("test", "editor.tab.test"),
                trigger("problems", "editor.tab.problems", rx.cond(
                    S.error_count > 0,
                    rx.badge(S.error_count, color_scheme="red", size="1", class_name="error-count"),
                    rx.cond(S.warning_count > 0,
                            rx.badge(S.warning_count, color_scheme="amber", size="1")))),
                trigger("versions", "editor.tab.versions"),
                size="1",
            ),
            rx.box(
                rx.tabs.content(_inspector(), value="inspector"),
                rx.tabs.content(_test_chat(), value="test"),
                rx.tabs.content(_problems(), value="problems"),
                rx.tabs.content(_versions(), value="versions"),
                padding_top="12px",
            ),
            value=S.tab,
            on_change=S.set_tab,
        ),
        width="370px",
        min_width="370px",
        height="100%",
        overflow_y="auto",
        padding="12px",
        background="white",
        border_left=f"1px solid {rx.color('gray', 4)}",
    )


def _import_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("upload", size=14), t("editor.import"), size="2",
                                    variant="soft", color_scheme="gray", id="open-import")),
        rx.dialog.content(
            rx.dialog.title(t("editor.import_title")),
            rx.vstack(
                rx.radio_group.root(
                    rx.vstack(
                        rx.hstack(rx.radio_group.item(value="merge", id="import-merge",
                                                      aria_label=t("editor.import_mode_merge")),
                                  rx.text(t("editor.import_mode_merge"), size="2")),
                        rx.hstack(rx.radio_group.item(value="replace", id="import-replace",
                                                      aria_label=t("editor.import_mode_replace")),
                                  rx.text(t("editor.import_mode_replace"), size="2")),
                    ),
                    value=S.import_mode, on_change=S.set_import_mode,
                ),
                rx.upload(
                    rx.vstack(rx.icon("file-json", size=28, color=rx.color("gray", 9)),
                              rx.text(t("editor.import_drop"), size="2", color_scheme="gray"),
                              align="center"),
                    id="flow-upload",
                    accept={"application/json": [".json"], "text/plain": [".txt"]},
                    max_files=1,
                    multiple=False,
                    on_drop=S.import_file(rx.upload_files(upload_id="flow-upload")),
                    border=f"2px dashed {rx.color('gray', 6)}",
                    border_radius="10px",
                    padding="24px",
                    width="100%",
                    cursor="pointer",
                ),
                rx.cond(S.import_errors.length() > 0, rx.callout.root(
                    rx.callout.text(t("editor.import_rejected"), weight="bold", size="2"),
                    rx.foreach(S.import_errors, lambda m: rx.callout.text("• ", m, size="1")),
                    color_scheme="red", width="100%", id="import-errors",
                )),
                rx.dialog.close(rx.button(t("common.back"), variant="soft", color_scheme="gray",
                                          size="2")),
                spacing="3", width="100%",
            ),
            max_width="520px",
        ),
        open=S.import_open,
        on_open_change=S.set_import_open,
    )


def _top_bar() -> rx.Component:
    return rx.hstack(
        rx.link(rx.hstack(rx.icon("arrow-left", size=16), rx.text(t("editor.back")),
                          align="center", spacing="1"), href=S.back_href, underline="none"),
        rx.divider(orientation="vertical", size="2"),
        rx.icon("workflow", color=BRAND, size=18),
        rx.heading(S.flow_name, size="4", id="flow-name"),
        rx.text(S.instance_name, size="2", color_scheme="gray"),
        rx.box(status_badge(S.status, flow=True), id="flow-status"),
        rx.text(S.node_count, " ", t("editor.blocks"), size="1", color_scheme="gray",
                id="node-count"),
        rx.spacer(),
        rx.text(
            rx.match(S.save_status, ("saving", t("editor.saving")),
                     ("error", t("editor.save_failed")),
                     t("editor.saved")),
            rx.cond(S.save_status == "saved", " · " + S.saved_at, ""),
            size="1", color_scheme=rx.cond(S.save_status == "error", "red", "gray"),
            id="save-status", data_status=S.save_status,
        ),
        _import_dialog(),
        rx.button(rx.icon("download", size=14), t("editor.export"), size="2", variant="soft",
                  color_scheme="gray", on_click=S.export, id="export-flow"),
        rx.button(rx.icon("rocket", size=14),
                  rx.cond(S.template_mode, t("editor.template_done"), t("editor.publish")),
                  size="2", on_click=S.publish, id="publish-flow"),
        width="100%", height="56px", padding_x="16px", align="center", spacing="3",
        background="white", border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def flow_editor_page() -> rx.Component:
    editor = rx.vstack(
        _top_bar(),
        rx.hstack(
            _palette(),
            rx.box(
                flow_canvas(graph=S.graph, patch=S.patch, marks=S.marks, active=S.active_node,
                            focus=S.focus,
                            labels={**_canvas_labels(), "words": S.canvas_words},
                            defaults=fe.NODE_DEFAULTS,
                            on_action=S.canvas_action),
                flex="1", height="100%", min_width="0", background=rx.color("gray", 2),
            ),
            _side_panel(),
            width="100%", height="calc(100vh - 56px)", spacing="0", align="stretch",
        ),
        spacing="0", width="100%", height="100vh",
    )
    # (phones get a short page instead: dragging blocks onto a canvas needs a wide screen —
    # assets/layout.css shows one or the other)
    both = rx.fragment(rx.box(editor, class_name="editor-wide"),
                       rx.box(_narrow_screen(), class_name="editor-narrow"))
    return rx.cond(
        S.loaded,
        rx.cond(S.missing, rx.box(not_found_block(), padding="40px"), both),
        loading_block(),
    )


def _narrow_screen() -> rx.Component:
    return rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow-left", size=16), rx.text(t("editor.back")),
                          align="center", spacing="1"), href=S.back_href, underline="none"),
        rx.hstack(rx.icon("workflow", color=BRAND, size=20),
                  rx.heading(S.flow_name, size="5"), align="center", spacing="2"),
        rx.hstack(rx.box(status_badge(S.status, flow=True)),
                  rx.text(S.node_count, " ", t("editor.blocks"), size="1", color_scheme="gray"),
                  align="center", spacing="2"),
        rx.callout.root(rx.callout.icon(rx.icon("monitor", size=16)),
                        rx.callout.text(t("editor.narrow_screen")), color_scheme="blue",
                        width="100%"),
        rx.cond(S.simulator_href != "", rx.link(
            rx.button(rx.icon("message-circle", size=16), t("editor.narrow_try"), size="3"),
            href=S.simulator_href, id="editor-narrow-try")),
        padding="20px", spacing="4", width="100%", id="editor-narrow",
    )
