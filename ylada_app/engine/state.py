"""Session state: the JSON document the caller stores per conversation between events.

Shape (every value is plain JSON)::

    {"version": 1,
     "status": "ended" | "bot" | "human",  # no session / a flow is running / handed off
     "flow_id": str | None, "node_id": str | None,  # where the session is parked
     "waiting": None | "choice" | "input" | "effect" | "delay" | "human",
     "retries": int,                       # invalid answers at the current node
     "pending": None | {"id": str, "kind": "http_request" | "ai_reply" | "delay",
                        "wake_at": ISO datetime | None},
     "vars": {name: str | int | float | bool | None},  # survive across sessions
     "seq": int,                           # counter behind effect ids
     "steps": int,                         # nodes executed, lifetime
     "quiet_wakes": int,                   # delays woken since the customer last wrote
     "opted_out": bool,                    # mirrors the contact's opt-out
     "last_input": str | None}             # the user's latest text (for ai_reply)

`load_state` accepts anything (None, an older or corrupted document) and returns a valid
state, so a bad row can never crash the engine.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from ylada_app.engine.jsonpath import storable
from ylada_app.engine.limits import LAST_INPUT_MAX, MAX_ID_LEN, STATE_VARS_MAX

STATE_VERSION = 1
STATUSES = ("ended", "bot", "human")
WAITING_KINDS = ("choice", "input", "effect", "delay", "human")
PENDING_KINDS = ("http_request", "ai_reply", "delay")
_VAR_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]{0,49}")


def new_state() -> dict[str, Any]:
    return {
        "version": STATE_VERSION,
        "status": "ended",
        "flow_id": None,
        "node_id": None,
        "waiting": None,
        "retries": 0,
        "pending": None,
        "vars": {},
        "seq": 0,
        "steps": 0,
        "quiet_wakes": 0,
        "opted_out": False,
        "last_input": None,
    }


def _short_str(value: Any, limit: int = MAX_ID_LEN) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    if isinstance(value, float) and not math.isfinite(value):
        return 0
    return max(0, min(int(value), 2**53))


def _pending(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        return None
    pending_id, kind = _short_str(value.get("id"), 200), value.get("kind")
    if pending_id is None or kind not in PENDING_KINDS:
        return None
    return {"id": pending_id, "kind": kind, "wake_at": _short_str(value.get("wake_at"), 40)}


def _variables(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        return {}
    clean: dict[str, Any] = {}
    for name, item in value.items():
        if len(clean) >= STATE_VARS_MAX:
            break
        if isinstance(name, str) and _VAR_NAME.fullmatch(name):
            clean[name] = storable(item)
    return clean


def load_state(raw: Any) -> dict[str, Any]:
    """A valid state from whatever was stored (None → a fresh state)."""
    state = new_state()
    if not isinstance(raw, Mapping):
        return state
    status = raw.get("status")
    state["status"] = status if status in STATUSES else "ended"
    state["flow_id"] = _short_str(raw.get("flow_id"), 200)
    state["node_id"] = _short_str(raw.get("node_id"))
    waiting = raw.get("waiting")
    state["waiting"] = waiting if waiting in WAITING_KINDS else None
    state["retries"] = min(_count(raw.get("retries")), 1000)
    state["pending"] = _pending(raw.get("pending"))
    state["vars"] = _variables(raw.get("vars"))
    state["seq"] = _count(raw.get("seq"))
    state["steps"] = _count(raw.get("steps"))
    state["quiet_wakes"] = min(_count(raw.get("quiet_wakes")), 1000)
    state["opted_out"] = raw.get("opted_out") is True
    state["last_input"] = _short_str(raw.get("last_input"), LAST_INPUT_MAX)
    if state["status"] == "ended":
        clear_session(state)
    return state


def clear_session(state: dict[str, Any]) -> None:
    """Forget the position in a flow; keep variables, counters and the opt-out flag."""
    state.update(
        status="ended", flow_id=None, node_id=None, waiting=None, retries=0, pending=None
    )
