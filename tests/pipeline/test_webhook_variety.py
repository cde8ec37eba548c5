"""Found by review and fixed: WhatsApp webhook payloads the pipeline handled wrongly.

- a message written in a WhatsApp group the number is in was put in the participant's
  private chat and answered there (now: kept out of it, a trace in the diagnostics);
- a customer's edit, pin or "keep in chat" (Meta: `unsupported` with its kind) was taken
  for a wrong menu choice and answered "Não entendi" with the menu again;
- a lone UTF-16 surrogate in a notice about the number (an account warning, a display-name
  decision) failed the POST's transaction: a 503 Meta retries for days;
- a change about another number of the same Meta app (one webhook address per app: every
  Embedded Signup number shares the platform's) was logged as an unknown number and
  dropped: it now reaches that number when the POST's signature is that number's secret.
"""

from __future__ import annotations

import json
import time

from sqlmodel import select

from tests.pipeline.conftest import SECRET, wait_for
from tests.pipeline.test_webhook_kinds import _menu, _to
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.models import Message, WebhookLog


def _post(client, bot, doc) -> None:
    raw, headers = samples.signed(doc, SECRET)
    assert client.post(bot.url, content=raw, headers=headers).status_code == 200


def _post_messages(client, bot, messages, contacts=None) -> None:
    if contacts is None:
        doc = samples.inbound_webhook(bot.phone_number_id, messages)
    else:  # (senders known by business-scoped user id: contacts as given)
        doc = samples.envelope([("messages", samples.value(
            bot.phone_number_id, messages=messages, contacts=contacts))])
    _post(client, bot, doc)


def _msg(from_, mtype, content, **extra):
    m = {"from": from_, "id": samples.new_wamid(), "timestamp": str(int(time.time())),
         "type": mtype}
    if content is not None:
        m[mtype] = content
    m.update(extra)
    return m


def _handled(db, wamid) -> Message:
    """The stored row once the worker has dealt with it (whatever it decided)."""
    def done():
        db.expire_all()
        row = db.exec(select(Message).where(Message.wamid == wamid)).first()
        return row is not None and row.status != "pending" and row
    return wait_for(done)


def test_group_message_is_not_answered_in_private(client, bot, graph_url, db):
    """Meta's "Group messages webhook reference": a message a participant writes in a group
    the business is in arrives on the `messages` field with `group_id`. It is not the
    participant writing to the business: the bot must not open a 1:1 chat with them (nor
    greet every participant who says "oi" in the group)."""
    wa = "5511987659101"
    in_group = samples.text_message(wa, "oi")
    in_group["group_id"] = "120363025555555555"
    _post_messages(client, bot, [in_group])

    def traced():
        db.expire_all()
        return db.exec(select(WebhookLog).where(WebhookLog.instance_id == bot.instance_id,
                                                WebhookLog.kind == "group_message")).first()
    assert wait_for(traced).detail["group_id"] == "120363025555555555"
    time.sleep(0.5)
    assert _to(graph_url, wa) == [], "the bot answered a group message in a private chat"
    assert db.exec(select(Message).where(Message.wamid == in_group["id"])).first() is None



def test_customer_edit_or_pin_is_not_a_wrong_menu_choice(client, bot, graph_url, db):
    """Meta reports a customer's edit of a message, a pin or a "keep in chat" as type
    `unsupported` with `unsupported.type` edit / pin / keep_in_chat. These act on messages
    already there — like a reaction, which is rightly not answered — yet the bot answers
    each with "Não entendi" and the menu again, spending the menu's retries (the session
    ends after two)."""
    wa = "5511987659401"
    before = _menu(client, bot, graph_url, db, wa)
    for kind in ("edit", "pin", "keep_in_chat"):
        m = samples.unsupported_message(wa, kind)
        _post_messages(client, bot, [m])
        _handled(db, m["id"])
    time.sleep(0.5)
    extra = _to(graph_url, wa)[before:]
    assert extra == [], "answered: " + json.dumps(
        [e.get("text") or e.get("interactive", {}).get("type") for e in extra],
        ensure_ascii=False)



