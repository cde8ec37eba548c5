"""Forged event arguments (a word where the page sends a dict or a number) are dropped
before the handler runs, instead of raising inside it (state/event_guard.py)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from types import SimpleNamespace

from sqlmodel import select

from tests.ui.test_state_isolation import _run, _state
from ylada_app.models import ApiKey, KnowledgeItem
from ylada_app.pages.ai import AiState
from ylada_app.pages.api_keys import ApiKeysState
from ylada_app.pages.audit import AuditState
from ylada_app.pages.flow_editor import FlowEditorState
from ylada_app.pages.login import LoginState
from ylada_app.pages.webhooks import WebhooksState
from ylada_app.state import event_guard


def test_arguments_that_do_not_fit_the_handler_are_named():
    submit = LoginState.event_handlers["submit"].fn
    assert event_guard.refused_argument(submit, {"form": "x"}) == "form"
    assert event_guard.refused_argument(submit, {"form": ["a"]}) == "form"
    assert event_guard.refused_argument(submit, {"form": {"email": "a@b.c"}}) is None
    go = AuditState.event_handlers["go"].fn
    assert event_guard.refused_argument(go, {"delta": "muitos"}) == "delta"
    assert event_guard.refused_argument(go, {"delta": {"x": 1}}) == "delta"
    assert event_guard.refused_argument(go, {"delta": 2}) is None
    # what real pages send passes: a checkbox's bool, a foreach index, text
    set_rule = FlowEditorState.event_handlers["set_rule"].fn
    assert event_guard.refused_argument(set_rule, {"index": 0, "key": "left",
                                                   "value": True}) is None
    assert event_guard.refused_argument(set_rule, {"index": 0, "key": {"a": 1},
                                                   "value": ""}) == "key"


def test_the_installed_runner_skips_a_forged_event_without_calling_the_handler(caplog):
    from reflex_base.event.processor import base_state_processor as bsp

    event_guard.install()
    event_guard.install()  # idempotent: one wrapper
    assert getattr(bsp.process_event, "_ylada_guarded", False)
    called = []

    async def submit(self, form: dict):
        called.append(form)

    handler = SimpleNamespace(fn=submit, _type_hints=None, _is_coroutine_function=True)
    result = []
    # (in the full suite Playwright's sync API owns the main thread's loop)
    worker = threading.Thread(target=lambda: result.append(asyncio.run(bsp.process_event(
        handler=handler, payload={"form": "não é um formulário"}, state=None))))
    worker.start()
    worker.join(10)
    assert result == [None] and called == []
    assert "event refused" in caplog.text


def test_half_surrogates_reach_the_handler_as_replacement_characters():
    """A tag "\\ud800" sent through the socket was stored, and every later update of a page
    showing it failed to encode (2026-12-04); whole pairs (emoji) are untouched."""
    from reflex_base.event.processor import base_state_processor as bsp

    event_guard.install()
    called = []

    async def save(self, form: dict):
        called.append(form)

    handler = SimpleNamespace(fn=save, _type_hints=None, _is_coroutine_function=True)

    def run():
        # (LookupError after the handler: Reflex's event context, absent here)
        with contextlib.suppress(LookupError):
            asyncio.run(bsp.process_event(handler=handler, payload={
                "form": {"tags": "vip,\ud800", "k\udfff": ["😀", 1]}}, state=None))

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(10)
    assert called == [{"tags": "vip,\ufffd", "k\ufffd": ["😀", 1]}]
    same = {"form": {"name": "Zé 😀"}}
    assert event_guard.well_formed(same) is same  # nothing copied when nothing is wrong


def test_a_nul_character_in_form_text_never_reaches_the_database(db, business_owner):
    """Found by review and fixed: PostgreSQL refuses "\\x00" in text, and the API key's
    name, a webhook's description and a Treinar IA item's title passed it through (the
    handler raised DataError). The event guard drops NUL from every event; these services
    also strip control characters themselves (the handlers are driven directly here)."""
    assert event_guard.well_formed({"title": "Entrega\x00", "x\x00": ["a\x00b"]}) == \
        {"title": "Entrega", "x": ["ab"]}
    a, inst = business_owner
    keys = _state(ApiKeysState, a.token)
    _run(ApiKeysState.create, keys, {"name": "Chave\x00CRM", "scopes": "read"})
    hooks = _state(WebhooksState, a.token)
    _run(WebhooksState.save, hooks, {"url": "https://crm.exemplo.com.br/ylada",
                                     "ev:message.received": "on", "description": "CRM\x00"})
    ai_page = _state(AiState, a.token)
    _run(AiState.load, ai_page)
    ai_page.instance_key = str(inst.id)
    _run(AiState.add_text, ai_page,
         {"kind": "text", "title": "Entrega\x00", "body": "Entregamos em 1 dia."})
    db.expire_all()
    stored = [k.name for k in db.exec(select(ApiKey).where(ApiKey.tenant_id == a.tenant_id))]
    stored += [e["description"] for e in hooks.endpoints]
    stored += [i.title for i in db.exec(select(KnowledgeItem).where(
        KnowledgeItem.tenant_id == a.tenant_id))]
    assert len(stored) == 3 and not any("\x00" in text for text in stored), stored
