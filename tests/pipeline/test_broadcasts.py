"""Broadcasts against the fake Graph API: only contacts who consented and did not opt out are
in the audience; each recipient gets the approved template exactly once (a second run of the
job, as after a crash, queues nothing more); an opt-out mid-way is respected; a cancel
withdraws what still waits; the plan's quota is honoured; another business sees nothing."""

from __future__ import annotations

import time

import pytest
from sqlmodel import select

from tests.factories import make_owner
from tests.pipeline import test_message_templates as templates_test
from tests.pipeline.conftest import wait_for
from ylada_app.models import Broadcast, BroadcastRecipient, Message
from ylada_app.services import broadcasts, contacts, message_templates
from ylada_app.services.broadcasts import Audience, Draft
from ylada_app.services.errors import FieldErrors, NotFound

number = templates_test.number  # a connected number on a WhatsApp Business Account
_draft = templates_test._draft


def _approved(db, graph_url, owner, inst, name="promo_semana", category="MARKETING"):
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             draft=_draft(name=name, category=category, buttons=[]))
    db.commit()
    graph_url.set_template_status(name, "APPROVED")
    message_templates.sync(db, tenant_id=owner.tenant_id, instance_id=inst.id)
    db.commit()


def _contacts(db, owner, inst, n, *, opted_in=True, tags=(), start=0):
    out = []
    for i in range(start, start + n):
        c, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                       phone=f"1198{i:07d}", name=f"Cliente {i}",
                                       tags=list(tags), opted_in=opted_in or None)
        out.append(c)
    db.commit()
    return out


def _plan(db, owner, inst, **over):
    base = dict(instance_id=inst.id, name="Promoção da semana", template="promo_semana|pt_BR",
                variables=[{"source": "name", "value": ""}, {"source": "text", "value": "#10"}],
                audience=Audience())
    base.update(over)
    b = broadcasts.create(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                          draft=Draft(**base))
    db.commit()
    return b


def test_the_audience_is_who_consented_and_each_gets_the_template_once(db, number, graph_url):
    owner, inst, _ = number
    _approved(db, graph_url, owner, inst)
    yes = _contacts(db, owner, inst, 6, tags=["vip"])
    other = _contacts(db, owner, inst, 2, start=50)  # consented, without the tag
    never = _contacts(db, owner, inst, 3, opted_in=False, tags=["vip"], start=100)
    gone = yes[0]
    contacts.set_opted_out(db, tenant_id=owner.tenant_id, contact_id=gone.id, opted_out=True)
    db.commit()
    est = broadcasts.estimate(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                              template="promo_semana|pt_BR", audience=Audience(("vip",)))
    assert est.recipients == 5 and est.category == "MARKETING"
    assert est.cost_brl == broadcasts.PRICES_BRL["MARKETING"] * 5
    b = _plan(db, owner, inst, audience=Audience(("vip",)))
    assert b.planned == 5 and b.status == "scheduled"

    first = broadcasts.advance(b.id, run_s=5)
    again = broadcasts.advance(b.id, run_s=5)  # as after a crash: nothing queued twice
    assert first == {"queued": 5, "skipped": 0} and again == {"queued": 0, "skipped": 0}
    for c in yes[1:]:
        [out] = wait_for(lambda c=c: graph_url.messages_to(c.wa_id))
        assert out["type"] == "template" and out["template"]["name"] == "promo_semana"
        assert out["template"]["components"][0]["parameters"][0]["text"] == c.name
    for c in [gone, *other, *never]:
        assert graph_url.messages_to(c.wa_id) == []
    db.expire_all()
    b = db.get(Broadcast, b.id)
    assert (b.status, b.queued, b.skipped) == ("done", 5, 0)
    progress = wait_for(lambda: (p := broadcasts.progress(db, b))["queued"] == 0 and p)
    assert progress["sent"] == 5 and progress["total"] == 5


