"""The visual flow editor's operations: the document model it edits and the DB calls it makes.

The editor's canvas (React Flow, in the browser) holds the nodes and tells the server only
*finished* actions (a node dropped, moved, connected, deleted, duplicated; an undo). The
pure functions here apply such an action to the draft document, after sanitising it, so
the draft stored in the database is always plain flow-format v1 JSON. The DB functions
autosave the draft, list/restore/activate published versions and import JSON — each one
scoped to the caller's tenant.
"""

from __future__ import annotations

import copy
import json
import math
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from ylada_app.engine import validate_flow
from ylada_app.engine.limits import RANDOMIZER_BRANCHES_MAX
from ylada_app.engine.schema import DATA_MODELS, NODE_KINDS, node_handles
from ylada_app.engine.validate import branch_weight
from ylada_app.models import Flow, FlowVersion, Instance, utcnow
from ylada_app.services import flow_words, message_templates
from ylada_app.services.errors import FieldErrors, NotFound
from ylada_app.services.flows import MAX_FLOW_BYTES, create_flow, get_flow, save_draft
from ylada_app.services.limits import check_flow_slot
from ylada_app.services.validation import parse_id

MAX_NODES = 1000
MAX_EDGES = 3000
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")

# What a node of each kind starts with when dropped from the palette.
NODE_DEFAULTS: dict[str, dict[str, Any]] = {
    "start": {"triggers": [{"type": "keyword", "keywords": ["oi"], "match": "exact"}]},
    "message": {"text": "Olá! 👋"},
    "question": {"text": "Qual é o seu e-mail?", "variable": "email", "validator": "email"},
    "condition": {"logic": "and", "rules": [{"left": "vars.email", "op": "is_set"}]},
    "set_variable": {"variable": "origem", "value": "whatsapp", "mode": "set"},
    "tag": {"add": ["lead"], "remove": []},
    "http_request": {"method": "GET", "url": "https://api.exemplo.com.br/", "headers": {},
                     "body": None, "timeout_s": 10, "response_map": {}},
    "ai_reply": {"prompt": "", "use_knowledge": True},
    "handoff": {"text": "Vou chamar alguém da equipe. Aguarde um instante 🙂", "note": ""},
    "delay": {"amount": 5, "unit": "minutes"},
    "goto_flow": {"flow_id": ""},
    "goal": {"name": "conversao"},
    "randomizer": {"branches": [{"id": "a", "label": "A", "weight": 50},
                                {"id": "b", "label": "B", "weight": 50}]},
    # No name yet: the owner picks one of the number's approved templates in the inspector.
    "template": {"name": "", "language": "pt_BR", "variables": []},
    "consent": {},
    "reminder": {"date": "{{vars.data}}", "time": "{{vars.horario}}", "before_amount": 1,
                 "before_unit": "days"},
    "end": {},
}


def empty_document() -> dict[str, Any]:
    return {"version": 1, "variables": [], "edges": [], "nodes": [
        {"id": "inicio", "type": "start", "position": {"x": 0, "y": 0},
         "data": {"label": "Início", **copy.deepcopy(NODE_DEFAULTS["start"])}}]}


def new_id(kind: str = "n") -> str:
    return f"{kind[:12]}-{uuid.uuid4().hex[:8]}"


# --- sanitising what the browser sends --------------------------------------------------------


def _num(value: Any) -> float:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return 0.0
    return round(max(-1e6, min(1e6, f)), 1) if math.isfinite(f) else 0.0


def _position(raw: Any) -> dict[str, float]:
    raw = raw if isinstance(raw, dict) else {}
    return {"x": _num(raw.get("x")), "y": _num(raw.get("y"))}


def _clean_id(value: Any) -> str | None:
    return value if isinstance(value, str) and _ID.match(value) else None


def block_after(doc: dict[str, Any], kind: str, after: str = "") -> dict[str, Any] | None:
    """A new block of `kind` (with its default content) placed to the right of block `after`
    (or of the right-most block): the palette's click / Enter, for those who do not drag."""
    if kind not in NODE_DEFAULTS:
        return None
    nodes = [n for n in doc.get("nodes") or [] if isinstance(n, dict)]
    anchor = next((n for n in nodes if n.get("id") == after), None)
    if anchor is None and nodes:
        anchor = max(nodes, key=lambda n: _position(n.get("position"))["x"])
    base = _position(anchor.get("position")) if anchor else {"x": 0.0, "y": 0.0}
    return {"id": new_id(kind), "type": kind,
            "position": {"x": base["x"] + 300, "y": base["y"]},
            "data": copy.deepcopy(NODE_DEFAULTS[kind])}


