"""A number's own opt-out / opt-in words and replies: validated with pt-BR field errors,
stored as NULL when they equal the platform's defaults, and another business's number is
never read or changed."""

from __future__ import annotations

import pytest

from tests.factories import make_instance, make_owner
from ylada_app.core.i18n import translate
from ylada_app.engine.types import (
    DEFAULT_OPTIN_REPLY,
    DEFAULT_OPTOUT_REPLY,
    DEFAULT_OPTOUT_WORDS,
)
from ylada_app.models import Instance
from ylada_app.services import instances
from ylada_app.services.errors import FieldErrors, NotFound

GOOD = {"optout_words": "Parar, descadastrar, não quero mais", "optout_reply": "Feito!",
        "optin_words": "voltar", "optin_reply": "Oba!"}


def _set(db, owner, inst, **changes):
    return instances.set_optout_settings(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                         **{**GOOD, **changes})


def test_a_new_number_uses_the_defaults(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    assert instances.optout_settings(inst) == instances.DEFAULT_OPTOUT
    assert instances.DEFAULT_OPTOUT.optout_words == DEFAULT_OPTOUT_WORDS
    assert instances.DEFAULT_OPTOUT.optout_reply == DEFAULT_OPTOUT_REPLY


def test_words_are_cleaned_and_kept(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    _set(db, owner, inst, optout_words=" parar ;  Descadastrar,PARAR,  não   quero mais, ,")
    db.commit()
    db.expire_all()
    row = db.get(Instance, inst.id)
    assert row.optout_words == ["PARAR", "DESCADASTRAR", "NÃO QUERO MAIS"]
    assert row.optin_words is None  # "voltar" is the default list, in another case
    settings = instances.optout_settings(row)
    assert settings.optout_words == ("PARAR", "DESCADASTRAR", "NÃO QUERO MAIS")
    assert (settings.optout_reply, settings.optin_reply) == ("Feito!", "Oba!")


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"optout_words": ""}, "optout_words", "optout.error.optout_empty"),
    ({"optout_words": " , ; "}, "optout_words", "optout.error.optout_empty"),
    ({"optin_words": ""}, "optin_words", "optout.error.optin_empty"),
    ({"optout_words": "parar, sair!"}, "optout_words", "optout.error.word_chars"),
    ({"optout_words": "parar, 2"}, "optout_words", "optout.error.word_letter"),
    ({"optout_words": "x" * 31}, "optout_words", "optout.error.word_long"),
    ({"optout_words": ",".join(f"palavra{i}" for i in range(11))}, "optout_words",
     "optout.error.too_many"),
    ({"optin_words": "Sáir, voltar", "optout_words": "sair"}, "optin_words",
     "optout.error.in_both"),
    ({"optout_reply": "   "}, "optout_reply", "error.required"),
    ({"optin_reply": "x" * 1025}, "optin_reply", "error.too_long"),
])
def test_bad_settings_are_refused_field_by_field_and_change_nothing(db, changes, field, code):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    with pytest.raises(FieldErrors) as err:
        _set(db, owner, inst, **changes)
    assert err.value.errors == {field: code}
    message = err.value.messages("pt-BR")[field]
    assert message != code and "{" not in message  # a real pt-BR sentence, filled in
    db.rollback()
    assert instances.optout_settings(db.get(Instance, inst.id)) == instances.DEFAULT_OPTOUT


def test_ten_words_are_fine_and_repeats_do_not_count():
    words = ", ".join(f"palavra{i}" for i in range(10)) + ", PALAVRA0"
    v = instances.Validator()
    assert len(instances._clean_words(v, "optout_words", words)) == 10 and not v.errors


def test_the_default_confirmation_follows_the_word_to_come_back(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    # the form showed the default confirmation (naming VOLTAR) and the owner changed only
    # the words: the confirmation must name the new word, not pin the old one
    _set(db, owner, inst, optout_reply=DEFAULT_OPTOUT_REPLY, optin_words="retornar",
         optin_reply=DEFAULT_OPTIN_REPLY)
    db.commit()
    row = db.get(Instance, inst.id)
    assert row.optout_reply is None and row.optin_reply is None
    assert instances.optout_settings(row).optout_reply.endswith("envie RETORNAR.")
    assert translate("sim.why.opted_out", word="RETORNAR").count("RETORNAR") == 1


def test_restoring_the_defaults(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    _set(db, owner, inst)
    db.commit()
    assert instances.optout_settings(db.get(Instance, inst.id)) != instances.DEFAULT_OPTOUT
    instances.restore_optout_defaults(db, tenant_id=owner.tenant_id, instance_id=inst.id)
    db.commit()
    row = db.get(Instance, inst.id)
    assert (row.optout_words, row.optout_reply, row.optin_words, row.optin_reply) == \
        (None, None, None, None)


def test_another_business_cannot_read_or_change_a_numbers_words(db):
    owner, stranger = make_owner(db), make_owner(db, tenant_name="Outra")
    inst = make_instance(db, owner.tenant_id)
    _set(db, owner, inst)
    db.commit()
    with pytest.raises(NotFound):
        _set(db, stranger, inst, optout_words="hack")
    with pytest.raises(NotFound):
        instances.restore_optout_defaults(db, tenant_id=stranger.tenant_id,
                                          instance_id=inst.id)
    with pytest.raises(NotFound):
        instances.optout_fields(db, tenant_id=stranger.tenant_id, instance_id=inst.id)
    db.rollback()
    db.expire_all()
    assert db.get(Instance, inst.id).optout_words == ["PARAR", "DESCADASTRAR",
                                                      "NÃO QUERO MAIS"]
    assert instances.optout_fields(db, tenant_id=owner.tenant_id,
                                   instance_id=inst.id)["optout_reply"] == "Feito!"


def test_the_editors_test_chat_uses_the_numbers_words_and_offers_the_consent_block(db):
    from ylada_app.engine import validate_flow
    from ylada_app.services import flow_editor as fe
    from ylada_app.services.sandbox_chat import sandbox_say

    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    _set(db, owner, inst, optout_words="descadastrar")
    words = instances.optout_fields(db, tenant_id=owner.tenant_id, instance_id=inst.id)
    doc = fe.empty_document()
    block = fe.block_after(doc, "consent", "inicio")
    doc["nodes"].append(block)
    doc["edges"].append({"id": "e1", "source": "inicio", "sourceHandle": "out",
                         "target": block["id"]})
    assert validate_flow(doc).ok
    turn = sandbox_say(doc, None, "descadastrar", words=words)
    assert [m["text"] for m in turn.messages] == ["Feito!"]
    turn = sandbox_say(doc, None, "parar", words=words)  # not this number's word
    assert turn.messages and turn.messages[0]["text"] != "Feito!"
    assert sandbox_say(doc, None, "parar").messages[0]["text"] == DEFAULT_OPTOUT_REPLY
