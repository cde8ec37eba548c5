"""Meta's notices about a number, and customers' marketing stops, through the real webhook:
quality and limit changes reach the number's health at once and the team's bell; a ban marks
the number as failing and lifting it as connected; a customer who stopped marketing messages
in WhatsApp leaves the broadcast audience (with proof) and comes back only if that stop is
what removed them. Nothing of it crosses to another business."""

from __future__ import annotations

from sqlmodel import col, select

from tests.factories import make_instance, make_owner
from tests.pipeline.conftest import SECRET
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.models import Contact, Instance, Notification, utcnow
from ylada_app.models.privacy import ConsentRecord
from ylada_app.pages.number_health import meta_notice
from ylada_app.services import contacts, instances, number_events

WABA = "102290129340398"
NUMBER = "5511999990000"  # the fake Graph's display number of the bot's phone


def _post(client, url: str, field: str, value: dict) -> None:
    body = {"object": "whatsapp_business_account",
            "entry": [{"id": WABA, "time": 1764800000,
                       "changes": [{"field": field, "value": value}]}]}
    raw, headers = samples.signed(body, SECRET)
    answer = client.post(url, content=raw, headers=headers)
    assert answer.status_code == 200, answer.text


def _notices(db, tenant_id: int) -> list[Notification]:
    db.expire_all()
    return list(db.exec(select(Notification).where(Notification.tenant_id == tenant_id,
                                                   Notification.kind == "number")
                        .order_by(col(Notification.id))).all())


def test_a_flagged_number_and_a_lower_limit_reach_health_and_bell(path, client, bot, db):
    _post(client, bot.url, "phone_number_quality_update",
          {"display_phone_number": NUMBER, "event": "FLAGGED", "current_limit": "TIER_1K"})
    lower = {"display_phone_number": NUMBER, "event": "DOWNGRADE", "current_limit": "TIER_250",
             "old_limit": "TIER_1K"}
    body = {"object": "whatsapp_business_account", "entry": [{"id": WABA, "changes": [
        {"field": "phone_number_quality_update", "value": lower}] * 3}]}  # told once
    raw, headers = samples.signed(body, SECRET)
    assert client.post(bot.url, content=raw, headers=headers).status_code == 200
    db.expire_all()
    inst = db.get(Instance, bot.instance_id)
    assert inst.health["quality_rating"] == "RED"
    assert inst.health["messaging_tier"] == "TIER_250"  # broadcasts pace to it from now on
    assert inst.last_checked_at is None  # the sweeper re-reads the rest from Graph next round
    flagged, lowered = _notices(db, bot.tenant_id)
    assert "qualidade do número caiu" in flagged.body
    assert "até 250 pessoas por dia" in lowered.body
    assert lowered.title.startswith("Aviso da Meta sobre")
    assert "TIER" not in flagged.body + lowered.body


def test_a_ban_marks_the_number_failing_and_lifting_it_connects_it(path, client, bot, db):
    _post(client, bot.url, "account_update",
          {"phone_number": NUMBER, "event": "DISABLED_UPDATE",
           "ban_info": {"waba_ban_state": ["SCHEDULE_FOR_DISABLE"],
                        "waba_ban_date": "2026-12-20"}})
    db.expire_all()
    inst = db.get(Instance, bot.instance_id)
    assert inst.status == "connected"  # only scheduled: still works
    [scheduled] = _notices(db, bot.tenant_id)
    assert "agendou a desativação" in scheduled.body and "20/12/2026" in scheduled.body

    _post(client, bot.url, "account_update",
          {"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": ["DISABLE"]}})
    db.expire_all()
    inst = db.get(Instance, bot.instance_id)
    assert (inst.status, inst.status_detail) == ("error", number_events.BAN_DETAIL)
    text, level, _at = meta_notice(inst, "pt-BR")
    assert "desativou a conta" in text and level == "bad"

    _post(client, bot.url, "account_update",
          {"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": ["REINSTATE"]}})
    db.expire_all()
    inst = db.get(Instance, bot.instance_id)
    assert (inst.status, inst.status_detail) == ("connected", None)
    assert meta_notice(inst, "pt-BR")[1] == "ok"
    assert len(_notices(db, bot.tenant_id)) == 3