def clean_node(raw: Any) -> dict[str, Any] | None:
    """A node as the flow format stores it (React Flow's extra keys dropped), or None."""
    if not isinstance(raw, dict):
        return None
    node_id, kind = _clean_id(raw.get("id")), raw.get("type")
    if node_id is None or kind not in NODE_KINDS:
        return None
    data = raw.get("data") if isinstance(raw.get("data"), dict) else {}
    data = {k: v for k, v in data.items() if isinstance(k, str) and not k.startswith("_")}
    return {"id": node_id, "type": kind, "position": _position(raw.get("position")),
            "data": json.loads(json.dumps(data))}


def clean_edge(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        return None
    source, target = _clean_id(raw.get("source")), _clean_id(raw.get("target"))
    if source is None or target is None:
        return None
    handle = raw.get("sourceHandle")
    handle = handle if isinstance(handle, str) and 0 < len(handle) <= 256 else "out"
    edge_id = _clean_id(raw.get("id")) or f"e-{source}-{handle}-{target}"[:100]
    return {"id": edge_id, "source": source, "sourceHandle": handle, "target": target}


# --- applying finished canvas actions -------------------------------------------------------


def apply_action(doc: dict[str, Any], action: Any) -> bool:
    """Apply one canvas action to `doc` in place; returns whether anything changed.

    Actions: ``move {positions: {id: {x, y}}}``, ``add {nodes, edges}`` (drop, duplicate,
    paste), ``connect {edge}``, ``delete {nodes: [ids], edges: [ids]}``,
    ``replace {nodes, edges}`` (undo/redo). Anything malformed is ignored.
    """
    if not isinstance(action, dict):
        return False
    kind = action.get("kind")
    nodes: list[dict] = doc.setdefault("nodes", [])
    edges: list[dict] = doc.setdefault("edges", [])
    by_id = {n.get("id"): n for n in nodes}
    if kind == "move":
        positions = action.get("positions")
        changed = False
        for node_id, pos in (positions.items() if isinstance(positions, dict) else []):
            if node_id in by_id:
                by_id[node_id]["position"] = _position(pos)
                changed = True
        return changed
    if kind == "add":
        added = False
        for raw in (action.get("nodes") or [])[:MAX_NODES]:
            node = clean_node(raw)
            if node and node["id"] not in by_id and len(nodes) < MAX_NODES:
                nodes.append(node)
                by_id[node["id"]] = node
                added = True
        for raw in (action.get("edges") or [])[:MAX_EDGES]:
            added = _add_edge(edges, by_id, clean_edge(raw)) or added
        return added
    if kind == "connect":
        return _add_edge(edges, by_id, clean_edge(action.get("edge")))
    if kind == "delete":
        gone_nodes = {i for i in action.get("nodes") or [] if isinstance(i, str)}
        gone_edges = {i for i in action.get("edges") or [] if isinstance(i, str)}
        before = (len(nodes), len(edges))
        nodes[:] = [n for n in nodes if n.get("id") not in gone_nodes]
        edges[:] = [e for e in edges if e.get("id") not in gone_edges
                    and e.get("source") not in gone_nodes and e.get("target") not in gone_nodes]
        return before != (len(nodes), len(edges))
    if kind == "replace":
        new_nodes = [n for n in map(clean_node, (action.get("nodes") or [])[:MAX_NODES]) if n]
        seen: set[str] = set()
        new_nodes = [n for n in new_nodes if not (n["id"] in seen or seen.add(n["id"]))]
        nodes[:] = new_nodes
        edges.clear()
        by_id = {n["id"]: n for n in nodes}
        for raw in (action.get("edges") or [])[:MAX_EDGES]:
            _add_edge(edges, by_id, clean_edge(raw))
        return True
    return False


def _add_edge(edges: list[dict], by_id: dict, edge: dict | None) -> bool:
    if edge is None or edge["source"] not in by_id or edge["target"] not in by_id:
        return False
    if edge["source"] == edge["target"] or len(edges) >= MAX_EDGES:
        return False
    # One edge per handle: a new connection from a handle replaces the old one.
    edges[:] = [e for e in edges if (e.get("source"), e.get("sourceHandle") or "out")
                != (edge["source"], edge["sourceHandle"])]
    if any(e.get("id") == edge["id"] for e in edges):
        edge["id"] = new_id("e")
    edges.append(edge)
    return True


def handles_of(node: dict[str, Any]) -> tuple[str, ...]:
    """The node's source handles, tolerant of data that does not validate yet."""
    model = DATA_MODELS.get(node.get("type", ""))
    if model is None:
        return ()
    try:
        data = model.model_validate(node.get("data") or {})
    except Exception:  # noqa: BLE001 - half-edited data: guess from its raw shape
        raw = node.get("data") or {}
        if node.get("type") == "message" and (raw.get("buttons") or raw.get("sections")):
            ids = [b.get("id") for b in raw.get("buttons") or [] if isinstance(b, dict)]
            ids += [r.get("id") for s in raw.get("sections") or [] if isinstance(s, dict)
                    for r in s.get("rows") or [] if isinstance(r, dict)]
            return (*[i for i in ids if isinstance(i, str)], "other")
        if node.get("type") == "randomizer":
            ids = [b.get("id") for b in raw.get("branches") or [] if isinstance(b, dict)]
            return tuple(i for i in ids if isinstance(i, str))
        return ("out",)
    return node_handles(node["type"], data)


def set_node_data(doc: dict[str, Any], node_id: str, data: dict[str, Any]) -> list[str]:
    """Replace a node's data; drop edges leaving by handles that no longer exist.
    Returns the ids of the removed edges."""
    node = next((n for n in doc.get("nodes", []) if n.get("id") == node_id), None)
    if node is None:
        return []
    node["data"] = data
    alive = set(handles_of(node))
    removed = [e["id"] for e in doc.get("edges", [])
               if e.get("source") == node_id and (e.get("sourceHandle") or "out") not in alive]
    if removed:
        doc["edges"] = [e for e in doc["edges"] if e["id"] not in removed]
    return removed


def variables_in(doc: dict[str, Any]) -> list[str]:
    """Variable names a placeholder may use: declared ones, questions', set_variable's,
    http response maps'."""
    names: list[str] = []
    for var in doc.get("variables") or []:
        if isinstance(var, dict) and isinstance(var.get("name"), str):
            names.append(var["name"])
    for node in doc.get("nodes") or []:
        data = node.get("data") or {}
        kind = node.get("type")
        if kind in ("question", "set_variable") and isinstance(data.get("variable"), str):
            names.append(data["variable"])
        if node.get("type") == "http_request" and isinstance(data.get("response_map"), dict):
            names.extend(k for k in data["response_map"] if isinstance(k, str))
    return sorted({n for n in names if n})


# --- import ---------------------------------------------------------------------------------


class ImportRejected(Exception):
    """An import that was refused; `messages` says why, nothing was changed."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages[0] if messages else "importação recusada")
        self.messages = messages


def parse_import(raw: str | bytes, lang: str = "pt-BR") -> dict[str, Any]:
    """Read and validate an uploaded flow JSON; ImportRejected tells why it cannot be used
    (in `lang`: "pt-BR" or "en")."""
    en = lang == "en"

    def refuse(pt: str, english: str) -> ImportRejected:
        return ImportRejected([english if en else pt])

    too_big = ("Arquivo grande demais (máximo 2 MB).", "File too large (at most 2 MB).")
    if isinstance(raw, bytes):
        if len(raw) > MAX_FLOW_BYTES:
            raise refuse(*too_big)
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise refuse("O arquivo não é texto UTF-8 (esperado um JSON de fluxo).",
                         "The file is not UTF-8 text (a flow JSON was expected).") from None
    if len(raw.encode("utf-8", "ignore")) > MAX_FLOW_BYTES:
        raise refuse(*too_big)
    if not raw.strip():
        raise refuse("O arquivo está vazio.", "The file is empty.")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise refuse("Não consegui ler este arquivo: não é um JSON válido.",
                     "This file could not be read: it is not valid JSON.") from None
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise refuse('Este JSON não é um fluxo (formato v1, com "nodes").',
                     'This JSON is not a flow (format v1, with "nodes").')
    if len(data["nodes"]) > MAX_NODES:
        raise refuse(f"Fluxo grande demais (máximo {MAX_NODES} blocos).",
                     f"Flow too large (at most {MAX_NODES} blocks).")
    report = validate_flow(data, lang=lang)
    if not report.ok:
        raise ImportRejected([i.message for i in report.errors][:30])
    nodes = [n for n in map(clean_node, data["nodes"]) if n]
    edges = [e for e in map(clean_edge, data.get("edges") or []) if e]
    variables = [v for v in data.get("variables") or [] if isinstance(v, dict)]
    return {"version": 1, "nodes": nodes, "edges": edges, "variables": variables}


def merge_import(doc: dict[str, Any], imported: dict[str, Any]) -> dict[str, Any]:
    """`doc` plus the imported flow, its ids renamed where they collide, placed below the
    existing nodes. A flow has one start: when `doc` already has one, the imported start
    node (and its edges) is left out and the imported blocks hang free, to be connected."""
    result = copy.deepcopy(doc)
    taken = {n["id"] for n in result.get("nodes", [])} | {e["id"] for e in result.get("edges", [])}
    has_start = any(n.get("type") == "start" for n in result.get("nodes", []))
    mapping: dict[str, str] = {}
    for node in imported["nodes"]:
        nid = node["id"]
        while nid in taken:
            nid = f"{node['id'][:80]}-{uuid.uuid4().hex[:4]}"
        mapping[node["id"]] = nid
        taken.add(nid)
    top = max((n["position"]["y"] for n in result.get("nodes", [])), default=-300) + 300
    min_y = min((n["position"]["y"] for n in imported["nodes"]), default=0)
    dropped = set()
    for node in imported["nodes"]:
        if node["type"] == "start" and has_start:
            dropped.add(node["id"])
            continue
        new = copy.deepcopy(node)
        new["id"] = mapping[node["id"]]
        new["position"] = {"x": node["position"]["x"],
                           "y": round(node["position"]["y"] - min_y + top, 1)}
        result.setdefault("nodes", []).append(new)
    for edge in imported["edges"]:
        if edge["source"] in dropped or edge["target"] in dropped:
            continue
        if edge["source"] not in mapping or edge["target"] not in mapping:
            continue
        eid = edge["id"]
        while eid in taken:
            eid = f"{edge['id'][:80]}-{uuid.uuid4().hex[:4]}"
        taken.add(eid)
        result.setdefault("edges", []).append({**edge, "id": eid,
                                               "source": mapping[edge["source"]],
                                               "target": mapping[edge["target"]]})
    names = {v.get("name") for v in result.get("variables") or []}
    for var in imported.get("variables") or []:
        if var.get("name") not in names:
            result.setdefault("variables", []).append(var)
    return result


# --- database operations --------------------------------------------------------------------


@dataclass(frozen=True)
class EditorData:
    flow_id: int
    name: str
    instance_id: int
    instance_name: str
    status: str
    active_version_id: int | None
    draft: dict[str, Any]
    updated_at: datetime


def load_editor(session: Session, *, tenant_id: int, flow_id: int | str) -> EditorData:
    flow = get_flow(session, tenant_id=tenant_id, flow_id=flow_id)
    inst = session.get(Instance, flow.instance_id)
    draft = flow.draft if isinstance(flow.draft, dict) and flow.draft.get("nodes") is not None \
        else empty_document()
    return EditorData(flow.id, flow.name, flow.instance_id, inst.name if inst else "",
                      flow.status, flow.active_version_id, draft, flow.updated_at)


def new_flow(session: Session, *, tenant_id: int, instance_id: int | str,
             name: str | None) -> Flow:
    """A new flow with a start node, ready for the editor."""
    return create_flow(session, tenant_id=tenant_id, instance_id=instance_id, name=name,
                       definition=empty_document())


def autosave(session: Session, *, tenant_id: int, flow_id: int | str,
             definition: dict[str, Any]) -> datetime:
    """Store the draft (no validation: a draft may be half done). Returns the save time."""
    size = len(json.dumps(definition, ensure_ascii=False).encode("utf-8"))
    if size > MAX_FLOW_BYTES:
        raise FieldErrors({"definition": "error.flow_too_big"})
    return save_draft(session, tenant_id=tenant_id, flow_id=flow_id,
                      definition=definition).updated_at


@dataclass(frozen=True)
class VersionRow:
    id: int
    version: int
    created_at: datetime
    active: bool
    nodes: int


def list_versions(session: Session, *, tenant_id: int, flow_id: int | str) -> list[VersionRow]:
    flow = get_flow(session, tenant_id=tenant_id, flow_id=flow_id)
    rows = session.exec(select(FlowVersion).where(
        FlowVersion.flow_id == flow.id, FlowVersion.tenant_id == tenant_id)
        .order_by(FlowVersion.version.desc())).all()
    return [VersionRow(v.id, v.version, v.created_at,
                       v.id == flow.active_version_id and flow.status == "active",
                       len((v.definition or {}).get("nodes") or [])) for v in rows]


def _version(session: Session, tenant_id: int, flow: Flow, version_id: int | str) -> FlowVersion:
    vid = parse_id(version_id)  # (None for words and numbers past the id column)
    if vid is None:
        raise NotFound("error.not_found")
    version = session.exec(select(FlowVersion).where(
        FlowVersion.id == vid, FlowVersion.flow_id == flow.id,
        FlowVersion.tenant_id == tenant_id)).first()
    if version is None:
        raise NotFound("error.not_found")
    return version


def restore_version(session: Session, *, tenant_id: int, flow_id: int | str,
                    version_id: int | str) -> dict[str, Any]:
    """Copy a published version back into the draft (the versions stay as they are)."""
    flow = get_flow(session, tenant_id=tenant_id, flow_id=flow_id)
    version = _version(session, tenant_id, flow, version_id)
    definition = copy.deepcopy(version.definition)
    save_draft(session, tenant_id=tenant_id, flow_id=flow.id, definition=definition)
    return definition


def activate_version(session: Session, *, tenant_id: int, flow_id: int | str,
                     version_id: int | str) -> Flow:
    """Make this published version the one that answers customers (one active per flow)."""
    flow = get_flow(session, tenant_id=tenant_id, flow_id=flow_id)
    version = _version(session, tenant_id, flow, version_id)
    if flow.status != "active":  # an inactive flow switched on: the plan's limit counts it
        check_flow_slot(session, tenant_id=tenant_id, flow_id=flow.id)
    flow.active_version_id = version.id
    flow.status = "active"
    flow.updated_at = utcnow()
    session.add(flow)
    session.flush()
    return flow


def flow_ids_of_instance(session: Session, *, tenant_id: int, instance_id: int) -> list[dict]:
    """Other flows a goto_flow node may point to."""
    rows = session.exec(select(Flow.id, Flow.name).where(
        Flow.tenant_id == tenant_id, Flow.instance_id == instance_id).order_by(Flow.id)).all()
    return [{"id": str(i), "name": n} for i, n in rows]


# --- inspector edits ------------------------------------------------------------------------

_OPTIONAL_TEXT = {"label", "footer", "header", "retry_text", "prompt", "note", "body",
                  "button_label", "header_link"}
_PLAIN_TEXT = {"text", "url", "name", "value", "variable", "flow_id", "validator", "method",
               "unit", "mode", "logic", "date", "time", "before_unit"}
_COMMA_LISTS = {"choices", "add", "remove"}
_NUMBERS = {"amount", "max_retries", "timeout_s", "before_amount"}
# Texts the owner reads with placeholders in words ({nome do cliente}, and in an HTTP call's
# address); an HTTP call's headers and JSON body keep the engine's own syntax (JSON braces
# would be ambiguous).
_WORDED = {"text", "footer", "header", "retry_text", "prompt", "note", "value", "date",
           "time", "media_caption", "url"}


def _number(value: str) -> Any:
    """An int/float when the text is one; else the text, so validation names the problem.
    "NaN" and "1e999" are floats to Python but not numbers to PostgreSQL's json: kept as
    text, or every later autosave of the flow would be refused."""
    text = (value or "").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return text
    if not math.isfinite(number):
        return text
    return int(number) if number.is_integer() else number


def _pairs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in (text or "").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            out[key.strip()] = value.strip()
    return out


def _options_ref(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The button or list-row dicts of a message, flattened, in display order (live refs)."""
    if isinstance(data.get("buttons"), list):
        return [b for b in data["buttons"] if isinstance(b, dict)]
    return [r for s in data.get("sections") or [] if isinstance(s, dict)
            for r in s.get("rows") or [] if isinstance(r, dict)]


def edit_field(kind: str, data: dict[str, Any], field: str, value: Any, *,
               variables: Iterable[str] = ()) -> dict[str, Any]:
    """A copy of a node's `data` with one inspector field changed (string-typed inputs).
    Texts come in the owner's words ({nome do cliente}) and are stored as placeholders;
    `variables` are the flow's answers those words may name."""
    data = copy.deepcopy(data or {})
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    if field in _WORDED:
        previous = ((data.get("media") or {}).get("caption") if field == "media_caption"
                    else data.get(field))
        text = flow_words.to_stored(text, previous=previous if isinstance(previous, str)
                                    else "", variables=variables)
    if field in _OPTIONAL_TEXT:
        if text.strip():
            data[field] = text
        else:
            data.pop(field, None)
    elif field in _PLAIN_TEXT:
        data[field] = text
    elif field in _COMMA_LISTS:
        data[field] = [p.strip() for p in text.split(",") if p.strip()]
    elif field in _NUMBERS:
        data[field] = _number(text)
    elif field in ("headers", "response_map"):
        data[field] = _pairs(text)
    elif field == "use_knowledge":
        data[field] = value is True or text.lower() in ("true", "on", "1")
    elif field == "keywords":
        words = [p.strip() for p in text.split(",") if p.strip()]
        triggers = [t for t in data.get("triggers") or [] if isinstance(t, dict)]
        kw = next((t for t in triggers if t.get("type") == "keyword"), None)
        if kw is None and words:
            triggers.insert(0, {"type": "keyword", "keywords": words, "match": "exact"})
        elif kw is not None and words:
            kw["keywords"] = words
        elif kw is not None:
            triggers.remove(kw)
        data["triggers"] = triggers
    elif field == "match":
        for trig in data.get("triggers") or []:
            if isinstance(trig, dict) and trig.get("type") == "keyword":
                trig["match"] = "contains" if text == "contains" else "exact"
    elif field == "any_message":
        on = value is True or text.lower() in ("true", "on", "1")
        triggers = [t for t in data.get("triggers") or []
                    if isinstance(t, dict) and t.get("type") != "any_message"]
        data["triggers"] = triggers + ([{"type": "any_message"}] if on else [])
    elif field == "variant" and kind == "message":
        body = data.get("text") or (data.get("media") or {}).get("caption") or ""
        for key in ("buttons", "sections", "media", "button_label"):
            data.pop(key, None)
        if text == "buttons":
            data["text"] = body or "Escolha uma opção:"
            data["buttons"] = [{"id": new_id("btn"), "title": "Opção 1"}]
        elif text == "list":
            data["text"] = body or "Escolha uma opção:"
            data["button_label"] = "Ver opções"
            data["sections"] = [{"rows": [{"id": new_id("row"), "title": "Item 1"}]}]
        elif text == "media":
            data.pop("text", None)
            data["media"] = {"kind": "image", "url": "https://", "caption": body or None}
        else:
            data["text"] = body
    elif field in ("media_kind", "media_url", "media_caption", "media_filename"):
        media = data.setdefault("media", {"kind": "image", "url": ""})
        key = field.removeprefix("media_")
        if key in ("caption", "filename") and not text.strip():
            media.pop(key, None)
        else:
            media[key] = text
    return data


def edit_option(data: dict[str, Any], index: int, key: str, value: str) -> dict[str, Any]:
    """Change the title/description of the index-th button or list row."""
    data = copy.deepcopy(data or {})
    opts = _options_ref(data)
    if 0 <= index < len(opts) and key in ("title", "description"):
        if key == "description" and not value.strip():
            opts[index].pop("description", None)
        else:
            opts[index][key] = value
    return data


def add_option(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data or {})
    if isinstance(data.get("buttons"), list):
        data["buttons"].append({"id": new_id("btn"), "title": f"Opção {len(data['buttons']) + 1}"})
    elif isinstance(data.get("sections"), list):
        if not data["sections"]:
            data["sections"].append({"rows": []})
        rows = data["sections"][-1].setdefault("rows", [])
        rows.append({"id": new_id("row"), "title": f"Item {len(_options_ref(data)) + 1}"})
    return data


def remove_option(data: dict[str, Any], index: int) -> dict[str, Any]:
    data = copy.deepcopy(data or {})
    opts = _options_ref(data)
    if 0 <= index < len(opts):
        gone = opts[index]
        if isinstance(data.get("buttons"), list):
            data["buttons"] = [b for b in data["buttons"] if b is not gone]
        else:
            for sec in data.get("sections") or []:
                sec["rows"] = [r for r in sec.get("rows") or [] if r is not gone]
    return data


def edit_rule(data: dict[str, Any], index: int, key: str, value: str) -> dict[str, Any]:
    data = copy.deepcopy(data or {})
    rules = data.setdefault("rules", [])
    if key == "add":
        rules.append({"left": "vars.", "op": "equals", "right": ""})
    elif 0 <= index < len(rules) and isinstance(rules[index], dict):
        if key == "remove":
            rules.pop(index)
        elif key in ("left", "op", "right"):
            rules[index][key] = value
    return data


def inspector_fields(node: dict[str, Any]) -> dict[str, str]:
    """The selected node's scalar fields as the inspector's text inputs show them."""
    data = node.get("data") or {}
    out: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, bool):
            out[key] = "true" if value else ""
        elif isinstance(value, str) and key in _WORDED:
            out[key] = flow_words.to_owner(value)
        elif isinstance(value, str | int | float):
            out[key] = str(value)
    for key in _COMMA_LISTS:
        if isinstance(data.get(key), list):
            out[key] = ", ".join(str(v) for v in data[key])
    for key in ("headers", "response_map"):
        if isinstance(data.get(key), dict):
            out[key] = "\n".join(f"{k}: {v}" for k, v in data[key].items())
    triggers = [t for t in data.get("triggers") or [] if isinstance(t, dict)]
    kw = next((t for t in triggers if t.get("type") == "keyword"), None)
    out["keywords"] = ", ".join(kw.get("keywords") or []) if kw else ""
    out["match"] = (kw or {}).get("match") or "exact"
    out["any_message"] = "true" if any(t.get("type") == "any_message" for t in triggers) else ""
    if node.get("type") == "message":
        out["variant"] = ("media" if data.get("media") is not None else "buttons"
                          if data.get("buttons") is not None else "list"
                          if data.get("sections") is not None else "text")
        media = data.get("media") if isinstance(data.get("media"), dict) else {}
        for key in ("kind", "url", "caption", "filename"):
            out[f"media_{key}"] = str(media.get(key) or "")
        out["media_caption"] = flow_words.to_owner(out["media_caption"])
    if node.get("type") == "template":
        name = str(data.get("name") or "").strip()
        out["template_ref"] = f"{name}|{data.get('language') or 'pt_BR'}" if name else ""
    return out


