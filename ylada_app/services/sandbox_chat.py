"""Talk to a flow in memory, through the real engine: no database, no pipeline.

`TerminalChat` drives `ylada chat` (the terminal) and the editor's draft test chat.
A reply button or list row can be picked by its title or number. Delays are skipped (the
timer fires at once); HTTP requests go through `perform_http` (real by default) and AI
answers through `ai` (an effect → result callable; without one the flow takes its error path).
A flow's message template is shown as its approved text with the values filled in when the
caller knows the texts (`template_bodies`), else by its name and values; an A/B split picks
its branch from `seed` (a new one per test chat, so restarting may take the other way).
"""

from __future__ import annotations

import io
import re
import secrets
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TextIO

from ylada_app.engine import FlowSet, handle
from ylada_app.engine.text import fold_loose as _norm_text
from ylada_app.models.base import utcnow

DEFAULT_REPLY = "Desculpe, não entendi. Envie *menu* para ver as opções."
_TEMPLATE_VAR = re.compile(r"{{\s*(\d+)\s*}}")


def template_text(message: dict[str, Any], bodies: Mapping[str, str] | None = None) -> str:
    """What a flow's template message says: the approved body (`bodies`, keyed
    "name|language") with its {{n}} filled in, else its name and values."""
    name, language = str(message.get("name") or ""), str(message.get("language") or "")
    values = [str(v) for v in message.get("variables") or []]
    body = (bodies or {}).get(f"{name}|{language}")
    if body:
        return _TEMPLATE_VAR.sub(lambda m: values[int(m.group(1)) - 1]
                                 if 0 < int(m.group(1)) <= len(values) else m.group(0), body)
    label = f"📄 Modelo de mensagem “{name}” ({language})"
    return label + ("\n" + " · ".join(values) if values else "")


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
        lines.append(str(message.get("text") or template_text(message)))
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
                 out: TextIO = sys.stdout,
                 perform_http: Callable[[dict], dict] | None = None,
                 ai: Callable[[dict], dict] | None = None, seed: str | None = None,
                 template_bodies: Mapping[str, str] | None = None) -> None:
        self.flows = flows
        self.seed = seed
        self.template_bodies = template_bodies
        self.ai = ai
        self.state: dict | None = None
        self.contact = {"wa_id": wa_id, "name": name, "tags": [], "fields": {},
                        "opted_out": False}
        self.out = out
        self.options: list[dict] = []
        self.now = utcnow()
        self.perform_http = perform_http
        self._reminders: list[dict] = []  # set by this turn; fired at once when it ends

    def say(self, text: str) -> list[dict]:
        event = self._event_for(text)
        sent = self._run(event)
        # A reminder is not waited for in a test chat: it fires as soon as the turn ends (a
        # path that sets it again is not followed round and round).
        for _ in range(3):
            if not self._reminders:
                break
            due, self._reminders = self._reminders, []
            for action in due:
                sent += self._run({"kind": "reminder", "flow_id": action.get("flow_id"),
                                   "node_id": action.get("node_id")})
        self._reminders = []
        return sent

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
            result = handle(self.flows, self.state, event, self.contact, self.now,
                            seed=self.seed)
            self.state = result.state
            for msg in result.messages:
                if msg.get("type") == "template":
                    msg = {**msg, "text": template_text(msg, self.template_bodies)}
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
                res = self._http(effect)
                self.out.write(f"     (HTTP {effect.get('method')} {effect.get('url')} → "
                               f"{res.get('status') or res.get('error')})\n")
                event = {"kind": "effect_result", "effect_id": effect.get("id"), "result": res}
            elif effect.get("kind") == "ai_reply" and self.ai is not None:
                res = self.ai(effect)
                if effect.get("fallback"):  # the AI fallback answers outside any flow
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

    def _http(self, effect: dict) -> dict:
        if self.perform_http is not None:
            return self.perform_http(effect)
        from ylada_app.integrations import http_request

        return http_request.perform(effect)

    def _apply(self, actions: Iterable[dict]) -> None:
        for action in actions:
            kind = action.get("type")
            if kind == "add_tag" and action.get("tag") not in self.contact["tags"]:
                self.contact["tags"].append(action.get("tag"))
            elif kind == "remove_tag" and action.get("tag") in self.contact["tags"]:
                self.contact["tags"].remove(action.get("tag"))
            elif kind in ("opt_out", "opt_in"):
                self.contact["opted_out"] = kind == "opt_out"
            elif kind == "consent" and not self.contact.get("opted_out"):
                self.out.write("     (consentimento para ofertas registrado)\n")
            elif kind == "handoff":
                self.out.write("     (conversa transferida para um atendente humano)\n")
            elif kind == "reminder":
                when = str(action.get("local_at") or "")[:16].replace("T", " ")
                hours = int(action.get("before_s") or 0) // 3600
                self.out.write(f"     (lembrete marcado: {hours} h antes de {when} — no teste, "
                               "chega agora)\n")
                self._reminders.append(action)