def test_the_notice_outlives_the_next_health_check(bot, db):
    inst = db.get(Instance, bot.instance_id)
    number_events.apply_number_updates(db, tenant_id=bot.tenant_id, instance_id=inst.id, updates=[
        number_events.NumberUpdate(field="account_update", event="ACCOUNT_RESTRICTION",
                                   detail="RESTRICTED_BIZ_INITIATED_MESSAGING",
                                   until=1798675200)])
    db.commit()

    class Health:
        token_ok = number_found = reachable = True
        quality_rating, messaging_tier, name_status = "GREEN", "TIER_1K", "APPROVED"
        webhook_subscribed, error, display_number = True, "", "+55 11 99999-0000"

    inst = instances.record_health(db, instance_id=inst.id, health=Health())
    assert meta_notice(inst, "pt-BR")[0] == ("A Meta restringiu a conta do WhatsApp até "
                                             "31/12/2026: não pode iniciar conversas "
                                             "(mensagens modelo).")
    assert meta_notice(inst, "en")[0] == ("Meta restricted the WhatsApp account until "
                                          "2026-12-31: may not start conversations (templates).")
    assert inst.health["quality_rating"] == "GREEN"


def test_a_notice_about_another_number_is_not_applied(path, client, bot, db, unique):
    other = make_owner(db)
    theirs = make_instance(db, other.tenant_id, channel="whatsapp_cloud", name="Outra")
    theirs.display_number = "+55 21 98888-7777"
    db.add(theirs)
    db.commit()
    _post(client, bot.url, "account_update",
          {"phone_number": "5521988887777", "event": "ACCOUNT_DELETED"})
    db.expire_all()
    assert db.get(Instance, bot.instance_id).status == "connected"
    assert db.get(Instance, theirs.id).status == "draft"
    assert _notices(db, bot.tenant_id) == [] and _notices(db, other.tenant_id) == []


def _stop(value: str, wa_id: str, pnid: str, ts: int = 1764800000) -> dict:
    return {"messaging_product": "whatsapp",
            "metadata": {"display_phone_number": NUMBER, "phone_number_id": pnid},
            "contacts": [{"wa_id": wa_id, "profile": {"name": "Ana"}}],
            "user_preferences": [{"wa_id": wa_id, "category": "marketing_messages",
                                  "value": value, "timestamp": ts,
                                  "detail": f"User requested to {value} marketing messages"}]}


def _contact(db, tenant_id: int, instance_id: int, phone: str, *, consented: bool) -> Contact:
    contact, _ = contacts.upsert_contact(db, tenant_id=tenant_id, instance_id=instance_id,
                                         phone=phone, name="Ana")
    contact.opted_in_at = utcnow() if consented else None
    db.add(contact)
    db.commit()
    return contact


def test_a_marketing_stop_in_whatsapp_leaves_the_audience_and_resume_returns(
        path, client, bot, db, unique):
    phone = f"55119{int(unique, 16) % 10**8:08d}"
    ana = _contact(db, bot.tenant_id, bot.instance_id, phone, consented=True)
    # another business's contact with the same phone, on its own number
    other = make_owner(db)
    theirs = make_instance(db, other.tenant_id, channel="whatsapp_cloud", name="Outra")
    twin = _contact(db, other.tenant_id, theirs.id, phone, consented=True)

    _post(client, bot.url, "user_preferences", _stop("stop", phone, bot.phone_number_id))
    db.expire_all()
    assert db.get(Contact, ana.id).opted_in_at is None
    assert db.get(Contact, ana.id).opted_out is False  # the bot still answers her
    assert db.get(Contact, twin.id).opted_in_at is not None
    proof = db.exec(select(ConsentRecord).where(ConsentRecord.contact_id == ana.id)).all()
    assert [(p.purpose, p.granted, p.source) for p in proof] == [
        ("marketing", False, number_events.STOP_SOURCE)]
    assert proof[0].evidence["detail"] == "User requested to stop marketing messages"

    _post(client, bot.url, "user_preferences", _stop("resume", phone, bot.phone_number_id,
                                                     ts=1764900000))
    db.expire_all()
    assert db.get(Contact, ana.id).opted_in_at is not None
    assert db.exec(select(ConsentRecord).where(ConsentRecord.contact_id == twin.id)).all() == []


