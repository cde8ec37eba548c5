"""Small builders for flow JSON and a `Conversation` driver that threads state like a worker."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ylada_app.engine import FlowSet, StepResult, handle, parse_flow

EXAMPLES = Path(__file__).resolve().parents[2] / "ylada_app" / "engine" / "examples"
NOW = datetime(2024, 5, 10, 12, 0, 0)


def load_example(name: str = "menu.json") -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def node(node_id: str, kind: str, **data: Any) -> dict[str, Any]:
    return {"id": node_id, "type": kind, "position": {"x": 0, "y": 0}, "data": data}


def start(*triggers: dict[str, Any], node_id: str = "start") -> dict[str, Any]:
    return node(node_id, "start", triggers=list(triggers))


def kw(*words: str, match: str = "exact") -> dict[str, Any]:
    return {"type": "keyword", "keywords": list(words), "match": match}


ANY = {"type": "any_message"}


def edge(source: str, target: str, handle: str | None = "out") -> dict[str, Any]:
    return {"id": f"{source}-{handle}-{target}", "source": source, "sourceHandle": handle,
            "target": target}


def flow(nodes: list[dict[str, Any]], edges: list[dict[str, Any]] = (),
         variables: list[dict[str, Any]] = ()) -> dict[str, Any]:
    return {"version": 1, "nodes": list(nodes), "edges": list(edges),
            "variables": list(variables)}


def chain(*nodes: dict[str, Any], extra_edges: list[dict[str, Any]] = (),
          variables: list[dict[str, Any]] = ()) -> dict[str, Any]:
    """Nodes linked one after the other by their "out" handle."""
    edges = [edge(a["id"], b["id"]) for a, b in zip(nodes, nodes[1:], strict=False)]
    return flow(list(nodes), [*edges, *extra_edges], variables)


def flowset(flows: dict[str, dict[str, Any]], **settings: Any) -> FlowSet:
    ids = list(flows)
    return FlowSet(flows={fid: parse_flow(f, flow_ids=ids) for fid, f in flows.items()},
                   **settings)


def text_msg(text: str) -> dict[str, Any]:
    return {"kind": "message", "type": "text", "text": text, "payload": None}


def tap(payload: str, title: str = "", kind: str = "button_reply") -> dict[str, Any]:
    return {"kind": "message", "type": kind, "text": None, "payload": payload, "title": title}


class Conversation:
    """Feeds events to `handle` the way a worker would, applying actions to the contact."""

    def __init__(self, flows: FlowSet, *, name: str = "Ana", max_steps: int = 100) -> None:
        self.flows = flows
        self.state: dict[str, Any] | None = None
        self.contact: dict[str, Any] = {
            "wa_id": "5511987654321", "name": name, "tags": [], "fields": {},
            "opted_out": False,
        }
        self.now = NOW
        self.max_steps = max_steps
        self.last: StepResult | None = None

    def event(self, event: dict[str, Any]) -> StepResult:
        result = handle(self.flows, self.state, event, self.contact, self.now,
                        max_steps=self.max_steps)
        json.dumps(result.to_dict(), allow_nan=False)  # everything must be storable as is
        assert not [e for e in result.events if e["type"] == "engine_error"], result.events
        for action in result.actions:
            if action["type"] == "opt_out":
                self.contact["opted_out"] = True
            elif action["type"] == "opt_in":
                self.contact["opted_out"] = False
            elif action["type"] == "add_tag" and action["tag"] not in self.contact["tags"]:
                self.contact["tags"].append(action["tag"])
            elif action["type"] == "remove_tag" and action["tag"] in self.contact["tags"]:
                self.contact["tags"].remove(action["tag"])
        self.state = result.state
        self.last = result
        return result

    def say(self, text: str) -> StepResult:
        return self.event(text_msg(text))

    def tap(self, payload: str, title: str = "", kind: str = "button_reply") -> StepResult:
        return self.event(tap(payload, title, kind))

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def timer(self, token: str | None = None) -> StepResult:
        if token is None:
            token = self.state["pending"]["id"]
        return self.event({"kind": "timer", "token": token})

    def resolve(self, result: dict[str, Any], effect_id: str | None = None) -> StepResult:
        if effect_id is None:
            effect_id = self.state["pending"]["id"]
        return self.event({"kind": "effect_result", "effect_id": effect_id, "result": result})


def texts(result: StepResult) -> list[str]:
    return [m.get("text") for m in result.messages]


def event_types(result: StepResult) -> list[str]:
    return [e["type"] for e in result.events]


def action_types(result: StepResult) -> list[str]:
    return [a["type"] for a in result.actions]
