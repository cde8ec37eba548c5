"""A refused service call whose only answer is an error toast goes through
`SessionState._call_or_toast`: the toast is written once, in the page's language, and the
handlers keep their behaviour (the same words, nothing changed on the page)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from sqlmodel import select

from tests.ui.test_state_isolation import _run, _state
from ylada_app.core.i18n import translate
from ylada_app.models import ApiKey, QuickReply
from ylada_app.pages.api_keys import ApiKeysState
from ylada_app.pages.broadcasts import BroadcastsState
from ylada_app.pages.flow_editor import FlowEditorState
from ylada_app.pages.inbox import InboxState
from ylada_app.pages.instances import InstanceDetailState
from ylada_app.services import agent_inbox, api_keys, closure, flows
from ylada_app.services import flow_editor as fe

ROOT = Path(__file__).resolve().parents[2]
MENU = json.loads((ROOT / "ylada_app/engine/examples/menu.json").read_text())
UI = [ROOT / "ylada_app" / "pages", ROOT / "ylada_app" / "state"]


# --- the pattern is not written again by hand ------------------------------------------------

def _is_service_call(stmt: ast.stmt) -> bool:
    """`x = await call(...)`, `await call(...)` or `return await call(...), None`."""
    value = getattr(stmt, "value", None)
    values = value.elts if isinstance(value, ast.Tuple) else [value]
    return any(isinstance(v, ast.Await) and isinstance(v.value, ast.Call)
               and isinstance(v.value.func, ast.Name) and v.value.func.id == "call"
               for v in values)


def _is_error_toast(node: ast.AST | None) -> bool:
    """`rx.toast.error(<state>._error_text(exc))`, alone or as `None, <toast>`."""
    if isinstance(node, ast.Tuple):
        return len(node.elts) == 2 and _is_error_toast(node.elts[1])
    return (isinstance(node, ast.Call) and ast.unparse(node.func) == "rx.toast.error"
            and len(node.args) == 1 and isinstance(node.args[0], ast.Call)
            and isinstance(node.args[0].func, ast.Attribute)
            and node.args[0].func.attr == "_error_text")


def _only_toasts(handler: ast.ExceptHandler) -> bool:
    body = handler.body
    if len(body) == 1 and isinstance(body[0], ast.Return):
        return _is_error_toast(body[0].value)
    return (len(body) == 2 and isinstance(body[0], ast.Expr)  # a generator: yield, return
            and isinstance(body[0].value, ast.Yield) and _is_error_toast(body[0].value.value)
            and isinstance(body[1], ast.Return) and body[1].value is None)


def _hand_written(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if fn.name == "_call_or_toast":  # the one place that writes it
            continue
        for node in ast.walk(fn):
            if (isinstance(node, ast.Try) and len(node.body) == 1 and len(node.handlers) == 1
                    and not node.orelse and not node.finalbody
                    and _is_service_call(node.body[0])
                    and ast.unparse(node.handlers[0].type) == "ServiceError"
                    and _only_toasts(node.handlers[0])):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {fn.name}")
    return found


def test_no_handler_writes_the_refusal_toast_by_hand():
    """24 places repeated `try: await call(...) except ServiceError: return
    rx.toast.error(self._error_text(exc))` by hand (2026-12-04); they call `_call_or_toast`
    now, and a new handler of that shape should too."""
    found = [hit for folder in UI for path in sorted(folder.rglob("*.py"))
             for hit in _hand_written(path)]
    assert found == []


# --- the handlers behave as before ----------------------------------------------------------

CLOSED = translate("error.tenant_closed", "pt-BR")


def _error_toast_text(events) -> str:
    """The text of the one error toast among a handler's events ('' if there is none)."""
    events = events if isinstance(events, list) else [events]
    found = [str(e.args[0][1]) for e in events if e is not None and hasattr(e, "args")
             and e.args and '["error"]' in str(e.args[0][1])]
    assert len(found) <= 1, found
    return found[0] if found else ""


@pytest.fixture
def closed(db, business_owner):
    """A closed business (every change refused with the same words) and what its pages show:
    a quick reply, an API key, a flow with a published version."""
    a, inst = business_owner
    reply = agent_inbox.save_quick_reply(db, tenant_id=a.tenant_id, shortcut="oi", text="Olá!")
    key, _secret = api_keys.create_key(db, tenant_id=a.tenant_id, name="ERP", scopes="read",
                                       user_id=a.user_id)
    flow = fe.new_flow(db, tenant_id=a.tenant_id, instance_id=inst.id, name="Menu")
    fe.autosave(db, tenant_id=a.tenant_id, flow_id=flow.id, definition=MENU)
    version = flows.publish(db, tenant_id=a.tenant_id, flow_id=flow.id).version
    db.commit()
    closure.close_business(db, tenant_id=a.tenant_id, user_id=a.user_id,
                           confirmation="Loja Auditada")
    db.commit()
    return a, inst, {"reply": str(reply.id), "key": str(key.id), "flow": str(flow.id),
                     "version": str(version.id)}


def test_a_refused_button_shows_the_services_words_and_changes_nothing(db, closed,
                                                                       monkeypatch):
    a, inst, ids = closed
    expected = json.dumps(CLOSED)

    inbox = _state(InboxState, a.token)
    assert expected in _error_toast_text(_run(InboxState.delete_quick, inbox, ids["reply"]))
    assert db.exec(select(QuickReply).where(QuickReply.tenant_id == a.tenant_id)).first()

    keys = _state(ApiKeysState, a.token)
    assert expected in _error_toast_text(_run(ApiKeysState.revoke, keys, ids["key"]))
    db.expire_all()
    assert db.exec(select(ApiKey).where(ApiKey.tenant_id == a.tenant_id)).one().revoked_at \
        is None

    monkeypatch.setattr(InstanceDetailState, "_instance_key", lambda self: str(inst.id))
    page = _state(InstanceDetailState, a.token)
    before = dict(page.inst)
    assert expected in _error_toast_text(_run(InstanceDetailState.set_enabled, page, False))
    assert page.inst == before

    page = _state(BroadcastsState, a.token)  # a generator: the toast, then it stops
    events = _run(BroadcastsState.show_recipients, page, "999")  # (no such broadcast)
    assert json.dumps(translate("broadcasts.error.not_found", "pt-BR")) in \
        _error_toast_text(events)
    assert len(events) == 1 and page.shown == ""

    monkeypatch.setattr(FlowEditorState, "_flow_key", lambda self: ids["flow"])
    editor = _state(FlowEditorState, a.token)  # (result, event) helpers of one page
    _run(FlowEditorState.load, editor)
    assert expected in _error_toast_text(_run(FlowEditorState.activate_version, editor,
                                              ids["version"]))
