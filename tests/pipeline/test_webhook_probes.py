"""What a payload probe found (2026-12-03), on the general path and — with Redis on
PostgreSQL — the webhook's fast path: a Brazilian mobile reported without its ninth digit is
the contact the business saved with it; a template review in the same POST as messages is
applied; a NUL in a template review or a forged message reference is no reason for a 503;
a failed status without an error code says only what failed."""

from __future__ import annotations

from sqlmodel import col, select

from tests.factories import make_instance, make_owner
from tests.pipeline.conftest import SECRET, wait_for
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.jobs import drain
from ylada_app.models import Contact, Conversation, Instance, Message, MessageTemplate
from ylada_app.services import contacts, webhook_keys

WABA = "102290129340398"


def _post(client, bot, body, path: str = "general") -> None:
    raw, headers = samples.signed(body, SECRET)
    answer = client.post(bot.url, content=raw, headers=headers)
    assert answer.status_code == 200, answer.text
    if path == "fast":  # no worker runs here: drain what the webhook marked, in-process
        drain.drain(linger_s=0.3)


def _template(db, bot, meta_id: str, *, tenant_id: int | None = None,
              instance_id: int | None = None, category: str = "MARKETING") -> int:
    """A template of Meta id `meta_id` on account WABA: the bot's, or another number's."""
    inst = db.get(Instance, instance_id or bot.instance_id)
    inst.waba_id = WABA
    db.add(inst)
    row = MessageTemplate(tenant_id=tenant_id or bot.tenant_id, instance_id=inst.id,
                          name=f"promo_{meta_id}", language="pt_BR", category=category,
                          components=[], meta_id=meta_id)
    db.add(row)
    db.commit()
    webhook_keys.forget()
    return row.id


def _review(meta_id: str, event: str, reason: str = "NONE") -> dict:
    return {"field": "message_template_status_update", "value": {
        "event": event, "message_template_id": int(meta_id),
        "message_template_name": f"promo_{meta_id}", "message_template_language": "pt_BR",
        "reason": reason}}


def test_a_mobile_reported_without_the_ninth_digit_is_the_saved_contact(path, client, bot,
                                                                         db, unique):
    n = f"{int(unique, 16) % 10000:04d}"
    saved, _ = contacts.upsert_contact(db, tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                                       phone=f"+55 11 98765-{n}", name="Ana", tags=["vip"])
    db.commit()
    assert saved.wa_id == f"551198765{n}"
    bye = samples.text_message(f"55118765{n}", "sair")  # as WhatsApp reports some accounts
    _post(client, bot, samples.inbound_webhook(bot.phone_number_id, [bye]), path)

    def opted_out():
        db.expire_all()
        return db.get(Contact, saved.id).opted_out

    assert wait_for(opted_out)  # the customer who said "sair" gets no more broadcasts
    same = db.exec(select(Contact).where(Contact.instance_id == bot.instance_id,
                                         Contact.wa_id.in_([saved.wa_id, bye["from"]]))).all()
    assert [c.id for c in same] == [saved.id]  # no second contact, history in one place
    stored = db.exec(select(Message).where(Message.wamid == bye["id"])).one()
    assert stored.conversation_id is not None
    assert db.get(Contact, saved.id).tags == ["vip"]


def test_a_template_review_beside_messages_is_applied(path, client, bot, db, unique):
    meta = str(int(unique, 16) % 10**9)
    template_id = _template(db, bot, meta)
    hello = samples.text_message(f"55119777{int(unique, 16) % 10000:04d}", "oi")
    _post(client, bot, {"object": "whatsapp_business_account", "entry": [{"id": WABA, "changes": [
        {"field": "messages", "value": samples.value(
            bot.phone_number_id, messages=[hello], contacts=[samples.contact(hello["from"], "A")])},
        _review(meta, "APPROVED")]}]})
    db.expire_all()
    assert db.get(MessageTemplate, template_id).status == "APPROVED"
    assert db.exec(select(Message).where(Message.wamid == hello["id"])).first() is not None


def test_a_nul_in_a_template_review_is_cleaned_not_a_503(path, client, bot, db, unique):
    meta = str(int(unique, 16) % 10**9)
    template_id = _template(db, bot, meta)
    _post(client, bot, {"object": "whatsapp_business_account", "entry": [{"id": WABA, "changes": [
        _review(meta, "REJECTED", "INVALID_FORMAT\u0000")]}]})
    db.expire_all()
    row = db.get(MessageTemplate, template_id)
    assert row.status == "REJECTED" and row.reason == "INVALID_FORMAT"


