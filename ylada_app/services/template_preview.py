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


# What each block does, as a sentence: (pt-BR, English), formatted with the block's own words
_SAYS = {
    "start": ("Começa quando o cliente escreve: {words}", "Starts when the customer writes: "
              "{words}"),
    "start_any": ("Começa com qualquer mensagem", "Starts with any message"),
    "sends": ("Envia: “{text}”", "Sends: “{text}”"),
    "buttons": (" — com os botões {titles}", " — with the buttons {titles}"),
    "list": (" — com a lista {titles}", " — with the list {titles}"),
    "question": ("Pergunta: “{text}” e guarda a resposta como “{name}”{asks}",
                 "Asks: “{text}” and saves the answer as “{name}”{asks}"),
    "condition": ("Segue por um caminho se {rules}", "Takes a path if {rules}"),
    "condition_none": ("Escolhe um caminho", "Chooses a path"),
    "or": (" ou ", " or "), "and": (" e ", " and "),
    "clears": ("Limpa “{name}”", "Clears “{name}”"),
    "saves": ("Guarda “{value}” como “{name}”", "Saves “{value}” as “{name}”"),
    "adds_tag": ("adiciona a etiqueta “{tag}”", "adds the tag “{tag}”"),
    "removes_tag": ("remove a etiqueta “{tag}”", "removes the tag “{tag}”"),
    "http": ("Consulta um sistema externo ({host})",
             "Looks something up in an outside system ({host})"),
    "outside": ("um sistema externo", "an outside system"),
    "ai_reply": ("Responde com o assistente de IA, usando o seu catálogo",
                 "Answers with the AI assistant, using your catalog"),
    "handoff": ("Passa a conversa para a equipe", "Hands the conversation to the team"),
    "delay": ("Espera {amount} {unit}", "Waits {amount} {unit}"),
    "goal": ("Conta como meta alcançada: “{name}”", "Counts as a goal reached: “{name}”"),
    "template": ("Envia o modelo de mensagem aprovado “{name}”",
                 "Sends the approved message template “{name}”"),
    "consent": ("Registra que o cliente aceitou receber ofertas pelo WhatsApp",
                "Records that the customer agreed to receive offers on WhatsApp"),
    "reminder": ("Marca um lembrete para {amount} {unit} antes de {when}; no horário, continua "
                 "pelo caminho do lembrete",
                 "Sets a reminder {amount} {unit} before {when}; at that time, goes on by the "
                 "reminder's path"),
    "at": (" às ", " at "), "a_date": ("uma data", "a date"),
    "goto_flow": ("Continua em outro fluxo", "Goes on in another flow"),
    "end": ("Encerra a conversa", "Ends the conversation"),
}


def _amount(data: dict, key: str) -> int:
    try:
        return int(data.get(key) or 0)
    except (TypeError, ValueError):
        return 0


def _unit(data: dict, amount_key: str, unit_key: str, en: bool) -> tuple[int, str]:
    amount = _amount(data, amount_key)
    forms = _UNITS.get(data.get(unit_key), ("", "", "", ""))
    return amount, forms[(2 if en else 0) + (amount != 1)]


def _summary(kind: str, data: dict, en: bool = False) -> str:
    def say(key: str, **values: Any) -> str:
        return _SAYS[key][1 if en else 0].format(**values)

    def words(text: Any, n: int = 140) -> str:
        return _words(text, n, en)

    if kind == "start":
        said = [k for t in data.get("triggers") or [] if isinstance(t, dict)
                for k in t.get("keywords") or []]
        return say("start", words=", ".join(said[:8])) if said else say("start_any")
    if kind == "message":
        text = say("sends", text=words(data.get("text")
                                       or (data.get("media") or {}).get("caption") or ""))
        if data.get("buttons"):
            text += say("buttons", titles=" | ".join(b.get("title", "")
                                                     for b in data["buttons"]))
        elif data.get("sections"):
            rows = [r.get("title", "") for s in data["sections"] for r in s.get("rows") or []]
            text += say("list", titles=" | ".join(rows))
        return text
    if kind == "question":
        asks = _ASKS.get(data.get("validator"), ("", ""))[1 if en else 0]
        return say("question", text=words(data.get("text")),
                   name=variable_words(data.get("variable"), en), asks=asks)
    if kind == "condition":
        rules = [_condition(r, en) for r in data.get("rules") or [] if isinstance(r, dict)]
        joiner = say("or") if data.get("logic") == "or" else say("and")
        return say("condition", rules=joiner.join(rules)) if rules else say("condition_none")
    if kind == "set_variable":
        name = variable_words(data.get("variable"), en)
        if str(data.get("value") or "").strip() == "":
            return say("clears", name=name)
        return say("saves", value=words(data.get("value"), 60), name=name)
    if kind == "tag":
        parts = [say("adds_tag", tag=t) for t in data.get("add") or []]
        parts += [say("removes_tag", tag=t) for t in data.get("remove") or []]
        return ", ".join(parts).capitalize()
    if kind == "http_request":
        return say("http", host=urlsplit(str(data.get("url") or "")).hostname
                   or say("outside"))
    if kind == "handoff":
        said = words(data.get("text") or data.get("note") or "")
        return say("handoff") + (f": “{said}”" if said else "")
    if kind == "delay":
        amount, unit = _unit(data, "amount", "unit", en)
        return say("delay", amount=amount, unit=unit).strip()
    if kind == "goal":
        return say("goal", name=variable_words(data.get("name"), en))
    if kind == "randomizer":
        return _split(data, en)
    if kind == "template":
        return say("template", name=_cut(data.get("name"), 60))
    if kind == "reminder":
        amount, unit = _unit(data, "before_amount", "before_unit", en)
        when = say("at").join(words(str(data.get(k) or "")) for k in ("date", "time")
                              if str(data.get(k) or "").strip())
        return say("reminder", amount=amount, unit=unit, when=when or say("a_date"))
    if kind in ("ai_reply", "consent", "goto_flow", "end"):
        return say(kind)
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
