"""The `randomizer` (A/B split) and `template` (approved WhatsApp template) nodes: weighted,
deterministic branch picks without randomness, their analytics event, template variables
rendered like any flow text, and pt-BR validation that never shows ids or kinds."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.engine.builders import (
    NOW,
    Conversation,
    edge,
    event_types,
    flow,
    flowset,
    kw,
    node,
    start,
    texts,
)
from ylada_app.engine import handle, validate_flow
from ylada_app.engine.runtime import pick_branch, stable_hash

SPLIT_ID = "teste-ab-7f3a"


def branches(*weights: int, labels: str = "ABCDEFG") -> list[dict]:
    return [{"id": labels[i].lower(), "label": labels[i], "weight": w}
            for i, w in enumerate(weights)]


def split_flow(*weights: int, connect: bool = True) -> dict:
    """start → randomizer → one text message per branch (saying the branch's label)."""
    items = branches(*weights)
    nodes = [start(kw("oi")), node(SPLIT_ID, "randomizer", branches=items)]
    edges = [edge("start", SPLIT_ID)]
    for b in items:
        nodes.append(node(f"msg-{b['id']}", "message", text=b["label"]))
        if connect:
            edges.append(edge(SPLIT_ID, f"msg-{b['id']}", b["id"]))
    return flow(nodes, edges)


def branch_for(flows, wa_id: str, **kw_args) -> str:
    contact = {"wa_id": wa_id, "name": "Ana", "tags": [], "fields": {}, "opted_out": False}
    result = handle(flows, None, {"kind": "message", "type": "text", "text": "oi"}, contact,
                    NOW, **kw_args)
    [event] = [e for e in result.events if e["type"] == "randomizer"]
    assert texts(result) == [event["branch"].upper()]  # the branch's edge was followed
    return event["branch"]


# --- runtime ----------------------------------------------------------------------------------


def test_weights_are_respected_over_many_contacts():
    flows = flowset({"f": split_flow(20, 30, 50)})
    n = 3000
    counts = Counter(branch_for(flows, f"55119{i:08d}") for i in range(n))
    assert set(counts) == {"a", "b", "c"}
    for branch, weight in (("a", 20), ("b", 30), ("c", 50)):
        share = 100 * counts[branch] / n
        assert abs(share - weight) < 4, counts


def test_an_even_split_and_a_lopsided_one():
    even = Counter(branch_for(flowset({"f": split_flow(50, 50)}), f"5521{i:09d}")
                   for i in range(2000))
    assert abs(even["a"] - even["b"]) < 200, even
    lopsided = Counter(branch_for(flowset({"f": split_flow(1, 99)}), f"5521{i:09d}")
                       for i in range(2000))
    assert lopsided["a"] < 60 and lopsided["b"] > 1900, lopsided


def test_the_same_contact_always_takes_the_same_branch():
    flows = flowset({"f": split_flow(50, 50)})
    conv = Conversation(flows)
    first = [e["branch"] for e in conv.say("oi").events if e["type"] == "randomizer"]
    for _ in range(5):  # a new session each time (the flow ended after the message)
        again = [e["branch"] for e in conv.say("oi").events if e["type"] == "randomizer"]
        assert again == first
    # with a seed from the caller the seed decides, whatever the wa_id
    picks = {branch_for(flows, f"55{i}", seed="contact-42") for i in range(20)}
    assert len(picks) == 1
    assert {branch_for(flows, "5511999990000", seed=f"contact-{i}") for i in range(40)} == \
        {"a", "b"}


def test_the_randomizer_event_names_flow_node_and_branch():
    conv = Conversation(flowset({"vendas": split_flow(50, 50)}))
    result = conv.say("oi")
    [event] = [e for e in result.events if e["type"] == "randomizer"]
    assert event == {"type": "randomizer", "flow_id": "vendas", "node_id": SPLIT_ID,
                     "branch": event["branch"]}
    assert event_types(result).index("randomizer") > event_types(result).index("node_visited")


def test_pick_branch_is_a_pure_function_of_its_key():
    assert stable_hash("abc") == stable_hash("abc") != stable_hash("abd")
    items = [("a", 1), ("b", 3)]
    assert all(pick_branch(items, f"k{i}") == pick_branch(items, f"k{i}") for i in range(50))
    assert pick_branch([("a", 0), ("b", 5)], "x") == "b"
    assert pick_branch([], "x") is None and pick_branch([("a", 0)], "x") is None


# --- template ---------------------------------------------------------------------------------


def template_flow(**data) -> dict:
    data.setdefault("name", "lembrete_consulta")
    return flow([start(kw("oi")), node("q", "set_variable", variable="horario", value="14h"),
                 node("tpl", "template", **data), node("fim", "message", text="Até logo")],
                [edge("start", "q"), edge("q", "tpl"), edge("tpl", "fim")])


def test_template_node_renders_its_variables_and_goes_on():
    conv = Conversation(flowset({"f": template_flow(
        language="pt_BR", variables=["{{contact.name}}", "{{vars.horario}}", "fixo"])}))
    result = conv.say("oi")
    assert result.messages == [
        {"type": "template", "name": "lembrete_consulta", "language": "pt_BR",
         "variables": ["Ana", "14h", "fixo"]},
        {"type": "text", "text": "Até logo"},
    ]


def test_template_node_without_variables_and_an_unset_variable():
    conv = Conversation(flowset({"f": template_flow(variables=["{{vars.nao_existe}}"])}))
    [tpl, _] = conv.say("oi").messages
    # rendered empty: the pipeline refuses a blank value and tells the business
    assert tpl["variables"] == [""] and tpl["language"] == "pt_BR"
    conv = Conversation(flowset({"f": template_flow()}))
    assert conv.say("oi").messages[0]["variables"] == []


# --- validation -------------------------------------------------------------------------------


def errors_of(data: dict) -> list:
    return validate_flow(data).errors


def assert_owner_readable(issues: list) -> None:
    for issue in issues:
        for leak in (SPLIT_ID, "randomizer", "vars.", "tpl-"):
            assert leak not in issue.message, issue.message


def test_a_well_formed_split_is_valid():
    report = validate_flow(split_flow(10, 20, 30, 40))
    assert report.ok and report.warnings == [], (report.errors, report.warnings)


@pytest.mark.parametrize("weights, code", [
    ((100,), "randomizer_too_few"),
    ((10,) * 7, "randomizer_too_many"),
    ((0, 50), "invalid_weight"),
    ((-5, 50), "invalid_weight"),
    ((50, 101), "invalid_weight"),
])
def test_bad_splits_are_refused_in_pt_br(weights, code):
    issues = [i for i in errors_of(split_flow(*weights)) if i.code == code]
    assert issues, errors_of(split_flow(*weights))
    assert issues[0].node_id == SPLIT_ID
    assert_owner_readable(errors_of(split_flow(*weights)))


def test_no_branches_a_weight_that_is_not_a_whole_number_and_a_repeated_id():
    data = split_flow(50, 50)
    split = data["nodes"][1]["data"]
    split["branches"] = []
    assert "randomizer_too_few" in [i.code for i in errors_of(data)]
    for bad in ("abc", 2.5, None, True, ""):
        data = split_flow(50, 50)
        data["nodes"][1]["data"]["branches"][0]["weight"] = bad
        [issue] = [i for i in errors_of(data) if i.code == "invalid_weight"]
        assert "o peso do caminho “A” deve ser um número inteiro de 1 a 100" in issue.message
    data = split_flow(50, 50)
    data["nodes"][1]["data"]["branches"][1]["id"] = "a"
    issues = errors_of(data)
    assert "duplicate_branch_id" in [i.code for i in issues]
    assert_owner_readable(issues)


def test_every_branch_must_be_connected():
    issues = errors_of(split_flow(50, 50, connect=False))
    unconnected = [i for i in issues if i.code == "randomizer_unconnected"]
    assert len(unconnected) == 2
    assert "o caminho “A” não está ligado a nenhum bloco" in unconnected[0].message
    assert unconnected[0].message.startswith("Teste A/B")
    assert_owner_readable(issues)
    data = split_flow(50, 50)
    data["edges"].append(edge(SPLIT_ID, "msg-a", "z"))  # a way out that is no branch
    assert "unknown_handle" in [i.code for i in errors_of(data)]


def test_an_unlabelled_branch_is_named_by_its_place():
    data = split_flow(50, 50, connect=False)
    data["nodes"][1]["data"]["branches"][1]["label"] = ""
    messages = [i.message for i in errors_of(data) if i.code == "randomizer_unconnected"]
    assert any("o caminho 2 " in m for m in messages), messages


def test_template_node_needs_a_name():
    for data in ({"name": ""}, {"name": "   "}, {}):
        flow_json = template_flow()
        flow_json["nodes"][2]["data"] = data
        [issue] = [i for i in errors_of(flow_json) if i.code == "missing_template_name"]
        assert issue.message.endswith("escolha o modelo de mensagem a enviar.")
        assert issue.message.startswith("Modelo de mensagem")
        assert issue.node_id == "tpl"


def test_template_node_name_language_and_values_are_checked():
    assert validate_flow(template_flow(variables=["{{contact.name}}"])).ok
    codes = [i.code for i in errors_of(template_flow(name="Lembrete Consulta"))]
    assert codes == ["invalid_template_name"]
    codes = [i.code for i in errors_of(template_flow(language="portugues"))]
    assert codes == ["invalid_template_language"]
    issues = errors_of(template_flow(variables=["Ana", " "]))
    assert [i.code for i in issues] == ["empty_template_variable"]
    assert "o valor de {{2}} está vazio" in issues[0].message
    issues = errors_of(template_flow(variables=["x" * 1025]))
    assert [i.code for i in issues] == ["template_variable_too_long"]
    assert [i.code for i in errors_of(template_flow(variables=["v"] * 31))] == \
        ["too_many_template_variables"]
    # a media header's file: https (Meta fetches it), or a value filled in at run time
    assert validate_flow(template_flow(header_link="https://loja.com.br/oferta.jpg")).ok
    assert validate_flow(template_flow(header_link="{{vars.foto}}")).ok
    issues = errors_of(template_flow(header_link="http://loja.com.br/oferta.jpg"))
    assert [i.code for i in issues] == ["invalid_url"]
    assert "https://" in issues[0].message and "cabeçalho" in issues[0].message
