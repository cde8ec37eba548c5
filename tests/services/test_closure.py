"""Account closure: billing cancelled first, read-only for 30 days (every change refused,
reads and exports allowed), reopening, then the erasure of exactly that business's data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import SQLModel, func, select

from tests.factories import make_instance, make_owner
from ylada_app.jobs import retention as retention_job
from ylada_app.models import (
    AiLog,
    Brand,
    Contact,
    Conversation,
    EmailMessage,
    Invoice,
    Membership,
    Message,
    Subscription,
    Tenant,
    User,
    utcnow,
)
from ylada_app.services import api_keys, audit, closure, instances, retention, team
from ylada_app.services.billing import PaymentsUnavailable
from ylada_app.services.errors import Conflict, FieldErrors, Forbidden
from ylada_app.state.calls import _in_transaction

PHRASE = "frase-unica-do-cliente-7731"


def _business(db, name: str, *, phone: str = "5511988887777"):
    owner = make_owner(db, tenant_name=name)
    inst = make_instance(db, owner.tenant_id)
    contact = Contact(tenant_id=owner.tenant_id, instance_id=inst.id, wa_id=phone,
                      name=f"Cliente {name}")
    db.add(contact)
    db.flush()
    conv = Conversation(tenant_id=owner.tenant_id, instance_id=inst.id, contact_id=contact.id)
    db.add(conv)
    db.flush()
    db.add(Message(tenant_id=owner.tenant_id, instance_id=inst.id, conversation_id=conv.id,
                   direction="in", type="text", text=f"{PHRASE} {name}", status="done"))
    db.add(Message(tenant_id=owner.tenant_id, instance_id=inst.id, conversation_id=conv.id,
                   direction="out", type="text", text="resposta", status="queued"))
    db.add(AiLog(tenant_id=owner.tenant_id, instance_id=inst.id, question=PHRASE))
    db.commit()
    return owner, inst


def _close(db, owner, name: str):
    st = closure.close_business(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                                confirmation=name)
    db.commit()
    return st


def test_close_needs_the_owner_and_the_typed_name(db):
    owner, _ = _business(db, "Padaria Sol")
    admin = make_owner(db, tenant_name="Outra")
    db.add(Membership(user_id=admin.user_id, tenant_id=owner.tenant_id, role="admin"))
    db.commit()
    with pytest.raises(Forbidden):
        closure.close_business(db, tenant_id=owner.tenant_id, user_id=admin.user_id,
                               confirmation="Padaria Sol")
    with pytest.raises(FieldErrors) as exc:
        closure.close_business(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                               confirmation="Padaria")
    assert exc.value.errors == {"confirmation": "closure.error.confirmation"}
    assert "não confere" in exc.value.messages()["confirmation"]
    with pytest.raises(FieldErrors) as exc:
        closure.close_business(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                               confirmation="  ")
    assert exc.value.errors == {"confirmation": "error.required"}
    db.rollback()
    assert db.get(Tenant, owner.tenant_id).status == "active"

    st = _close(db, owner, "  padaria   SOL ")  # case and spaces do not matter
    assert st.closed and st.erase_after - st.closed_at == timedelta(days=30)
    tenant = db.get(Tenant, owner.tenant_id)
    assert tenant.status == "closed" and tenant.closed_by_user_id == owner.user_id
    # what waited in the outbox is withdrawn: the number sends nothing more
    assert not db.exec(select(Message).where(Message.tenant_id == owner.tenant_id,
                                             Message.status == "queued")).all()
    actions = [e.action for e in audit.entries(db, tenant_id=owner.tenant_id)]
    assert "tenant.closed" in actions
    with pytest.raises(Conflict):
        closure.close_business(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                               confirmation="Padaria Sol")
    db.rollback()


def test_billing_is_cancelled_first_and_a_gateway_error_stops_the_closure(db, monkeypatch):
    from ylada_app.services import billing

    owner, _ = _business(db, "Pago")
    sub = db.exec(select(Subscription).where(Subscription.tenant_id == owner.tenant_id)).one()
    sub.provider, sub.provider_subscription_id, sub.status = "asaas", "sub_123", "active"
    db.add(sub)
    db.commit()
    calls = []

    def refuse(session, *, tenant_id, role, cancel):
        calls.append((tenant_id, cancel))
        raise PaymentsUnavailable("error.payments_unavailable")

    monkeypatch.setattr(billing, "set_cancel", refuse)
    with pytest.raises(PaymentsUnavailable):
        closure.close_business(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                               confirmation="Pago")
    db.rollback()
    assert calls == [(owner.tenant_id, True)]
    assert db.get(Tenant, owner.tenant_id).status == "active"

    monkeypatch.setattr(billing, "set_cancel",
                        lambda session, **kw: calls.append((kw["tenant_id"], kw["cancel"])))
    _close(db, owner, "Pago")
    assert calls[-1] == (owner.tenant_id, True)
    entry = next(e for e in audit.entries(db, tenant_id=owner.tenant_id)
                 if e.action == "tenant.closed")
    assert entry.details["billing_cancelled"] is True


def _as_request_of(tenant_id: int | None):
    """What SessionState does for a request of a member of a closed business."""
    return closure.READ_ONLY_TENANT.set(tenant_id)


def test_closed_business_is_read_only_for_its_members_only(db):
    a, a_inst = _business(db, "Fechada")
    b, _ = _business(db, "Aberta")
    _close(db, a, "Fechada")
    token = _as_request_of(a.tenant_id)
    try:
        # reads work
        rows = _in_transaction(instances.list_instances, {"tenant_id": a.tenant_id})
        assert [r.id for r in rows] == [a_inst.id]
        # every change is refused with the pt-BR message (ORM and bulk statements alike)
        with pytest.raises(Forbidden) as exc:
            _in_transaction(instances.create_instance,
                            {"tenant_id": a.tenant_id, "name": "Nova", "channel": "simulator"})
        assert exc.value.code == "error.tenant_closed"
        assert "somente para leitura" in exc.value.message()
        with pytest.raises(Forbidden):
            _in_transaction(retention.set_policy, {"tenant_id": a.tenant_id,
                                                   "messages_days": 40, "ai_days": 40})

        def bulk(session, *, tenant_id):
            session.exec(update(Contact).where(Contact.tenant_id == tenant_id)
                         .values(name="x"))

        with pytest.raises(Forbidden):
            _in_transaction(bulk, {"tenant_id": a.tenant_id})
        with pytest.raises(Forbidden):
            _in_transaction(team.invite_member, {"tenant_id": a.tenant_id,
                                                 "actor_user_id": a.user_id,
                                                 "email": "novo@exemplo.com.br",
                                                 "role": "agent"})
        # the audit trail is still written (an export, a sign-in)
        _in_transaction(lambda s, tenant_id: audit.record(s, action="export.leads",
                                                          tenant_id=tenant_id),
                        {"tenant_id": a.tenant_id})
    finally:
        closure.READ_ONLY_TENANT.reset(token)
    db.expire_all()
    assert db.get(Tenant, a.tenant_id).retention_messages_days == 365
    assert {c.name for c in db.exec(select(Contact).where(
        Contact.tenant_id == a.tenant_id)).all()} == {"Cliente Fechada"}
    # another business's request is not affected
    token = _as_request_of(None)
    try:
        _in_transaction(retention.set_policy, {"tenant_id": b.tenant_id,
                                               "messages_days": 40, "ai_days": 40})
    finally:
        closure.READ_ONLY_TENANT.reset(token)
    assert db.get(Tenant, b.tenant_id).retention_messages_days == 40


def test_closed_business_api_keys_stop_and_reopen_restores(db):
    a, _ = _business(db, "Reabre")
    _, raw = api_keys.create_key(db, tenant_id=a.tenant_id, user_id=a.user_id, name="k",
                                 scopes=["read"])
    db.commit()
    assert api_keys.authenticate(db, raw) is not None
    _close(db, a, "Reabre")
    assert api_keys.authenticate(db, raw) is None  # as for a suspended business
    # the owner reopens (allowed while closed, through the same read-only request context)
    token = _as_request_of(a.tenant_id)
    try:
        _in_transaction(closure.reopen_business, {"tenant_id": a.tenant_id,
                                                  "user_id": a.user_id})
    finally:
        closure.READ_ONLY_TENANT.reset(token)
    db.expire_all()
    tenant = db.get(Tenant, a.tenant_id)
    assert tenant.status == "active" and tenant.erase_after is None
    assert api_keys.authenticate(db, raw) is not None
    actions = [e.action for e in audit.entries(db, tenant_id=a.tenant_id)]
    assert actions[:2] == ["tenant.reopened", "tenant.closed"]
    with pytest.raises(Conflict):
        closure.reopen_business(db, tenant_id=a.tenant_id, user_id=a.user_id)
    db.rollback()
    # nothing is erased for a business that was reopened
    assert retention_job.erase_business(a.tenant_id) == {}


def _rows_mentioning(db, needles: list[str]) -> list[str]:
    """Every table, every row: which ones contain any of `needles` (as text)."""
    hits = []
    for table in SQLModel.metadata.sorted_tables:
        for row in db.execute(select(table)).all():
            blob = " ".join(str(v) for v in row)
            for needle in needles:
                if needle in blob:
                    hits.append(f"{table.name}: {needle}")
    return hits


def test_erasure_after_30_days_removes_the_business_and_only_it(db, tmp_path):
    from ylada_app.services.analytics_export import export_dir

    a, _ = _business(db, "Apagar Ltda", phone="5511977771234")
    b, _ = _business(db, "Fica Ltda", phone="5511966665678")
    db.add(Brand(tenant_id=a.tenant_id, display_name="Marca A", logo_png=b"\x89PNG..."))
    db.add(Invoice(tenant_id=a.tenant_id, provider="stripe", provider_invoice_id="in_A1",
                   amount_cents=9900))
    db.commit()
    folder = export_dir() / str(a.tenant_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "1-abc.csv").write_text(f"5511977771234,{PHRASE}\n")
    b_folder = export_dir() / str(b.tenant_id)
    b_folder.mkdir(parents=True, exist_ok=True)
    (b_folder / "2-def.csv").write_text("ok\n")
    b_counts = {t.name: db.execute(select(func.count()).select_from(t)
                                   .where(t.c.tenant_id == b.tenant_id)).scalar_one()
                for t in SQLModel.metadata.sorted_tables if "tenant_id" in t.c}

    _close(db, a, "Apagar Ltda")
    assert retention_job.erase_business(a.tenant_id) == {}  # not before the 30 days
    assert db.exec(select(func.count()).select_from(Message)
                   .where(Message.tenant_id == a.tenant_id)).one() == 2
    tenant = db.get(Tenant, a.tenant_id)
    tenant.erase_after = utcnow() - timedelta(minutes=1)
    db.add(tenant)
    db.commit()
    assert a.tenant_id in closure.due_for_erasure(db)

    counts = retention_job.erase_business(a.tenant_id, pause_s=0)

    assert counts["message"] == 2 and counts["contact"] == 1 and counts["files"] == 1
    db.expire_all()
    for table in closure.tenant_tables():
        left = db.execute(select(func.count()).select_from(table)
                          .where(table.c.tenant_id == a.tenant_id)).scalar_one()
        assert left == 0, table.name
    assert not folder.exists() and (b_folder / "2-def.csv").exists()
    # the owner's account (a member of nothing else) is gone; the tombstone and invoice stay
    assert db.get(User, a.user_id) is None
    tenant = db.get(Tenant, a.tenant_id)
    assert tenant.status == "erased" and tenant.name == "Apagar Ltda"
    assert db.exec(select(Invoice).where(Invoice.tenant_id == a.tenant_id)).one().amount_cents \
        == 9900
    erased = [e for e in audit.entries(db, tenant_id=a.tenant_id) if e.action == "tenant.erased"]
    assert len(erased) == 1
    # nothing personal of the business's customers is left anywhere
    assert _rows_mentioning(db, ["5511977771234", f"{PHRASE} Apagar", "Cliente Apagar Ltda",
                                 "Marca A"]) == []
    # the audit trail (append-only) stays: the entries of the business, its erasure included
    assert {"tenant.closed", "tenant.erased"} <= {
        e.action for e in audit.entries(db, tenant_id=a.tenant_id)}
    # business B is untouched
    for name, n in b_counts.items():
        table = SQLModel.metadata.tables[name]
        now_n = db.execute(select(func.count()).select_from(table)
                           .where(table.c.tenant_id == b.tenant_id)).scalar_one()
        assert now_n == n, name
    assert db.get(Tenant, b.tenant_id).status == "active"
    # a second run does nothing
    assert retention_job.erase_business(a.tenant_id) == {}


def test_erasure_removes_the_redis_keys(redis_url, monkeypatch):
    from ylada_app.core.queue import DIRTY_KEY, redis_connection
    from ylada_app.core.settings import get_settings

    monkeypatch.setattr(get_settings(), "redis_url", redis_url)
    conn = redis_connection(redis_url)
    keys = closure.redis_keys(424242, [91, 92])
    for key in keys:
        conn.set(key, 1)
    conn.set("ylada:live:424243", 1)  # another business
    conn.zadd(DIRTY_KEY, {"91": 1, "93": 1})
    assert closure.remove_redis_keys(424242, [91, 92]) == len(keys)
    assert not any(conn.exists(k) for k in keys)
    assert conn.exists("ylada:live:424243")
    assert conn.zscore(DIRTY_KEY, "91") is None and conn.zscore(DIRTY_KEY, "93") is not None
    conn.delete("ylada:live:424243")
    conn.zrem(DIRTY_KEY, "93")


def test_tables_kept_after_erasure_are_the_documented_ones():
    names = {t.name for t in SQLModel.metadata.sorted_tables if "tenant_id" in t.c}
    kept = names - {t.name for t in closure.tenant_tables()}
    assert kept == {"subscription", "billing_account", "billing_event", "invoice", "audit_log"}


def test_closed_business_erasure_leaves_no_member_mail_nor_search_index(db):
    """Found by review and fixed: closure.tenant_tables() erases only tables with a
    `tenant_id`: the e-mails of the members whose accounts it deletes (to_email, name,
    bodies) stayed in `email_message`, and on SQLite (the embedded default) the knowledge
    search index `knowledge_fts` kept the words of every FAQ/catalog item of the business,
    tagged with its scope. Both go now."""
    from sqlalchemy import text

    from ylada_app.services import accounts, knowledge, knowledge_search

    owner = make_owner(db, tenant_name="Fechada Ltda")
    inst = make_instance(db, owner.tenant_id)
    knowledge.add_item(db, tenant_id=owner.tenant_id, instance_id=inst.id, kind="faq",
                       title="Entrega para Gumercinda Xavantina no condominio Jacaranda",
                       body="Sim, deixamos na portaria.")
    scope = knowledge_search.scope_token(owner.tenant_id, inst.id)
    accounts.send_password_reset(db, email=owner.email)
    db.commit()
    assert db.exec(select(EmailMessage).where(EmailMessage.to_email == owner.email)).all()
    closure.close_business(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                           confirmation="Fechada Ltda")
    db.commit()
    tenant = db.get(Tenant, owner.tenant_id)
    tenant.erase_after = utcnow() - timedelta(minutes=1)
    db.commit()

    assert retention_job.erase_business(owner.tenant_id, pause_s=0)
    db.expire_all()
    assert db.get(User, owner.user_id) is None  # the account is gone...
    left = [(m.kind, m.to_email) for m in db.exec(select(EmailMessage).where(
        EmailMessage.to_email == owner.email)).all()]
    assert left == []  # ...its mail (address, name, links) is not
    if db.get_bind().dialect.name == "sqlite":
        n = db.connection().execute(text(
            f"SELECT count(*) FROM {knowledge_search.FTS_TABLE} WHERE scope = :s"),
            {"s": scope}).scalar()
        assert n == 0