def test_an_opt_out_mid_way_and_a_cancel_are_respected(db, number, graph_url):
    owner, inst, _ = number
    _approved(db, graph_url, owner, inst)
    people = _contacts(db, owner, inst, 8)
    b = _plan(db, owner, inst)
    # SAIR from the third contact before the job reaches them: no longer in the audience
    contacts.set_opted_out(db, tenant_id=owner.tenant_id, contact_id=people[2].id,
                           opted_out=True)
    db.commit()
    broadcasts.advance(b.id, window=3, run_s=0.01)  # 3 queued, then the number is "busy"
    db.expire_all()
    assert db.get(Broadcast, b.id).queued == 3  # people 0, 1 and 3
    withdrawn = broadcasts.cancel(db, tenant_id=owner.tenant_id, broadcast_id=b.id)
    db.commit()
    assert withdrawn <= 3
    assert broadcasts.advance(b.id, run_s=1) == {"queued": 0, "skipped": 0}
    rows = broadcasts.recipients(db, tenant_id=owner.tenant_id, broadcast_id=b.id)
    assert sorted(r["contact_id"] for r in rows) == sorted(
        c.id for c in (people[0], people[1], people[3]))
    assert {r["status"] for r in rows} <= {"sent", "failed", "queued", "delivered"}
    assert all(r["reason"] in ("", "broadcast_cancelled") for r in rows)
    for c in [people[2], *people[4:]]:
        assert graph_url.messages_to(c.wa_id) == []
    assert db.get(Broadcast, b.id).status == "cancelled"


def test_the_plans_quota_is_checked_before_and_while_sending(db, number, graph_url):
    from ylada_app.models import UsageCounter
    from ylada_app.services import entitlements

    owner, inst, _ = number
    _approved(db, graph_url, owner, inst)
    _contacts(db, owner, inst, 4)
    limit = entitlements.limits_for(db, tenant_id=owner.tenant_id).max_messages_month
    db.add(UsageCounter(tenant_id=owner.tenant_id, month=entitlements.month_key(),
                        messages_in=0, messages_out=limit - 2, ai_tokens=0,
                        messages_blocked=0))
    db.commit()
    with pytest.raises(FieldErrors) as refused:
        _plan(db, owner, inst)
    assert refused.value.errors == {"audience": "broadcasts.error.quota"}
    b = broadcasts.create(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                          draft=Draft(inst.id, "Até o limite", "promo_semana|pt_BR",
                                      [{"source": "name", "value": ""},
                                       {"source": "text", "value": "#1"}], Audience()),
                          up_to_quota=True)  # "send up to the limit"
    db.commit()
    assert broadcasts.advance(b.id, run_s=5)["queued"] == 2
    db.expire_all()
    assert db.get(Broadcast, b.id).status == "stopped"


def test_bad_drafts_are_refused_per_field_and_other_businesses_see_nothing(
        db, number, graph_url):
    owner, inst, _ = number
    _approved(db, graph_url, owner, inst)
    _contacts(db, owner, inst, 2)
    cases = [
        (dict(name=" "), "name"),
        (dict(template="nao_existe|pt_BR"), "template"),
        (dict(variables=[{"source": "name", "value": ""}]), "variables"),
        (dict(variables=[{"source": "name", "value": ""}, {"source": "text", "value": ""}]),
         "var2"),
        (dict(audience=Audience(("ninguem-tem",))), "audience"),
    ]
    for over, field in cases:
        with pytest.raises(FieldErrors) as refused:
            _plan(db, owner, inst, **over)
        assert field in refused.value.errors, (over, refused.value.errors)
        db.rollback()
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             draft=_draft(name="ainda_em_analise"))
    db.commit()
    with pytest.raises(FieldErrors) as pending:
        _plan(db, owner, inst, template="ainda_em_analise|pt_BR")
    assert pending.value.errors == {"template": "templates.error.not_approved"}
    db.rollback()
    assert db.exec(select(Broadcast).where(Broadcast.tenant_id == owner.tenant_id)).all() == []

    b = _plan(db, owner, inst)
    intruder = make_owner(db, tenant_name="Outra Loja")
    with pytest.raises(NotFound):
        broadcasts.cancel(db, tenant_id=intruder.tenant_id, broadcast_id=b.id)
    with pytest.raises(NotFound):
        broadcasts.recipients(db, tenant_id=intruder.tenant_id, broadcast_id=b.id)
    with pytest.raises(FieldErrors):  # the other business's number is not theirs to use
        broadcasts.estimate(db, tenant_id=intruder.tenant_id, instance_id=inst.id,
                            template="promo_semana|pt_BR", audience=Audience())
    assert broadcasts.list_broadcasts(db, tenant_id=intruder.tenant_id) == []
    assert db.exec(select(BroadcastRecipient).where(
        BroadcastRecipient.broadcast_id == b.id)).all() == []  # nothing sent: not started
    assert db.exec(select(Message).where(Message.tenant_id == intruder.tenant_id)).all() == []