def test_a_forged_message_reference_or_a_failure_without_code(path, client, bot, graph_url,
                                                              db, unique):
    # a reference past the id column's range (only a forger sends one) is not ours
    forged = samples.status(samples.new_wamid(), "sent", "5511900000000",
                            callback_data="ylada:m2147483648")
    _post(client, bot, samples.status_webhook(bot.phone_number_id, [forged]))
    # a failure whose error carries no code: its text is the title alone
    wa = f"55119444{int(unique, 16) % 10000:04d}"
    hello = samples.text_message(wa, "oi")
    _post(client, bot, samples.inbound_webhook(bot.phone_number_id, [hello]), path)

    def recorded():
        db.expire_all()
        return db.exec(select(Message).join(
            Conversation, Conversation.id == Message.conversation_id).join(
            Contact, Contact.id == Conversation.contact_id).where(
            Contact.instance_id == bot.instance_id, Contact.wa_id == wa,
            Message.direction == "out", Message.wamid.is_not(None))).first()

    out = wait_for(recorded)
    failed = samples.status(out.wamid, "failed", wa,
                            errors=[{"code": None, "title": "Message undeliverable"}])
    _post(client, bot, samples.status_webhook(bot.phone_number_id, [failed]))

    def failed_row():
        db.expire_all()
        row = db.get(Message, out.id)
        return row.status == "failed" and row

    assert wait_for(failed_row).error == "Message undeliverable"


def test_two_customers_in_one_post_get_one_reply_each_recorded_once(path, client, bot,
                                                                    graph_url, db, unique):
    # on SQLite (`make run`) recording two sends at once failed, and after two minutes both
    # replies went again (2026-12-03)
    n = int(unique, 16) % 10000
    people = [f"55119333{n:04d}", f"55119334{n:04d}"]
    _post(client, bot, samples.inbound_webhook(
        bot.phone_number_id, [samples.text_message(wa, "oi") for wa in people]), path)

    def replies():
        db.expire_all()
        rows = db.exec(select(Message, Contact.wa_id).join(
            Conversation, Conversation.id == Message.conversation_id).join(
            Contact, Contact.id == Conversation.contact_id).where(
            Contact.instance_id == bot.instance_id, col(Contact.wa_id).in_(people),
            Message.direction == "out")).all()
        done = {wa for m, wa in rows if m.status == "sent" and m.wamid}
        return done == set(people) and rows

    rows = wait_for(replies)
    assert len(rows) == 2
    assert sorted(m.get("to") for m in list(graph_url.sent) if m.get("to") in people) == people


def test_a_template_moved_to_marketing_by_meta_is_marketing_here(path, client, bot, db,
                                                                 unique):
    meta = str(int(unique, 16) % 10**9)
    template_id = _template(db, bot, meta, category="UTILITY")
    # another business with a template of the same Meta id on the same account id
    other = make_owner(db)
    theirs = make_instance(db, other.tenant_id, channel="whatsapp_cloud", name="Outra")
    twin_id = _template(db, bot, meta, tenant_id=other.tenant_id, instance_id=theirs.id,
                        category="UTILITY")
    _post(client, bot, {"object": "whatsapp_business_account", "entry": [{"id": WABA, "changes": [
        {"field": "template_category_update", "value": {
            "message_template_id": int(meta), "message_template_name": f"promo_{meta}",
            "message_template_language": "pt_BR", "previous_category": "UTILITY",
            "new_category": "MARKETING"}}]}]})
    db.expire_all()
    assert db.get(MessageTemplate, template_id).category == "MARKETING"
    assert db.get(MessageTemplate, twin_id).category == "UTILITY"


def test_a_template_rated_low_by_meta_says_so_and_the_team_hears_once(path, client, bot, db,
                                                                      unique):
    from ylada_app.models import Notification

    meta = str(int(unique, 16) % 10**9 + 7)
    template_id = _template(db, bot, meta)
    row = db.get(MessageTemplate, template_id)
    row.status = "APPROVED"
    db.add(row)
    other = make_owner(db)
    theirs = make_instance(db, other.tenant_id, channel="whatsapp_cloud", name="Outra")
    twin_id = _template(db, bot, meta, tenant_id=other.tenant_id, instance_id=theirs.id)

    def rate(score: str) -> None:
        _post(client, bot, {"object": "whatsapp_business_account", "entry": [{
            "id": WABA, "changes": [{"field": "message_template_quality_update", "value": {
                "previous_quality_score": "GREEN", "new_quality_score": score,
                "message_template_id": int(meta), "message_template_name": f"promo_{meta}",
                "message_template_language": "pt_BR"}}]}]})

    def told() -> list[str]:
        db.expire_all()
        return [n.body for n in db.exec(select(Notification).where(
            Notification.tenant_id == bot.tenant_id, Notification.kind == "number")).all()]

    rate("YELLOW")
    db.expire_all()
    assert db.get(MessageTemplate, template_id).quality == "YELLOW" and told() == []
    rate("RED")
    rate("RED")  # Meta said it again: told once
    db.expire_all()
    assert db.get(MessageTemplate, template_id).quality == "RED"
    assert db.get(MessageTemplate, twin_id).quality == ""  # the other business's template
    [body] = told()
    assert f"promo_{meta}" in body and "qualidade baixa" in body
    rate("PURPLE")  # not a rating: nothing changes
    db.expire_all()
    assert db.get(MessageTemplate, template_id).quality == "RED"
