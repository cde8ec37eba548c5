"""A readable outline of a flow (for the marketplace's read-only preview): the nodes in the
order a conversation meets them, each as one short pt-BR line."""

from __future__ import annotations

import re
from collections import deque
from typing import Any
from urllib.parse import urlsplit

from ylada_app.services import knowledge_text as kt

KIND_LABELS = {
    "start": "Início", "message": "Mensagem", "question": "Pergunta", "condition": "Condição",
    "set_variable": "Guardar dado", "tag": "Etiqueta", "http_request": "Integração",
    "ai_reply": "Resposta com IA", "handoff": "Atendimento humano", "delay": "Espera",
    "goto_flow": "Outro fluxo", "goal": "Meta", "randomizer": "Teste A/B",
    "template": "Modelo de mensagem", "consent": "Consentimento",
    "reminder": "Lembrete agendado", "end": "Fim",
}
_UNITS = {"seconds": ("segundo", "segundos"), "minutes": ("minuto", "minutos"),
          "hours": ("hora", "horas"), "days": ("dia", "dias")}
_ASKS = {"email": " (precisa ser um e-mail)", "number": " (precisa ser um número)",
         "phone": " (precisa ser um telefone)", "date": " (precisa ser uma data)",
         "choice": " (uma das opções)"}
_FIELDS = {"contact.name": "o nome do cliente", "contact.phone": "o telefone do cliente",
           "tags": "as etiquetas do cliente", "last_input": "a última mensagem do cliente"}
_PLACEHOLDER = re.compile(r"\{\{\s*([^}|]+?)\s*(?:\|[^}]*)?\}\}")


def variable_words(path: Any) -> str:
    """A variable or field as words, accents restored: "vars.numero_pedido" → "número
    pedido"."""
    text = str(path or "").strip()
    if text in _FIELDS:
        return _FIELDS[text]
    for prefix in ("vars.", "contact.fields.", "contact."):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return kt.with_accents(text.replace("_", " ").replace(".", " ").strip()) or "—"


def _words(text: Any, n: int = 140) -> str:
    """Text with its placeholders as words in brackets ({{vars.carrinho}} → [carrinho])."""
    said = _PLACEHOLDER.sub(lambda m: "[" + variable_words(m.group(1)).removeprefix("o ") + "]",
                            str(text or ""))
    return _cut(said, n)


def _cut(text: Any, n: int = 140) -> str:
    s = " ".join(str(text or "").split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _condition(rule: dict) -> str:
    left, op, right = rule.get("left"), rule.get("op"), _words(rule.get("right"), 40)
    who = variable_words(left)
    sentences = {
        "equals": f"{who} é “{right}”", "not_equals": f"{who} não é “{right}”",
        "contains": f"{who} contém “{right}”", "gt": f"{who} é maior que {right}",
        "lt": f"{who} é menor que {right}", "gte": f"{who} é pelo menos {right}",
        "lte": f"{who} é no máximo {right}", "is_set": f"{who} foi preenchido",
        "is_not_set": f"{who} ainda não foi preenchido",
        "regex": f"{who} está no formato esperado",
        "has_tag": f"o cliente tem a etiqueta “{right}”",
        "not_has_tag": f"o cliente não tem a etiqueta “{right}”",
    }
    return sentences.get(str(op), f"{who} atende à regra")


def _split(data: dict) -> str:
    branches = [b for b in data.get("branches") or [] if isinstance(b, dict)]
    weights = [max(0, b["weight"]) if isinstance(b.get("weight"), int) else 0 for b in branches]
    total = sum(weights)
    parts = [f"{_cut(b.get('label') or '?', 30)} ({round(100 * w / total) if total else 0}%)"
             for b, w in zip(branches, weights, strict=True)]
    return "Divide os clientes entre os caminhos " + ", ".join(parts) if parts else \
        "Divide os clientes entre caminhos"


def _summary(kind: str, data: dict) -> str:
    if kind == "start":
        words = [k for t in data.get("triggers") or [] if isinstance(t, dict)
                 for k in t.get("keywords") or []]
        return ("Começa quando o cliente escreve: " + ", ".join(words[:8])) if words \
            else "Começa com qualquer mensagem"
    if kind == "message":
        text = "Envia: “" + _words(data.get("text") or (data.get("media") or {}).get("caption")
                                  or "") + "”"
        if data.get("buttons"):
            text += " — com os botões " + " | ".join(b.get("title", "") for b in data["buttons"])
        elif data.get("sections"):
            rows = [r.get("title", "") for s in data["sections"] for r in s.get("rows") or []]
            text += " — com a lista " + " | ".join(rows)
        return text
    if kind == "question":
        return (f"Pergunta: “{_words(data.get('text'))}” e guarda a resposta como "
                f"“{variable_words(data.get('variable'))}”{_ASKS.get(data.get('validator'), '')}")
    if kind == "condition":
        rules = [_condition(r) for r in data.get("rules") or [] if isinstance(r, dict)]
        joiner = " ou " if data.get("logic") == "or" else " e "
        return "Segue por um caminho se " + joiner.join(rules) if rules else "Escolhe um caminho"
    if kind == "set_variable":
        if str(data.get("value") or "").strip() == "":
            return f"Limpa “{variable_words(data.get('variable'))}”"
        name = variable_words(data.get("variable"))
        return f"Guarda “{_words(data.get('value'), 60)}” como “{name}”"
    if kind == "tag":
        parts = [f"adiciona a etiqueta “{t}”" for t in data.get("add") or []]
        parts += [f"remove a etiqueta “{t}”" for t in data.get("remove") or []]
        return ", ".join(parts).capitalize()
    if kind == "http_request":
        host = urlsplit(str(data.get("url") or "")).hostname or "um sistema externo"
        return f"Consulta um sistema externo ({host})"
    if kind == "ai_reply":
        return "Responde com o assistente de IA, usando o seu catálogo"
    if kind == "handoff":
        said = _words(data.get("text") or data.get("note") or "")
        return "Passa a conversa para a equipe" + (f": “{said}”" if said else "")
    if kind == "delay":
        try:
            amount = int(data.get("amount") or 0)
        except (TypeError, ValueError):
            amount = 0
        one, many = _UNITS.get(data.get("unit"), ("", ""))
        return f"Espera {amount} {one if amount == 1 else many}".strip()
    if kind == "goal":
        return f"Conta como meta alcançada: “{variable_words(data.get('name'))}”"
    if kind == "randomizer":
        return _split(data)
    if kind == "template":
        return f"Envia o modelo de mensagem aprovado “{_cut(data.get('name'), 60)}”"
    if kind == "consent":
        return "Registra que o cliente aceitou receber ofertas pelo WhatsApp"
    if kind == "reminder":
        try:
            amount = int(data.get("before_amount") or 0)
        except (TypeError, ValueError):
            amount = 0
        one, many = _UNITS.get(data.get("before_unit"), ("", ""))
        when = " às ".join(_words(str(data.get(k) or "")) for k in ("date", "time")
                           if str(data.get(k) or "").strip())
        return (f"Marca um lembrete para {amount} {one if amount == 1 else many} antes de "
                f"{when or 'uma data'}; no horário, continua pelo caminho do lembrete")
    if kind == "goto_flow":
        return "Continua em outro fluxo"
    if kind == "end":
        return "Encerra a conversa"
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