def inspector_options(node: dict[str, Any]) -> list[dict[str, str]]:
    return [{"id": str(o.get("id", "")), "title": str(o.get("title", "")),
             "description": str(o.get("description") or "")}
            for o in _options_ref(node.get("data") or {})]


def rule_subjects(variables: Iterable[str], rules: list[dict[str, str]]) -> list[dict[str, str]]:
    """What a condition's rule may look at, in the owner's words: the flow's answers, the
    customer's built-in data and whatever a rule already names (an imported flow's field)."""
    subjects = [{"value": f"vars.{name}", "label": flow_words.word_for(f"vars.{name}")}
                for name in variables if name]
    subjects += [{"value": path, "label": words}
                 for path, words in flow_words.BUILTINS.items() if path != "contact.first_name"]
    seen = {s["value"] for s in subjects}
    for rule in rules:
        left = rule.get("left") or ""
        if left and left not in seen and left not in ("vars.", "tags"):
            seen.add(left)
            subjects.append({"value": left, "label": flow_words.word_for(left)})
    return subjects


def inspector_rules(node: dict[str, Any]) -> list[dict[str, str]]:
    rules = (node.get("data") or {}).get("rules") or []
    return [{"left": str(r.get("left") or ""), "op": str(r.get("op") or "equals"),
             "right": "" if r.get("right") is None else str(r.get("right"))}
            for r in rules if isinstance(r, dict)]


