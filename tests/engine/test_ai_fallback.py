"""The engine side of the AI assistant: ai_reply pauses and resumes; the optional AI fallback
requests a fire-and-forget ai_reply when nothing matches; a failed answer with no error path
still reaches the contact politely."""

from __future__ import annotations

from tests.engine.builders import NOW, chain, edge, flowset, kw, node, start, text_msg
from ylada_app.engine import handle

MENU = chain(start(kw("menu")), node("m", "message", text="Menu principal"))
AI = chain(start(kw("ia")), node("ai", "ai_reply", prompt="Ajude {{contact.name}}",
                                 use_knowledge=True), node("bye", "message", text="Algo mais?"))


def test_no_match_with_ai_fallback_requests_an_ai_effect_without_pausing():
    fs = flowset({"menu": MENU}, default_reply="Digite menu", ai_fallback=True)
    res = handle(fs, None, text_msg("quanto custa o arroz?"), {"name": "Ana"}, NOW)
    assert res.messages == []
    [effect] = res.effects
    assert effect["kind"] == "ai_reply" and effect["fallback"] is True
    assert effect["flow_id"] is None and effect["user_text"] == "quanto custa o arroz?"
    assert effect["fallback_text"] == "Digite menu"
    assert res.state["status"] != "bot" and res.state["pending"] is None
    assert {"type": "ai_fallback"} in res.events


def test_without_ai_fallback_the_default_reply_is_sent_and_triggers_still_win():
    fs = flowset({"menu": MENU}, default_reply="Digite menu")
    res = handle(fs, None, text_msg("quanto custa?"), {}, NOW)
    assert res.effects == [] and res.messages == [{"type": "text", "text": "Digite menu"}]
    fs = flowset({"menu": MENU}, ai_fallback=True)
    res = handle(fs, None, text_msg("menu"), {}, NOW)
    assert res.effects == [] and res.messages[0]["text"] == "Menu principal"


def test_ai_reply_node_round_trip_and_polite_error_without_error_edge():
    fs = flowset({"ai": AI})
    res = handle(fs, None, text_msg("ia"), {"name": "Ana"}, NOW)
    [effect] = res.effects
    assert effect["prompt"] == "Ajude Ana" and effect["use_knowledge"] is True
    ok = handle(fs, res.state, {"kind": "effect_result", "effect_id": effect["id"],
                                "result": {"text": "Custa R$ 27,90 {{vars.x}}"}}, {}, NOW)
    assert [m["text"] for m in ok.messages] == ["Custa R$ 27,90 {{vars.x}}", "Algo mais?"]
    bad = handle(fs, res.state, {"kind": "effect_result", "effect_id": effect["id"],
                                 "result": {"error": "timeout", "fallback_text": "Desculpe"}},
                 {}, NOW)
    assert [m["text"] for m in bad.messages] == ["Desculpe"]


def test_ai_error_edge_wins_over_the_polite_text():
    flow = chain(start(kw("ia")), node("ai", "ai_reply"), node("ok", "message", text="ok"),
                 extra_edges=[edge("ai", "err", "error")])
    flow["nodes"].append(node("err", "message", text="Vou chamar um atendente"))
    fs = flowset({"ai": flow})
    res = handle(fs, None, text_msg("ia"), {}, NOW)
    bad = handle(fs, res.state, {"kind": "effect_result", "effect_id": res.effects[0]["id"],
                                 "result": {"error": "http_500", "fallback_text": "Desculpe"}},
                 {}, NOW)
    assert [m["text"] for m in bad.messages] == ["Vou chamar um atendente"]