def test_a_contact_gets_at_most_two_marketing_broadcasts_a_week(db, number, graph_url):
    owner, inst, _ = number
    _approved(db, graph_url, owner, inst)
    _approved(db, graph_url, owner, inst, name="aviso_pedido", category="UTILITY")
    [ana] = _contacts(db, owner, inst, 1)
    for name in ("Oferta 1", "Oferta 2", "Oferta 3"):
        b = _plan(db, owner, inst, name=name)
        broadcasts.advance(b.id, run_s=5)
    utility = _plan(db, owner, inst, name="Aviso", template="aviso_pedido|pt_BR")
    assert broadcasts.advance(utility.id, run_s=5) == {"queued": 1, "skipped": 0}
    rows = broadcasts.recipients(db, tenant_id=owner.tenant_id, broadcast_id=b.id)
    assert [(r["status"], r["reason"]) for r in rows] == [
        ("skipped", "broadcasts.skip.frequency")]
    sent = wait_for(lambda: len(graph_url.messages_to(ana.wa_id)) == 3
                    and graph_url.messages_to(ana.wa_id))
    assert [m["template"]["name"] for m in sent] == ["promo_semana", "promo_semana",
                                                     "aviso_pedido"]


def test_a_contact_chatting_right_now_is_taken_in_a_later_round(db, number, graph_url):
    from ylada_app.core import locks
    from ylada_app.models import Conversation

    owner, inst, _ = number
    _approved(db, graph_url, owner, inst)
    people = _contacts(db, owner, inst, 4)
    b = _plan(db, owner, inst)
    # the second contact's conversation is held (the bot is answering them)
    broadcasts._conversations(db, b, people)
    db.commit()
    conv_id = db.exec(select(Conversation.id).where(
        Conversation.contact_id == people[1].id)).one()
    got, release = locks.acquire_many([conv_id])
    assert got == [conv_id]
    try:
        broadcasts.advance(b.id, run_s=0.01)
        db.expire_all()
        held = db.get(Broadcast, b.id)
        assert held.queued == 3 and held.cursor_contact_id < people[1].id  # taken again
        assert graph_url.messages_to(people[1].wa_id) == []
    finally:
        release()
    broadcasts.advance(b.id, run_s=5)
    db.expire_all()
    assert (db.get(Broadcast, b.id).queued, db.get(Broadcast, b.id).status) == (4, "done")
    for c in people:
        assert len(wait_for(lambda c=c: graph_url.messages_to(c.wa_id))) == 1