def no_http(_effect: dict) -> dict:
    """Previews never call the outside world: an HTTP request is answered as failed."""
    return {"status": None, "json": None, "error": "preview"}


def preview_reply(definition: dict, saved: dict | None, text: str, *,
                  name: str = "Cliente") -> tuple[list[dict], dict]:
    """One message to a flow held in memory (the marketplace's "try it" chat): `saved`
    carries the engine state, the contact and the options on screen between calls. HTTP
    requests are answered as failed without being sent; delays are skipped."""
    chat = TerminalChat(FlowSet.from_definitions({"template": definition},
                                                 default_reply=DEFAULT_REPLY),
                        name=name, out=io.StringIO(), perform_http=no_http)
    saved = saved or {}
    chat.state = saved.get("engine")
    chat.contact = saved.get("contact") or chat.contact
    chat.options = list(saved.get("options") or [])
    sent = chat.say(text)
    return sent, {"engine": chat.state, "contact": chat.contact, "options": chat.options}


# --- the editor's draft test chat -----------------------------------------------------------

SANDBOX_FLOW_ID = "draft"


@dataclass
class SandboxTurn:
    """What one message to the draft produced, plus the snapshot to pass back next time."""

    messages: list[dict]
    snapshot: dict[str, Any]
    node_id: str | None
    problems: list[str]


_WORD_SETTINGS = ("optout_words", "optout_reply", "optin_words", "optin_reply")


def sandbox_say(definition: dict[str, Any], snapshot: dict[str, Any] | None, text: str, *,
                perform_http: Callable[[dict], dict] | None = None,
                template_bodies: Mapping[str, str] | None = None,
                words: Mapping[str, Any] | None = None) -> SandboxTurn:
    """Send `text` to the DRAFT `definition`, in memory. `snapshot` (from the previous turn,
    or None for a new conversation) carries the engine state, the contact, the options
    last shown and the A/B seed, so a page can keep it in its own state between turns.
    `template_bodies` ("name|language" → approved body) lets a template show its text;
    `words` (services.instances.optout_fields) are the number's opt-out / opt-in words."""
    settings = {key: tuple(value) if isinstance(value, list | tuple) else value
                for key, value in (words or {}).items() if key in _WORD_SETTINGS}
    flows = FlowSet.from_definitions({SANDBOX_FLOW_ID: definition}, default_reply=DEFAULT_REPLY,
                                     **settings)
    problems = flows.skipped.get(SANDBOX_FLOW_ID, [])
    snap = snapshot or {}
    seed = snap.get("seed") if isinstance(snap.get("seed"), str) else secrets.token_hex(6)
    chat = TerminalChat(flows, out=io.StringIO(), perform_http=perform_http, seed=seed,
                        template_bodies=template_bodies)
    chat.state = snap.get("state")
    if isinstance(snap.get("contact"), dict):
        chat.contact = snap["contact"]
    chat.options = list(snap.get("options") or [])
    messages = chat.say(text) if not problems else []
    state = chat.state or {}
    node_id = state.get("node_id") if state.get("flow_id") == SANDBOX_FLOW_ID else None
    return SandboxTurn(messages, {"state": chat.state, "contact": chat.contact,
                                  "options": chat.options, "seed": seed}, node_id, problems)
