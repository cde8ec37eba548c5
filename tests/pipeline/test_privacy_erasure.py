"""LGPD erasure, checked the way the issue asks: a customer talks to a real number through the
whole pipeline (signed webhooks → drain → engine → outbox → fake Graph → status webhooks;
a lead, a hand-off to the team with its notification e-mail, outgoing webhooks, an AI log,
a reminder timer, consent records, the inbox search words, an export ZIP already built, a
leads export CSV, Redis keys) — then their data is erased. Afterwards EVERY text/JSON/tsvector
column of EVERY table (from the catalog: information_schema on PostgreSQL), every Redis key
and value, and every file of the export folder are searched for their phone number (raw,
formatted, and base64 as Meta puts it in a wamid), their name and a unique phrase they
sent: nothing is found. The business's analytics totals for the period do not change, and
the other customer of the same number keeps everything."""

from __future__ import annotations

import base64
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from tests.conftest import REDIS_URL
from tests.pipeline.conftest import SECRET, MetaStatuses, wait_for
from tests.pipeline.test_webhook_pipeline import replies_to
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.core.db import get_engine
from ylada_app.core.settings import reset_settings_cache
from ylada_app.jobs import analytics as analytics_jobs
from ylada_app.jobs import privacy as privacy_jobs
from ylada_app.models import (
    AiLog,
    Contact,
    Conversation,
    EmailMessage,
    Message,
    Notification,
    Timer,
    utcnow,
)
from ylada_app.services import (
    analytics,
    analytics_export,
    analytics_rollup,
    consent,
    contacts,
    privacy,
    webhooks_out,
)
from ylada_app.services.phones import display_phone


def _wamid(phone: str) -> str:
    """A wamid as Meta makes them: the sender's number base64-encoded inside."""
    import secrets

    return ("wamid.HBgN" + base64.b64encode(phone.encode()).decode().rstrip("=")
            + "FQIAEhgU" + secrets.token_hex(10).upper())