def test_resume_never_grants_a_consent_that_was_not_given(path, client, bot, db, unique):
    phone = f"55119{int(unique, 16) % 10**8:08d}"
    bia = _contact(db, bot.tenant_id, bot.instance_id, phone, consented=False)
    _post(client, bot.url, "user_preferences", _stop("resume", phone, bot.phone_number_id))
    _post(client, bot.url, "user_preferences",
          _stop("stop", f"55119{(int(unique, 16) + 1) % 10**8:08d}", bot.phone_number_id))
    db.expire_all()
    assert db.get(Contact, bia.id).opted_in_at is None
    assert db.exec(select(ConsentRecord).where(ConsentRecord.contact_id == bia.id)).all() == []


def test_a_number_connected_by_hand_is_fully_checked_at_the_next_round(bot, db, monkeypatch):
    """Connecting checks only that the number exists: the health page would say "not
    checked yet" for six hours; the sweeper's next round reads quality, limit and name."""
    from ylada_app.jobs import instances as instance_jobs

    queued = []
    monkeypatch.setattr(instance_jobs, "enqueue_coalesced",
                        lambda key, job, iid: queued.append(iid))
    db.expire_all()
    assert db.get(Instance, bot.instance_id).last_checked_at is None
    instance_jobs.kick_health_checks(limit=10_000)
    assert bot.instance_id in queued
    instance_jobs.recheck_instance(bot.instance_id)
    db.expire_all()
    inst = db.get(Instance, bot.instance_id)
    assert inst.health["quality_rating"] and inst.last_checked_at is not None


def test_the_display_name_decision_reaches_the_number(path, client, bot, db):
    _post(client, bot.url, "phone_number_name_update",
          {"display_phone_number": NUMBER, "decision": "REJECTED",
           "requested_verified_name": "Loja do Zé!!!",
           "rejection_reason": "NAME_FORMAT_UNACCEPTABLE"})
    db.expire_all()
    assert db.get(Instance, bot.instance_id).health["name_status"] == "DECLINED"
    [refused] = _notices(db, bot.tenant_id)
    assert refused.body.startswith("A Meta recusou o nome de exibição “Loja do Zé!!!” "
                                   "(formato de nome não aceito)")
    _post(client, bot.url, "phone_number_name_update",
          {"display_phone_number": NUMBER, "decision": "APPROVED",
           "requested_verified_name": "Loja do Zé", "rejection_reason": "NONE"})
    db.expire_all()
    inst = db.get(Instance, bot.instance_id)
    assert (inst.health["name_status"], inst.verified_name) == ("APPROVED", "Loja do Zé")
    assert "aprovou o nome de exibição “Loja do Zé”" in _notices(db, bot.tenant_id)[-1].body


def test_a_new_daily_limit_paces_broadcasts_without_a_notice(path, client, bot, db):
    _post(client, bot.url, "business_capability_update",
          {"max_daily_conversation_per_phone": 10000, "max_phone_numbers_per_business": 2})
    db.expire_all()
    assert db.get(Instance, bot.instance_id).health["messaging_tier"] == "TIER_10K"
    assert _notices(db, bot.tenant_id) == []


def test_any_account_change_has_the_number_read_again_without_a_notice(path, client, bot, db):
    inst = db.get(Instance, bot.instance_id)
    inst.last_checked_at = utcnow()
    db.add(inst)
    db.commit()
    _post(client, bot.url, "account_update", {"event": "PARTNER_REMOVED"})
    db.expire_all()
    assert db.get(Instance, bot.instance_id).last_checked_at is None
    assert _notices(db, bot.tenant_id) == []
