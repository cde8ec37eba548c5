"""A failed message says why in words: our reasons, Graph's codes in a refused send and in
a failed status, and — for a code without words — a plain sentence with what Meta said."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.models import Contact, Message, utcnow
from ylada_app.pages.inbox import InboxState
from ylada_app.services import contacts
from ylada_app.services.send_failures import _GRAPH, _OURS, failure_text


@pytest.mark.parametrize(("stored", "words"), [
    ("outside_24h_window", "Passaram mais de 24 horas"),
    ("window: (#131047) Re-engagement message", "Passaram mais de 24 horas"),
    ("rejected: (#131026) Message Undeliverable.", "o número pode não ter WhatsApp"),
    ("131049 This message was not delivered to maintain healthy ecosystem engagement.",
     "para não cansar o cliente"),
    ("131050 Unable to deliver the message.", "parou de receber mensagens de marketing"),
    ("auth: Error validating access token", "reconecte o número"),
    ("quota_exceeded", "limite de mensagens do plano"),
    ("outbound.opted_out", "pediu para não receber"),
])
def test_known_reasons_read_as_words(stored, words):
    assert words in failure_text(stored)


def test_no_known_reason_shows_a_code_or_an_identifier():
    for stored in [*_OURS, *(f"{code} Something" for code in _GRAPH)]:
        for lang in ("pt-BR", "en"):
            text = failure_text(stored, lang)
            assert text and "_" not in text and not any(ch.isdigit() for ch in text[:3])


def test_an_unknown_code_still_says_what_meta_said():
    assert failure_text("rejected: (#987654) New thing") == "Não entregue: (#987654) New thing"
    assert failure_text("Message undeliverable", "en") == "Not delivered: Message undeliverable"
    assert failure_text("") == "" and failure_text(None) == ""


def test_the_inbox_shows_the_words_of_a_failed_send(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    contact, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                         phone="+55 11 97777-1234", name="Ana")
    conv_id = contacts.note_conversation(db, tenant_id=owner.tenant_id, contact_id=contact.id)
    db.add(Message(tenant_id=owner.tenant_id, instance_id=inst.id, conversation_id=conv_id,
                   direction="out", type="text", text="Promoção!", status="failed",
                   error="131049 This message was not delivered", created_at=utcnow()))
    db.commit()
    assert db.exec(select(Contact).where(Contact.id == contact.id)).one()
    state = _state(InboxState, owner.token)
    _run(InboxState.load, state)
    _run(InboxState.select, state, str(conv_id))
    [failed] = [i for i in state.items if i.status == "failed"]
    assert failed.error.startswith("A Meta não entregou esta mensagem de marketing")


def test_a_broadcast_recipient_that_failed_says_why_and_a_skip_keeps_its_words(db):
    from ylada_app.pages.broadcasts import BroadcastsState

    owner = make_owner(db)
    state = _state(BroadcastsState, owner.token)
    failed = state._reason_text({"reason": "131050 Unable to deliver", "status": "failed"})
    assert failed == "O cliente parou de receber mensagens de marketing desta empresa no WhatsApp."
    skipped = state._reason_text({"reason": "broadcasts.skip.frequency", "status": "skipped"})
    assert skipped and "broadcasts." not in skipped
    assert state._reason_text({"reason": "", "status": "read"}) == ""