def test_a_broadcast_message_still_waiting_is_not_sent_after_an_opt_out(db, number, graph_url):
    from ylada_app.models import Contact
    from ylada_app.services import outbox

    owner, inst, _ = number
    _approved(db, graph_url, owner, inst)
    [ana] = _contacts(db, owner, inst, 1)
    b = _plan(db, owner, inst)
    conv_id = broadcasts._conversations(db, b, [ana])[ana.id]
    db.commit()

    def sair_arrives(written):  # SAIR is processed before the delivery job reaches it
        contact = written[0].session.get(Contact, ana.id)
        contact.opted_out = True
        written[0].session.add(contact)

    payload = {"type": "template", "name": "promo_semana", "language": "pt_BR",
               "text": "Olá Ana", "source": "broadcast",
               "components": [{"type": "body", "parameters": [
                   {"type": "text", "text": "Ana"}, {"type": "text", "text": "#1"}]}]}
    [(cid, message_id)] = outbox.queue_batch(tenant_id=owner.tenant_id,
                                             items=[(conv_id, payload)], sender="broadcast",
                                             also=sair_arrives, template=True).items()

    def settled():
        db.expire_all()
        row = db.get(Message, message_id)
        return row if row.status not in ("queued", "sending") else None
    row = wait_for(settled)
    assert (row.status, row.error) == ("failed", "outbound.opted_out")
    assert graph_url.messages_to(ana.wa_id) == []


# --- audience by a contact field ------------------------------------------------------------

def test_the_audience_can_be_narrowed_by_a_contact_field(db, number, graph_url):
    owner, inst, _ = number
    _approved(db, graph_url, owner, inst)
    cities = ["Campinas", "campinas", "Campo Grande", "São Paulo", None]
    people = []
    for i, city in enumerate(cities):
        c, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                       phone=f"1197{i:07d}", name=f"P{i}", opted_in=True,
                                       fields={"cidade": city} if city else {})
        people.append(c)
    db.commit()

    def count(*rules, tags=()):
        audience = broadcasts.clean_audience(list(tags), None, list(rules))
        return broadcasts.count_audience(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                         audience=audience)

    assert count() == 5
    assert count({"name": "cidade", "op": "equals", "value": "CAMPINAS"}) == 2  # any case
    assert count({"name": "cidade", "op": "contains", "value": "camp"}) == 3
    assert count({"name": "cidade", "op": "contains", "value": "%"}) == 0  # not a wildcard
    assert count({"name": "cidade", "op": "contains", "value": "camp"},
                 {"name": "cidade", "op": "contains", "value": "grande"}) == 1  # all of them
    assert count({"name": "", "op": "equals", "value": ""}) == 5  # the page's empty row
    for rule, code in (({"name": "cidade natal", "value": "x"}, "broadcasts.error.field_name"),
                       ({"name": "cidade", "op": "starts", "value": "x"},
                        "broadcasts.error.field_op"),
                       ({"name": "cidade", "value": " "}, "broadcasts.error.field_value")):
        with pytest.raises(FieldErrors) as refused:
            broadcasts.clean_audience([], None, [rule])
        assert refused.value.errors == {"field": code}
    # the filter is kept with the broadcast and applied while it sends
    b = _plan(db, owner, inst, audience=broadcasts.clean_audience(
        [], None, [{"name": "cidade", "op": "equals", "value": "campinas"}]))
    assert b.planned == 2 and b.audience["fields"] == [
        {"name": "cidade", "op": "equals", "value": "campinas"}]
    assert broadcasts.advance(b.id, run_s=5) == {"queued": 2, "skipped": 0}
    for c in people[:2]:
        assert len(wait_for(lambda c=c: graph_url.messages_to(c.wa_id))) == 1
    for c in people[2:]:
        assert graph_url.messages_to(c.wa_id) == []


# --- the number's messaging tier ------------------------------------------------------------

def _tier(db, inst, tier: str | None) -> None:
    from ylada_app.models import Instance

    row = db.get(Instance, inst.id)
    row.health = {**(row.health or {}), "messaging_tier": tier} if tier else {}
    db.add(row)
    db.commit()


