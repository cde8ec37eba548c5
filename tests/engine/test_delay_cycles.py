"""Found by review and fixed; the test keeps it fixed.

A cycle through a delay block runs forever with no customer input.

The per-call budget (max_steps=100 → loop_stopped) restarts on every timer event, and
validate_flow accepts any cycle, so start → message → delay(1 s) → message … sends a message
every second for as long as the worker runs (86 400 a day; a `template` block in the loop is
not even stopped by WhatsApp's 24-hour window). Nothing counts nodes run since the last
inbound message.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ylada_app.engine import FlowSet, handle, validate_flow

FLOW = {"version": 1, "nodes": [
    {"id": "s", "type": "start", "data": {"triggers": [{"type": "keyword", "keywords": ["oi"]}]}},
    {"id": "m", "type": "message", "data": {"text": "Promoção relâmpago!"}},
    {"id": "d", "type": "delay", "data": {"amount": 1, "unit": "seconds"}},
], "edges": [
    {"source": "s", "target": "m"}, {"source": "m", "target": "d"},
    {"source": "d", "target": "m"},
]}


def test_a_delay_cycle_does_not_message_a_silent_customer_forever():
    report = validate_flow(FLOW)
    if not report.ok:
        return  # refused at publish time
    fs = FlowSet(flows={"1": report.flow})
    now = datetime(2025, 1, 1, 12)
    result = handle(fs, None, {"kind": "message", "type": "text", "text": "oi"},
                    {"wa_id": "5511"}, now)
    sent = len(result.messages)
    for _ in range(500):  # the customer never writes again; only the timers fire
        pending = result.state.get("pending")
        if not pending:
            break
        now += timedelta(seconds=1)
        result = handle(fs, result.state, {"kind": "timer", "token": pending["id"]},
                        {"wa_id": "5511"}, now)
        sent += len(result.messages)
    assert sent <= 100, f"{sent} messages in 500 s to a customer who said only 'oi'"
