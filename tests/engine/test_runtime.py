"""The interpreter: every node kind, triggers, opt-out, effects, timers, budgets, robustness."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.engine.builders import (
    ANY,
    NOW,
    Conversation,
    action_types,
    chain,
    edge,
    event_types,
    flow,
    flowset,
    kw,
    load_example,
    node,
    start,
    text_msg,
    texts,
)
from ylada_app.engine import (
    FlowSet,
    FlowValidationError,
    handle,
    load_state,
    new_state,
    parse_flow,
)


def one(flow_json: dict, **settings) -> Conversation:
    return Conversation(flowset({"f": flow_json}, **settings))


def menu() -> Conversation:
    return Conversation(flowset({"menu": load_example()}))


def buttons_flow(**extra) -> dict:
    data = {"text": "Quer continuar?", "buttons": [
        {"id": "sim", "title": "Sim, quero"}, {"id": "nao", "title": "Não"}]}
    data.update(extra)
    return flow(
        [start(kw("oi")), node("m", "message", **data),
         node("yes", "message", text="Ótimo!"), node("no", "message", text="Tudo bem.")],
        [edge("start", "m"), edge("m", "yes", "sim"), edge("m", "no", "nao")],
    )


# --- message --------------------------------------------------------------------------------


def test_text_message_renders_placeholders_and_ends():
    conv = one(chain(start(kw("oi")), node("m", "message", text="Olá {{contact.name}}!")))
    result = conv.say("Oi")
    assert result.messages == [{"type": "text", "text": "Olá Ana!"}]
    assert result.state["status"] == "ended"
    assert result.actions[-1] == {"type": "end", "flow_id": "f", "node_id": "m",
                                  "reason": "no_edge"}
    assert event_types(result) == ["flow_started", "node_visited", "node_visited", "flow_ended"]


def test_media_message_shape():
    conv = one(chain(start(kw("foto")), node("m", "message", media={
        "kind": "document", "url": "https://x.y/{{contact.wa_id}}.pdf",
        "caption": "Seu boleto, {{contact.name}}", "filename": "boleto.pdf"})))
    assert conv.say("foto").messages == [{
        "type": "media", "kind": "document", "url": "https://x.y/5511987654321.pdf",
        "caption": "Seu boleto, Ana", "filename": "boleto.pdf"}]


def test_buttons_shape_and_tap_by_payload():
    conv = one(buttons_flow(header="Loja", footer="Responda"))
    result = conv.say("oi")
    assert result.messages == [{
        "type": "buttons", "text": "Quer continuar?", "header": "Loja", "footer": "Responda",
        "buttons": [{"id": "sim", "title": "Sim, quero"}, {"id": "nao", "title": "Não"}]}]
    assert result.state["waiting"] == "choice"
    assert texts(conv.tap("nao", "Não")) == ["Tudo bem."]


@pytest.mark.parametrize("typed", ["sim, quero", "SIM QUERO!", "  Sím,  quéro ", "1"])
def test_buttons_free_text_matches_titles_or_numbers(typed):
    conv = one(buttons_flow())
    conv.say("oi")
    assert texts(conv.say(typed)) == ["Ótimo!"]


def test_buttons_unmatched_text_resends_then_gives_up():
    conv = one(buttons_flow(retry_text="Toque em um botão 👇", max_retries=2))
    conv.say("oi")
    for attempt in (1, 2):
        result = conv.say("talvez")
        assert [m["type"] for m in result.messages] == ["text", "buttons"]
        assert result.messages[0]["text"] == "Toque em um botão 👇"
        assert result.state["retries"] == attempt
    result = conv.say("talvez")
    assert result.messages == []
    assert "choice_abandoned" in event_types(result)
    assert result.state["status"] == "ended"


def test_buttons_unmatched_text_follows_other_when_connected():
    data = buttons_flow()
    data["nodes"].append(node("other", "message", text="Vou te ajudar de outro jeito."))
    data["edges"].append(edge("m", "other", "other"))
    conv = one(data)
    conv.say("oi")
    assert texts(conv.say("quanto custa?")) == ["Vou te ajudar de outro jeito."]


def test_list_message_and_list_reply():
    lst = node("l", "message", text="Escolha", button_label="Ver opções", footer="Rodapé",
               sections=[{"title": "Pizzas", "rows": [
                   {"id": "marg", "title": "Margherita", "description": "Clássica"},
                   {"id": "calab", "title": "Calabresa"}]}])
    conv = one(flow([start(kw("oi")), lst, node("c", "message", text="Calabresa saindo!")],
                    [edge("start", "l"), edge("l", "c", "calab")]))
    result = conv.say("oi")
    assert result.messages == [{
        "type": "list", "text": "Escolha", "button_label": "Ver opções", "footer": "Rodapé",
        "sections": [{"title": "Pizzas", "rows": [
            {"id": "marg", "title": "Margherita", "description": "Clássica"},
            {"id": "calab", "title": "Calabresa"}]}]}]
    assert texts(conv.tap("calab", "Calabresa", kind="list_reply")) == ["Calabresa saindo!"]


def test_choice_without_edge_ends_session():
    conv = one(flow([start(kw("oi")), node("m", "message", text="?",
                                            buttons=[{"id": "a", "title": "A"}])],
                    [edge("start", "m")]))
    conv.say("oi")
    result = conv.tap("a")
    assert result.state["status"] == "ended" and result.actions[-1]["reason"] == "no_edge"


# --- question -------------------------------------------------------------------------------


def question_flow(validator: str, **extra) -> dict:
    q = node("q", "question", text="Pergunta?", variable="resp", validator=validator, **extra)
    return flow(
        [start(kw("oi")), q, node("ok", "message", text="Valeu: {{vars.resp}}"),
         node("bad", "message", text="Desisto.")],
        [edge("start", "q"), edge("q", "ok", "ok"), edge("q", "bad", "invalid")],
    )


@pytest.mark.parametrize(("validator", "answer", "stored", "extra"), [
    ("text", " Maria ", "Maria", {}),
    ("number", "1.234,5", 1234.5, {}),
    ("email", "Ana@X.com", "ana@x.com", {}),
    ("phone", "(11) 98765-4321", "+5511987654321", {}),
    ("date", "25/12/2024", "2024-12-25", {}),
    ("choice", "2", "Azul", {"choices": ["Verde", "Azul"]}),
])
def test_question_validators_store_clean_values(validator, answer, stored, extra):
    conv = one(question_flow(validator, **extra))
    assert texts(conv.say("oi")) == ["Pergunta?"]
    result = conv.say(answer)
    assert result.state["vars"]["resp"] == stored
    assert {"type": "set_var", "name": "resp", "value": stored} in result.actions
    assert texts(result)[0].startswith("Valeu: ")


def test_question_retries_then_invalid_handle():
    conv = one(question_flow("email", max_retries=2,
                             retry_text="E-mail inválido, {{contact.name}}"))
    conv.say("oi")
    assert texts(conv.say("nope")) == ["E-mail inválido, Ana"]
    assert texts(conv.say("nope de novo")) == ["E-mail inválido, Ana"]
    result = conv.say("ainda nao")
    assert texts(result) == ["Desisto."]
    assert "question_failed" in event_types(result)
    assert "resp" not in result.state["vars"]


def test_question_default_retry_text_and_media_answer():
    conv = one(question_flow("number"))
    conv.say("oi")
    result = conv.event({"kind": "message", "type": "image", "text": None})
    assert texts(result) == ["Por favor, responda só com números (ex.: 42)."]


def test_keyword_switches_flow_mid_question():
    flows = flowset({
        "cadastro": question_flow("email"),
        "menu": chain(start(kw("menu")), node("m", "message", text="Menu principal")),
    })
    conv = Conversation(flows)
    conv.say("oi")
    assert conv.state["waiting"] == "input"
    result = conv.say("MENU")
    assert texts(result) == ["Menu principal"]
    started = next(e for e in result.events if e["type"] == "flow_started")
    assert started == {"type": "flow_started", "flow_id": "menu", "trigger": "keyword",
                       "previous_flow_id": "cadastro"}


def test_contains_keyword_does_not_hijack_an_answer_but_starts_when_idle():
    flows = flowset({
        "cadastro": question_flow("text"),
        "pedido": chain(start(kw("pedido", match="contains")),
                        node("p", "message", text="Sobre seu pedido...")),
    })
    conv = Conversation(flows)
    conv.say("oi")
    result = conv.say("meu pedido chegou")
    assert result.state["vars"]["resp"] == "meu pedido chegou"
    assert texts(conv.say("quero ver meu pedido")) == ["Sobre seu pedido..."]
    assert texts(conv.say("pedidos")) == []  # whole words only


# --- triggers, default reply, opt-out -------------------------------------------------------


def test_default_reply_when_nothing_matches():
    conv = one(chain(start(kw("oi")), node("m", "message", text="x")),
               default_reply="Não entendi, {{contact.name}}. Envie oi.")
    result = conv.say("bla")
    assert texts(result) == ["Não entendi, Ana. Envie oi."]
    assert event_types(result) == ["fallback"]
    silent = one(chain(start(kw("oi")), node("m", "message", text="x")))
    result = silent.say("bla")
    assert result.messages == [] and event_types(result) == ["fallback"]


def test_any_message_button_payload_and_referral_triggers():
    flows = flowset({
        "promo": chain(start({"type": "button_payload", "payload": "PROMO"}),
                       node("p", "message", text="Promo!")),
        "ads": chain(start({"type": "referral", "source_id": "ad-1"}),
                     node("a", "message", text="Veio do anúncio")),
        "geral": chain(start(ANY), node("g", "message", text="Bem-vindo")),
    })
    conv = Conversation(flows)
    assert texts(conv.tap("PROMO", "Quero a promo", kind="button")) == ["Promo!"]
    ad = {"kind": "message", "type": "text", "text": "Olá", "referral": {"source_id": "ad-1"}}
    assert texts(conv.event(ad)) == ["Veio do anúncio"]
    other_ad = {**ad, "referral": {"source_id": "ad-2"}}
    assert texts(conv.event(other_ad)) == ["Bem-vindo"]
    assert texts(conv.say("qualquer coisa")) == ["Bem-vindo"]


def test_opt_out_then_silence_then_opt_in():
    conv = menu()
    conv.say("oi")
    result = conv.say("Parar.")
    assert action_types(result) == ["opt_out"]
    assert texts(result) == [
        "Pronto! Você não receberá mais mensagens nossas. Para voltar, envie VOLTAR."]
    assert result.contact_changes == {"opted_out": True}
    assert result.state["status"] == "ended" and result.state["opted_out"] is True
    for text in ("oi", "parar", "menu"):
        silent = conv.say(text)
        assert (silent.messages, silent.actions, silent.effects) == ([], [], [])
    assert conv.event({"kind": "start_flow", "flow_id": "menu"}).messages == []
    back = conv.say("voltar")
    assert action_types(back) == ["opt_in"] and back.contact_changes == {"opted_out": False}
    assert len(back.messages) == 1
    assert conv.say("oi").messages[0]["type"] == "buttons"


@pytest.mark.parametrize("word", ["SAIR", "stop", " Descadastrar! ", "parar"])
def test_opt_out_words_are_case_and_accent_insensitive(word):
    assert action_types(menu().say(word)) == ["opt_out"]


def test_opt_out_word_inside_a_sentence_is_not_an_opt_out():
    assert "opt_out" not in action_types(menu().say("quero parar de fumar"))


def test_opted_out_contact_from_database_is_silent():
    conv = menu()
    conv.contact["opted_out"] = True
    assert conv.say("oi").messages == []


# --- set_variable, condition, tag, goal, end --------------------------------------------------


def test_set_variable_condition_tag_goal_end():
    nodes = [
        start(kw("oi")),
        node("s1", "set_variable", variable="plano", value="{{contact.fields.plano}}"),
        node("s2", "set_variable", variable="visitas", value="", mode="increment"),
        node("c", "condition", logic="and", rules=[
            {"left": "vars.plano", "op": "equals", "right": "ouro"},
            {"left": "vars.visitas", "op": "gte", "right": 1}]),
        node("t", "tag", add=["vip"], remove=["lead"]),
        node("g", "goal", name="vip_identificado"),
        node("ok", "message", text="Bem-vindo, VIP! Visitas: {{vars.visitas}}"),
        node("e", "end"),
        node("no", "message", text="Olá!"),
    ]
    edges = [edge("start", "s1"), edge("s1", "s2"), edge("s2", "c"), edge("c", "t", "true"),
             edge("c", "no", "false"), edge("t", "g"), edge("g", "ok"), edge("ok", "e")]
    conv = one(flow(nodes, edges))
    conv.contact["fields"]["plano"] = "Ouro"
    conv.contact["tags"] = ["lead"]
    result = conv.say("oi")
    assert texts(result) == ["Bem-vindo, VIP! Visitas: 1"]
    assert result.state["vars"] == {"plano": "Ouro", "visitas": 1}
    assert {"type": "add_tag", "tag": "vip"} in result.actions
    assert {"type": "remove_tag", "tag": "lead"} in result.actions
    assert result.contact_changes == {"add_tags": ["vip"], "remove_tags": ["lead"]}
    goal = next(e for e in result.events if e["type"] == "goal_reached")
    assert goal == {"type": "goal_reached", "flow_id": "f", "node_id": "g",
                    "name": "vip_identificado"}
    assert result.actions[-1]["reason"] == "end_node"
    assert texts(conv.say("oi")) == ["Bem-vindo, VIP! Visitas: 2"]  # vars survive sessions


def test_condition_or_and_tags_seen_after_tag_node():
    nodes = [start(kw("oi")), node("t", "tag", add=["novo"]),
             node("c", "condition", logic="or", rules=[
                 {"left": "vars.x", "op": "is_set"}, {"op": "has_tag", "right": "novo"}]),
             node("y", "message", text="sim"), node("n", "message", text="não")]
    edges = [edge("start", "t"), edge("t", "c"), edge("c", "y", "true"), edge("c", "n", "false")]
    assert texts(one(flow(nodes, edges)).say("oi")) == ["sim"]


def test_variable_defaults_apply_when_a_flow_starts():
    conv = one(chain(start(kw("oi")), node("m", "message", text="Plano: {{vars.plano}}"),
                     variables=[{"name": "plano", "default": "grátis"}]))
    assert texts(conv.say("oi")) == ["Plano: grátis"]


# --- http_request ---------------------------------------------------------------------------


def http_flow(**extra) -> dict:
    data = {"method": "POST", "url": "https://api.x/clientes/{{contact.wa_id}}",
            "headers": {"Authorization": "Bearer {{vars.token}}"},
            "body": '{"nome": {{contact.name | tojson}}}', "timeout_s": 5,
            "response_map": {"saldo": "conta.saldo", "primeiro": "itens[0].nome"}}
    data.update(extra)
    return flow(
        [start(kw("saldo")), node("h", "http_request", **data),
         node("ok", "message", text="Saldo: {{vars.saldo}} ({{vars.primeiro}})"),
         node("err", "message", text="Serviço indisponível.")],
        [edge("start", "h"), edge("h", "ok", "ok"), edge("h", "err", "error")],
        variables=[{"name": "token", "default": "t0k"}],
    )


def test_http_request_effect_and_ok_resume_with_response_map():
    conv = one(http_flow())
    result = conv.say("saldo")
    assert result.messages == []
    [effect] = result.effects
    assert effect == {
        "id": effect["id"], "kind": "http_request", "flow_id": "f", "node_id": "h",
        "method": "POST", "url": "https://api.x/clientes/5511987654321",
        "headers": {"Authorization": "Bearer t0k"}, "body": '{"nome": "Ana"}',
        "timeout_s": 5}
    assert result.state["waiting"] == "effect"
    assert result.state["pending"]["id"] == effect["id"]
    done = conv.resolve({"status": 200, "json": {"conta": {"saldo": 10.5},
                                                 "itens": [{"nome": "A"}]}}, effect["id"])
    assert texts(done) == ["Saldo: 10.5 (A)"]
    assert done.state["vars"]["saldo"] == 10.5


@pytest.mark.parametrize("outcome", [
    {"status": 500, "json": {"conta": {"saldo": 1}}},
    {"status": None, "json": None, "error": "timeout"},
    {"error": "connection refused"},
    {},
    "not a dict",
])
def test_http_request_error_paths(outcome):
    conv = one(http_flow())
    conv.say("saldo")
    result = conv.resolve(outcome)
    assert texts(result) == ["Serviço indisponível."]
    assert "saldo" not in result.state["vars"]


def test_http_request_missing_paths_set_none():
    conv = one(http_flow())
    conv.say("saldo")
    result = conv.resolve({"status": 201, "json": ["unexpected"]})
    assert result.state["vars"]["saldo"] is None
    assert texts(result) == ["Saldo:  ()"]


def test_http_request_stale_result_is_ignored():
    conv = one(http_flow())
    conv.say("saldo")
    result = conv.resolve({"status": 200, "json": {}}, effect_id="old-id")
    assert result.messages == [] and event_types(result) == ["stale_effect_result"]
    assert conv.state["waiting"] == "effect"


def test_http_request_rendered_url_must_be_http():
    conv = one(http_flow(url="{{vars.url}}"))
    result = conv.say("saldo")
    assert result.effects == [] and texts(result) == ["Serviço indisponível."]


def test_message_while_effect_pending_is_ignored():
    conv = one(http_flow())
    conv.say("saldo")
    result = conv.say("alô?")
    assert event_types(result) == ["message_ignored"]
    assert conv.state["waiting"] == "effect"


# --- ai_reply -------------------------------------------------------------------------------


def ai_flow() -> dict:
    return flow([start(ANY), node("ai", "ai_reply", prompt="Ajude {{contact.name}}",
                                  use_knowledge=True),
                 node("err", "message", text="Desculpe, tente mais tarde.")],
                [edge("start", "ai"), edge("ai", "err", "error")])


def test_ai_reply_effect_and_resume():
    conv = one(ai_flow())
    [effect] = conv.say("Qual o horário?").effects
    assert effect["kind"] == "ai_reply" and effect["prompt"] == "Ajude Ana"
    assert effect["use_knowledge"] is True and effect["user_text"] == "Qual o horário?"
    result = conv.resolve({"text": "Abrimos às 9h, {{contact.name}}."})
    assert texts(result) == ["Abrimos às 9h, {{contact.name}}."]  # never rendered
    assert result.state["status"] == "ended"


def test_ai_reply_error_handle():
    conv = one(ai_flow())
    conv.say("oi")
    assert texts(conv.resolve({"error": "quota"})) == ["Desculpe, tente mais tarde."]


# --- delay ----------------------------------------------------------------------------------


def delay_flow() -> dict:
    return flow([start(kw("oi")), node("d", "delay", amount=2, unit="hours"),
                 node("m", "message", text="Passaram 2 horas!")],
                [edge("start", "d"), edge("d", "m")])


def test_delay_effect_and_timer_resume():
    conv = one(delay_flow())
    [effect] = conv.say("oi").effects
    assert effect["kind"] == "delay" and effect["seconds"] == 7200
    assert effect["wake_at"] == (NOW + timedelta(hours=2)).isoformat()
    assert conv.state["pending"] == {"id": effect["id"], "kind": "delay",
                                     "wake_at": effect["wake_at"]}
    conv.advance(hours=2)
    assert texts(conv.timer(effect["id"])) == ["Passaram 2 horas!"]
    assert conv.state["status"] == "ended"


def test_early_timer_is_rearmed_and_wrong_token_is_stale():
    conv = one(delay_flow())
    [effect] = conv.say("oi").effects
    conv.advance(hours=1)
    early = conv.timer(effect["id"])
    assert early.messages == [] and early.effects[0]["id"] == effect["id"]
    assert early.effects[0]["seconds"] == 3600
    assert event_types(conv.timer("bogus")) == ["stale_timer"]
    conv.advance(hours=1)
    assert texts(conv.timer(effect["id"])) == ["Passaram 2 horas!"]
    assert event_types(conv.timer(effect["id"])) == ["stale_timer"]


def test_message_during_delay_is_ignored_unless_a_trigger_matches():
    flows = flowset({"f": delay_flow(),
                     "menu": chain(start(kw("menu")), node("mm", "message", text="Menu"))})
    conv = Conversation(flows)
    [effect] = conv.say("oi").effects
    ignored = conv.say("tem alguém aí?")
    assert event_types(ignored) == ["message_ignored"] and ignored.messages == []
    assert conv.state["waiting"] == "delay"
    switched = conv.say("menu")
    assert texts(switched) == ["Menu"]
    assert "pending_cancelled" in event_types(switched)
    conv.advance(days=1)
    assert event_types(conv.timer(effect["id"])) == ["stale_timer"]


# --- handoff --------------------------------------------------------------------------------


def test_handoff_pauses_until_resume_bot():
    conv = menu()
    conv.say("oi")
    result = conv.tap("atendente", "Falar com atendente")
    assert texts(result) == ["Certo! Vou chamar alguém da nossa equipe. Aguarde um instante 🙂"]
    assert result.actions == [{"type": "handoff", "flow_id": "menu", "node_id": "atendimento",
                               "note": "Cliente pediu atendimento humano pelo menu."}]
    assert result.state["status"] == "human"
    for text in ("oi", "menu", "alguém?"):
        ignored = conv.say(text)
        assert ignored.messages == [] and event_types(ignored) == ["message_ignored"]
    resumed = conv.event({"kind": "resume_bot"})
    assert "bot_resumed" in event_types(resumed)
    assert resumed.state["status"] == "ended"  # the handoff's "out" is not connected
    assert conv.say("oi").messages[0]["type"] == "buttons"


def test_resume_bot_continues_from_handoff_out():
    conv = one(chain(start(kw("oi")), node("h", "handoff", note="n"),
                     node("m", "message", text="Voltei! Posso ajudar em algo mais?")))
    result = conv.say("oi")
    assert result.messages == [] and result.actions[0]["type"] == "handoff"
    assert texts(conv.event({"kind": "resume_bot"})) == ["Voltei! Posso ajudar em algo mais?"]
    assert event_types(conv.event({"kind": "resume_bot"})) == ["resume_ignored"]


def test_opt_out_works_during_handoff():
    conv = menu()
    conv.say("oi")
    conv.tap("atendente")
    assert action_types(conv.say("PARAR")) == ["opt_out"]
    assert conv.state["status"] == "ended"


# --- goto_flow, goals in the example, budgets -----------------------------------------------


def test_goto_flow_jumps_to_the_other_flows_start():
    flows = flowset({
        "a": chain(start(kw("a")), node("ma", "message", text="A"),
                   node("g", "goto_flow", flow_id="b")),
        "b": chain(start(), node("mb", "message", text="B")),
    })
    result = Conversation(flows).say("a")
    assert texts(result) == ["A", "B"]
    jumps = [e for e in result.events if e["type"] == "flow_started"]
    assert jumps[1] == {"type": "flow_started", "flow_id": "b", "trigger": "goto_flow",
                        "previous_flow_id": "a"}


def test_goto_missing_flow_ends_safely():
    # The target flow was valid when saved but has since been deactivated.
    data = chain(start(kw("a")), node("g", "goto_flow", flow_id="sumiu"))
    result = Conversation(FlowSet(flows={"f": parse_flow(data)})).say("a")
    assert "goto_missing" in event_types(result) and result.state["status"] == "ended"


def test_example_menu_catalog_branch_reaches_goal():
    conv = menu()
    conv.say("Bom dia!")
    result = conv.tap("catalogo", "Ver catálogo")
    assert "goal_reached" in event_types(result)
    assert result.state["status"] == "ended"


def test_step_budget_stops_a_variable_cycle():
    nodes = [start(kw("loop")),
             node("inc", "set_variable", variable="n", value="1", mode="increment"),
             node("c", "condition", rules=[{"left": "vars.n", "op": "lt", "right": 1000000}])]
    edges = [edge("start", "inc"), edge("inc", "c"), edge("c", "inc", "true")]
    conv = one(flow(nodes, edges))
    conv.max_steps = 50
    result = conv.say("loop")
    visited = [e for e in result.events if e["type"] == "node_visited"]
    assert len(visited) == 50
    assert "loop_stopped" in event_types(result)
    assert result.state["status"] == "ended"
    assert result.actions[-1]["reason"] == "loop_stopped"


def test_step_budget_stops_a_goto_cycle():
    flows = flowset({"a": chain(start(kw("a")), node("g", "goto_flow", flow_id="a"))})
    result = Conversation(flows).say("a")
    assert len([e for e in result.events if e["type"] == "node_visited"]) == 100
    assert "loop_stopped" in event_types(result)


# --- robustness -----------------------------------------------------------------------------


def test_state_from_an_older_flow_version_restarts_gracefully():
    conv = menu()
    conv.state = {**new_state(), "status": "bot", "flow_id": "menu", "node_id": "apagado",
                  "waiting": "input"}
    result = conv.say("oi")
    assert event_types(result)[0] == "state_reset"
    assert result.messages[0]["type"] == "buttons"


def test_state_of_a_deactivated_flow_falls_back_to_default_reply():
    conv = one(chain(start(kw("oi")), node("m", "message", text="x")), default_reply="Oi!")
    conv.state = {**new_state(), "status": "bot", "flow_id": "removido", "node_id": "q",
                  "waiting": "input"}
    assert texts(conv.say("bla")) == ["Oi!"]


@pytest.mark.parametrize("state", [
    None, 5, "x", [], {"status": "bot"}, {"status": "bot", "flow_id": 3, "vars": "x"},
    {"status": "human", "flow_id": "menu", "node_id": "nada", "waiting": "human"},
    {"status": "bot", "flow_id": "menu", "node_id": "boas-vindas", "waiting": "effect",
     "pending": {"id": "x", "kind": "delay"}},
    {"vars": {"ok": 1, "1bad": 2, "big": 10**400, "nan": float("nan"), "d": {"a": [1]}},
     "seq": -3, "steps": "many", "retries": float("inf")},
])
@pytest.mark.parametrize("event", [
    {"kind": "message", "type": "text", "text": "oi"},
    {"kind": "message"}, {"kind": "message", "text": 5, "payload": 7, "referral": "x"},
    {"kind": "timer"}, {"kind": "effect_result", "result": None}, {"kind": "resume_bot"},
    {"kind": "start_flow", "flow_id": ["x"]}, {"kind": "boom"}, {}, None, "text", 3,
])
def test_garbage_never_raises(state, event):
    result = handle(FlowSet(flows={"menu": load_example_flow()}), state, event,
                    {"name": None, "tags": "x", "fields": [1]}, NOW)
    json.dumps(result.to_dict(), allow_nan=False)
    assert "engine_error" not in event_types(result)


def load_example_flow():
    return parse_flow(load_example())


def test_bad_flowset_contact_and_clock_never_raise():
    for flows in (None, FlowSet(flows=None), FlowSet(flows={"x": "not a flow"})):
        result = handle(flows, None, text_msg("oi"), None, "yesterday", max_steps="many")
        json.dumps(result.to_dict())


def test_timezone_aware_now_is_converted_to_naive_utc():
    conv = one(delay_flow())
    conv.now = datetime(2024, 5, 10, 9, 0, tzinfo=UTC).astimezone()
    [effect] = conv.say("oi").effects
    assert effect["wake_at"] == "2024-05-10T11:00:00"


def test_unknown_event_kind_keeps_state():
    conv = menu()
    conv.say("oi")
    before = dict(conv.state)
    result = conv.event({"kind": "reaction", "emoji": "👍"})
    assert event_types(result) == ["unknown_event"] and result.state == before


def test_start_flow_event():
    conv = menu()
    assert conv.event({"kind": "start_flow", "flow_id": "menu"}).messages[0]["type"] == "buttons"
    assert event_types(conv.event({"kind": "start_flow", "flow_id": "nope"})) == [
        "unknown_flow"]


def test_loaded_state_is_stable_and_does_not_alias_input():
    conv = menu()
    conv.say("oi")
    stored = json.loads(json.dumps(conv.state))
    assert load_state(stored) == stored
    original = json.loads(json.dumps(stored))
    handle(conv.flows, stored, text_msg("pedido"), conv.contact, NOW)
    assert stored == original


def test_flowset_from_definitions_skips_flows_that_no_longer_validate():
    broken = chain(start(kw("x")), node("m", "message", text="a", buttons=[
        {"id": "a", "title": "t" * 30}]))
    goto_inactive = chain(start(kw("ir")), node("g", "goto_flow", flow_id="inativo"))
    flows = FlowSet.from_definitions({"1": load_example(), "2": broken, "3": goto_inactive},
                                     default_reply="Oi!")
    assert list(flows.flows) == ["1", "3"]
    assert "2" in flows.skipped and "20" in flows.skipped["2"][0]
    assert flows.default_reply == "Oi!"
    with pytest.raises(FlowValidationError):
        FlowSet.from_definitions({"2": broken}, strict=True)
    assert Conversation(flows).say("oi").messages[0]["type"] == "buttons"


def test_tapping_a_button_titled_like_an_opt_out_word_is_a_choice():
    conv = one(flow([start(kw("oi")), node("m", "message", text="E agora?", buttons=[
        {"id": "sair", "title": "Sair"}, {"id": "ficar", "title": "Ficar"}]),
        node("bye", "message", text="Até logo!")],
        [edge("start", "m"), edge("m", "bye", "sair")]))
    conv.say("oi")
    result = conv.tap("sair", "Sair")
    assert texts(result) == ["Até logo!"] and "opt_out" not in action_types(result)


def test_typing_the_title_of_an_option_on_screen_is_a_choice_not_an_opt_out():
    """A menu offering "Sair" (leave the menu): the customer who types it means the option;
    the same word with no such option on screen still opts out."""
    conv = one(flow([start(kw("oi")), node("m", "message", text="E agora?", buttons=[
        {"id": "sair", "title": "Sair"}, {"id": "ficar", "title": "Ficar"}]),
        node("bye", "message", text="Até logo!")],
        [edge("start", "m"), edge("m", "bye", "sair")]))
    conv.say("oi")
    result = conv.say(" sair ")
    assert texts(result) == ["Até logo!"] and "opt_out" not in action_types(result)
    assert action_types(conv.say("sair")) == ["opt_out"]


def test_cancelar_is_no_default_opt_out_word():
    """Customers type "cancelar" to cancel an order or a booking, not every message."""
    conv = menu()
    assert "opt_out" not in action_types(conv.say("cancelar"))
    assert conv.state["opted_out"] is not True


def test_contact_row_overrides_a_stale_opt_out_in_state():
    conv = menu()
    conv.say("parar")
    assert conv.state["opted_out"] is True
    conv.contact["opted_out"] = False  # an operator re-enabled the contact
    result = conv.say("oi")
    assert result.messages[0]["type"] == "buttons" and result.state["opted_out"] is False
    conv.say("parar")
    del conv.contact["opted_out"]  # a caller that does not track it: the state decides
    assert conv.say("oi").messages == []


def test_template_quick_reply_titled_parar_opts_out():
    conv = menu()
    result = conv.tap("PROMO_STOP", "Parar promoções", kind="button")
    assert "opt_out" not in action_types(result)  # not the whole message
    assert action_types(conv.tap("STOP", "Parar", kind="button")) == ["opt_out"]
