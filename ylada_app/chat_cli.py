"""`ylada chat`: talk to a flow in the terminal, through the real engine.

    ylada chat --flow menu.json                      # interactive
    ylada chat --flow menu.json --say oi --say "Ver catálogo"   # scripted

A reply button or list row can be picked by typing its title (or its number). HTTP
requests run for real; delays are skipped (the timer fires at once) and say so.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from ylada_app.engine import FlowSet, handle, validate_flow
from ylada_app.engine.text import fold_loose as _norm_text
from ylada_app.integrations import http_request
from ylada_app.models.base import utcnow

DEFAULT_REPLY = "Desculpe, não entendi. Envie *menu* para ver as opções."


def load_flowset(paths: list[str]) -> FlowSet:
    definitions = {}
    for i, path in enumerate(paths):
        definitions[Path(path).stem or str(i)] = json.loads(Path(path).read_text("utf-8"))
    return FlowSet.from_definitions(definitions, default_reply=DEFAULT_REPLY)


def _options(message: dict) -> list[dict]:
    if message.get("type") == "buttons":
        return list(message.get("buttons") or [])
    if message.get("type") == "list":
        return [row for sec in message.get("sections") or [] for row in sec.get("rows") or []]
    return []


def render(message: dict[str, Any]) -> str:
    kind = message.get("type")
    lines: list[str] = []
    if message.get("header"):
        lines.append(f"*{message['header']}*")
    if kind == "media":
        lines.append(f"[{message.get('kind')}] {message.get('url')}")
        if message.get("caption"):
            lines.append(str(message["caption"]))
    elif kind == "template":
        lines.append(f"[template {message.get('name')}]")
    else:
        lines.append(str(message.get("text") or ""))
    opts = _options(message)
    if kind == "buttons":
        lines.append("  ".join(f"[{o['title']}]" for o in opts))
    elif kind == "list":
        lines.append(f"≡ {message.get('button_label') or 'Opções'}")
        lines += [f"  {n}. {o['title']}" + (f" — {o['description']}" if o.get("description")
                                             else "") for n, o in enumerate(opts, 1)]
    if message.get("footer"):
        lines.append(f"_{message['footer']}_")
    return "\n".join(lines)


class TerminalChat:
    def __init__(self, flows: FlowSet, *, name: str = "Cliente", wa_id: str = "5511900000000",
                 out: TextIO = sys.stdout, perform_http: bool = True, ai: Any = None) -> None:
        self.flows = flows
        self.perform_http = perform_http
        self.ai = ai  # effect -> engine result, for `--instance` (the instance's assistant)
        self.state: dict | None = None
        self.contact = {"wa_id": wa_id, "name": name, "tags": [], "fields": {},
                        "opted_out": False}
        self.out = out
        self.options: list[dict] = []
        self.now = utcnow()

    def say(self, text: str) -> list[dict]:
        event = self._event_for(text)
        return self._run(event)

    def _event_for(self, text: str) -> dict:
        wanted = _norm_text(text)
        for n, opt in enumerate(self.options, 1):
            if wanted in (_norm_text(opt.get("title", "")), str(n)):
                return {"kind": "message", "type": "button_reply", "text": opt["title"],
                        "title": opt["title"], "payload": opt["id"]}
        return {"kind": "message", "type": "text", "text": text, "payload": None}

    def _run(self, event: dict) -> list[dict]:
        sent: list[dict] = []
        for _ in range(20):
            result = handle(self.flows, self.state, event, self.contact, self.now)
            self.state = result.state
            for msg in result.messages:
                sent.append(msg)
                self.out.write("bot> " + render(msg).replace("\n", "\n     ") + "\n")
                if _options(msg):
                    self.options = _options(msg)
            self._apply(result.actions)
            effect = next(iter(result.effects), None)
            if effect is None:
                break
            if effect.get("kind") == "delay":
                seconds = int(effect.get("seconds") or 0)
                self.out.write(f"     (aguardando {seconds} s — pulado no terminal)\n")
                self.now += timedelta(seconds=seconds + 1)
                event = {"kind": "timer", "token": effect.get("id")}
            elif effect.get("kind") == "http_request":
                res = (http_request.perform(effect) if self.perform_http
                       else {"status": None, "json": None, "error": "preview"})
                self.out.write(f"     (HTTP {effect.get('method')} {effect.get('url')} → "
                               f"{res.get('status') or res.get('error')})\n")
                event = {"kind": "effect_result", "effect_id": effect.get("id"), "result": res}
            elif effect.get("kind") == "ai_reply" and self.ai is not None:
                res = self.ai(effect)
                if effect.get("fallback"):
                    text = res.get("text") or res.get("fallback_text") or ""
                    sent.append({"type": "text", "text": text})
                    self.out.write("bot> " + text.replace("\n", "\n     ") + "\n")
                    break
                event = {"kind": "effect_result", "effect_id": effect.get("id"), "result": res}
            else:
                event = {"kind": "effect_result", "effect_id": effect.get("id"),
                         "result": {"error": "IA ainda não configurada no terminal"}}
        self.out.flush()
        return sent

    def _apply(self, actions: Iterable[dict]) -> None:
        for action in actions:
            kind = action.get("type")
            if kind == "add_tag" and action.get("tag") not in self.contact["tags"]:
                self.contact["tags"].append(action.get("tag"))
            elif kind == "remove_tag" and action.get("tag") in self.contact["tags"]:
                self.contact["tags"].remove(action.get("tag"))
            elif kind in ("opt_out", "opt_in"):
                self.contact["opted_out"] = kind == "opt_out"
            elif kind == "handoff":
                self.out.write("     (conversa transferida para um atendente humano)\n")


def preview_reply(definition: dict, saved: dict | None, text: str, *,
                  name: str = "Cliente") -> tuple[list[dict], dict]:
    """One message to a flow held in memory (the marketplace's "try it" chat): `saved`
    carries the engine state, the contact and the options on screen between calls. HTTP
    requests are answered as failed without being sent; delays are skipped."""
    chat = TerminalChat(FlowSet.from_definitions({"template": definition},
                                                 default_reply=DEFAULT_REPLY),
                        name=name, out=io.StringIO(), perform_http=False)
    saved = saved or {}
    chat.state = saved.get("engine")
    chat.contact = saved.get("contact") or chat.contact
    chat.options = list(saved.get("options") or [])
    sent = chat.say(text)
    return sent, {"engine": chat.state, "contact": chat.contact, "options": chat.options}


def definitions_from_db(*, instance_id: int | None, flow_id: int | None) -> dict[str, dict]:
    """Operator path: an instance's active flows, or one flow's draft, from the database."""
    from ylada_app.core.db import session_scope
    from ylada_app.models import Flow
    from ylada_app.services.flows import active_definitions

    with session_scope() as session:
        if flow_id is not None:
            flow = session.get(Flow, flow_id)
            return {str(flow.id): flow.draft} if flow is not None else {}
        return active_definitions(session, instance_id=instance_id or 0)


def template_definition(slug: str) -> dict | None:
    """A packaged marketplace template's flow with its default parameter values."""
    from ylada_app.services.marketplace import packaged_template

    data = packaged_template(slug)
    return None if data is None else _template_flow(data)


def _template_flow(data: dict) -> dict:
    from ylada_app.services.template_params import apply_params, default_values

    return apply_params(data["flow"], default_values(data.get("parameters") or []))


def _instance_ai(instance_id: int | None) -> tuple[Any, bool]:
    """The instance's AI assistant for ai_reply effects (and whether its fallback is on)."""
    if instance_id is None:
        return None, False
    from ylada_app.core.db import session_scope
    from ylada_app.jobs.ai import perform_ai_reply
    from ylada_app.models import Instance
    from ylada_app.services import ai as ai_svc

    with session_scope() as session:
        inst = session.get(Instance, instance_id)
        if inst is None:
            return None, False
        tenant_id = inst.tenant_id
        fallback = ai_svc.fallback_enabled(session, instance_id)

    def answer(effect: dict) -> dict:
        return perform_ai_reply(effect, tenant_id=tenant_id, instance_id=instance_id,
                                conversation_id=None)

    return answer, fallback


def run_chat(paths: list[str], says: list[str], *, name: str, out: TextIO = sys.stdout,
             inp: TextIO = sys.stdin, instance_id: int | None = None,
             flow_id: int | None = None, template: str | None = None) -> int:
    if template is not None:
        definition = template_definition(template)
        if definition is None:
            print(f"template desconhecido: {template}", file=sys.stderr)
            return 1
        flows = FlowSet.from_definitions({template: definition}, default_reply=DEFAULT_REPLY)
        return _converse(TerminalChat(flows, name=name, out=out), says, out, inp)
    if instance_id is not None or flow_id is not None:
        definitions = definitions_from_db(instance_id=instance_id, flow_id=flow_id)
        if not definitions:
            print("nenhum fluxo ativo encontrado para essa instância/fluxo", file=sys.stderr)
            return 1
        flows = FlowSet.from_definitions(definitions, default_reply=DEFAULT_REPLY)
        ai, fallback = _instance_ai(instance_id)
        if fallback:
            flows = replace(flows, ai_fallback=True)
        return _converse(TerminalChat(flows, name=name, out=out, ai=ai), says, out, inp)
    for path in paths:
        try:
            data = json.loads(Path(path).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            print(f"{path}: não foi possível ler o JSON ({exc})", file=sys.stderr)
            return 2
        report = validate_flow(data)
        if not report.ok:
            for issue in report.errors:
                print(f"{path}: erro: {issue.message}", file=sys.stderr)
            return 1
    return _converse(TerminalChat(load_flowset(paths), name=name, out=out), says, out, inp)


def _converse(chat: TerminalChat, says: list[str], out: TextIO, inp: TextIO) -> int:
    if says:
        for text in says:
            out.write(f"você> {text}\n")
            chat.say(text)
        return 0
    out.write("Converse com o bot (Ctrl+D para sair).\n")
    for line in inp:
        if line.strip():
            chat.say(line.rstrip("\n"))
    return 0


def validate_files(paths: list[str], out: TextIO = sys.stdout) -> int:
    """`ylada flow validate`: prints errors and warnings; exit 1 if any file has errors."""
    status = 0
    for path in paths:
        try:
            data = json.loads(Path(path).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            out.write(f"{path}: erro: JSON ilegível ({exc})\n")
            status = 1
            continue
        if isinstance(data, dict) and "slug" in data and isinstance(data.get("flow"), dict):
            data = _template_flow(data)  # a marketplace template file: its flow, defaults applied
        report = validate_flow(data)
        for issue in report.errors:
            out.write(f"{path}: erro: {issue.message}\n")
        for issue in report.warnings:
            out.write(f"{path}: aviso: {issue.message}\n")
        if report.ok:
            out.write(f"{path}: ok ({len(report.warnings)} aviso(s))\n")
        else:
            status = 1
    return status