# --- randomizer branches and template values --------------------------------------------------

def _branches_ref(data: dict[str, Any]) -> list[dict[str, Any]]:
    branches = data.get("branches")
    if not isinstance(branches, list):
        branches = data["branches"] = []
    return [b for b in branches if isinstance(b, dict)]


def edit_branch(data: dict[str, Any], index: int, key: str, value: str) -> dict[str, Any]:
    """Rename or re-weight the index-th branch of an A/B split (its id, the edge's handle,
    never changes)."""
    data = copy.deepcopy(data or {})
    branches = _branches_ref(data)
    if 0 <= index < len(branches) and key in ("label", "weight"):
        branches[index][key] = _number(value) if key == "weight" else value.strip()
    return data


def add_branch(data: dict[str, Any]) -> dict[str, Any]:
    """One more branch, named by the next free letter (weights are left for the owner)."""
    data = copy.deepcopy(data or {})
    branches = _branches_ref(data)
    taken = {str(b.get("id")) for b in branches}
    letter = next((c for c in "abcdefghijklmnopqrstuvwxyz" if c not in taken), None)
    if letter is not None and len(branches) < RANDOMIZER_BRANCHES_MAX:
        data["branches"].append({"id": letter, "label": letter.upper(), "weight": 50})
    return data


def remove_branch(data: dict[str, Any], index: int) -> dict[str, Any]:
    data = copy.deepcopy(data or {})
    branches = _branches_ref(data)
    if 0 <= index < len(branches):
        gone = branches[index]
        data["branches"] = [b for b in data["branches"] if b is not gone]
    return data


