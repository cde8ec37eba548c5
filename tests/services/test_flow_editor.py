"""The flow editor's services: canvas actions, inspector edits, import (id remap, hostile
input), autosave, version restore/activate, tenant isolation, the draft test chat."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import make_instance, make_owner
from ylada_app.engine import validate_flow
from ylada_app.services import flow_editor as fe
from ylada_app.services import flows
from ylada_app.services.errors import FieldErrors, NotFound
from ylada_app.services.sandbox_chat import sandbox_say

MENU = json.loads((Path(__file__).resolve().parents[2]
                   / "ylada_app/engine/examples/menu.json").read_text())


def _doc() -> dict:
    doc = fe.empty_document()
    fe.apply_action(doc, {"kind": "add", "nodes": [
        {"id": "m1", "type": "message", "position": {"x": 200, "y": 0},
         "data": {"text": "Oi!", "buttons": [{"id": "b1", "title": "Sim"}]},
         "selected": True, "measured": {"width": 220}},
        {"id": "fim", "type": "end", "position": {"x": 400, "y": 0}, "data": {}}]})
    fe.apply_action(doc, {"kind": "connect", "edge": {
        "id": "e1", "source": "inicio", "sourceHandle": "out", "target": "m1"}})
    fe.apply_action(doc, {"kind": "connect", "edge": {
        "id": "e2", "source": "m1", "sourceHandle": "b1", "target": "fim"}})
    return doc


def test_actions_build_a_valid_flow_and_drop_react_flow_extras():
    doc = _doc()
    assert validate_flow(doc).ok
    assert set(doc["nodes"][1]) == {"id", "type", "position", "data"}
    assert fe.apply_action(doc, {"kind": "move", "positions": {"m1": {"x": 5.55, "y": "x"}}})
    assert doc["nodes"][1]["position"] == {"x": 5.5, "y": 0.0}
    # One edge per handle: reconnecting a handle replaces its edge.
    fe.apply_action(doc, {"kind": "connect", "edge": {
        "id": "e3", "source": "m1", "sourceHandle": "b1", "target": "inicio"}})
    assert [e["id"] for e in doc["edges"] if e["source"] == "m1"] == ["e3"]
    # Deleting a node takes its edges with it.
    assert fe.apply_action(doc, {"kind": "delete", "nodes": ["m1"], "edges": []})
    assert [n["id"] for n in doc["nodes"]] == ["inicio", "fim"] and doc["edges"] == []


@pytest.mark.parametrize("action", [
    None, [], {"kind": "nope"}, {"kind": "add", "nodes": [{"id": "<x>", "type": "message"}]},
    {"kind": "add", "nodes": [{"id": "ok", "type": "script"}]},
    {"kind": "connect", "edge": {"source": "inicio", "target": "ghost"}},
    {"kind": "move", "positions": {"ghost": {"x": 1, "y": 1}}},
])
def test_malformed_actions_change_nothing(action):
    doc = _doc()
    before = json.dumps(doc)
    assert not fe.apply_action(doc, action)
    assert json.dumps(doc) == before


def test_replace_is_undo_and_dedupes_ids():
    doc = _doc()
    snap = json.loads(json.dumps(doc))
    fe.apply_action(doc, {"kind": "delete", "nodes": ["fim"], "edges": []})
    fe.apply_action(doc, {"kind": "replace", "nodes": snap["nodes"] + [snap["nodes"][0]],
                          "edges": snap["edges"]})
    assert doc == snap


def test_inspector_edits_and_handles_follow_buttons():
    doc = _doc()
    node = doc["nodes"][1]
    data = fe.edit_field("message", node["data"], "text", "Olá {{contact.name}}")
    data = fe.add_option(data)
    data = fe.edit_option(data, 1, "title", "Um título comprido demais aqui")
    fe.set_node_data(doc, "m1", data)
    report = validate_flow(doc)
    assert any(i.node_id == "m1" and "20" in i.message for i in report.errors)
    data = fe.edit_option(data, 1, "title", "Não")
    fe.set_node_data(doc, "m1", data)
    assert validate_flow(doc).ok
    # Switching to plain text removes the buttons and the edge that left by one of them.
    removed = fe.set_node_data(doc, "m1", fe.edit_field("message", data, "variant", "text"))
    assert removed == ["e2"] and "buttons" not in doc["nodes"][1]["data"]
    # Numbers typed as text stay text so validation can name the field.
    assert fe.edit_field("delay", {"amount": 1, "unit": "minutes"}, "amount", "dez")["amount"] \
        == "dez"
    start = fe.edit_field("start", {}, "keywords", "oi, menu ,")
    assert start["triggers"] == [{"type": "keyword", "keywords": ["oi", "menu"],
                                  "match": "exact"}]
    assert fe.inspector_fields({"type": "start", "data": start})["keywords"] == "oi, menu"
    assert "email" in fe.variables_in(MENU) and "pedido_status" in fe.variables_in(MENU)


def test_import_remaps_colliding_ids():
    current = json.loads(json.dumps(MENU))
    imported = fe.parse_import(json.dumps(MENU))
    merged = fe.merge_import(current, imported)
    ids = [n["id"] for n in merged["nodes"]]
    assert len(ids) == len(set(ids))
    assert len(ids) == 2 * len(MENU["nodes"]) - 1  # the second start node is left out
    assert len({e["id"] for e in merged["edges"]}) == len(merged["edges"])
    report = validate_flow(merged)
    assert report.ok, report.errors
    # The existing nodes are untouched.
    assert merged["nodes"][: len(MENU["nodes"])] == MENU["nodes"]


@pytest.mark.parametrize(("raw", "needle"), [
    ("", "vazio"), ("{isto não", "JSON"), ("[1,2]", "fluxo"), (b"\xff\xfe\x00", "UTF-8"),
    ("x" * (flows.MAX_FLOW_BYTES + 1), "grande"),
    ('{"version": 1, "nodes": [{"id": "a", "type": "script", "data": {}}]}', "a"),
    ("[" * 100_000 + "]" * 100_000, "JSON"),
])
def test_bad_imports_are_rejected_with_a_reason(raw, needle):
    with pytest.raises(fe.ImportRejected) as exc:
        fe.parse_import(raw)
    assert exc.value.messages and needle in " ".join(exc.value.messages)


def test_script_text_imports_as_plain_text():
    hostile = json.loads(json.dumps(MENU))
    hostile["nodes"][1]["data"]["text"] = "<script>alert(1)</script> oi"
    doc = fe.parse_import(json.dumps(hostile))
    assert doc["nodes"][1]["data"]["text"].startswith("<script>")  # data, rendered as text


def test_autosave_restore_activate_and_isolation(db):
    a = make_owner(db, tenant_name="Empresa A")
    b = make_owner(db, tenant_name="Empresa B")
    inst = make_instance(db, a.tenant_id)
    flow = fe.new_flow(db, tenant_id=a.tenant_id, instance_id=inst.id, name="Novo")
    db.commit()
    assert [n["type"] for n in flow.draft["nodes"]] == ["start"]
    fe.autosave(db, tenant_id=a.tenant_id, flow_id=flow.id, definition=MENU)
    v1 = flows.publish(db, tenant_id=a.tenant_id, flow_id=flow.id).version
    changed = json.loads(json.dumps(MENU))
    changed["nodes"][1]["data"]["text"] = "Versão dois"
    fe.autosave(db, tenant_id=a.tenant_id, flow_id=flow.id, definition=changed)
    v2 = flows.publish(db, tenant_id=a.tenant_id, flow_id=flow.id).version
    db.commit()
    rows = fe.list_versions(db, tenant_id=a.tenant_id, flow_id=flow.id)
    assert [(r.version, r.active) for r in rows] == [(2, True), (1, False)]
    restored = fe.restore_version(db, tenant_id=a.tenant_id, flow_id=flow.id, version_id=v1.id)
    assert restored == MENU
    assert fe.load_editor(db, tenant_id=a.tenant_id, flow_id=flow.id).draft == MENU
    fe.activate_version(db, tenant_id=a.tenant_id, flow_id=flow.id, version_id=v1.id)
    db.commit()
    assert flows.active_definitions(db, instance_id=inst.id) == {str(flow.id): MENU}
    assert [r.active for r in fe.list_versions(db, tenant_id=a.tenant_id,
                                               flow_id=flow.id)] == [False, True]
    # Tenant B sees nothing of A's flow and can change nothing.
    for fn, kwargs in [
        (fe.load_editor, {}), (fe.list_versions, {}),
        (fe.autosave, {"definition": fe.empty_document()}),
        (fe.restore_version, {"version_id": v2.id}),
        (fe.activate_version, {"version_id": v2.id}),
    ]:
        with pytest.raises(NotFound):
            fn(db, tenant_id=b.tenant_id, flow_id=flow.id, **kwargs)
    # A's own version id under another of A's flows is not found either.
    other = fe.new_flow(db, tenant_id=a.tenant_id, instance_id=inst.id, name="Outro")
    with pytest.raises(NotFound):
        fe.restore_version(db, tenant_id=a.tenant_id, flow_id=other.id, version_id=v1.id)
    with pytest.raises(NotFound):
        fe.new_flow(db, tenant_id=b.tenant_id, instance_id=inst.id, name="Invasor")
    db.commit()
    assert fe.load_editor(db, tenant_id=a.tenant_id, flow_id=flow.id).draft == MENU


def test_autosave_refuses_a_huge_draft(db):
    a = make_owner(db)
    inst = make_instance(db, a.tenant_id)
    flow = fe.new_flow(db, tenant_id=a.tenant_id, instance_id=inst.id, name="Grande")
    huge = fe.empty_document()
    huge["nodes"][0]["data"]["label"] = "x" * (flows.MAX_FLOW_BYTES + 10)
    with pytest.raises(FieldErrors):
        fe.autosave(db, tenant_id=a.tenant_id, flow_id=flow.id, definition=huge)


def test_sandbox_chat_runs_the_draft_and_reports_the_node():
    turn = sandbox_say(MENU, None, "oi")
    assert turn.messages[0]["type"] == "buttons" and turn.node_id == "boas-vindas"
    turn = sandbox_say(MENU, json.loads(json.dumps(turn.snapshot)), "Status do pedido")
    assert "e-mail" in turn.messages[0]["text"] and turn.node_id == "pergunta-email"
    broken = sandbox_say({"version": 1, "nodes": []}, None, "oi")
    assert broken.messages == [] and broken.problems


def _split_doc() -> dict:
    """start → A/B split (default branches a, b) → two ends, one per branch."""
    doc = fe.empty_document()
    split = fe.block_after(doc, "randomizer", "inicio")
    split["id"] = "ab"
    fe.apply_action(doc, {"kind": "add", "nodes": [
        split, {"id": "fa", "type": "end", "data": {}}, {"id": "fb", "type": "end", "data": {}}]})
    for eid, source, handle, target in (("e0", "inicio", "out", "ab"), ("e1", "ab", "a", "fa"),
                                        ("e2", "ab", "b", "fb")):
        fe.apply_action(doc, {"kind": "connect", "edge": {
            "id": eid, "source": source, "sourceHandle": handle, "target": target}})
    return doc


def test_a_split_from_the_palette_is_valid_once_its_paths_are_connected():
    doc = _split_doc()
    assert validate_flow(doc).ok, validate_flow(doc).errors
    dropped = fe.empty_document()
    fe.apply_action(dropped, {"kind": "add", "nodes": [fe.block_after(dropped, "randomizer")]})
    assert [i.code for i in validate_flow(dropped).errors] == ["randomizer_unconnected"] * 2


def test_split_branches_are_edited_added_and_removed_with_their_edges():
    doc = _split_doc()
    node = next(n for n in doc["nodes"] if n["id"] == "ab")
    data = fe.edit_branch(node["data"], 0, "weight", "80")
    data = fe.edit_branch(data, 1, "label", " Sem frete ")
    assert data["branches"][0]["weight"] == 80 and data["branches"][1]["label"] == "Sem frete"
    data = fe.add_branch(data)
    assert [b["id"] for b in data["branches"]] == ["a", "b", "c"]
    for _ in range(5):
        data = fe.add_branch(data)
    assert len(data["branches"]) == 6  # the most a split takes
    fe.set_node_data(doc, "ab", data)
    rows = fe.inspector_branches(node)
    assert [r["label"] for r in rows] == ["A", "Sem frete", "C", "D", "E", "F"]
    assert rows[0]["share"] == f"{round(100 * 80 / 330)}%"
    removed = fe.set_node_data(doc, "ab", fe.remove_branch(node["data"], 1))
    assert removed == ["e2"] and all(e["id"] != "e2" for e in doc["edges"])
    assert fe.handles_of({"type": "randomizer", "data": {"branches": [{"id": "x"}, {}]}}) == \
        ("x",)
    bad = fe.edit_branch(node["data"], 0, "weight", "muito")
    [issue] = [i for i in validate_flow({**doc, "nodes": [
        {**n, "data": bad} if n["id"] == "ab" else n for n in doc["nodes"]]}).errors
        if i.code == "invalid_weight"]
    assert "muito" in issue.message


def test_template_block_picks_an_approved_template_and_keeps_typed_values():
    data = fe.NODE_DEFAULTS["template"]
    data = fe.pick_template(data, "lembrete_consulta|pt_BR", 2)
    assert data == {"name": "lembrete_consulta", "language": "pt_BR", "variables": ["", ""]}
    data = fe.edit_template_value(data, 0, "{{contact.name}}")
    data = fe.edit_template_value(data, 5, "ignored")
    assert data["variables"] == ["{{contact.name}}", ""]
    assert fe.pick_template(data, "outro|en_US", 1)["variables"] == ["{{contact.name}}"]
    node = {"id": "t", "type": "template", "data": data}
    assert fe.inspector_fields(node)["template_ref"] == "lembrete_consulta|pt_BR"
    assert fe.inspector_template_values(node) == [{"n": "1", "value": "{nome do cliente}"},
                                                  {"n": "2", "value": ""}]
    assert fe.inspector_fields({"id": "t", "type": "template",
                                "data": fe.NODE_DEFAULTS["template"]})["template_ref"] == ""


def test_approved_templates_of_the_number_for_the_template_block(db):
    from ylada_app.services import message_templates
    from ylada_app.services.message_templates import Draft

    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)  # the simulator: approved at once
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id, draft=Draft(
        name="lembrete_consulta", language="pt_BR", category="UTILITY",
        body="Olá {{1}}, sua consulta é às {{2}}.", body_examples=["Ana", "14h"]))
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id, draft=Draft(
        name="com_cabecalho", language="pt_BR", category="UTILITY", body="Oi {{1}}.",
        body_examples=["Ana"], header="Pedido {{1}}", header_example="#1"))
    # an image header is kept: the block gives its link (header_link)
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id, draft=Draft(
        name="oferta_foto", language="pt_BR", category="MARKETING", body="Veja a oferta.",
        body_examples=[], header_kind="image",
        header_file=message_templates.MediaExample(b"\x89PNG\r\n\x1a\n" + b"0" * 50)))
    assert fe.approved_templates(db, tenant_id=owner.tenant_id, instance_id=inst.id) == [
        {"value": "lembrete_consulta|pt_BR", "label": "lembrete_consulta (pt_BR)",
         "variables": "2", "body": "Olá {{1}}, sua consulta é às {{2}}.", "media": ""},
        {"value": "oferta_foto|pt_BR", "label": "oferta_foto (pt_BR)",
         "variables": "0", "body": "Veja a oferta.", "media": "image"}]
    node = {"id": "t", "type": "template", "data": {"name": "oferta_foto"}}
    data = fe.edit_field("template", node["data"], "header_link", " https://x.com.br/a.png ")
    assert data["header_link"] == " https://x.com.br/a.png "
    assert "header_link" not in fe.edit_field("template", data, "header_link", "  ")


def test_sandbox_chat_shows_templates_and_restarts_may_take_another_path():
    draft = {"version": 1, "nodes": [
        {"id": "inicio", "type": "start", "data": {"triggers": [{"type": "any_message"}]}},
        {"id": "ab", "type": "randomizer", "data": fe.NODE_DEFAULTS["randomizer"]},
        {"id": "ta", "type": "template", "data": {
            "name": "lembrete_consulta", "variables": ["{{contact.name}}", "14h"]}},
        {"id": "tb", "type": "message", "data": {"text": "Caminho B"}}],
        "edges": [{"id": "e0", "source": "inicio", "target": "ab"},
                  {"id": "e1", "source": "ab", "sourceHandle": "a", "target": "ta"},
                  {"id": "e2", "source": "ab", "sourceHandle": "b", "target": "tb"}]}
    bodies = {"lembrete_consulta|pt_BR": "Olá {{1}}, sua consulta é às {{2}}."}
    seen = set()
    for _ in range(30):  # a new test chat each time: a new seed
        turn = sandbox_say(draft, None, "oi", template_bodies=bodies)
        seen.add(turn.messages[0]["text"])
        again = sandbox_say(draft, json.loads(json.dumps(turn.snapshot)), "oi",
                            template_bodies=bodies)
        assert again.messages[0]["text"] == turn.messages[0]["text"]  # same chat, same path
    assert seen == {"Olá Cliente, sua consulta é às 14h.", "Caminho B"}
    unknown = None
    while unknown is None or unknown.messages[0]["type"] != "template":
        unknown = sandbox_say(draft, None, "oi")
    assert unknown.messages[0]["text"] == \
        "📄 Modelo de mensagem “lembrete_consulta” (pt_BR)\nCliente · 14h"


def test_the_owner_reads_and_types_placeholders_as_words_and_nothing_is_lost():
    stored = ("Olá {{contact.name}}! Pedido {{vars.numero_pedido}} para {{vars.data|data}}, "
              "{{ vars.obs | default('a confirmar') }}")
    node = {"id": "m", "type": "message", "data": {"text": stored}}
    shown = fe.inspector_fields(node)["text"]
    assert shown == "Olá {nome do cliente}! Pedido {número pedido} para {data}, {obs}"
    assert "{{" not in shown and "vars." not in shown
    variables = ["numero_pedido", "data", "obs", "endereco"]
    # untouched words come back as the very placeholders (filters and defaults kept)
    assert fe.edit_field("message", node["data"], "text", shown,
                         variables=variables)["text"] == stored
    # typed words: any spelling of a known answer, the customer's data; unknown stays as typed
    typed = fe.edit_field("message", node["data"], "text",
                          "Oi {Primeiro nome do cliente}, entrego em {endereço} {cupom}",
                          variables=variables)["text"]
    assert typed == "Oi {{contact.first_name}}, entrego em {{vars.endereco}} {cupom}"
    report = validate_flow({"version": 1, "nodes": [
        {"id": "s", "type": "start", "data": {}},
        {"id": "m", "type": "message", "data": {"text": typed}}],
        "edges": [{"source": "s", "target": "m"}]})
    assert any(w.code == "unknown_placeholder" and "{cupom}" in w.message
               for w in report.warnings)
    # the engine's own syntax typed by a power user is kept as it is
    assert fe.edit_field("message", {}, "text", "{{vars.x|upper}}", variables=[])["text"] \
        == "{{vars.x|upper}}"
    # an HTTP call's address reads in words too, its filter kept
    url = "https://api.exemplo.com.br/pedidos?email={{vars.email | urlencode}}"
    call = {"id": "h", "type": "http_request", "data": {"url": url}}
    assert fe.inspector_fields(call)["url"] == "https://api.exemplo.com.br/pedidos?email={email}"
    assert fe.edit_field("http_request", call["data"], "url",
                         fe.inspector_fields(call)["url"], variables=["email"])["url"] == url
    # an HTTP call's JSON body keeps its braces and placeholders untouched
    body = '{"pedido": {{vars.numero_pedido|tojson}}}'
    http = {"id": "h", "type": "http_request", "data": {"body": body}}
    assert fe.inspector_fields(http)["body"] == body
    assert fe.edit_field("http_request", http["data"], "body", body,
                         variables=variables)["body"] == body


def test_a_condition_rule_looks_at_answers_and_customer_data_named_in_words():
    subjects = fe.rule_subjects(["email", "numero_pedido"],
                                [{"left": "contact.fields.cidade", "op": "equals", "right": ""},
                                 {"left": "vars.", "op": "equals", "right": ""}])
    assert {s["value"]: s["label"] for s in subjects} == {
        "vars.email": "email", "vars.numero_pedido": "número pedido",
        "contact.name": "nome do cliente", "contact.wa_id": "telefone do cliente",
        "contact.fields.cidade": "cidade"}
