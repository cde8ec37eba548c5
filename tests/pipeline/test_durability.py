"""Durability: delays survive restarts, lost jobs and stuck outboxes are recovered by the
sweeper, and a disabled instance or a suspended tenant stores but never replies."""

from __future__ import annotations

import time

from sqlmodel import select

from tests.pipeline.conftest import SECRET, wait_for
from ylada_app.api.webhooks_whatsapp import _store
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.channels.whatsapp_cloud.webhook import parse_webhook
from ylada_app.core.db import dispose_engines
from ylada_app.jobs import sweeper
from ylada_app.models import Message, Timer
from ylada_app.services import conversations as conv_svc
from ylada_app.services import flows, webhook_keys

DELAY_FLOW = {
    "version": 1,
    "nodes": [
        {"id": "s", "type": "start", "position": {"x": 0, "y": 0},
         "data": {"triggers": [{"type": "keyword", "keywords": ["lembrete"],
                                "match": "exact"}]}},
        {"id": "a", "type": "message", "position": {"x": 1, "y": 0},
         "data": {"text": "Vou te lembrar em 1 segundo."}},
        {"id": "d", "type": "delay", "position": {"x": 2, "y": 0},
         "data": {"amount": 1, "unit": "seconds"}},
        {"id": "b", "type": "message", "position": {"x": 3, "y": 0},
         "data": {"text": "Lembrete: sua consulta é amanhã!"}},
    ],
    "edges": [{"id": "e1", "source": "s", "target": "a"},
              {"id": "e2", "source": "a", "target": "d"},
              {"id": "e3", "source": "d", "target": "b"}],
}


def _texts(graph, wa):
    return [m["text"]["body"] for m in graph.sent if m.get("to") == wa and m["type"] == "text"]


def _store_only(bot, messages):
    """Store as the webhook would, but lose the job (a crash before it ran)."""
    raw, _ = samples.signed(samples.inbound_webhook(bot.phone_number_id, messages), SECRET)
    return _store(webhook_keys.lookup(bot.webhook_key), parse_webhook(raw))


def test_a_pending_delay_survives_a_restart_and_fires(client, bot, graph_url, db):
    flow = flows.create_flow(db, tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                             name="Lembrete", definition=DELAY_FLOW)
    flows.publish(db, tenant_id=bot.tenant_id, flow_id=flow.id)
    db.commit()
    conv_svc.forget_flows()
    wa = "5511987651001"
    raw, headers = samples.signed(samples.inbound_webhook(
        bot.phone_number_id, [samples.text_message(wa, "lembrete")]), SECRET)
    assert client.post(bot.url, content=raw, headers=headers).status_code == 200
    wait_for(lambda: _texts(graph_url, wa))
    assert _texts(graph_url, wa) == ["Vou te lembrar em 1 segundo."]
    timer = db.exec(select(Timer).join(Message, Message.conversation_id == Timer.conversation_id)
                    .where(Message.instance_id == bot.instance_id)).first()
    assert timer is not None and timer.status == "pending"
    dispose_engines()  # "restart": nothing in memory survives but the database
    conv_svc.forget_flows()
    time.sleep(1.2)
    assert sweeper.sweep_once()["timers"] >= 1
    wait_for(lambda: len(_texts(graph_url, wa)) == 2)
    assert _texts(graph_url, wa)[1] == "Lembrete: sua consulta é amanhã!"
    db.expire_all()
    assert db.get(Timer, timer.id).status == "fired"


def test_sweeper_recovers_lost_jobs_exactly_once(bot, graph_url, db):
    wa = "5511987651002"
    conv_ids = _store_only(bot, [samples.text_message(wa, "oi")])
    assert conv_ids and not [m for m in graph_url.sent if m.get("to") == wa]
    assert sweeper.sweep_once(stale_s=0)["pending"] >= 1
    wait_for(lambda: [m for m in graph_url.sent if m.get("to") == wa])
    sweeper.sweep_once(stale_s=0)  # nothing left: no second reply
    time.sleep(0.5)
    assert len([m for m in graph_url.sent if m.get("to") == wa]) == 1