def _text_columns(conn) -> list[tuple[str, str]]:
    if conn.dialect.name == "postgresql":
        return [(t, c) for t, c in conn.execute(text(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c"
            " JOIN information_schema.tables t ON t.table_name = c.table_name"
            "  AND t.table_schema = c.table_schema AND t.table_type = 'BASE TABLE'"
            " WHERE c.table_schema = 'public' AND (c.data_type IN"
            " ('text', 'character varying', 'character', 'json', 'jsonb')"
            " OR c.udt_name = 'tsvector')")).all()]
    found = []
    for (table,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")):
        for row in conn.execute(text(f'PRAGMA table_info("{table}")')):
            if any(k in (row[2] or "").upper() for k in ("CHAR", "TEXT", "JSON", "CLOB")):
                found.append((table, row[1]))
    return found


def _database_hits(needles: list[str]) -> list[tuple[str, str, str]]:
    hits = []
    with get_engine().connect() as conn:
        columns = _text_columns(conn)
        assert len(columns) > 50  # the catalog really was read
        for table, column in columns:
            for needle in needles:
                n = conn.execute(text(
                    f'SELECT count(*) FROM "{table}" WHERE lower(CAST("{column}" AS TEXT))'
                    " LIKE :p"), {"p": f"%{needle.lower()}%"}).scalar()
                if n:
                    hits.append((table, column, needle))
    return hits


def _file_hits(folder: Path, needles: list[str]) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        blobs = [path.read_bytes()]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                blobs += [zf.read(name) for name in zf.namelist()]
        for blob in blobs:
            low = blob.decode("utf-8", "ignore").lower()
            hits += [f"{path.name}:{n}" for n in needles if n.lower() in low]
    return hits


def _redis_hits(needles: list[str]) -> list[str]:
    from ylada_app.core.queue import redis_connection

    conn = redis_connection(REDIS_URL)
    hits = []
    for key in conn.scan_iter(count=1000):
        kind = conn.type(key)
        values = [key]
        if kind == b"string":
            values.append(conn.get(key) or b"")
        elif kind == b"hash":
            values += [b"%s=%s" % kv for kv in conn.hgetall(key).items()]
        elif kind in (b"list",):
            values += conn.lrange(key, 0, -1)
        elif kind in (b"set",):
            values += list(conn.smembers(key))
        elif kind == b"zset":
            values += conn.zrange(key, 0, -1)
        for value in values:
            low = value.decode("utf-8", "ignore").lower()
            hits += [f"{key!r}:{n}" for n in needles if n.lower() in low]
    return hits


def _totals(tenant_id: int) -> tuple[dict, dict]:
    analytics_rollup.refresh(settle_s=0.0)
    with Session(get_engine()) as s:
        board = analytics.dashboard(s, tenant_id=tenant_id, period="7d")
        return dict(board["totals"]), analytics_rollup.stored(s, tenant_id=tenant_id)


def test_after_an_erasure_nothing_of_the_person_is_left_and_totals_hold(
        client, bot, graph_url, db, unique, receiver, monkeypatch):
    if not REDIS_URL:
        pytest.skip("needs Redis (run through the PostgreSQL + Redis command)")
    monkeypatch.setattr(privacy, "start", lambda rid, kind: None)  # this test runs the jobs
    webhooks_out.create_endpoint(db, tenant_id=bot.tenant_id, url=receiver.url,
                                 events=list(webhooks_out.EVENT_TYPES))
    db.commit()
    phone = "55119" + str(int(unique[:6], 16) % 10**8).zfill(8)
    name = f"Josefina Quaresma{unique[:4]}"
    phrase = f"Meu segredo girafa{unique} violeta"
    other = "5511955557777"
    statuses = MetaStatuses(client, bot, graph_url).start()
    try:
        def say(*messages, wa=phone, who=name):
            raw, headers = samples.signed(samples.inbound_webhook(
                bot.phone_number_id, list(messages), names={wa: who}), SECRET)
            assert client.post(bot.url, content=raw, headers=headers).status_code == 200

        say(samples.text_message(phone, "oi", wamid=_wamid(phone)))
        wait_for(lambda: replies_to(graph_url, phone))
        say(samples.button_reply(phone, "catalogo", "Ver catálogo", wamid=_wamid(phone)))
        wait_for(lambda: len(replies_to(graph_url, phone)) >= 2)
        say(samples.text_message(phone, "menu", wamid=_wamid(phone)))
        wait_for(lambda: len(replies_to(graph_url, phone)) >= 3)
        say(samples.button_reply(phone, "atendente", "Falar com atendente",
                                 wamid=_wamid(phone)))
        wait_for(lambda: len(replies_to(graph_url, phone)) >= 4)
        say(samples.text_message(phone, phrase, wamid=_wamid(phone)))  # to the team's inbox
        say(samples.text_message(other, "oi", wamid=_wamid(other)), wa=other, who="Outro")
        wait_for(lambda: replies_to(graph_url, other))
        wait_for(lambda: receiver.accepted())
        with Session(get_engine()) as s:
            contact = s.exec(select(Contact).where(Contact.instance_id == bot.instance_id,
                                                   Contact.wa_id == phone)).one()
            conv = s.exec(select(Conversation).where(
                Conversation.contact_id == contact.id)).one()
            wait_for(lambda: s.exec(select(Message).where(
                Message.conversation_id == conv.id, Message.text == phrase,
                Message.status != "pending")).first(), timeout=20)
    finally:
        statuses.stop()
    # what the pipeline does not make by itself in this flow: an AI answer, a reminder, a
    # consent given by hand, a leads export, the LGPD export of the person
    db.add(AiLog(tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                 conversation_id=conv.id, question=phrase, answer=f"Claro, {name}!"))
    db.add(Timer(tenant_id=bot.tenant_id, conversation_id=conv.id, token="reminder:x:y",
                 wake_at=utcnow(), payload={"reminder": {"flow_id": "1", "node_id": "n"},
                                            "note": phrase}))
    contacts.set_opted_in(db, tenant_id=bot.tenant_id, contact_id=contact.id, opted_in=True)
    first_in = db.exec(select(Message.wamid).where(Message.conversation_id == conv.id,
                                                   Message.direction == "in")).first()
    consent.record(db, tenant_id=bot.tenant_id, contact_id=contact.id, purpose="marketing",
                   granted=False, source="keyword", evidence={"wamid": first_in})
    db.commit()
    owner_id = db.execute(text("SELECT user_id FROM membership WHERE tenant_id = :t"),
                          {"t": bot.tenant_id}).scalar()
    leads = analytics_export.request_export(db, tenant_id=bot.tenant_id, user_id=owner_id,
                                            kind="leads", fmt="csv")
    db.commit()
    analytics_jobs.build_export(leads)
    export, _ = privacy.create_request(db, tenant_id=bot.tenant_id, contact_id=contact.id,
                                       kind="export", source="contact_page")
    db.commit()
    assert privacy_jobs.build_export(export.id) == "done"
    from ylada_app.core.queue import redis_connection

    redis = redis_connection(REDIS_URL)
    redis.set(f"ylada:q:out:{conv.id}", 1)
    redis.set(f"ylada:cache:contact:{phone}", name)

    needles = [phone, display_phone(phone), base64.b64encode(phone.encode()).decode()[:16],
               name, phrase, f"girafa{unique}"]
    # the data really is everywhere before (else the search below proves nothing)
    before = {t for t, _, _ in _database_hits(needles)}
    assert {"contact", "message", "conversation", "ai_log", "notification", "email_message",
            "webhook_event", "consent_record", "timer"} <= before, before
    assert _file_hits(analytics_export.export_dir(), needles)
    assert _redis_hits(needles)
    totals_before, stored_before = _totals(bot.tenant_id)
    assert totals_before["msg_in"] >= 6 and totals_before["conversions"] >= 1

    erase, _ = privacy.create_request(db, tenant_id=bot.tenant_id, contact_id=contact.id,
                                      kind="erase", source="contact_page", user_id=owner_id)
    db.commit()
    monkeypatch.setenv("REDIS_URL", REDIS_URL)  # the erasure clears the shared Redis too
    reset_settings_cache()
    try:
        assert privacy_jobs.erase_contact(erase.id) == "done"
    finally:
        monkeypatch.delenv("REDIS_URL")
        reset_settings_cache()

    assert _database_hits(needles) == []
    assert _file_hits(analytics_export.export_dir(), needles) == []
    assert _redis_hits(needles) == []
    assert redis.get(f"ylada:q:out:{conv.id}") is None
    totals_after, stored_after = _totals(bot.tenant_id)
    assert totals_after == totals_before
    assert stored_after == stored_before
    with Session(get_engine()) as s:  # the raw rows still add up to what is stored
        assert analytics_rollup.recompute(s, tenant_id=bot.tenant_id) == \
            analytics_rollup.stored(s, tenant_id=bot.tenant_id)
        # the other customer keeps everything; the erased one's rows are still counted
        kept = s.exec(select(Contact).where(Contact.wa_id == other)).one()
        assert kept.name == "Outro"
        assert s.exec(select(Message).where(Message.text == "oi",
                                            Message.tenant_id == bot.tenant_id)).all()
        assert s.exec(select(Notification).where(
            Notification.conversation_id == conv.id)).all()
        assert s.exec(select(EmailMessage).where(
            EmailMessage.tenant_id == bot.tenant_id)).all()
