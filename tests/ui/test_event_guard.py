"""Forged event arguments (a word where the page sends a dict or a number) are dropped
before the handler runs, instead of raising inside it (state/event_guard.py)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from types import SimpleNamespace

from ylada_app.pages.audit import AuditState
from ylada_app.pages.flow_editor import FlowEditorState
from ylada_app.pages.login import LoginState
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
