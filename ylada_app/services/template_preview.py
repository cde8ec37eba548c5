"""A readable outline of a flow (for the marketplace's read-only preview): the nodes in the
order a conversation meets them, each as one short line in pt-BR (or English, `lang="en"`;
what the flow itself says stays as written)."""

from __future__ import annotations

import re
from collections import deque
from typing import Any
from urllib.parse import urlsplit

from ylada_app.services import knowledge_text as kt

KIND_LABELS = {  # (pt-BR, English)
    "start": ("Início", "Start"), "message": ("Mensagem", "Message"),
    "question": ("Pergunta", "Question"), "condition": ("Condição", "Condition"),
    "set_variable": ("Guardar dado", "Save data"), "tag": ("Etiqueta", "Tag"),
    "http_request": ("Integração", "Integration"), "ai_reply": ("Resposta com IA", "AI answer"),
    "handoff": ("Atendimento humano", "Human agent"), "delay": ("Espera", "Wait"),
    "goto_flow": ("Outro fluxo", "Other flow"), "goal": ("Meta", "Goal"),
    "randomizer": ("Teste A/B", "A/B test"), "template": ("Modelo de mensagem", "Template"),
    "consent": ("Consentimento", "Consent"), "reminder": ("Lembrete agendado", "Reminder"),
    "end": ("Fim", "End"),
}
_UNITS = {"seconds": ("segundo", "segundos", "second", "seconds"),
          "minutes": ("minuto", "minutos", "minute", "minutes"),
          "hours": ("hora", "horas", "hour", "hours"), "days": ("dia", "dias", "day", "days")}
_ASKS = {"email": (" (precisa ser um e-mail)", " (must be an e-mail)"),
         "number": (" (precisa ser um número)", " (must be a number)"),
         "phone": (" (precisa ser um telefone)", " (must be a phone)"),
         "date": (" (precisa ser uma data)", " (must be a date)"),
         "choice": (" (uma das opções)", " (one of the options)")}
_FIELDS = {"contact.name": ("o nome do cliente", "the customer's name"),
           "contact.phone": ("o telefone do cliente", "the customer's phone"),
           "tags": ("as etiquetas do cliente", "the customer's tags"),
           "last_input": ("a última mensagem do cliente", "the customer's last message")}
_PLACEHOLDER = re.compile(r"\{\{\s*([^}|]+?)\s*(?:\|[^}]*)?\}\}")


def variable_words(path: Any, en: bool = False) -> str:
    """A variable or field as words, accents restored: "vars.numero_pedido" → "número
    pedido"."""
    text = str(path or "").strip()
    if text in _FIELDS:
        return _FIELDS[text][1 if en else 0]
    for prefix in ("vars.", "contact.fields.", "contact."):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return kt.with_accents(text.replace("_", " ").replace(".", " ").strip()) or "—"


def _words(text: Any, n: int = 140, en: bool = False) -> str:
    """Text with its placeholders as words in brackets ({{vars.carrinho}} → [carrinho])."""
    said = _PLACEHOLDER.sub(
        lambda m: "[" + variable_words(m.group(1), en).removeprefix("o ").removeprefix(
            "the ") + "]", str(text or ""))
    return _cut(said, n)


