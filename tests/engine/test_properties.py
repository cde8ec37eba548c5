"""Property tests: random valid flows driven by random event sequences never break the engine.

The flow generator builds random node kinds wired by random edges (any handle may stay
unconnected or point anywhere, cycles included) and insists that `validate_flow` accepts
them; the event generator mixes texts, taps, media, timers, effect results (right and
stale ids), hand-backs, flow pushes and garbage while the clock moves on.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine.builders import Conversation
from ylada_app.engine import FlowSet, load_state, parse_flow, render, validate_flow
from ylada_app.engine import limits as lim

PROFILE = settings(max_examples=200, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

WORDS = ["oi", "Oi!", "menu", "sim", "Não", "1", "2", "3", "ana@x.com", "(11) 98765-4321",
         "25/12/2024", "42", "parar", "VOLTAR", "Talvez", "xyz", "", "{{contact.name}}",
         "🙂", "quero ver o menu", "x" * 5000]
TEXTS = ["Olá {{contact.name}}!", "Escolha:", "{{vars.a}} e {{vars.b}}", "Texto simples",
         "{% for i in range(9) %}x{% endfor %}", "{{ ''.__class__ }}", "x" * 1024]
TITLES = ["Sim", "Não", "Talvez", "Menu", "Voltar", "Outro assunto"]
RESULTS = [
    {"status": 200, "json": {"x": {"y": "ok"}, "n": [1, 2]}},
    {"status": 200, "json": {"x": {"y": float("nan")}}},
    {"status": 404, "json": None}, {"error": "timeout"}, {"text": "Resposta da IA"},
    {"text": ""}, {}, None, {"status": True}, {"status": 200, "json": {"x": {"y": 10**400}}},
]
FLOW_IDS = ["f0", "f1", "f2"]


# --- flow generation ------------------------------------------------------------------------

VARS = ["a", "b", "n"]
RULE_PARTS = st.one_of(
    st.builds(lambda left, op, right: {"left": left, "op": op, "right": right},
              st.sampled_from(["vars.a", "vars.n", "contact.name", "contact.fields.cidade",
                               "tags", "contact.wa_id"]),
              st.sampled_from(["equals", "not_equals", "contains", "gt", "lt", "gte", "lte"]),
              st.sampled_from(["1", "sim", "", 5, 2.5, True, "{{vars.b}}"])),
    st.builds(lambda left, op: {"left": left, "op": op},
              st.sampled_from(["vars.a", "vars.b", "tags"]),
              st.sampled_from(["is_set", "is_not_set"])),
    st.builds(lambda op, tag: {"op": op, "right": tag},
              st.sampled_from(["has_tag", "not_has_tag"]), st.sampled_from(["vip", "lead"])),
    st.builds(lambda left, pattern: {"left": left, "op": "regex", "right": pattern},
              st.sampled_from(["vars.a", "contact.name"]),
              st.sampled_from([r"^\d+$", "(?i)sim", r"(\d{3}\.){2}\d{3}", "a.*b"])),
)

KINDS = ["text", "media", "buttons", "list", "question", "condition", "set_variable", "tag",
         "http_request", "ai_reply", "handoff", "delay", "goto_flow", "goal", "randomizer",
         "template", "consent", "end"]


@st.composite
def node_spec(draw: Any, kind: str, flow_ids: list[str]) -> tuple[str, dict, list[str]]:
    """(node type, data, handles) for one random node of `kind`."""
    if kind == "text":
        return "message", {"text": draw(st.sampled_from(TEXTS))}, ["out"]
    if kind == "media":
        media = {"kind": draw(st.sampled_from(["image", "video", "audio", "document"])),
                 "url": draw(st.sampled_from(["https://x.y/a.png", "{{vars.a}}"]))}
        if draw(st.booleans()):
            media["caption"] = draw(st.sampled_from(TEXTS))
        return "message", {"media": media}, ["out"]
    if kind == "buttons":
        titles = draw(st.lists(st.sampled_from(TITLES), min_size=1, max_size=3, unique=True))
        data = {"text": draw(st.sampled_from(TEXTS)),
                "buttons": [{"id": f"b{i}", "title": t} for i, t in enumerate(titles)],
                "max_retries": draw(st.integers(0, 3))}
        if draw(st.booleans()):
            data["footer"] = "Rodapé {{contact.name}}"
        return "message", data, [f"b{i}" for i in range(len(titles))] + ["other"]
    if kind == "list":
        sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
        sections, ids, counter = [], [], 0
        for s, size in enumerate(sizes):
            rows = []
            for _ in range(size):
                if counter >= lim.LIST_ROWS_MAX:
                    break
                rows.append({"id": f"r{counter}", "title": draw(st.sampled_from(TITLES)),
                             "description": "desc"})
                ids.append(f"r{counter}")
                counter += 1
            if rows:
                sections.append({"title": f"Seção {s}", "rows": rows})
        data = {"text": "Escolha", "button_label": "Opções", "sections": sections}
        return "message", data, ids + ["other"]
    if kind == "question":
        validator = draw(st.sampled_from(["text", "number", "email", "phone", "date",
                                          "choice"]))
        data = {"text": "Pergunta {{contact.name}}?", "variable": draw(st.sampled_from(VARS)),
                "validator": validator, "max_retries": draw(st.integers(0, 3))}
        if validator == "choice":
            data["choices"] = draw(st.lists(st.sampled_from(TITLES), min_size=1, max_size=4,
                                            unique=True))
        return "question", data, ["ok", "invalid"]
    if kind == "condition":
        rules = draw(st.lists(RULE_PARTS, min_size=1, max_size=3))
        return "condition", {"rules": rules, "logic": draw(st.sampled_from(["and", "or"]))}, [
            "true", "false"]
    if kind == "set_variable":
        mode = draw(st.sampled_from(["set", "increment"]))
        values = ["1", "-2", "", 3] if mode == "increment" else ["x", "{{vars.a}}1", 7, None]
        return "set_variable", {"variable": draw(st.sampled_from(VARS)), "mode": mode,
                                "value": draw(st.sampled_from(values))}, ["out"]
    if kind == "tag":
        return "tag", {"add": draw(st.lists(st.sampled_from(["vip", "lead"]), max_size=2)),
                       "remove": ["lead"]}, ["out"]
    if kind == "http_request":
        return "http_request", {
            "method": draw(st.sampled_from(["GET", "POST"])),
            "url": draw(st.sampled_from(["https://api.x/{{vars.a}}", "https://api.x/ok",
                                         "{{vars.b}}"])),
            "headers": {"X-Id": "{{contact.wa_id}}"}, "body": '{"a": {{vars.a | tojson}}}',
            "timeout_s": draw(st.integers(1, 30)),
            "response_map": {"a": "x.y", "b": "n[1]"},
        }, ["ok", "error"]
    if kind == "ai_reply":
        return "ai_reply", {"prompt": "Ajude {{contact.name}}"}, ["out", "error"]
    if kind == "handoff":
        return "handoff", {"text": draw(st.sampled_from(["Chamando alguém", None]))}, ["out"]
    if kind == "delay":
        return "delay", {"amount": draw(st.integers(1, 3)),
                         "unit": draw(st.sampled_from(["seconds", "minutes", "hours", "days"]))
                         }, ["out"]
    if kind == "goto_flow":
        return "goto_flow", {"flow_id": draw(st.sampled_from(flow_ids))}, []
    if kind == "goal":
        return "goal", {"name": "meta"}, ["out"]
    if kind == "randomizer":
        weights = draw(st.lists(st.integers(1, 100), min_size=2, max_size=6))
        return "randomizer", {"branches": [{"id": f"p{i}", "weight": w}
                                           for i, w in enumerate(weights)]}, [
            f"p{i}" for i in range(len(weights))]
    if kind == "template":
        return "template", {"name": "lembrete", "variables": draw(st.lists(
            st.sampled_from(["{{contact.name}}", "{{vars.a}}", "fixo"]), max_size=3))}, ["out"]
    if kind == "consent":
        return "consent", {}, ["out"]
    return "end", {}, []


TRIGGERS = [
    {"type": "any_message"},
    {"type": "keyword", "keywords": ["oi"], "match": "exact"},
    {"type": "keyword", "keywords": ["menu"], "match": "contains"},
    {"type": "button_payload", "payload": "b0"},
    {"type": "referral"},
]


@st.composite
def flow_json(draw: Any, flow_ids: list[str]) -> dict:
    # A shuffled prefix of every kind keeps flows varied; the extras allow repeats.
    kinds = draw(st.permutations(KINDS))[: draw(st.integers(1, len(KINDS)))]
    kinds += draw(st.lists(st.sampled_from(KINDS), max_size=4))
    triggers = draw(st.lists(st.sampled_from(TRIGGERS), max_size=3))
    nodes = [{"id": "start", "type": "start", "position": {"x": 0, "y": 0},
              "data": {"triggers": triggers}}]
    handles = {"start": ["out"]}
    for i, kind in enumerate(kinds):
        node_type, data, node_handles = draw(node_spec(kind, flow_ids))
        nodes.append({"id": f"n{i}", "type": node_type, "position": {"x": i, "y": 0},
                      "data": data})
        handles[f"n{i}"] = node_handles
    ids = [n["id"] for n in nodes]
    edges = []
    for position, (source, source_handles) in enumerate(handles.items()):
        following = ids[position + 1] if position + 1 < len(ids) else None
        ahead_first = ids[position + 1:] + ids[: position + 1]
        # Every way out of an A/B split must lead somewhere (validation requires it).
        required = nodes[position]["type"] == "randomizer"
        for handle in source_handles:
            # Mostly forward (so flows get somewhere), sometimes anywhere (cycles), or nowhere.
            target = draw(st.one_of(st.just(following), st.sampled_from(ahead_first),
                                    st.none()))
            if required and target is None:
                target = ahead_first[0]
            if target is not None:
                edges.append({"id": f"{source}:{handle}", "source": source,
                              "sourceHandle": handle, "target": target})
    return {"version": 1, "nodes": nodes, "edges": edges,
            "variables": [{"name": "a", "default": "sim"}]}


@st.composite
def flow_sets(draw: Any) -> FlowSet:
    ids = FLOW_IDS[: draw(st.integers(1, 3))]
    flows = {}
    for fid in ids:
        data = draw(flow_json(ids))
        report = validate_flow(data, flow_ids=ids)
        assert report.ok, [i.message for i in report.errors]
        flows[fid] = parse_flow(data, flow_ids=ids)
    reply = draw(st.sampled_from([None, "Não entendi, {{contact.name}}."]))
    return FlowSet(flows=flows, default_reply=reply)


# --- event generation -----------------------------------------------------------------------


def draw_event(data: Any, conv: Conversation) -> dict | Any:
    state = conv.state or {}
    pending = (state.get("pending") or {}).get("id")
    option_ids = ["b0", "r0", "other", "zzz"]
    flow = conv.flows.flows.get(state.get("flow_id") or "")
    node = flow.node(state.get("node_id")) if flow else None
    if node is not None and node.type == "message":
        option_ids += [option_id for option_id, _ in node.data.options()]
    if pending and data.draw(st.booleans()):
        # Usually the worker resolves what the engine asked for; sometimes the user is faster.
        if state.get("waiting") == "delay":
            return {"kind": "timer", "token": pending}
        return {"kind": "effect_result", "effect_id": pending,
                "result": data.draw(st.sampled_from(RESULTS))}
    choice = data.draw(st.sampled_from(
        ["text", "text", "text", "tap", "tap", "list", "image", "referral", "timer", "effect",
         "resume", "start_flow", "garbage"]))
    if choice == "text":
        return {"kind": "message", "type": "text", "text": data.draw(st.sampled_from(WORDS))}
    if choice in ("tap", "list"):
        return {"kind": "message", "type": "button_reply" if choice == "tap" else "list_reply",
                "payload": data.draw(st.sampled_from(option_ids)),
                "title": data.draw(st.sampled_from(TITLES))}
    if choice == "image":
        return {"kind": "message", "type": "image", "text": None}
    if choice == "referral":
        return {"kind": "message", "type": "text", "text": "Olá",
                "referral": {"source_id": "ad"}}
    if choice == "timer":
        return {"kind": "timer", "token": data.draw(st.sampled_from([pending, "bogus"]))}
    if choice == "effect":
        return {"kind": "effect_result", "effect_id": data.draw(st.sampled_from([pending, "x"])),
                "result": data.draw(st.sampled_from(RESULTS))}
    if choice == "resume":
        return {"kind": "resume_bot"}
    if choice == "start_flow":
        return {"kind": "start_flow", "flow_id": data.draw(st.sampled_from([*FLOW_IDS, "nope"]))}
    return data.draw(st.sampled_from([None, {}, {"kind": "reaction"}, {"kind": "message"},
                                      "garbage"]))


def check_messages(messages: list[dict]) -> None:
    for m in messages:
        if m["type"] == "text":
            assert 0 < len(m["text"]) <= lim.TEXT_MAX
        elif m["type"] == "buttons":
            assert len(m["text"]) <= lim.INTERACTIVE_BODY_MAX
            assert 1 <= len(m["buttons"]) <= lim.BUTTONS_MAX
            assert all(len(b["title"]) <= lim.BUTTON_TITLE_MAX for b in m["buttons"])
        elif m["type"] == "list":
            rows = [r for s in m["sections"] for r in s["rows"]]
            assert 1 <= len(rows) <= lim.LIST_ROWS_MAX
            assert all(len(r["title"]) <= lim.LIST_ROW_TITLE_MAX for r in rows)
        elif m["type"] == "template":
            assert m["name"] and all(len(v) <= lim.TEMPLATE_PARAM_MAX for v in m["variables"])
        else:
            assert m["type"] == "media" and m["url"] is not None
        for key, limit in (("header", lim.HEADER_MAX), ("footer", lim.FOOTER_MAX)):
            assert len(m.get(key) or "") <= limit


@PROFILE
@given(flows=flow_sets(), data=st.data())
def test_random_flows_and_events_never_break_the_engine(flows, data):
    max_steps = data.draw(st.sampled_from([1, 5, 25, 100]))
    conv = Conversation(flows, max_steps=max_steps)
    for _ in range(data.draw(st.integers(1, 15))):
        conv.advance(seconds=data.draw(st.sampled_from([0, 3, 90, 7200, 4 * 86400])))
        result = conv.event(draw_event(data, conv))  # asserts JSON-safety and no engine_error
        visited = [e for e in result.events if e["type"] == "node_visited"]
        assert len(visited) <= max_steps
        assert len(result.effects) <= 1
        check_messages(result.messages)
        state = result.state
        assert json.loads(json.dumps(state, allow_nan=False)) == state
        assert load_state(state) == state
        assert state["status"] in ("ended", "bot", "human")
        if state["status"] == "ended":
            assert state["flow_id"] is None and state["pending"] is None
        if state["waiting"] in ("effect", "delay"):
            assert state["pending"] is not None
        if result.effects:
            assert result.effects[0]["id"] == state["pending"]["id"]


# --- validation and rendering fuzz ----------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "type", "data", "nodes", "edges", "source", "target",
                         "sourceHandle", "text", "buttons", "title", "rules", "op", "left",
                         "right", "version", "variables", "name", "triggers"]),
        inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(JSON)
def test_validate_flow_never_raises_on_arbitrary_json(data):
    report = validate_flow(data)
    assert "internal_error" not in [i.code for i in report.errors]
    json.dumps(report.to_dict())


@PROFILE
@given(flows=st.lists(flow_json(["f0"]), min_size=1, max_size=1), data=st.data())
def test_validate_flow_survives_mutations_of_valid_flows(flows, data):
    flow = flows[0]
    target = data.draw(st.sampled_from(flow["nodes"]))
    key = data.draw(st.sampled_from(["id", "type", "data", "position"]))
    target[key] = data.draw(JSON)
    report = validate_flow(flow, flow_ids=["f0"])
    assert "internal_error" not in [i.code for i in report.errors]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from([*"{}%#|.'_()[] abcx0*", "{{", "}}", "{%", "%}", "contact",
                                 "vars", "name", "__class__", "range", "for", "in", "default"]),
                max_size=30).map("".join),
       st.integers(1, 100))
def test_render_never_raises_and_respects_the_limit(template, limit):
    ctx = {"contact": {"name": "Ana"}, "vars": {"a": 1}}
    out = render(template, ctx, limit)
    assert isinstance(out, str) and len(out) <= limit


def test_largest_flow_validates_and_runs_within_the_budget():
    nodes = [{"id": "start", "type": "start", "data": {"triggers": [TRIGGERS[0]]}}]
    nodes += [{"id": f"n{i}", "type": "message", "data": {"text": "x"}} for i in range(1999)]
    edges = [{"id": f"e{i}", "source": nodes[i]["id"], "target": nodes[i + 1]["id"]}
             for i in range(1999)]
    report = validate_flow({"version": 1, "nodes": nodes, "edges": edges})
    assert report.ok
    conv = Conversation(FlowSet(flows={"f": report.flow}), max_steps=100)
    result = conv.say("oi")
    assert len(result.messages) == 99 and "loop_stopped" in [e["type"] for e in result.events]
