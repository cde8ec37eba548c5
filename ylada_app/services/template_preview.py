"""A readable outline of a flow (for the marketplace's read-only preview): the nodes in the
order a conversation meets them, each as one short pt-BR line."""

from __future__ import annotations

from collections import deque
from typing import Any

KIND_LABELS = {
    "start": "Início", "message": "Mensagem", "question": "Pergunta", "condition": "Condição",
    "set_variable": "Variável", "tag": "Etiqueta", "http_request": "Consulta HTTP",
    "ai_reply": "Resposta com IA", "handoff": "Atendimento humano", "delay": "Espera",
    "goto_flow": "Outro fluxo", "goal": "Meta", "end": "Fim",
}
_UNITS = {"seconds": "s", "minutes": "min", "hours": "h", "days": "dia(s)"}


def _cut(text: Any, n: int = 140) -> str:
    s = " ".join(str(text or "").split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _summary(kind: str, data: dict) -> str:
    if kind == "start":
        words = [k for t in data.get("triggers") or [] if isinstance(t, dict)
                 for k in t.get("keywords") or []]
        return "gatilhos: " + ", ".join(words[:8]) if words else "qualquer mensagem"
    if kind == "message":
        text = _cut(data.get("text") or (data.get("media") or {}).get("caption") or "")
        if data.get("buttons"):
            text += " → botões: " + " | ".join(b.get("title", "") for b in data["buttons"])
        elif data.get("sections"):
            rows = [r.get("title", "") for s in data["sections"] for r in s.get("rows") or []]
            text += " → lista: " + " | ".join(rows)
        return text
    if kind == "question":
        return f"{_cut(data.get('text'))} (resposta em {data.get('variable') or '—'}, " \
               f"validação: {data.get('validator') or 'text'})"
    if kind == "condition":
        rules = [f"{r.get('left') or 'tags'} {r.get('op')} {r.get('right') or ''}".strip()
                 for r in data.get("rules") or []]
        return f" {data.get('logic', 'and').upper()} ".join(rules)
    if kind == "set_variable":
        return f"{data.get('variable')} = {_cut(data.get('value'), 60)}"
    if kind == "tag":
        return ", ".join([f"+{t}" for t in data.get("add") or []]
                         + [f"-{t}" for t in data.get("remove") or []])
    if kind == "http_request":
        return f"{data.get('method', 'GET')} {_cut(data.get('url'), 80)}"
    if kind == "handoff":
        return _cut(data.get("text") or data.get("note") or "")
    if kind == "delay":
        return f"{data.get('amount')} {_UNITS.get(data.get('unit'), '')}"
    if kind == "goal":
        return str(data.get("name") or "")
    return ""


def outline(flow: Any) -> list[dict[str, str]]:
    """[{"kind", "label", "text"}] in breadth-first order from the start node."""
    if not isinstance(flow, dict):
        return []
    nodes = {n.get("id"): n for n in flow.get("nodes") or [] if isinstance(n, dict)}
    nexts: dict[str, list[str]] = {}
    for e in flow.get("edges") or []:
        if isinstance(e, dict):
            nexts.setdefault(e.get("source"), []).append(e.get("target"))
    start = [nid for nid, n in nodes.items() if n.get("type") == "start"]
    order, seen = [], set(start)
    queue = deque(start)
    while queue:
        nid = queue.popleft()
        order.append(nid)
        for target in nexts.get(nid, []):
            if target in nodes and target not in seen:
                seen.add(target)
                queue.append(target)
    order += [nid for nid in nodes if nid not in seen]
    lines = []
    for nid in order:
        node = nodes[nid]
        kind = str(node.get("type"))
        data = node.get("data") if isinstance(node.get("data"), dict) else {}
        lines.append({"kind": kind, "label": KIND_LABELS.get(kind, kind),
                      "text": _cut(data.get("label"), 40) + (" — " if data.get("label") else "")
                      + _summary(kind, data)})
    return lines


def outline_text(flow: Any) -> str:
    return "\n".join(f"[{line['label']}] {line['text']}" for line in outline(flow))