def _cut(text: Any, n: int = 140) -> str:
    s = " ".join(str(text or "").split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _condition(rule: dict, en: bool = False) -> str:
    left, op, right = rule.get("left"), rule.get("op"), _words(rule.get("right"), 40, en)
    who = variable_words(left, en)
    if en:
        return {
            "equals": f"{who} is “{right}”", "not_equals": f"{who} is not “{right}”",
            "contains": f"{who} contains “{right}”", "gt": f"{who} is more than {right}",
            "lt": f"{who} is less than {right}", "gte": f"{who} is at least {right}",
            "lte": f"{who} is at most {right}", "is_set": f"{who} is filled in",
            "is_not_set": f"{who} is not filled in yet",
            "regex": f"{who} is in the expected format",
            "has_tag": f"the customer has the tag “{right}”",
            "not_has_tag": f"the customer does not have the tag “{right}”",
        }.get(str(op), f"{who} meets the rule")
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


def _split(data: dict, en: bool = False) -> str:
    branches = [b for b in data.get("branches") or [] if isinstance(b, dict)]
    weights = [max(0, b["weight"]) if isinstance(b.get("weight"), int) else 0 for b in branches]
    total = sum(weights)
    parts = [f"{_cut(b.get('label') or '?', 30)} ({round(100 * w / total) if total else 0}%)"
             for b, w in zip(branches, weights, strict=True)]
    if en:
        return "Splits the customers between the paths " + ", ".join(parts) if parts else \
            "Splits the customers between paths"
    return "Divide os clientes entre os caminhos " + ", ".join(parts) if parts else \
        "Divide os clientes entre caminhos"


def _summary(kind: str, data: dict, en: bool = False) -> str:
    return _summary_en(kind, data) if en else _summary_pt(kind, data)


def _amount(data: dict, key: str) -> int:
    try:
        return int(data.get(key) or 0)
    except (TypeError, ValueError):
        return 0


def _summary_en(kind: str, data: dict) -> str:
    def words(text: Any, n: int = 140) -> str:
        return _words(text, n, True)

    if kind == "start":
        said = [k for t in data.get("triggers") or [] if isinstance(t, dict)
                for k in t.get("keywords") or []]
        return ("Starts when the customer writes: " + ", ".join(said[:8])) if said \
            else "Starts with any message"
    if kind == "message":
        text = "Sends: “" + words(data.get("text") or (data.get("media") or {}).get("caption")
                                  or "") + "”"
        if data.get("buttons"):
            text += " — with the buttons " + " | ".join(b.get("title", "")
                                                        for b in data["buttons"])
        elif data.get("sections"):
            rows = [r.get("title", "") for s in data["sections"] for r in s.get("rows") or []]
            text += " — with the list " + " | ".join(rows)
        return text
    if kind == "question":
        asks = _ASKS.get(data.get("validator"), ("", ""))[1]
        return (f"Asks: “{words(data.get('text'))}” and saves the answer as "
                f"“{variable_words(data.get('variable'), True)}”{asks}")
    if kind == "condition":
        rules = [_condition(r, True) for r in data.get("rules") or [] if isinstance(r, dict)]
        joiner = " or " if data.get("logic") == "or" else " and "
        return "Takes a path if " + joiner.join(rules) if rules else "Chooses a path"
    if kind == "set_variable":
        name = variable_words(data.get("variable"), True)
        if str(data.get("value") or "").strip() == "":
            return f"Clears “{name}”"
        return f"Saves “{words(data.get('value'), 60)}” as “{name}”"
    if kind == "tag":
        parts = [f"adds the tag “{t}”" for t in data.get("add") or []]
        parts += [f"removes the tag “{t}”" for t in data.get("remove") or []]
        return ", ".join(parts).capitalize()
    if kind == "http_request":
        host = urlsplit(str(data.get("url") or "")).hostname or "an outside system"
        return f"Looks something up in an outside system ({host})"
    if kind == "ai_reply":
        return "Answers with the AI assistant, using your catalog"
    if kind == "handoff":
        said = words(data.get("text") or data.get("note") or "")
        return "Hands the conversation to the team" + (f": “{said}”" if said else "")
    if kind == "delay":
        amount = _amount(data, "amount")
        unit = _UNITS.get(data.get("unit"), ("", "", "", ""))
        return f"Waits {amount} {unit[2] if amount == 1 else unit[3]}".strip()
    if kind == "goal":
        return f"Counts as a goal reached: “{variable_words(data.get('name'), True)}”"
    if kind == "randomizer":
        return _split(data, True)
    if kind == "template":
        return f"Sends the approved message template “{_cut(data.get('name'), 60)}”"
    if kind == "consent":
        return "Records that the customer agreed to receive offers on WhatsApp"
    if kind == "reminder":
        amount = _amount(data, "before_amount")
        unit = _UNITS.get(data.get("before_unit"), ("", "", "", ""))
        when = " at ".join(words(str(data.get(k) or "")) for k in ("date", "time")
                           if str(data.get(k) or "").strip())
        return (f"Sets a reminder {amount} {unit[2] if amount == 1 else unit[3]} before "
                f"{when or 'a date'}; at that time, goes on by the reminder's path")
    if kind == "goto_flow":
        return "Goes on in another flow"
    if kind == "end":
        return "Ends the conversation"
    return ""


def _summary_pt(kind: str, data: dict) -> str:
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
        asks = _ASKS.get(data.get("validator"), ("", ""))[0]
        return (f"Pergunta: “{_words(data.get('text'))}” e guarda a resposta como "
                f"“{variable_words(data.get('variable'))}”{asks}")
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
        amount = _amount(data, "amount")
        one, many = _UNITS.get(data.get("unit"), ("", "", "", ""))[:2]
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
        amount = _amount(data, "before_amount")
        one, many = _UNITS.get(data.get("before_unit"), ("", "", "", ""))[:2]
        when = " às ".join(_words(str(data.get(k) or "")) for k in ("date", "time")
                           if str(data.get(k) or "").strip())
        return (f"Marca um lembrete para {amount} {one if amount == 1 else many} antes de "
                f"{when or 'uma data'}; no horário, continua pelo caminho do lembrete")
    if kind == "goto_flow":
        return "Continua em outro fluxo"
    if kind == "end":
        return "Encerra a conversa"
    return ""


def outline(flow: Any, lang: str = "pt-BR") -> list[dict[str, str]]:
    """[{"kind", "label", "text"}] in breadth-first order from the start node."""
    en = lang == "en"
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
        label = KIND_LABELS.get(kind, (kind, kind))[1 if en else 0]
        lines.append({"kind": kind, "label": label,
                      "text": _cut(data.get("label"), 40) + (" — " if data.get("label") else "")
                      + _summary(kind, data, en)})
    return lines


def outline_text(flow: Any) -> str:
    return "\n".join(f"[{line['label']}] {line['text']}" for line in outline(flow))