def inspector_branches(node: dict[str, Any]) -> list[dict[str, str]]:
    """The A/B split's branches as the inspector lists them, with each one's share."""
    branches = [b for b in (node.get("data") or {}).get("branches") or [] if isinstance(b, dict)]
    weights = [branch_weight(b.get("weight")) or 0 for b in branches]
    total = sum(weights)
    return [{"label": str(b.get("label") or ""), "weight": str(b.get("weight", "")),
             "share": f"{round(100 * w / total)}%" if total and w else "—"}
            for b, w in zip(branches, weights, strict=True)]


def pick_template(data: dict[str, Any], ref: str, body_variables: int) -> dict[str, Any]:
    """Point a template node at "name|language", one value per {{n}} of its body (values
    already typed are kept)."""
    data = copy.deepcopy(data or {})
    name, _, language = (ref or "").partition("|")
    data["name"], data["language"] = name.strip(), language.strip() or "pt_BR"
    values = [str(v) for v in data.get("variables") or []][:max(0, body_variables)]
    data["variables"] = values + [""] * (max(0, body_variables) - len(values))
    return data


def edit_template_value(data: dict[str, Any], index: int, value: str, *,
                        variables: Iterable[str] = ()) -> dict[str, Any]:
    data = copy.deepcopy(data or {})
    values = [str(v) for v in data.get("variables") or []]
    if 0 <= index < len(values):
        values[index] = flow_words.to_stored(value, previous=values[index],
                                             variables=variables)
        data["variables"] = values
    return data


def inspector_template_values(node: dict[str, Any]) -> list[dict[str, str]]:
    values = (node.get("data") or {}).get("variables") or []
    return [{"n": str(i), "value": flow_words.to_owner(str(v))} for i, v in enumerate(values, 1)]


def approved_templates(session: Session, *, tenant_id: int,
                       instance_id: int) -> list[dict[str, str]]:
    """The number's APPROVED templates a template node may send: value "name|language", a
    label, how many {{n}} values the body takes and the body (for the test chat). Templates
    with a variable in their header are left out: a flow fills only the body."""
    out = []
    for row in message_templates.list_templates(session, tenant_id=tenant_id,
                                                instance_id=instance_id):
        if row.status != "APPROVED" or row.header_variables:
            continue
        out.append({"value": f"{row.name}|{row.language}",
                    "label": f"{row.name} ({row.language})",
                    "variables": str(row.body_variables),
                    "body": message_templates.preview(row, []),
                    "media": message_templates.media_header(row) or ""})
    return out
