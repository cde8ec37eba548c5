"""Consent in the engine: the consent block (a flow's "yes" to marketing messages) and a
number's own opt-out / opt-in words and replies. Pure: no database."""

from __future__ import annotations

from tests.engine.builders import (
    Conversation,
    action_types,
    edge,
    event_types,
    flow,
    flowset,
    kw,
    node,
    start,
    texts,
)
from ylada_app.engine import validate_flow
from ylada_app.engine.types import DEFAULT_OPTOUT_REPLY, OPTOUT_REPLY_TEMPLATE

OFFERS = flow(
    [start(kw("ofertas")),
     node("pergunta", "message", text="Quer receber nossas ofertas pelo WhatsApp?",
          buttons=[{"id": "sim", "title": "Sim"}, {"id": "nao", "title": "Não"}]),
     node("aceite", "consent"),
     node("obrigado", "message", text="Combinado! Você vai receber nossas ofertas."),
     node("tudo_bem", "message", text="Tudo bem, não enviaremos ofertas.")],
    [edge("start", "pergunta"), edge("pergunta", "aceite", "sim"),
     edge("aceite", "obrigado"), edge("pergunta", "tudo_bem", "nao")])


def offers(**settings) -> Conversation:
    return Conversation(flowset({"f1": OFFERS}, **settings))


def test_the_consent_block_validates_with_no_settings():
    report = validate_flow(OFFERS)
    assert report.ok, report.errors
    assert not report.warnings


def test_yes_records_consent_and_goes_on():
    conv = offers()
    conv.say("ofertas")
    result = conv.tap("sim", "Sim")
    consent = [a for a in result.actions if a["type"] == "consent"]
    assert consent == [{"type": "consent", "flow_id": "f1", "node_id": "aceite"}]
    assert result.contact_changes.get("consent") is True
    assert "consent_given" in event_types(result)
    assert texts(result) == ["Combinado! Você vai receber nossas ofertas."]


def test_no_records_nothing():
    conv = offers()
    conv.say("ofertas")
    result = conv.tap("nao", "Não")
    assert "consent" not in action_types(result)
    assert "consent" not in result.contact_changes
    assert texts(result) == ["Tudo bem, não enviaremos ofertas."]


def test_an_opted_out_contact_is_never_opted_in_by_a_flow():
    conv = offers()
    conv.contact["opted_out"] = True
    for event in ({"kind": "start_flow", "flow_id": "f1"},
                  {"kind": "message", "type": "text", "text": "ofertas", "payload": None},
                  {"kind": "message", "type": "button_reply", "text": None, "payload": "sim",
                   "title": "Sim"}):
        result = conv.event(event)
        assert "consent" not in action_types(result) and not result.messages


def test_custom_words_and_replies_replace_the_defaults():
    conv = offers(optout_words=("DESCADASTRAR",), optout_reply="Você saiu da lista.",
                  optin_words=("QUERO DE VOLTA",), optin_reply="Bem-vindo de volta!",
                  default_reply="Não entendi.")
    # a default word the number removed is just a message now
    result = conv.say("parar")
    assert "opt_out" not in action_types(result) and texts(result) == ["Não entendi."]
    result = conv.say("Descadastrar")
    assert action_types(result) == ["opt_out"] and texts(result) == ["Você saiu da lista."]
    assert not conv.say("VOLTAR").messages  # not this number's word to come back
    result = conv.say("quero de volta")
    assert action_types(result) == ["opt_in"] and texts(result) == ["Bem-vindo de volta!"]


def test_the_default_confirmation_names_the_default_word_to_come_back():
    assert OPTOUT_REPLY_TEMPLATE.format(word="VOLTAR") == DEFAULT_OPTOUT_REPLY
    assert texts(offers().say("SAIR")) == [DEFAULT_OPTOUT_REPLY]