def _commit_reply_then_die(conv_id, text="resposta"):
    """The worker committed its reply (rows "sending") and died: sent or not, nobody knows."""
    from ylada_app.core.db import session_scope

    with session_scope() as session:
        work = conv_svc.load_work(session, conv_id)
        sink = conv_svc.StepSink(outbound=[{"type": "text", "text": text}])
        return conv_svc.finish_batch(session, [(work, sink, {})], [])


def test_sweeper_delivers_a_stuck_outbox_once_its_outcome_had_time_to_show(
        bot, graph_url, db, monkeypatch):
    wa = "5511987651003"
    conv_id = _store_only(bot, [samples.text_message(wa, "oi")])[0]
    _commit_reply_then_die(conv_id)
    assert _texts(graph_url, wa) == []
    # In doubt: no status webhook yet, but it is too early to send again.
    sweeper.sweep_once(stale_s=0)
    time.sleep(0.3)
    assert _texts(graph_url, wa) == []
    monkeypatch.setattr(conv_svc, "UNKNOWN_OUTCOME_GRACE_S", 0)  # ... time passed
    assert sweeper.sweep_once(stale_s=0)["outbox"] >= 1
    wait_for(lambda: _texts(graph_url, wa) == ["resposta"])


def test_a_new_reply_goes_after_an_older_one_graph_refused_for_now(bot, graph_url, db):
    """An older reply is back in the outbox ("queued": Graph said 429); the next reply's
    delivery sends the whole outbox, oldest first."""
    from ylada_app.core.db import session_scope
    from ylada_app.jobs.delivery import deliver_plans

    wa = "5511987651005"
    conv_id = _store_only(bot, [samples.text_message(wa, "oi")])[0]
    first = _commit_reply_then_die(conv_id, "primeira")[0].items[0].message_id
    with session_scope() as session:
        conv_svc.mark_retry(session, first, "rate_limited")
    second = _commit_reply_then_die(conv_id, "segunda")
    deliver_plans(second)
    assert _texts(graph_url, wa) == ["primeira", "segunda"]


def test_a_send_graph_accepted_but_nobody_recorded_is_settled_by_its_status(
        client, bot, graph_url, db, monkeypatch):
    """The worker died after Graph accepted the reply: its status webhook names the row by
    the reference it was sent with, and the sweeper never sends it a second time."""
    from ylada_app.jobs.delivery import sender
    from ylada_app.services.inbox import message_reference

    wa = "5511987651004"
    conv_id = _store_only(bot, [samples.text_message(wa, "oi")])[0]
    plan = _commit_reply_then_die(conv_id, "só uma vez")[0]
    item = plan.items[0]
    result = sender().send(bot.phone_number_id, "EAAG" + "p" * 60, wa, item.payload,
                           reference=message_reference(item.message_id))
    assert result.ok  # ... and here the worker was killed
    raw, headers = samples.signed(samples.status_webhook(bot.phone_number_id, [samples.status(
        result.wamid, "sent", wa, callback_data=message_reference(item.message_id))]), SECRET)
    assert client.post(bot.url, content=raw, headers=headers).status_code == 200
    db.expire_all()
    row = db.get(Message, item.message_id)
    assert (row.status, row.wamid) == ("sent", result.wamid)
    monkeypatch.setattr(conv_svc, "UNKNOWN_OUTCOME_GRACE_S", 0)
    sweeper.sweep_once(stale_s=0)
    time.sleep(0.5)
    assert _texts(graph_url, wa) == ["só uma vez"]


def test_a_poisoned_conversation_does_not_block_the_others(bot, graph_url, db, monkeypatch):
    from ylada_app.jobs import drain

    good, bad = "5511987651010", "5511987651011"
    ids = _store_only(bot, [samples.text_message(good, "oi"), samples.text_message(bad, "oi")])
    bad_id = max(ids)  # stored second
    real = conv_svc.engine_event

    def poisoned(msg):
        if msg.conversation_id == bad_id:
            raise RuntimeError("boom")
        return real(msg)

    monkeypatch.setattr(conv_svc, "engine_event", poisoned)
    done, deferred = drain.process_batch(ids)
    assert (done, deferred) == (1, [])
    assert [m for m in graph_url.sent if m.get("to") == good]
    db.expire_all()
    statuses = {m.status for m in db.exec(select(Message).where(
        Message.conversation_id == bad_id, Message.direction == "in")).all()}
    assert statuses == {"error"}  # set aside, not retried forever
