"""The flow editor's state: another tenant's flow id opens as "not found" with no data, and
forged canvas/inspector/version events change nothing of the other tenant's flow."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.models import Flow
from ylada_app.pages.flow_editor import FlowEditorState
from ylada_app.pages.flows import FlowsState
from ylada_app.services import flow_editor as fe
from ylada_app.services import flows

MENU = json.loads((Path(__file__).resolve().parents[2]
                   / "ylada_app/engine/examples/menu.json").read_text())


@pytest.fixture
def setup(db):
    a = make_owner(db, tenant_name="Empresa A")
    b = make_owner(db, tenant_name="Empresa B")
    inst = make_instance(db, a.tenant_id)
    flow = fe.new_flow(db, tenant_id=a.tenant_id, instance_id=inst.id, name="Segredo")
    fe.autosave(db, tenant_id=a.tenant_id, flow_id=flow.id, definition=MENU)
    version = flows.publish(db, tenant_id=a.tenant_id, flow_id=flow.id).version
    db.commit()
    return a, b, flow, version


def test_owner_loads_edits_and_autosaves(db, setup, monkeypatch):
    a, _, flow, _ = setup
    monkeypatch.setattr(FlowEditorState, "_flow_key", lambda self: str(flow.id))
    state = _state(FlowEditorState, a.token)
    _run(FlowEditorState.load, state)
    assert not state.missing and state.flow_name == "Segredo"
    assert len(state.graph["nodes"]) == len(MENU["nodes"]) and state.error_count == 0
    _run(FlowEditorState.canvas_action, state, {"kind": "select", "id": "boas-vindas"})
    assert state.sel_kind == "message" and len(state.sel_options) == 3
    _run(FlowEditorState.set_option, state, 0, "title", "x" * 25)
    assert state.marks.get("boas-vindas") == "error" and state.sel_issues
    assert state.patch["nodes"][0]["id"] == "boas-vindas"
    _run(FlowEditorState.canvas_action, state, {"kind": "delete", "nodes": ["catalogo"],
                                               "edges": []})
    db.expire_all()
    draft = db.get(Flow, flow.id).draft
    assert "catalogo" not in {n["id"] for n in draft["nodes"]}
    assert draft["nodes"][1]["data"]["buttons"][0]["title"] == "x" * 25


def test_other_tenant_gets_not_found_and_changes_nothing(db, setup, monkeypatch):
    a, b, flow, version = setup
    monkeypatch.setattr(FlowEditorState, "_flow_key", lambda self: str(flow.id))
    state = _state(FlowEditorState, b.token)
    _run(FlowEditorState.load, state)
    assert state.missing and state.graph == {} and state.flow_name == ""
    assert state.versions == [] and state.sel == {}
    # Even with the id forced into its state, B's events are refused by the services.
    state.flow_id = str(flow.id)
    state._doc_json = json.dumps({"version": 1, "nodes": [], "edges": []})
    _run(FlowEditorState.canvas_action, state, {"kind": "add", "nodes": [
        {"id": "x1", "type": "end", "position": {"x": 0, "y": 0}, "data": {}}]})
    assert state.save_status == "error"
    _run(FlowEditorState.restore_version, state, str(version.id))
    _run(FlowEditorState.activate_version, state, str(version.id))
    _run(FlowEditorState.publish, state)
    db.expire_all()
    row = db.exec(select(Flow).where(Flow.id == flow.id)).one()
    assert row.draft == MENU and row.tenant_id == a.tenant_id
    assert len(fe.list_versions(db, tenant_id=a.tenant_id, flow_id=flow.id)) == 1


def test_a_draft_too_big_to_store_goes_back_to_the_stored_one(db, setup, monkeypatch):
    a, _, flow, _ = setup
    monkeypatch.setattr(FlowEditorState, "_flow_key", lambda self: str(flow.id))
    state = _state(FlowEditorState, a.token)
    _run(FlowEditorState.load, state)
    huge = [{"id": f"h{i}", "type": "message", "position": {"x": 0, "y": 0},
             "data": {"text": "x" * 4000}} for i in range(600)]
    _run(FlowEditorState.canvas_action, state, {"kind": "add", "nodes": huge})
    assert state.save_status == "error"
    assert json.loads(state._doc_json) == MENU and len(state.graph["nodes"]) == len(MENU["nodes"])
    db.expire_all()
    assert db.get(Flow, flow.id).draft == MENU


def test_split_and_template_blocks_are_edited_from_the_inspector(db, setup, monkeypatch):
    from ylada_app.models import Instance
    from ylada_app.services import message_templates
    from ylada_app.services.message_templates import Draft

    a, _, flow, _ = setup
    inst_id = db.get(Flow, flow.id).instance_id
    assert db.get(Instance, inst_id).channel == "simulator"  # templates approved at once
    message_templates.create(db, tenant_id=a.tenant_id, instance_id=inst_id, draft=Draft(
        name="lembrete_consulta", language="pt_BR", category="UTILITY",
        body="Olá {{1}}, sua consulta é às {{2}}.", body_examples=["Ana", "14h"]))
    db.commit()
    monkeypatch.setattr(FlowEditorState, "_flow_key", lambda self: str(flow.id))
    state = _state(FlowEditorState, a.token)
    _run(FlowEditorState.load, state)
    assert [t["value"] for t in state.wa_templates] == ["lembrete_consulta|pt_BR"]
    _run(FlowEditorState.add_block, state, "template")
    assert state.sel_kind == "template"
    assert any("escolha o modelo" in m for m in state.sel_issues)
    _run(FlowEditorState.set_template, state, "nao_aprovado|pt_BR")  # not offered: ignored
    assert state.sel["template_ref"] == ""
    _run(FlowEditorState.set_template, state, "lembrete_consulta|pt_BR")
    assert state.sel["template_ref"] == "lembrete_consulta|pt_BR"
    assert [v["n"] for v in state.sel_values] == ["1", "2"]
    _run(FlowEditorState.set_template_value, state, 0, "{{contact.name}}")
    _run(FlowEditorState.set_template_value, state, 1, "14h")
    assert not any("escolha o modelo" in m for m in state.sel_issues)
    _run(FlowEditorState.add_block, state, "randomizer")
    assert state.sel_kind == "randomizer" and len(state.sel_branches) == 2
    _run(FlowEditorState.add_branch, state)
    _run(FlowEditorState.set_branch, state, 2, "weight", "0")
    assert any("o peso do caminho “C”" in m for m in state.sel_issues)
    _run(FlowEditorState.remove_branch, state, 2)
    assert [b["label"] for b in state.sel_branches] == ["A", "B"]
    db.expire_all()
    draft = db.get(Flow, flow.id).draft
    [tpl] = [n for n in draft["nodes"] if n["type"] == "template"]
    assert tpl["data"] == {"name": "lembrete_consulta", "language": "pt_BR",
                           "variables": ["{{contact.name}}", "14h"]}
    assert any(n["type"] == "randomizer" for n in draft["nodes"])


def _json_compliant(value) -> bool:
    """What PostgreSQL's json type takes: no NaN / Infinity tokens."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