def test_the_limit_of_each_tier_and_a_conservative_default():
    from ylada_app.models import Instance
    from ylada_app.services import messaging_tier

    def limit(health, channel="whatsapp_cloud"):
        return messaging_tier.tier_limit(Instance(tenant_id=1, name="x", channel=channel,
                                                  verify_token="t", webhook_key="k",
                                                  health=health))

    assert limit({"messaging_tier": "TIER_1K"}) == 1_000
    assert limit({"messaging_tier": "TIER_100K"}) == 100_000
    assert limit({"messaging_tier": "TIER_UNLIMITED"}) is None
    assert limit({}) == limit({"messaging_tier": "TIER_NOVO"}) == 250  # unknown: the lowest
    assert limit({"messaging_tier": "TIER_1K"}, channel="simulator") is None


def test_a_broadcast_never_goes_past_the_numbers_tier_and_resumes_by_itself(
        db, number, graph_url, monkeypatch):
    from datetime import timedelta

    from ylada_app.models import utcnow
    from ylada_app.services import messaging_tier

    owner, inst, _ = number
    _approved(db, graph_url, owner, inst)
    monkeypatch.setitem(messaging_tier.TIERS, "TIER_1K", 3)  # a small tier keeps it short
    _tier(db, inst, "TIER_1K")
    people = _contacts(db, owner, inst, 5, tags=["vip"])
    first = _plan(db, owner, inst)
    assert broadcasts.advance(first.id, run_s=5) == {"queued": 3, "skipped": 0}
    assert broadcasts.advance(first.id, run_s=5) == {"queued": 0, "skipped": 0}
    db.expire_all()
    b = db.get(Broadcast, first.id)
    assert (b.status, b.queued, b.stop_reason) == ("sending", 3, broadcasts.TIER_CAP)
    wait = broadcasts.tier_wait(db, b)
    sent_at = db.exec(select(BroadcastRecipient.created_at).where(
        BroadcastRecipient.broadcast_id == b.id).order_by(BroadcastRecipient.id)).first()
    assert (wait.limit, wait.used, wait.frees_at) == (3, 3, sent_at + timedelta(hours=24))
    # another broadcast of the same number shares the limit (a different template's people
    # are the same people: nobody new may be reached)
    second = _plan(db, owner, inst, name="Outra", audience=Audience(("vip",)))
    assert broadcasts.advance(second.id, run_s=5) == {"queued": 0, "skipped": 0}
    for c in people[3:]:
        assert graph_url.messages_to(c.wa_id) == []
    # what the page shows meanwhile
    from ylada_app.pages.broadcasts import _rows

    rows = {r["id"]: r for r in _rows(db, tenant_id=owner.tenant_id)}
    note = rows[str(first.id)]["note"]
    assert note.startswith("Limite diário do número atingido (3 conversas em 24 h) — "
                           "continua às ") and note[-5:-2].endswith(":")
    assert rows[str(first.id)]["stop_reason"] == "" and rows[str(first.id)]["status"] == \
        "sending"
    # a day later the first sends leave the window: the next run goes on, up to the limit
    old = utcnow() - timedelta(hours=25)
    for r in db.exec(select(BroadcastRecipient).where(
            BroadcastRecipient.broadcast_id == first.id)).all():
        r.created_at = old
        db.add(r)
    db.commit()
    assert broadcasts.advance(first.id, run_s=5) == {"queued": 2, "skipped": 0}
    db.expire_all()
    b = db.get(Broadcast, first.id)
    assert (b.status, b.queued, b.stop_reason) == ("done", 5, "")
    assert broadcasts.tier_wait(db, b) is None
    for c in people:
        assert len(wait_for(lambda c=c: graph_url.messages_to(c.wa_id))) == 1
    # the second broadcast: 1 place left in 24 h (2 used of 3)
    assert broadcasts.advance(second.id, run_s=5) == {"queued": 1, "skipped": 0}


