"""LGPD retention: only a business's own old, settled rows go, in bounded batches; the
policy keeps its minimums; the analytics totals stay (SQLite, and PostgreSQL under make test).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, func, select

from tests.factories import make_instance, make_owner
from ylada_app.jobs import retention as retention_job
from ylada_app.models import (
    AiLog,
    Contact,
    Conversation,
    Message,
    RetentionRun,
    Tenant,
    utcnow,
)
from ylada_app.services import analytics_rollup, contacts, retention
from ylada_app.services.errors import FieldErrors


def _business(db, name: str):
    owner = make_owner(db, tenant_name=name)
    inst = make_instance(db, owner.tenant_id)
    contact = Contact(tenant_id=owner.tenant_id, instance_id=inst.id, wa_id="5511999990000",
                      name="Cliente")
    db.add(contact)
    db.flush()
    conv = Conversation(tenant_id=owner.tenant_id, instance_id=inst.id, contact_id=contact.id)
    db.add(conv)
    db.commit()
    return owner, inst, conv


def _messages(db, owner, inst, conv, *, days_old: int, n: int, status: str = "read",
              direction: str = "out", text: str = "oi") -> list[int]:
    at = utcnow() - timedelta(days=days_old)
    rows = [Message(tenant_id=owner.tenant_id, instance_id=inst.id, conversation_id=conv.id,
                    direction=direction, type="text", text=f"{text} {i}", status=status,
                    created_at=at) for i in range(n)]
    db.add_all(rows)
    db.commit()
    return [r.id for r in rows]


def _ai_logs(db, owner, inst, *, days_old: int, n: int) -> None:
    at = utcnow() - timedelta(days=days_old)
    db.add_all([AiLog(tenant_id=owner.tenant_id, instance_id=inst.id, question=f"q{i}",
                      created_at=at) for i in range(n)])
    db.commit()


def _count(db, model, tenant_id: int) -> int:
    return db.exec(select(func.count()).select_from(model)
                   .where(model.tenant_id == tenant_id)).one()


def _roll_up(db) -> None:
    """The analytics rollup counts everything there is (its watermark passes every row)."""
    for _ in range(3):  # the first run ever only creates the watermark rows
        done = analytics_rollup.run_rollup(db, settle_s=0)
        db.commit()
        if not done.get("busy"):
            return


def test_policy_defaults_minimums_and_field_errors(db):
    owner = make_owner(db, tenant_name="Politica")
    policy = retention.get_policy(db, tenant_id=owner.tenant_id)
    assert (policy.messages_days, policy.ai_days) == (365, 180)
    with pytest.raises(FieldErrors) as exc:
        retention.set_policy(db, tenant_id=owner.tenant_id, messages_days="29", ai_days="abc")
    assert exc.value.errors == {"messages_days": "retention.error.days_min",
                                "ai_days": "retention.error.days_number"}
    assert "30 dias" in exc.value.messages()["messages_days"]
    with pytest.raises(FieldErrors) as exc:
        retention.set_policy(db, tenant_id=owner.tenant_id, messages_days="", ai_days="0")
    assert set(exc.value.errors) == {"messages_days", "ai_days"}
    db.rollback()
    assert retention.get_policy(db, tenant_id=owner.tenant_id).messages_days == 365
    retention.set_policy(db, tenant_id=owner.tenant_id, messages_days="30", ai_days=45)
    db.commit()
    assert retention.get_policy(db, tenant_id=owner.tenant_id) == retention.Policy(30, 45)


def test_run_deletes_only_old_settled_rows_of_that_business_in_batches(db):
    a, a_inst, a_conv = _business(db, "Loja A")
    b, b_inst, b_conv = _business(db, "Loja B")
    old = _messages(db, a, a_inst, a_conv, days_old=400, n=7)
    old_in = _messages(db, a, a_inst, a_conv, days_old=400, n=3, status="done",
                       direction="in")
    # still open in the pipeline: never deleted, however old
    pending = _messages(db, a, a_inst, a_conv, days_old=400, n=1, status="pending",
                        direction="in")
    queued = _messages(db, a, a_inst, a_conv, days_old=400, n=1, status="queued")
    sending = _messages(db, a, a_inst, a_conv, days_old=400, n=1, status="sending")
    recent = _messages(db, a, a_inst, a_conv, days_old=300, n=2)
    b_old = _messages(db, b, b_inst, b_conv, days_old=400, n=4)
    _ai_logs(db, a, a_inst, days_old=200, n=5)
    _ai_logs(db, a, a_inst, days_old=10, n=2)
    _ai_logs(db, b, b_inst, days_old=200, n=3)
    _roll_up(db)
    totals_before = analytics_rollup.stored(db, tenant_id=a.tenant_id)
    assert totals_before  # the rollup counted A's messages

    result = retention_job.run(a.tenant_id, batch=3, pause_s=0)

    assert result["messages"] == len(old) + len(old_in) == 10
    assert result["ai_logs"] == 5
    # 10 messages in batches of 3 → 3, 3, 3, 1; 5 AI logs → 3, 2
    assert result["batch_max"] == 3
    assert result["batches"] == 6
    db.expire_all()
    left = set(db.exec(select(Message.id).where(Message.tenant_id == a.tenant_id)).all())
    assert left == set(pending + queued + sending + recent)
    assert _count(db, AiLog, a.tenant_id) == 2
    # business B is untouched
    assert set(db.exec(select(Message.id).where(Message.tenant_id == b.tenant_id)).all()) \
        == set(b_old)
    assert _count(db, AiLog, b.tenant_id) == 3
    # analytics totals stay as they were
    _roll_up(db)
    assert analytics_rollup.stored(db, tenant_id=a.tenant_id) == totals_before
    run = db.exec(select(RetentionRun).where(RetentionRun.tenant_id == a.tenant_id)).one()
    assert (run.messages_deleted, run.ai_logs_deleted, run.batch_max) == (10, 5, 3)
    assert run.finished_at is not None
    st = retention.status(db, tenant_id=a.tenant_id)
    assert st.last_run is not None and st.last_run.id == run.id
    assert retention.status(db, tenant_id=b.tenant_id).last_run is None


def test_batch_never_exceeds_the_bound(db, monkeypatch):
    a, inst, conv = _business(db, "Lote")
    _messages(db, a, inst, conv, days_old=400, n=5)
    _roll_up(db)
    monkeypatch.setattr(retention, "BATCH", 2)
    before = utcnow() - timedelta(days=365)
    # asking for more than the bound still deletes at most BATCH rows per transaction
    assert retention.delete_messages_batch(db, tenant_id=a.tenant_id, before=before,
                                           limit=100_000) == 2
    db.commit()
    assert _count(db, Message, a.tenant_id) == 3
    assert retention.BATCH == 2
    monkeypatch.undo()
    assert retention.BATCH == 10_000


def test_messages_not_yet_counted_by_the_rollup_stay(db):
    a, inst, conv = _business(db, "Sem rollup")
    counted = _messages(db, a, inst, conv, days_old=400, n=2)
    _roll_up(db)
    uncounted = _messages(db, a, inst, conv, days_old=400, n=2)  # after the watermark
    result = retention_job.run(a.tenant_id, pause_s=0)
    assert result["messages"] == len(counted)
    db.expire_all()
    assert set(db.exec(select(Message.id).where(Message.tenant_id == a.tenant_id)).all()) \
        == set(uncounted)


def test_policy_change_is_what_the_run_applies(db):
    a, inst, conv = _business(db, "Curta")
    _messages(db, a, inst, conv, days_old=40, n=3)
    _messages(db, a, inst, conv, days_old=20, n=1)
    _roll_up(db)
    assert retention_job.run(a.tenant_id, pause_s=0)["messages"] == 0  # 365 days by default
    retention.set_policy(db, tenant_id=a.tenant_id, messages_days=30, ai_days=30)
    db.commit()
    assert retention_job.run(a.tenant_id, pause_s=0)["messages"] == 3
    assert _count(db, Message, a.tenant_id) == 1


def test_nightly_kick_queues_each_business_once_in_its_quiet_hour(db):
    a = make_owner(db, tenant_name="Noite SP")
    b = make_owner(db, tenant_name="Noite Tokyo")
    tb = db.get(Tenant, b.tenant_id)
    tb.timezone = "Asia/Tokyo"
    db.add(tb)
    db.commit()
    # 06:30 UTC = 03:30 in São Paulo, 15:30 in Tokyo
    now = utcnow().replace(hour=6, minute=30, second=0, microsecond=0)
    due = retention.due_tenants(db, now=now)
    db.commit()
    assert a.tenant_id in due and b.tenant_id not in due
    assert a.tenant_id not in retention.due_tenants(db, now=now + timedelta(minutes=5))
    # next run shown to the owner: tomorrow at 03:00 local once tonight's was queued
    ta = db.get(Tenant, a.tenant_id)
    nxt = retention.next_run_at(ta.timezone, ta.retention_queued_on, now=now)
    assert nxt == now.replace(hour=6, minute=0) + timedelta(days=1)
    # before the window (01:00 local = 04:00 UTC): tonight at 03:00 local
    early = now.replace(hour=4, minute=0)
    assert retention.next_run_at("America/Sao_Paulo", None, now=early) == \
        early.replace(hour=6)
    db.rollback()


def test_runs_are_listed_newest_first(db):
    a, inst, conv = _business(db, "Historico")
    retention_job.run(a.tenant_id, pause_s=0)
    retention_job.run(a.tenant_id, pause_s=0)
    runs = db.exec(select(RetentionRun).where(RetentionRun.tenant_id == a.tenant_id)
                   .order_by(col(RetentionRun.id))).all()
    assert len(runs) == 2
    assert retention.status(db, tenant_id=a.tenant_id).last_run.id == runs[-1].id


def test_a_long_run_continues_in_a_queued_job_on_the_same_record(db, monkeypatch):
    a, inst, conv = _business(db, "Longa")
    _messages(db, a, inst, conv, days_old=400, n=5)
    _roll_up(db)
    queued = []
    monkeypatch.setattr(retention_job, "enqueue", lambda *args: queued.append(args))
    first = retention_job.run(a.tenant_id, batch=2, pause_s=0, budget_s=0)
    assert first["messages"] == 2 and len(queued) == 1  # one batch, then the continuation
    job, tenant_id, run_id = queued[0]
    assert (job, tenant_id) == (retention_job.RUN_JOB, a.tenant_id)
    run = db.get(RetentionRun, run_id)
    assert run.finished_at is None and run.messages_deleted == 2
    while queued:
        _, tenant_id, run_id = queued.pop()
        retention_job.run(tenant_id, run_id, batch=2, pause_s=0, budget_s=0)
    db.expire_all()
    run = db.get(RetentionRun, run_id)
    assert run.finished_at is not None
    assert (run.messages_deleted, run.batch_max) == (5, 2)
    assert _count(db, Message, a.tenant_id) == 0


def test_run_records_older_than_three_months_are_pruned_per_business(db):
    a, b = make_owner(db, tenant_name="Poda A"), make_owner(db, tenant_name="Poda B")
    old = utcnow() - timedelta(days=retention.RUNS_KEPT_DAYS + 1)
    db.add_all([RetentionRun(tenant_id=a.tenant_id, started_at=old, finished_at=old),
                RetentionRun(tenant_id=b.tenant_id, started_at=old, finished_at=old),
                RetentionRun(tenant_id=a.tenant_id, started_at=utcnow() - timedelta(days=30))])
    db.commit()
    retention.start_run(db, tenant_id=a.tenant_id)
    db.commit()
    ages = sorted((utcnow() - r.started_at).days for r in db.exec(
        select(RetentionRun).where(RetentionRun.tenant_id == a.tenant_id)))
    assert ages == [0, 30]
    assert len(db.exec(select(RetentionRun).where(
        RetentionRun.tenant_id == b.tenant_id)).all()) == 1  # B's own night prunes B's


def test_webhook_diagnostics_go_after_thirty_days_business_by_business(db):
    from ylada_app.models import WebhookLog

    a, a_inst, _ = _business(db, "Loja A")
    b, b_inst, _ = _business(db, "Loja B")
    for owner, inst, days in ((a, a_inst, 40), (a, a_inst, 5), (b, b_inst, 40)):
        db.add(WebhookLog(tenant_id=owner.tenant_id, instance_id=inst.id, kind="unsupported",
                          detail={"field": "x"}, created_at=utcnow() - timedelta(days=days)))
    db.commit()
    retention_job.run(a.tenant_id, pause_s=0)
    db.expire_all()
    old = utcnow() - timedelta(days=retention.WEBHOOK_LOG_DAYS)
    left = sorted((w.tenant_id, w.created_at < old) for w in db.exec(select(WebhookLog).where(
        col(WebhookLog.tenant_id).in_([a.tenant_id, b.tenant_id]))).all())
    assert left == sorted([(a.tenant_id, False), (b.tenant_id, True)])  # B's run is its own


def test_retention_leaves_no_copy_of_the_words_of_the_messages_it_deleted(db):
    """Found by review and fixed: after the nightly run deleted a conversation's messages
    older than the policy, the conversation still showed the last one's text as its
    inbox/API preview and (PostgreSQL) was still found by the inbox search for the words of
    the deleted messages. The preview is emptied and the search words rebuilt now."""
    from ylada_app.services import inbox_search
    from ylada_app.services.conversations import message_preview

    owner = make_owner(db, tenant_name="Loja Retencao")
    inst = make_instance(db, owner.tenant_id)
    contact, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                         phone="11987650007", name="Zuleica Antiga")
    conv = Conversation(tenant_id=owner.tenant_id, instance_id=inst.id, contact_id=contact.id)
    db.add(conv)
    db.flush()
    secret = "meu cartao 4111222233334444 vence 0927 xiloqueta"
    old = utcnow() - timedelta(days=400)
    db.add(Message(tenant_id=owner.tenant_id, instance_id=inst.id, conversation_id=conv.id,
                   direction="in", type="text", text=secret, status="done", created_at=old))
    conv.last_message_preview = message_preview("text", secret)
    conv.last_message_at = old
    db.add(conv)
    if db.get_bind().dialect.name == "postgresql":  # what the pipeline indexes (0015)
        db.connection().execute(inbox_search._REMEMBER,
                                {"words": inbox_search.words_of([secret]), "id": conv.id})
    db.commit()
    for _ in range(3):  # the rollup's watermark passes the message (retention waits for it)
        if not analytics_rollup.run_rollup(db, settle_s=0).get("busy"):
            db.commit()
            break
        db.commit()

    assert retention_job.run(owner.tenant_id, pause_s=0)["messages"] == 1
    db.expire_all()
    assert db.exec(select(Message).where(Message.conversation_id == conv.id)).all() == []
    kept = db.get(Conversation, conv.id)
    assert "4111222233334444" not in (kept.last_message_preview or ""), \
        kept.last_message_preview
    found = db.exec(select(Conversation.id).where(
        Conversation.tenant_id == owner.tenant_id,
        inbox_search.has_words(db, tenant_id=owner.tenant_id, text="xiloqueta"))).all()
    assert conv.id not in found
