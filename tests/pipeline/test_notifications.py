"""Team notifications from the pipeline: a hand-off, a lead, a customer waiting too long —
one per member, e-mails by preference, per business."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from tests.factories import make_owner
from tests.pipeline.conftest import wait_for
from tests.pipeline.test_agent_inbox import _hand_off, _owner_of
from tests.pipeline.test_webhook_pipeline import post, replies_to
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.models import Conversation, Membership, Notification, User, utcnow
from ylada_app.models.tenant import Role
from ylada_app.services import notifications


def _add_member(db, tenant_id: int, *, email_prefs: dict | None = None) -> User:
    import uuid

    from tests.factories import PASSWORD
    from ylada_app.services import auth

    user = auth.create_user(db, email=f"equipe-{uuid.uuid4().hex[:8]}@exemplo.com.br",
                            name="Bruno", password=PASSWORD)
    db.add(Membership(user_id=user.id, tenant_id=tenant_id, role=Role.AGENT,
                      email_notifications=email_prefs or {}))
    db.commit()
    return user


def test_a_handoff_tells_every_member_and_mails_those_who_want_it(client, bot, graph_url, db,
                                                                 smtp):
    owner = _owner_of(db, bot)
    quiet = _add_member(db, bot.tenant_id, email_prefs={"handoff": False})
    outsider = make_owner(db)
    cid = _hand_off(client, bot, graph_url, "5511966660001")
    for user_id in (owner, quiet.id):
        assert wait_for(lambda uid=user_id: notifications.unread_count(
            db, tenant_id=bot.tenant_id, user_id=uid) == 1)
    item = notifications.latest(db, tenant_id=bot.tenant_id, user_id=owner)[0]
    assert item.kind == "handoff" and item.conversation_id == cid
    assert "pediu atendimento humano" in item.title
    owner_email = db.get(User, owner).email
    mail = smtp.wait_for(owner_email, subject="pediu atendimento humano")
    assert f"/inbox?c={cid}" in mail.links()[0]
    assert smtp.messages_to(quiet.email) == []  # preferred not to get it by e-mail
    # another business sees nothing of it
    assert notifications.unread_count(db, tenant_id=outsider.tenant_id,
                                      user_id=outsider.user_id) == 0
    assert notifications.latest(db, tenant_id=bot.tenant_id, user_id=outsider.user_id) == []
    # and cannot mark it read
    assert notifications.mark_read(db, tenant_id=bot.tenant_id, user_id=outsider.user_id,
                                   notification_id=item.id) == 0
    assert notifications.mark_read(db, tenant_id=bot.tenant_id, user_id=owner,
                                   notification_id=item.id) == 1
    db.commit()
    assert notifications.unread_count(db, tenant_id=bot.tenant_id, user_id=owner) == 0
    assert notifications.unread_count(db, tenant_id=bot.tenant_id, user_id=quiet.id) == 1


def test_a_customer_waiting_too_long_is_reported_once(client, bot, graph_url, db, smtp):
    owner = _owner_of(db, bot)
    cid = _hand_off(client, bot, graph_url, "5511966660002")
    wait_for(lambda: notifications.unread_count(db, tenant_id=bot.tenant_id, user_id=owner))
    db.expire_all()
    conv = db.get(Conversation, cid)
    assert conv.waiting_since is not None
    # (other tests' businesses share the database: only this one's outcome is asserted)
    assert bot.tenant_id not in notifications.notify_waiting(
        db, now=conv.waiting_since + timedelta(minutes=4))  # not yet: the limit is 5 minutes
    later = conv.waiting_since + timedelta(minutes=6)
    assert bot.tenant_id in notifications.notify_waiting(db, now=later)
    db.commit()
    assert bot.tenant_id not in notifications.notify_waiting(db, now=later + timedelta(minutes=10))
    kinds = db.exec(select(Notification.kind).where(Notification.user_id == owner)).all()
    assert sorted(kinds) == ["handoff", "waiting"]
    smtp.wait_for(db.get(User, owner).email, subject="espera há 6 min")


def test_an_agent_reply_ends_the_wait_and_a_new_message_starts_one(client, bot, graph_url, db):
    from ylada_app.services import agent_inbox

    owner = _owner_of(db, bot)
    wa = "5511966660003"
    cid = _hand_off(client, bot, graph_url, wa)
    agent_inbox.send_agent_message(tenant_id=bot.tenant_id, conversation_id=cid,
                                   user_id=owner, text="Oi, já vou ver!")
    db.expire_all()
    assert db.get(Conversation, cid).waiting_since is None
    assert bot.tenant_id not in notifications.notify_waiting(db, now=utcnow() + timedelta(hours=1))
    post(client, bot, [samples.text_message(wa, "obrigado")])
    wait_for(lambda: (db.expire_all() or True) and db.get(Conversation, cid).unread == 1)
    assert db.get(Conversation, cid).waiting_since is not None
    assert len(replies_to(graph_url, wa)) >= 3


def test_preferences_are_per_member_and_business(db):
    owner = make_owner(db)
    other = make_owner(db)
    assert notifications.email_preferences(db, tenant_id=owner.tenant_id,
                                           user_id=owner.user_id) == {
        "handoff": True, "waiting": True, "lead": False, "number": True, "plan": True}
    notifications.set_email_preferences(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                                        prefs={"lead": True, "handoff": False})
    db.commit()
    assert notifications.email_preferences(db, tenant_id=owner.tenant_id,
                                           user_id=owner.user_id)["lead"] is True
    import pytest

    from ylada_app.services.errors import FieldErrors

    with pytest.raises(FieldErrors):  # not a member of that business
        notifications.set_email_preferences(db, tenant_id=other.tenant_id,
                                            user_id=owner.user_id, prefs={"lead": True})