def test_failed_sends_do_not_use_the_tier_and_another_run_waits_for_the_lock(
        db, number, graph_url, monkeypatch):
    from ylada_app.core import locks
    from ylada_app.services import messaging_tier

    owner, inst, _ = number
    _approved(db, graph_url, owner, inst)
    monkeypatch.setitem(messaging_tier.TIERS, "TIER_250", 2)
    _tier(db, inst, None)  # never checked: the default tier (250, here 2)
    _contacts(db, owner, inst, 3)
    b = _plan(db, owner, inst)
    with locks.exclusive(f"broadcast-tier:{inst.id}") as mine:  # another broadcast's run
        assert mine
        assert broadcasts.advance(b.id, run_s=5) == {"queued": 0, "skipped": 0}
    assert broadcasts.advance(b.id, run_s=5)["queued"] == 2
    wait_for(lambda: not db.exec(select(Message).where(
        Message.instance_id == inst.id, Message.status.in_(("queued", "sending")))).all())
    assert messaging_tier.used(db, inst.id)[0] == 2
    msg = db.exec(select(Message).where(Message.instance_id == inst.id)).first()
    msg.status = "failed"  # never delivered: Meta does not count it
    db.add(msg)
    db.commit()
    assert messaging_tier.used(db, inst.id)[0] == 1
    assert broadcasts.advance(b.id, run_s=5)["queued"] == 1


# --- a recipient taps a quick-reply button --------------------------------------------------

def _flow(db, owner, inst, name: str, trigger: dict, reply: str) -> None:
    from ylada_app.services import flows

    definition = {"version": 1, "nodes": [
        {"id": "inicio", "type": "start", "position": {"x": 0, "y": 0},
         "data": {"label": "Início", "triggers": [trigger]}},
        {"id": "resposta", "type": "message", "position": {"x": 250, "y": 0},
         "data": {"label": "Resposta", "text": reply}}],
        "edges": [{"id": "e1", "source": "inicio", "sourceHandle": "out",
                   "target": "resposta"}]}
    flow = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id, name=name,
                             definition=definition)
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=flow.id)
    db.commit()


def test_a_quick_reply_button_of_the_broadcast_starts_the_matching_flow(
        db, number, graph_url, client):
    from tests.pipeline.conftest import Bot
    from tests.pipeline.test_webhook_pipeline import post
    from ylada_app.channels.whatsapp_cloud import samples

    owner, inst, pnid = number
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             draft=_draft(name="promo_semana", category="MARKETING", buttons=[
                                 {"type": "quick_reply", "text": "Quero saber mais"},
                                 {"type": "quick_reply", "text": "Agora não"}]))
    db.commit()
    graph_url.set_template_status("promo_semana", "APPROVED")
    message_templates.sync(db, tenant_id=owner.tenant_id, instance_id=inst.id)
    db.commit()
    # Meta sends a quick reply's text as its payload when the template set none (ours set
    # none): a button-payload trigger with the button's text, or its exact keyword, matches
    _flow(db, owner, inst, "Detalhes", {"type": "button_payload", "payload": "Quero saber mais"},
          "Oba! A oferta vale até domingo.")
    _flow(db, owner, inst, "Depois", {"type": "keyword", "match": "exact",
                                      "keywords": ["agora não"]},
          "Sem problemas, até a próxima!")
    ana, bia = _contacts(db, owner, inst, 2)
    b = _plan(db, owner, inst)
    assert broadcasts.advance(b.id, run_s=5)["queued"] == 2
    for c in (ana, bia):
        wait_for(lambda c=c: graph_url.messages_to(c.wa_id))
    bot = Bot(owner.tenant_id, inst.id, inst.webhook_key, pnid,
              f"/webhooks/whatsapp/{inst.webhook_key}")
    # WhatsApp stamps messages in whole seconds: a tap stamped in the very second the
    # broadcast was queued could not be told to come after it (people take longer)
    time.sleep(1.1)
    post(client, bot, [samples.template_button(ana.wa_id, "Quero saber mais",
                                               "Quero saber mais")])
    post(client, bot, [samples.template_button(bia.wa_id, "Agora não", "Agora não")])

    def texts(c):
        return [m.get("text", {}).get("body") for m in graph_url.messages_to(c.wa_id)
                if m.get("type") == "text"]
    assert wait_for(lambda: texts(ana)) == ["Oba! A oferta vale até domingo."]
    assert wait_for(lambda: texts(bia)) == ["Sem problemas, até a próxima!"]
    # and the answer counts as a reply to the broadcast
    db.expire_all()
    assert wait_for(lambda: broadcasts.progress(db, db.get(Broadcast, b.id))["replied"] == 2)


