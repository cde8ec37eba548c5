"""A marketing "resume" dated past year 9999 (still under the parser's MAX_TIMESTAMP, 2**41)
made datetime.fromtimestamp raise inside the webhook's one transaction: the POST answered
503 and Meta retried it, with everything else in it, until it gave up. Found by review,
fixed: the time no calendar holds is read as now."""

from __future__ import annotations

from sqlmodel import select

from tests.pipeline.conftest import SECRET
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.models import Contact, Message, utcnow
from ylada_app.services import contacts

NUMBER = "5511999990000"


def _prefs(pnid: str, wa_id: str, value: str, ts: object) -> dict:
    return {"field": "user_preferences", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": NUMBER, "phone_number_id": pnid},
        "contacts": [{"wa_id": wa_id, "profile": {"name": "Ana"}}],
        "user_preferences": [{"wa_id": wa_id, "category": "marketing_messages",
                              "value": value, "timestamp": ts,
                              "detail": f"User requested to {value} marketing messages"}]}}


def _post(client, bot, changes: list[dict]):
    body = {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": changes}]}
    raw, headers = samples.signed(body, SECRET)
    return client.post(bot.url, content=raw, headers=headers)


def test_a_resume_dated_past_year_9999_is_answered_200_and_the_rest_is_stored(
        path, client, bot, db, unique):
    phone = f"55119{int(unique, 16) % 10**8:08d}"
    ana, _ = contacts.upsert_contact(db, tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                                     phone=phone, name="Ana")
    ana.opted_in_at = utcnow()
    db.add(ana)
    db.commit()
    stop = _post(client, bot, [_prefs(bot.phone_number_id, phone, "stop", 1764800000)])
    assert stop.status_code == 200, stop.text

    # 999_999_999_999 < 2**41 (coerce.MAX_TIMESTAMP) but past datetime's year 9999
    hello = samples.text_message(f"55118{int(unique, 16) % 10**8:08d}", "oi")
    answer = _post(client, bot, [
        _prefs(bot.phone_number_id, phone, "resume", 999_999_999_999),
        {"field": "messages", "value": samples.value(bot.phone_number_id, messages=[hello])}])
    assert answer.status_code == 200, answer.text  # today: 503, retried by Meta for days
    db.expire_all()
    assert db.exec(select(Message).where(Message.wamid == hello["id"])).first() is not None
    assert db.get(Contact, ana.id).opted_in_at is not None  # resumed (the date: now)
