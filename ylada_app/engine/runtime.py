"""The flow interpreter: one pure function, `handle`, called once per event.

    handle(flows: FlowSet, state: dict | None, event: dict, contact: dict, now: datetime,
           *, max_steps: int = 100, seed: str | None = None,
           today: date | None = None) -> StepResult

The caller (a worker) loads the conversation's `state`, calls `handle` for each pending
event in order, stores `result.state`, delivers `result.messages`, applies
`result.actions`, records `result.events`, and carries out `result.effects`, feeding
their outcome back as another event. The engine does no I/O, reads no clock (`now`, naive
UTC, is an argument), uses no randomness and never raises. `today` is the business's local
date, for a date question answered "amanhã" or "sexta"; without it, Brasília's date at
`now` (UTC−3 all year: Brazil keeps no summer time).

`seed` is what a ``randomizer`` (A/B split) draws its branch from, instead of randomness: a
string that stays the same for a contact (the worker passes its contact row's id). The
branch is a hash of (seed, flow id, node id) spread over the weights, so a contact who
passes the same split twice takes the same branch, and many contacts split by the weights.
Without a seed the contact's ``wa_id`` is used.

Events in::

    {"kind": "message", "type": "text" | "button_reply" | "list_reply" | "image" | ...,
     "text": str | None, "payload": str | None, "title": str | None,
     "referral": {"source_id": ...} | None}
    {"kind": "timer", "token": <id of the delay effect>}
    {"kind": "effect_result", "effect_id": <id>, "result": {...}}
        http_request: {"status": int | None, "json": <parsed body> | None,
                       "error": str | None}    # "timeout", "connection", ...; ok = no
                                               # error and 200 <= status < 300
        ai_reply:     {"text": str} or {"error": str, "fallback_text"?: str}
                                               # fallback_text is sent when the node's
                                               # error handle is not connected
    {"kind": "resume_bot"}                     # an agent hands the chat back to the bot
    {"kind": "start_flow", "flow_id": str}     # push the contact into a flow (API/broadcast)
    {"kind": "reminder", "flow_id", "node_id"} # a reminder block's moment came: go on
                                               # from its ``later`` handle

contact: ``{"wa_id", "name", "tags": [...], "fields": {...}, "opted_out": bool}``.

Messages out::

    {"type": "text", "text"}
    {"type": "media", "kind": image|video|audio|document, "url", "caption", "filename"?}
    {"type": "buttons", "text", "buttons": [{"id", "title"}], "header"?, "footer"?}
    {"type": "list", "text", "button_label", "sections": [{"title"?, "rows":
        [{"id", "title", "description"?}]}], "header"?, "footer"?}
    {"type": "template", "name", "language", "variables": [str], "header_link"?: str}
        # an approved WhatsApp template, its {{n}} values rendered; the caller checks that
        # the number has it approved and builds the real send payload

Effects out (the engine pauses on each; at most one per call)::

    {"id", "kind": "http_request", "flow_id", "node_id", "method", "url", "headers",
     "body", "timeout_s"}                      # resume with effect_result
    {"id", "kind": "ai_reply", "flow_id", "node_id", "prompt", "use_knowledge",
     "user_text"}                              # resume with effect_result
    {"id", "kind": "ai_reply", "flow_id": None, "node_id": None, "prompt": None,
     "use_knowledge": True, "user_text", "fallback": True, "fallback_text"}
                                               # FlowSet.ai_fallback: nothing matched and no
                                               # session; no pause, nothing to feed back
    {"id", "kind": "delay", "flow_id", "node_id", "seconds", "wake_at"}
                                               # resume with timer(token=id) at wake_at

Actions out: ``{"type": "set_var", "name", "value"}``, ``{"type": "add_tag", "tag"}``,
``{"type": "remove_tag", "tag"}``, ``{"type": "opt_out"}``, ``{"type": "opt_in"}``,
``{"type": "consent", "flow_id", "node_id"}`` (a consent block: the contact agrees to
marketing messages; the caller records it, never over an opt-out),
``{"type": "reminder", "flow_id", "node_id", "local_at", "before_s"}`` (a reminder
block: ``local_at`` is the appointment's moment, ISO without a zone, in the business's
timezone; the caller turns it and ``before_s`` into a timer that feeds back a ``reminder``
event — one per block and contact: setting it again replaces it — and drops it when that
moment is already past),
``{"type": "handoff", "flow_id", "node_id", "note"}``, ``{"type": "end", "flow_id",
"node_id", "reason"}``, ``{"type": "answer", "name", "value"}`` (a question answered: the
caller keeps it on the contact).

Behaviour worth knowing:

* Opt-out words (the whole message, case/accent-insensitive; a tap on an option of the
  menu on screen never counts) end any session, emit ``opt_out`` and send `optout_reply`
  once; afterwards the engine returns nothing for the contact until an opt-in word.
  Opt-out is honoured even during a human handoff. ``contact["opted_out"]`` is
  authoritative when given (the caller applies the opt_out/opt_in actions to the contact
  row); the state mirrors it so that a caller that omits it still gets silence.
* While ``status == "human"`` inbound messages are ignored until a ``resume_bot`` event,
  which continues from the handoff node's ``out`` edge (or ends the session).
* Buttons/list: a tap matches by id; typed text matches a title (case/accent-insensitive)
  or an option's number ("2"). Anything else follows the ``other`` handle if connected;
  otherwise the menu is sent again (after `retry_text`), up to `max_retries` times, and
  then the session ends so the next message goes through the triggers again.
* Questions: exact keyword triggers win over the answer (typing "menu" leaves the
  question); after `max_retries` re-asks the ``invalid`` handle is followed.
* A message arriving while a delay or an effect is pending goes through the triggers
  only: a button-payload, referral or exact-keyword trigger starts that flow and cancels
  the pending delay/effect (its late timer/result is ignored as stale); anything else is
  ignored (event ``message_ignored``) and the delay keeps running.
* Timers: a matching token fired more than 5 s before `wake_at` is not honoured; the delay
  effect is returned again so the scheduler re-arms it.
* A state pointing at a flow or node that no longer exists (the flow was edited or
  deactivated) is reset (event ``state_reset``) and the event is handled as if no session
  were active.
* At most `max_steps` nodes run per call; a cycle that exhausts them ends the session
  with event ``loop_stopped``. So does a delay waking for the QUIET_WAKES_MAX+1-th time
  since the customer last wrote (a cycle through a delay block).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ylada_app.engine import limits as lim
from ylada_app.engine.conditions import evaluate
from ylada_app.engine.jsonpath import extract, storable
from ylada_app.engine.render import build_context, render
from ylada_app.engine.schema import OTHER, OUT, Flow
from ylada_app.engine.state import clear_session, load_state
from ylada_app.engine.text import fold_loose
from ylada_app.engine.triggers import match_trigger
from ylada_app.engine.types import FlowSet, StepResult
from ylada_app.engine.validate import branch_weight
from ylada_app.engine.validators import local_moment, parse_number, retry_text, validate_answer

DEFAULT_MAX_STEPS = 100
_MAX_STEPS_CAP = 10_000
_TIMER_TOLERANCE = timedelta(seconds=5)
_BRASILIA_OFFSET = timedelta(hours=3)  # the default business zone, behind UTC all year
_EPOCH = datetime(1970, 1, 1)
_WAITING_NODE = {
    "choice": ("message",),
    "input": ("question",),
    "effect": ("http_request", "ai_reply"),
    "delay": ("delay",),
    "human": ("handoff",),
}


def handle(
    flows: FlowSet,
    state: dict[str, Any] | None,
    event: dict[str, Any],
    contact: dict[str, Any],
    now: datetime,
    *,
    max_steps: int = DEFAULT_MAX_STEPS,
    seed: str | None = None,
    today: date | None = None,
) -> StepResult:
    """Process one event; see the module docstring. Never raises."""
    try:
        step = _Step(flows, state, contact, now, max_steps, seed, today)
        step.dispatch(event)
    except Exception as exc:  # the last line of defence: a bug must not kill the worker
        fallback = load_state(state)
        clear_session(fallback)
        return StepResult(
            state=fallback,
            events=[{"type": "engine_error", "error": f"{type(exc).__name__}: {exc}"[:300]}],
        )
    return step.result()


def _naive_utc(now: Any) -> datetime:
    if not isinstance(now, datetime):
        return _EPOCH
    if now.tzinfo is not None:
        return now.astimezone(UTC).replace(tzinfo=None)
    return now


def _load_contact(raw: Any) -> dict[str, Any]:
    c = raw if isinstance(raw, Mapping) else {}
    name, wa_id = c.get("name"), c.get("wa_id")
    tags, fields = c.get("tags"), c.get("fields")
    return {
        "name": name if isinstance(name, str) else "",
        "wa_id": str(wa_id) if isinstance(wa_id, str | int) else "",
        "tags": [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
        "fields": (
            {k: v for k, v in fields.items() if isinstance(k, str)}
            if isinstance(fields, Mapping) else {}
        ),
        # None when the caller did not say: the state's own flag decides then.
        "opted_out": c["opted_out"] if isinstance(c.get("opted_out"), bool) else None,
    }


def _is_word(text: str, words: Any) -> bool:
    folded = fold_loose(text)
    if not folded or not isinstance(words, tuple | list):
        return False
    return any(isinstance(w, str) and fold_loose(w) == folded for w in words)


class _Step:
    """One `handle` call: the working state plus everything collected for the result."""

    def __init__(self, flows: Any, state: Any, contact: Any, now: Any, max_steps: Any,
                 seed: Any = None, today: Any = None) -> None:
        self.flowset = flows if isinstance(flows, FlowSet) else FlowSet(flows={})
        self.flows: dict[str, Flow] = (
            self.flowset.flows if isinstance(self.flowset.flows, dict) else {}
        )
        self.state = load_state(state)
        self.contact = _load_contact(contact)
        if self.contact["opted_out"] is None:
            self.contact["opted_out"] = self.state["opted_out"]
        else:
            # The contact row is authoritative (an operator may have re-enabled it).
            self.state["opted_out"] = self.contact["opted_out"]
        self.now = _naive_utc(now)
        self.today: date = today if isinstance(today, date) and not isinstance(
            today, datetime) else (self.now - _BRASILIA_OFFSET).date()
        self.max_steps = (
            max(1, min(max_steps, _MAX_STEPS_CAP))
            if isinstance(max_steps, int) and not isinstance(max_steps, bool)
            else DEFAULT_MAX_STEPS
        )
        self.seed = seed if isinstance(seed, str) and seed else self.contact["wa_id"]
        self.steps = 0
        self.messages: list[dict[str, Any]] = []
        self.actions: list[dict[str, Any]] = []
        self.effects: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.changes: dict[str, Any] = {}

    def result(self) -> StepResult:
        return StepResult(
            state=self.state, messages=self.messages, actions=self.actions,
            effects=self.effects, events=self.events, contact_changes=self.changes,
        )

    # --- small helpers ----------------------------------------------------------------------

    def emit(self, event_type: str, /, **data: Any) -> None:
        self.events.append({"type": event_type, **data})

    def context(self) -> dict[str, Any]:
        return build_context(self.contact, self.state["vars"])

    def render(self, text: Any, limit: int) -> str:
        return render(text, self.context(), limit)

    def send_text(self, text: str) -> None:
        if text.strip():
            self.messages.append({"type": "text", "text": text[: lim.TEXT_MAX]})

    def new_id(self, kind: str) -> str:
        self.state["seq"] += 1
        return f"{kind}-{self.state['seq']}-{self.now:%Y%m%d%H%M%S}"

    def set_var(self, name: str | None, value: Any) -> None:
        if not name:
            return
        variables = self.state["vars"]
        if name not in variables and len(variables) >= lim.STATE_VARS_MAX:
            self.emit("vars_limit", name=name)
            return
        value = storable(value)
        variables[name] = value
        self.actions.append({"type": "set_var", "name": name, "value": value})

    def current(self) -> tuple[Flow | None, Any]:
        flow = self.flows.get(self.state["flow_id"] or "")
        return flow, flow.node(self.state["node_id"]) if flow else None

    @property
    def opted_out(self) -> bool:
        return bool(self.contact["opted_out"])

    # --- dispatch ---------------------------------------------------------------------------

    def dispatch(self, event: Any) -> None:
        if not isinstance(event, Mapping):
            self.emit("unknown_event", kind=None)
            return
        self.check_position()
        kind = event.get("kind")
        if kind == "message":
            self.on_message(event)
        elif self.opted_out:
            return  # nothing at all for an opted-out contact, not even a timer's message
        elif kind == "timer":
            self.on_timer(event)
        elif kind == "effect_result":
            self.on_effect_result(event)
        elif kind == "resume_bot":
            self.on_resume_bot()
        elif kind == "start_flow":
            self.on_start_flow(event)
        elif kind == "reminder":
            self.on_reminder(event)
        else:
            self.emit("unknown_event", kind=str(kind)[:40] if kind is not None else None)

    def check_position(self) -> None:
        """Reset a session whose flow/node vanished or no longer fits what it waits for."""
        st = self.state
        if st["status"] == "ended":
            return
        flow, node = self.current()
        if st["status"] == "human":
            return  # an agent owns the chat; a vanished node only matters on resume
        waiting = st["waiting"]
        fits = (
            node is not None
            and waiting in _WAITING_NODE
            and waiting != "human"
            and node.type in _WAITING_NODE[waiting]
        )
        if fits and waiting == "choice":
            fits = node.data.variant in ("buttons", "list")
        if fits and waiting in ("effect", "delay"):
            pending = st["pending"]
            fits = pending is not None and (pending["kind"] == "delay") == (waiting == "delay")
        if not fits:
            self.emit("state_reset", flow_id=st["flow_id"], node_id=st["node_id"])
            clear_session(st)

    # --- inbound messages -------------------------------------------------------------------

    def on_message(self, event: Mapping[str, Any]) -> None:
        self.state["quiet_wakes"] = 0
        text, title = event.get("text"), event.get("title")
        user_text = text if isinstance(text, str) else (title if isinstance(title, str) else "")
        user_text = user_text[: lim.TEXT_MAX]
        # Tapping an option of the menu on screen — or typing its title — is a choice even if
        # it is titled "Sair"; any other text or tap (a template's "Parar" quick reply) may
        # opt out.
        typed = "" if self.chose_current_option(event, user_text) else user_text
        fb = self.flowset
        if self.opted_out:
            if _is_word(typed, fb.optin_words):
                self.opt_in()
            return
        if _is_word(typed, fb.optout_words):
            self.opt_out()
            return
        self.state["last_input"] = user_text[: lim.LAST_INPUT_MAX] or None
        st = self.state
        if st["status"] == "human":
            self.emit("message_ignored", reason="human")
            return
        active = st["status"] == "bot"
        flow, node = self.current()
        if active and st["waiting"] == "choice":
            choice = self.match_choice(node, event, user_text)
            if choice is not None:
                self.emit("choice_made", flow_id=st["flow_id"], node_id=node.id, choice=choice)
                self.continue_from(flow, node, choice)
                return
        trigger = match_trigger(self.flows, event, user_text, session_active=active)
        if trigger is not None:
            self.start_flow(*trigger)
            return
        if active and st["waiting"] == "choice":
            self.choice_miss(flow, node)
        elif active and st["waiting"] == "input":
            self.answer_question(flow, node, user_text)
        elif active:
            self.emit("message_ignored", reason=st["waiting"])
        elif fb.ai_fallback is True and user_text.strip():
            # No pause: the session stays idle, the caller answers with the assistant.
            reply = fb.default_reply
            self.effects.append({
                "id": self.new_id("ai"), "kind": "ai_reply", "flow_id": None, "node_id": None,
                "prompt": None, "use_knowledge": True, "user_text": self.state["last_input"],
                "fallback": True,
                "fallback_text": (self.render(reply, lim.TEXT_MAX)
                                  if isinstance(reply, str) and reply.strip() else None),
            })
            self.emit("ai_fallback")
        else:
            reply = fb.default_reply
            if isinstance(reply, str) and reply.strip():
                self.send_text(self.render(reply, lim.TEXT_MAX))
            self.emit("fallback")

    def chose_current_option(self, event: Mapping[str, Any], user_text: str) -> bool:
        if self.state["waiting"] != "choice":
            return False
        _, node = self.current()
        if node is None:
            return False
        payload, folded = event.get("payload"), fold_loose(user_text)
        return any((isinstance(payload, str) and payload == oid)
                   or (folded and fold_loose(title) == folded)
                   for oid, title in node.data.options())

    def opt_out(self) -> None:
        if self.state["pending"]:
            self.emit("pending_cancelled", id=self.state["pending"]["id"])
        clear_session(self.state)
        self.state["opted_out"] = True
        self.contact["opted_out"] = True
        self.changes["opted_out"] = True
        self.actions.append({"type": "opt_out"})
        reply = self.flowset.optout_reply
        if isinstance(reply, str):
            self.send_text(self.render(reply, lim.TEXT_MAX))
        self.emit("optout")

    def opt_in(self) -> None:
        self.state["opted_out"] = False
        self.contact["opted_out"] = False
        self.changes["opted_out"] = False
        self.actions.append({"type": "opt_in"})
        reply = self.flowset.optin_reply
        if isinstance(reply, str):
            self.send_text(self.render(reply, lim.TEXT_MAX))
        self.emit("optin")

    def match_choice(self, node: Any, event: Mapping[str, Any], user_text: str) -> str | None:
        options = node.data.options()
        payload = event.get("payload")
        if isinstance(payload, str):
            for option_id, _ in options:
                if payload == option_id:
                    return option_id
        folded = fold_loose(user_text)
        if not folded:
            return None
        for option_id, title in options:
            if fold_loose(title) == folded:
                return option_id
        if folded.isdigit() and 1 <= int(folded) <= len(options):
            return options[int(folded) - 1][0]
        return None

    def choice_miss(self, flow: Flow, node: Any) -> None:
        if flow.next(node.id, OTHER) is not None:
            self.continue_from(flow, node, OTHER)
            return
        retries = self.state["retries"] + 1
        if retries > node.data.max_retries:
            self.emit("choice_abandoned", flow_id=self.state["flow_id"], node_id=node.id)
            self.finish("no_choice")
            return
        self.state["retries"] = retries
        if node.data.retry_text:
            self.send_text(self.render(node.data.retry_text, lim.TEXT_MAX))
        self.messages.append(self.interactive(node.data))

    def answer_question(self, flow: Flow, node: Any, user_text: str) -> None:
        data = node.data
        answer = validate_answer(data.validator, user_text or None, data.choices, self.today)
        if answer.ok:
            self.set_var(data.variable, answer.value)
            if data.variable:
                # What the customer told the bot is theirs to keep on the contact (leads export,
                # contact page, webhooks), not only in this conversation's session.
                self.actions.append({"type": "answer", "name": data.variable,
                                     "value": storable(answer.value)})
            self.continue_from(flow, node, "ok")
            return
        retries = self.state["retries"] + 1
        if retries > data.max_retries:
            self.emit("question_failed", flow_id=self.state["flow_id"], node_id=node.id)
            self.continue_from(flow, node, "invalid")
            return
        self.state["retries"] = retries
        nudge = data.retry_text or retry_text(data.validator, data.choices)
        self.send_text(self.render(nudge, lim.TEXT_MAX))

    # --- other events -----------------------------------------------------------------------

    def on_timer(self, event: Mapping[str, Any]) -> None:
        st, token = self.state, event.get("token")
        pending = st["pending"]
        if not (st["status"] == "bot" and st["waiting"] == "delay" and pending
                and pending["id"] == token):
            self.emit("stale_timer", token=str(token)[:200] if token is not None else None)
            return
        flow, node = self.current()
        wake_at = _parse_datetime(pending.get("wake_at"))
        if wake_at is not None and self.now < wake_at - _TIMER_TOLERANCE:
            remaining = math.ceil((wake_at - self.now).total_seconds())
            self.emit("timer_early", token=token)
            self.effects.append({
                "id": pending["id"], "kind": "delay", "flow_id": st["flow_id"],
                "node_id": node.id, "seconds": remaining, "wake_at": pending["wake_at"],
            })
            return
        st["quiet_wakes"] += 1
        if st["quiet_wakes"] > lim.QUIET_WAKES_MAX:
            self.emit("loop_stopped", flow_id=st["flow_id"], node_id=node.id,
                      quiet_wakes=st["quiet_wakes"])
            self.finish("loop_stopped")
            return
        self.continue_from(flow, node, OUT)

    def on_effect_result(self, event: Mapping[str, Any]) -> None:
        st, effect_id = self.state, event.get("effect_id")
        pending = st["pending"]
        if not (st["status"] == "bot" and st["waiting"] == "effect" and pending
                and pending["id"] == effect_id):
            self.emit("stale_effect_result",
                      effect_id=str(effect_id)[:200] if effect_id is not None else None)
            return
        result = event.get("result")
        result = result if isinstance(result, Mapping) else {}
        flow, node = self.current()
        if node.type == "http_request":
            self.http_result(flow, node, result)
        else:
            self.ai_result(flow, node, result)

    def http_result(self, flow: Flow, node: Any, result: Mapping[str, Any]) -> None:
        status, error = result.get("status"), result.get("error")
        ok = (
            not error
            and isinstance(status, int)
            and not isinstance(status, bool)
            and 200 <= status < 300
        )
        self.emit(
            "http_result", flow_id=self.state["flow_id"], node_id=node.id, ok=ok,
            status=status if isinstance(status, int) and not isinstance(status, bool) else None,
            error=str(error)[:200] if error else None,
        )
        if ok:
            body = result.get("json")
            for name, path in node.data.response_map.items():
                self.set_var(name, extract(body, path))
        self.continue_from(flow, node, "ok" if ok else "error")

    def ai_result(self, flow: Flow, node: Any, result: Mapping[str, Any]) -> None:
        text = result.get("text")
        if isinstance(text, str) and text.strip() and not result.get("error"):
            # The model's words are sent as they are: never rendered as a template. Marked
            # as the AI's, so the team's inbox can tell them from the flow's own texts.
            self.messages.append({"type": "text", "text": text[: lim.TEXT_MAX], "source": "ai"})
            self.continue_from(flow, node, OUT)
        else:
            self.emit("ai_error", flow_id=self.state["flow_id"], node_id=node.id)
            polite = result.get("fallback_text")
            if flow.next(node.id, "error") is None and isinstance(polite, str):
                # Nobody designed an error path: the contact still gets a polite answer.
                self.send_text(polite[: lim.TEXT_MAX])
            self.continue_from(flow, node, "error")

    def on_resume_bot(self) -> None:
        st = self.state
        if st["status"] != "human":
            self.emit("resume_ignored")
            return
        flow, node = self.current()
        self.emit("bot_resumed", flow_id=st["flow_id"], node_id=st["node_id"])
        st.update(status="bot", waiting=None, retries=0, pending=None)
        if flow is None or node is None:
            clear_session(st)
            return
        self.continue_from(flow, node, OUT)

    def on_start_flow(self, event: Mapping[str, Any]) -> None:
        self.state["quiet_wakes"] = 0  # the business started it (the API, a broadcast)
        flow_id = event.get("flow_id")
        if self.state["status"] == "human":
            self.emit("start_flow_ignored", reason="human")
        elif isinstance(flow_id, str) and flow_id in self.flows and self.flows[flow_id].start:
            self.start_flow(flow_id, "start_flow")
        else:
            self.emit("unknown_flow", flow_id=str(flow_id)[:200] if flow_id else None)

    def on_reminder(self, event: Mapping[str, Any]) -> None:
        """A reminder is due: whatever the contact is doing with the bot gives way (as a
        flow started by a trigger would); a person attending the chat is never interrupted.
        The flow goes on with the contact's variables as they are now, so a path after the
        reminder can check that the appointment still stands."""
        flow_id, node_id = event.get("flow_id"), event.get("node_id")
        flow = self.flows.get(flow_id) if isinstance(flow_id, str) else None
        node = flow.node(node_id) if flow is not None and isinstance(node_id, str) else None
        target = flow.next(node.id, "later") if flow is not None and node is not None else None
        if self.state["status"] == "human":
            self.emit("reminder_ignored", reason="human", flow_id=flow_id, node_id=node_id)
            return
        if node is None or node.type != "reminder" or target is None:
            self.emit("reminder_missing", flow_id=str(flow_id)[:200] if flow_id else None,
                      node_id=str(node_id)[:200] if node_id else None)
            return
        st = self.state
        if st["pending"]:
            self.emit("pending_cancelled", id=st["pending"]["id"], kind=st["pending"]["kind"])
        previous = st["flow_id"] if st["status"] == "bot" else None
        clear_session(st)
        self.enter_flow(flow_id, flow, "reminder", previous)
        self.emit("reminder_fired", flow_id=flow_id, node_id=node.id)
        self.run(flow_id, target)

    # --- running nodes ----------------------------------------------------------------------

    def start_flow(self, flow_id: str, trigger: str) -> None:
        st = self.state
        if st["pending"]:
            self.emit("pending_cancelled", id=st["pending"]["id"], kind=st["pending"]["kind"])
        previous = st["flow_id"] if st["status"] == "bot" else None
        clear_session(st)
        flow = self.flows[flow_id]
        self.enter_flow(flow_id, flow, trigger, previous)
        self.run(flow_id, flow.start.id)

    def enter_flow(self, flow_id: str, flow: Flow, trigger: str, previous: str | None) -> None:
        self.state.update(status="bot", flow_id=flow_id, node_id=flow.start.id)
        for variable in flow.variables:
            if variable.name not in self.state["vars"] and variable.default is not None:
                self.state["vars"][variable.name] = storable(variable.default)
        self.emit("flow_started", flow_id=flow_id, trigger=trigger, previous_flow_id=previous)

    def continue_from(self, flow: Flow, node: Any, handle: str) -> None:
        """Leave a waiting node by `handle`."""
        self.state.update(waiting=None, pending=None, retries=0)
        target = flow.next(node.id, handle)
        if target is None:
            self.finish("no_edge")
        else:
            self.run(self.state["flow_id"], target)

    def finish(self, reason: str) -> None:
        st = self.state
        self.actions.append(
            {"type": "end", "flow_id": st["flow_id"], "node_id": st["node_id"], "reason": reason}
        )
        self.emit("flow_ended", flow_id=st["flow_id"], node_id=st["node_id"], reason=reason)
        clear_session(st)

    def run(self, flow_id: str, node_id: str) -> None:
        """Execute nodes from `node_id` until one waits, the flow ends or the budget runs out."""
        st = self.state
        while True:
            flow = self.flows.get(flow_id)
            node = flow.node(node_id) if flow else None
            st.update(status="bot", flow_id=flow_id, node_id=node_id)
            if node is None:
                self.emit("node_missing", flow_id=flow_id, node_id=node_id)
                self.finish("node_missing")
                return
            if self.steps >= self.max_steps:
                self.emit("loop_stopped", flow_id=flow_id, node_id=node_id, steps=self.steps)
                self.finish("loop_stopped")
                return
            self.steps += 1
            st["steps"] += 1
            self.emit("node_visited", flow_id=flow_id, node_id=node_id, node_type=node.type)
            outcome, value = getattr(self, f"exec_{node.type}")(flow, node)
            if outcome == "follow":
                target = flow.next(node.id, value)
                if target is None:
                    self.finish("no_edge")
                    return
                node_id = target
            elif outcome == "goto":
                target_flow = self.flows.get(value)
                if target_flow is None or target_flow.start is None:
                    self.emit("goto_missing", flow_id=flow_id, node_id=node.id, target=value)
                    self.finish("goto_missing")
                    return
                self.enter_flow(value, target_flow, "goto_flow", flow_id)
                flow_id, node_id = value, target_flow.start.id
            else:
                return  # "wait" or "stop": the state already says what comes next

    # Each exec_<kind> returns ("follow", handle) | ("goto", flow_id) | ("wait"|"stop", None).

    def exec_start(self, flow: Flow, node: Any) -> tuple[str, Any]:
        return "follow", OUT

    def exec_message(self, flow: Flow, node: Any) -> tuple[str, Any]:
        data = node.data
        if data.variant == "text":
            self.send_text(self.render(data.text, lim.TEXT_MAX))
            return "follow", OUT
        if data.variant == "media":
            media = data.media
            caption = self.render(media.caption, lim.CAPTION_MAX) if media.caption else ""
            message: dict[str, Any] = {
                "type": "media", "kind": media.kind,
                "url": self.render(media.url, lim.MEDIA_URL_MAX).strip(),
                "caption": caption if caption.strip() else None,
            }
            if media.filename:
                message["filename"] = media.filename[: lim.FILENAME_MAX]
            self.messages.append(message)
            return "follow", OUT
        self.messages.append(self.interactive(data))
        self.state.update(waiting="choice", retries=0)
        return "wait", None

    def interactive(self, data: Any) -> dict[str, Any]:
        body = self.render(data.text, lim.INTERACTIVE_BODY_MAX)
        if not body.strip():
            body = "Escolha uma opção:"  # WhatsApp rejects an empty interactive body
        if data.variant == "buttons":
            message: dict[str, Any] = {
                "type": "buttons", "text": body,
                "buttons": [
                    {"id": b.id, "title": b.title[: lim.BUTTON_TITLE_MAX]} for b in data.buttons
                ],
            }
        else:
            sections = []
            for section in data.sections:
                rows = []
                for row in section.rows:
                    item = {"id": row.id, "title": row.title[: lim.LIST_ROW_TITLE_MAX]}
                    if row.description:
                        item["description"] = row.description[: lim.LIST_ROW_DESCRIPTION_MAX]
                    rows.append(item)
                entry: dict[str, Any] = {"rows": rows}
                if section.title:
                    entry["title"] = section.title[: lim.LIST_SECTION_TITLE_MAX]
                sections.append(entry)
            message = {
                "type": "list", "text": body,
                "button_label": (data.button_label or "Ver opções")[: lim.LIST_BUTTON_LABEL_MAX],
                "sections": sections,
            }
        for key, limit in (("header", lim.HEADER_MAX), ("footer", lim.FOOTER_MAX)):
            value = getattr(data, key)
            if value and (rendered := self.render(value, limit)).strip():
                message[key] = rendered
        return message

    def exec_question(self, flow: Flow, node: Any) -> tuple[str, Any]:
        self.send_text(self.render(node.data.text, lim.TEXT_MAX))
        self.state.update(waiting="input", retries=0)
        return "wait", None

    def exec_condition(self, flow: Flow, node: Any) -> tuple[str, Any]:
        context = self.context()
        passed = evaluate(
            node.data.rules, node.data.logic, self.contact, self.state["vars"],
            lambda text: render(text, context, lim.VAR_VALUE_MAX),
        )
        return "follow", "true" if passed else "false"

    def exec_set_variable(self, flow: Flow, node: Any) -> tuple[str, Any]:
        data = node.data
        value = data.value
        if isinstance(value, str):
            value = self.render(value, lim.VAR_VALUE_MAX)
        if data.mode == "increment":
            current = parse_number(self.state["vars"].get(data.variable)) or 0
            step = 1 if value in (None, "") else parse_number(value)
            total = current + (step if step is not None else 0)
            value = total if math.isfinite(total) else current
        self.set_var(data.variable, value)
        return "follow", OUT

    def exec_tag(self, flow: Flow, node: Any) -> tuple[str, Any]:
        tags: list[str] = self.contact["tags"]
        for tag in node.data.add:
            tag = tag.strip()
            if tag:
                if tag not in tags:
                    tags.append(tag)
                self.actions.append({"type": "add_tag", "tag": tag})
                self.changes.setdefault("add_tags", []).append(tag)
        for tag in node.data.remove:
            tag = tag.strip()
            if tag:
                while tag in tags:
                    tags.remove(tag)
                self.actions.append({"type": "remove_tag", "tag": tag})
                self.changes.setdefault("remove_tags", []).append(tag)
        return "follow", OUT

    def exec_http_request(self, flow: Flow, node: Any) -> tuple[str, Any]:
        data = node.data
        url = self.render(data.url, lim.HTTP_URL_MAX).strip()
        if not url.lower().startswith(("https://", "http://")):
            self.emit("http_invalid_url", flow_id=self.state["flow_id"], node_id=node.id)
            return "follow", "error"
        effect = {
            "id": self.new_id("http"), "kind": "http_request",
            "flow_id": self.state["flow_id"], "node_id": node.id,
            "method": data.method if data.method in lim.HTTP_METHODS else "GET",
            "url": url,
            "headers": {
                name: self.render(value, lim.HTTP_HEADER_VALUE_MAX)
                for name, value in data.headers.items()
            },
            "body": None if data.body is None else self.render(data.body, lim.HTTP_BODY_MAX),
            "timeout_s": _whole(max(1, min(data.timeout_s, lim.HTTP_TIMEOUT_MAX))),
        }
        return self.pause_on(effect, "effect")

    def exec_ai_reply(self, flow: Flow, node: Any) -> tuple[str, Any]:
        data = node.data
        effect = {
            "id": self.new_id("ai"), "kind": "ai_reply",
            "flow_id": self.state["flow_id"], "node_id": node.id,
            "prompt": self.render(data.prompt, lim.PROMPT_MAX) if data.prompt else None,
            "use_knowledge": bool(data.use_knowledge),
            "user_text": self.state["last_input"],
        }
        return self.pause_on(effect, "effect")

    def exec_delay(self, flow: Flow, node: Any) -> tuple[str, Any]:
        seconds = max(lim.DELAY_MIN_SECONDS, min(node.data.seconds, lim.DELAY_MAX_SECONDS))
        wake_at = (self.now + timedelta(seconds=seconds)).isoformat()
        effect = {
            "id": self.new_id("delay"), "kind": "delay",
            "flow_id": self.state["flow_id"], "node_id": node.id,
            "seconds": seconds, "wake_at": wake_at,
        }
        return self.pause_on(effect, "delay")

    def pause_on(self, effect: dict[str, Any], waiting: str) -> tuple[str, Any]:
        self.effects.append(effect)
        self.state.update(
            waiting=waiting, retries=0,
            pending={"id": effect["id"], "kind": effect["kind"],
                     "wake_at": effect.get("wake_at")},
        )
        return "wait", None

    def exec_handoff(self, flow: Flow, node: Any) -> tuple[str, Any]:
        data = node.data
        if data.text:
            self.send_text(self.render(data.text, lim.TEXT_MAX))
        self.actions.append({
            "type": "handoff", "flow_id": self.state["flow_id"], "node_id": node.id,
            "note": (data.note or "")[: lim.NOTE_MAX] or None,
        })
        self.emit("handoff", flow_id=self.state["flow_id"], node_id=node.id)
        self.state.update(status="human", waiting="human", retries=0, pending=None)
        return "wait", None

    def exec_goto_flow(self, flow: Flow, node: Any) -> tuple[str, Any]:
        return "goto", node.data.flow_id

    def exec_goal(self, flow: Flow, node: Any) -> tuple[str, Any]:
        self.emit("goal_reached", flow_id=self.state["flow_id"], node_id=node.id,
                  name=node.data.name)
        return "follow", OUT

    def exec_randomizer(self, flow: Flow, node: Any) -> tuple[str, Any]:
        branches = [(b.id, branch_weight(b.weight) or 0) for b in node.data.branches]
        chosen = pick_branch(branches, f"{self.seed}|{self.state['flow_id']}|{node.id}")
        if chosen is None:  # unreachable for a validated flow; never crash on one
            self.finish("no_edge")
            return "stop", None
        self.emit("randomizer", flow_id=self.state["flow_id"], node_id=node.id, branch=chosen)
        return "follow", chosen

    def exec_template(self, flow: Flow, node: Any) -> tuple[str, Any]:
        data = node.data
        message = {
            "type": "template", "name": (data.name or "").strip(), "language": data.language,
            "variables": [self.render(v, lim.TEMPLATE_PARAM_MAX) for v in data.variables],
        }
        if (data.header_link or "").strip():  # a media header's link (checked when filled)
            message["header_link"] = self.render(data.header_link.strip(), 2000)
        self.messages.append(message)
        return "follow", OUT

    def exec_consent(self, flow: Flow, node: Any) -> tuple[str, Any]:
        # An opted-out contact never gets this far (only an opt-in word is heard); the
        # guard keeps a consent from ever being recorded over an opt-out all the same.
        if not self.opted_out:
            flow_id = self.state["flow_id"]
            self.actions.append({"type": "consent", "flow_id": flow_id, "node_id": node.id})
            self.changes["consent"] = True
            self.emit("consent_given", flow_id=flow_id, node_id=node.id)
        return "follow", OUT

    def exec_reminder(self, flow: Flow, node: Any) -> tuple[str, Any]:
        data = node.data
        moment = local_moment(self.render(data.date, 40),
                              self.render(data.time, 20) if data.time.strip() else "")
        flow_id = self.state["flow_id"]
        if moment is None:
            self.emit("reminder_invalid", flow_id=flow_id, node_id=node.id)
        else:
            self.actions.append({
                "type": "reminder", "flow_id": flow_id, "node_id": node.id,
                "local_at": moment.isoformat(),
                "before_s": max(0, min(data.before_seconds, lim.DELAY_MAX_SECONDS)),
            })
        return "follow", OUT

    def exec_end(self, flow: Flow, node: Any) -> tuple[str, Any]:
        self.finish("end_node")
        return "stop", None


_MASK64 = (1 << 64) - 1


def stable_hash(text: str) -> int:
    """A 64-bit hash that is the same in every process and Python version (unlike `hash`):
    FNV-1a over the UTF-8 bytes, then MurmurHash3's finaliser so that keys differing only in
    their last characters still land far apart."""
    h = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & _MASK64
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _MASK64
    return h ^ (h >> 33)


def pick_branch(branches: list[tuple[str, int]], key: str) -> str | None:
    """The id of the branch `key` falls in, each branch owning a share of the hash space
    proportional to its weight; None when no branch has a positive weight."""
    total = sum(weight for _, weight in branches if weight > 0)
    if total <= 0:
        return None
    point = stable_hash(key) % total
    for branch_id, weight in branches:
        if weight <= 0:
            continue
        if point < weight:
            return branch_id
        point -= weight
    return None


def _parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return _naive_utc(parsed)


def _whole(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