def test_sair_typed_mid_broadcast_stops_every_further_marketing_message(
        db, number, graph_url, client):
    """The opt-out word itself, through the real webhook and pipeline, while a broadcast is
    half-way: one contact already reached and one still waiting both write SAIR, get the
    confirmation, and get no marketing message after it — neither the rest of this
    broadcast nor the next one."""
    from sqlmodel import Session

    from tests.pipeline.conftest import Bot
    from tests.pipeline.test_webhook_pipeline import post
    from ylada_app.channels.whatsapp_cloud import samples
    from ylada_app.core.db import get_engine
    from ylada_app.engine.types import DEFAULT_OPTOUT_REPLY
    from ylada_app.models import Contact

    owner, inst, pnid = number
    _approved(db, graph_url, owner, inst)
    people = _contacts(db, owner, inst, 6)
    reached, waiting = people[0], people[4]
    b = _plan(db, owner, inst)
    broadcasts.advance(b.id, window=2, run_s=0.01)  # two queued, then the number is "busy"
    db.expire_all()
    assert db.get(Broadcast, b.id).queued == 2
    wait_for(lambda: graph_url.messages_to(reached.wa_id))
    bot = Bot(owner.tenant_id, inst.id, inst.webhook_key, pnid,
              f"/webhooks/whatsapp/{inst.webhook_key}")
    post(client, bot, [samples.text_message(reached.wa_id, "SAIR")])
    post(client, bot, [samples.text_message(waiting.wa_id, "sair")])

    def texts(c):
        return [m.get("text", {}).get("body") for m in graph_url.messages_to(c.wa_id)
                if m.get("type") == "text"]

    def templates(c):
        return [m for m in graph_url.messages_to(c.wa_id) if m.get("type") == "template"]

    for c in (reached, waiting):  # the confirmation, at once
        assert wait_for(lambda c=c: texts(c)) == [DEFAULT_OPTOUT_REPLY]

    def opted_out(c):
        with Session(get_engine()) as fresh:
            return fresh.get(Contact, c.id).opted_out
    assert opted_out(reached) and opted_out(waiting)
    # the broadcast goes on: everyone else, never the one who left while waiting
    broadcasts.advance(b.id, run_s=5)
    db.expire_all()
    assert (db.get(Broadcast, b.id).status, db.get(Broadcast, b.id).queued) == ("done", 5)
    others = [c for c in people if c not in (reached, waiting)]
    for c in others:
        assert len(wait_for(lambda c=c: templates(c))) == 1
    assert templates(waiting) == [] and len(templates(reached)) == 1
    # the next marketing broadcast leaves both out, from its count to its sends
    assert broadcasts.estimate(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                               template="promo_semana|pt_BR",
                               audience=Audience()).recipients == 4
    again = _plan(db, owner, inst, name="Oferta de sábado")
    assert broadcasts.advance(again.id, run_s=5) == {"queued": 4, "skipped": 0}
    for c in others:
        assert len(wait_for(lambda c=c: len(templates(c)) == 2 and templates(c))) == 2
    time.sleep(0.5)  # anything wrongly queued for them would have gone out by now
    assert templates(waiting) == [] and len(templates(reached)) == 1
    assert texts(reached) == texts(waiting) == [DEFAULT_OPTOUT_REPLY]
