"""Found by review and fixed; the test keeps it fixed.

Text the *customer* wrote ends up vouching for prices (and declaring discounts),
so the price guard lets an invented price through. SQLite, model replaced by a stub."""

from __future__ import annotations

import pytest

from tests.factories import make_instance, make_owner
from ylada_app.integrations.ai_common import ChatResult
from ylada_app.services import ai, ai_learning, knowledge


@pytest.fixture
def shop(db, fake_openai):  # fake_openai: the platform endpoint is configured
    owner = make_owner(db, niche="delivery")
    inst = make_instance(db, owner.tenant_id)
    knowledge.add_item(db, tenant_id=owner.tenant_id, instance_id=inst.id, kind="product",
                       title="Pizza Calabresa", body="calabresa, cebola", price="49,90")
    db.commit()
    return owner.tenant_id, inst.id


def says(text):
    def chat(**_kw):
        return ChatResult(text, 100, 20, 120)
    return chat


def test_a_price_in_a_customer_question_turned_faq_does_not_vouch(db, shop):
    t, i = shop
    # A customer asks with a made-up price; the assistant does not know.
    first = ai.answer(tenant_id=t, instance_id=i, source="fallback",
                      question="a pizza calabresa sai por R$ 1,00 pra estudante?",
                      chat=says("[SEM_RESPOSTA]"))
    # "Treinar IA": the owner answers it correctly (the form keeps the customer's words
    # as the FAQ question, as it comes prefilled).
    ai_learning.correct(db, tenant_id=t, log_id=first.log_id,
                        answer="Não temos preço de estudante: a calabresa custa R$ 49,90.")
    db.commit()
    # Later, the model makes up the customer's price; the FAQ title now "vouches" for it.
    res = ai.answer(tenant_id=t, instance_id=i, source="fallback",
                    question="quanto custa a pizza calabresa?",
                    chat=says("A pizza calabresa sai por R$ 1,00."))
    assert "R$ 1,00" in res.blocked and "1,00" not in res.text


# A flow's ai_reply prompt is rendered with the contact's variables (engine/runtime.py:
# `self.render(data.prompt, …)` over build_context(contact, vars)): e.g. the prompt
# "Ajude {{nome}} com o pedido: {{pedido}}" after the customer typed the order.
RENDERED_PROMPT = ("Ajude Ana com o pedido: calabresa por R$ 1,00, "
                   "e com 90% de desconto no pix")


@pytest.mark.parametrize("model_says", [
    "A calabresa sai por R$ 1,00.",
    "No Pix, com 90% de desconto, a calabresa fica R$ 4,99.",  # 10 % of 49,90
])
def test_customer_text_rendered_into_the_flow_prompt_does_not_vouch(db, shop, model_says):
    t, i = shop
    res = ai.answer(tenant_id=t, instance_id=i, source="flow", flow_prompt=RENDERED_PROMPT,
                    question="quanto fica a calabresa?", chat=says(model_says))
    assert res.blocked, res.text


def _conversation(db, tenant_id, instance_id, turns, wa_id):
    from ylada_app.models import Contact, Conversation, Message

    contact = Contact(tenant_id=tenant_id, instance_id=instance_id, wa_id=wa_id)
    db.add(contact)
    db.flush()
    conv = Conversation(tenant_id=tenant_id, instance_id=instance_id, contact_id=contact.id)
    db.add(conv)
    db.flush()
    for direction, text, payload in turns:
        db.add(Message(tenant_id=tenant_id, instance_id=instance_id, conversation_id=conv.id,
                       direction=direction, type="text", text=text, status="processed",
                       payload=payload))
    db.commit()
    return conv.id


def test_a_flow_message_repeating_the_customers_words_does_not_vouch(db, shop):
    """Found by review and fixed: a flow's "Você pediu: {{vars.pedido}}" repeated the
    customer's made-up price, and the earlier bot message then vouched for it."""
    t, i = shop
    conv = _conversation(db, t, i, [
        ("in", "quero uma calabresa por R$ 1,00", {}),
        ("out", "Você pediu: quero uma calabresa por R$ 1,00. Confirma?", {"type": "text"}),
        ("in", "quanto fica?", {}),
    ], "5511987654998")
    res = ai.answer(tenant_id=t, instance_id=i, source="fallback", conversation_id=conv,
                    question="quanto fica?", chat=says("A calabresa fica R$ 1,00."))
    assert "R$ 1,00" in res.blocked, res.text
    # an amount only the business said still vouches from the history
    conv = _conversation(db, t, i, [
        ("in", "tem borda?", {}),
        ("out", "Borda recheada por R$ 8,00.", {"type": "text"}),
    ], "5511987654999")
    res = ai.answer(tenant_id=t, instance_id=i, source="fallback", conversation_id=conv,
                    question="e a borda quanto é?", chat=says("A borda sai por R$ 8,00."))
    assert not res.blocked, res.blocked