def test_number_notices_with_a_lone_surrogate_are_answered_200(client, bot, db):
    """Webhook text is cleaned of what the database cannot store before it is written
    (messages, statuses, logs, template reviews: `inbox.clean_text`). The notices about the
    number are not: a lone UTF-16 surrogate in an account_update's violation type (it goes
    into the team's notification) or in a display-name decision fails the transaction — a
    503 Meta retries for days, and anything else in that POST is never stored."""
    from ylada_app.models import Instance

    display = db.get(Instance, bot.instance_id).display_number or ""
    bodies = [
        samples.envelope([("account_update", {"phone_number": display,
                                              "event": "ACCOUNT_VIOLATION",
                                              "violation_info": {"violation_type": "XX"}})]),
        samples.envelope([("phone_number_name_update", {
            "display_phone_number": display, "decision": "APPROVED",
            "requested_verified_name": "XX", "rejection_reason": None})]),
    ]
    answers = []
    for body in bodies:
        raw = json.dumps(body).replace('"XX"', '"Loja\\ud800"').encode()
        res = client.post(bot.url, content=raw,
                          headers={"X-Hub-Signature-256": samples.sign_body(raw, SECRET)})
        answers.append(res.status_code)
    assert answers == [200, 200]



def test_message_for_the_businesss_other_number_on_the_same_app_is_not_dropped(
        client, bot, graph_url, db, unique, monkeypatch):
    """A Meta app has ONE webhook URL (the app's, or one per WABA with
    override_callback_uri, which the Embedded Signup does not set): every number of the
    app posts there. A business with two numbers on its app — or every Embedded Signup
    number, all on the platform app — has the other number's messages arrive at the first
    number's URL, signed with the same app secret. They are logged "unknown_phone_number"
    and never stored: the customer is never answered, the inbox never shows them."""
    from tests.pipeline.conftest import TOKEN
    from ylada_app.channels.whatsapp_cloud.graph import check_phone_number
    from ylada_app.models import Instance
    from ylada_app.services import instances, webhook_keys

    # (the plan's number of slots is not what this is about)
    monkeypatch.setattr(instances, "check_instance_slot", lambda *a, **k: None)
    first = db.get(Instance, bot.instance_id)
    second = instances.create_instance(db, tenant_id=bot.tenant_id, name="Loja 2",
                                       channel="whatsapp_cloud")
    pnid2 = str(2 * 10**9 + int(unique[:6], 16))
    graph_url.add_number(pnid2, TOKEN)
    from ylada_app.models import Membership
    owner_id = db.exec(select(Membership.user_id).where(
        Membership.tenant_id == bot.tenant_id)).first()
    instances.connect_whatsapp(db, tenant_id=bot.tenant_id, user_id=owner_id,
                               instance_id=second.id, phone_number_id=pnid2, waba_id=None,
                               access_token=TOKEN, app_secret=SECRET,
                               check=check_phone_number)
    db.commit()
    webhook_keys.forget()
    assert first.webhook_key != second.webhook_key

    wa = "5511987659501"
    m = samples.text_message(wa, "oi")
    _post(client, bot, samples.inbound_webhook(pnid2, [m]))  # to the first number's URL
    time.sleep(0.5)
    db.expire_all()
    row = db.exec(select(Message).where(Message.wamid == m["id"])).first()
    assert row is not None, "the second number's message was dropped (logged only)"
    assert row.instance_id == second.id


def test_another_apps_number_is_never_reached_through_this_address(client, bot, graph_url, db,
                                                                   unique):
    """The routing above trusts the shared secret only: a business connected with ANOTHER
    app's secret is not reachable through this number's address, even by its number id."""
    from tests.factories import make_instance, make_owner
    from tests.pipeline.conftest import TOKEN
    from ylada_app.channels.whatsapp_cloud.graph import check_phone_number
    from ylada_app.models import WebhookLog
    from ylada_app.services import instances, webhook_keys

    pnid = str(5 * 10**9 + int(unique[:6], 16))
    graph_url.add_number(pnid, TOKEN)
    other = make_owner(db, tenant_name="Outra loja")
    inst = make_instance(db, other.tenant_id, channel="whatsapp_cloud")
    instances.connect_whatsapp(db, tenant_id=other.tenant_id, user_id=other.user_id,
                               instance_id=inst.id, phone_number_id=pnid, waba_id=None,
                               access_token=TOKEN, app_secret="ab" * 16,
                               check=check_phone_number)
    db.commit()
    webhook_keys.forget()
    m = samples.text_message("5511987659601", "oi")
    _post(client, bot, samples.inbound_webhook(pnid, [m]))  # signed with bot's secret
    time.sleep(0.5)
    db.expire_all()
    assert db.exec(select(Message).where(Message.wamid == m["id"])).first() is None
    assert db.exec(select(WebhookLog).where(WebhookLog.instance_id == bot.instance_id,
                                            WebhookLog.kind == "unknown_phone_number")).first()