def _menu_editor(db, owner, monkeypatch):
    a, inst = owner
    flow = fe.new_flow(db, tenant_id=a.tenant_id, instance_id=inst.id, name="Pedidos")
    fe.autosave(db, tenant_id=a.tenant_id, flow_id=flow.id, definition=MENU)
    db.commit()
    monkeypatch.setattr(FlowEditorState, "_flow_key", lambda self: str(flow.id))
    editor = _state(FlowEditorState, a.token)
    _run(FlowEditorState.load, editor)
    return flow, editor


def test_flow_numbers_never_hold_nan_or_infinity(db, business_owner, monkeypatch):
    """Found by review and fixed: "NaN" or "1e999" typed in a number field was stored as a
    non-finite float, and a pasted flow's NaN/Infinity imported; PostgreSQL's json refuses
    them, so every later autosave of the flow failed. The inspector keeps such text as text
    (validation names it); an import refuses it with a pt-BR field error."""
    a, inst = business_owner
    flow, editor = _menu_editor(db, business_owner, monkeypatch)
    _run(FlowEditorState.canvas_action, editor, {"kind": "select", "id": "pergunta-email"})
    _run(FlowEditorState.set_field, editor, "max_retries", "NaN")
    _run(FlowEditorState.canvas_action, editor, {"kind": "select", "id": "consulta-pedido"})
    _run(FlowEditorState.set_field, editor, "timeout_s", "1e999")
    db.expire_all()
    assert _json_compliant(db.get(Flow, flow.id).draft)

    pasted = json.loads(json.dumps(MENU))
    pasted["nodes"][0]["position"] = {"x": math.inf, "y": math.nan}
    page = _state(FlowsState, a.token)
    _run(FlowsState.load, page)
    _run(FlowsState.import_flow, page, {"name": "Colado", "instance_id": str(inst.id),
                                        "definition": json.dumps(pasted)})
    db.expire_all()
    assert all(_json_compliant(f.draft) for f in db.exec(select(Flow).where(
        Flow.tenant_id == a.tenant_id)))
    assert len(db.exec(select(Flow).where(Flow.tenant_id == a.tenant_id)).all()) == 1


def test_flow_editor_problems_never_show_internal_field_paths(db, business_owner,
                                                              monkeypatch):
    """Found by review and fixed: a word typed in "Tentativas" read 'o campo
    "data.max_retries" deve ser um número inteiro.'; problems name the editor's label."""
    _, editor = _menu_editor(db, business_owner, monkeypatch)
    _run(FlowEditorState.canvas_action, editor, {"kind": "select", "id": "pergunta-email"})
    _run(FlowEditorState.set_field, editor, "max_retries", "três")
    assert editor.sel_issues  # still refused…
    assert not any("data." in issue for issue in editor.sel_issues), editor.sel_issues
    assert any('"Tentativas"' in issue for issue in editor.sel_issues), editor.sel_issues


def test_the_editor_in_english_words_its_problems_in_english(db, setup, monkeypatch):
    a, _, flow, _ = setup
    monkeypatch.setattr(FlowEditorState, "_flow_key", lambda self: str(flow.id))
    state = _state(FlowEditorState, a.token)
    state.lang = "en"
    _run(FlowEditorState.load, state)
    _run(FlowEditorState.canvas_action, state, {"kind": "select", "id": "boas-vindas"})
    _run(FlowEditorState.set_option, state, 0, "title", "x" * 25)
    assert state.sel_issues == [
        "Message “Boas-vindas”: the title of button 1 has 25 characters; WhatsApp accepts "
        "at most 20."]
    # the test chat cannot run the draft: it says why in the page's language too
    _run(FlowEditorState.chat_send, state, {"text": "oi"})
    assert state.chat_problems == state.sel_issues
