"""The consent parts of the pages: the number page's opt-out words form (field errors in
pt-BR, saved, restored; another business's number untouched) and the contact page's switches
and consent record ("no fluxo “…”")."""

from __future__ import annotations

from sqlmodel import select

from tests.factories import make_instance, make_owner
from tests.pipeline.test_consent import OFFERS, _contact, _say
from tests.ui.test_state_isolation import _run, _state
from ylada_app.models import Contact, Instance
from ylada_app.pages.contacts import ContactState
from ylada_app.pages.instances import InstanceDetailState
from ylada_app.services import flows, instances

FORM = {"optout_words": "parar, descadastrar", "optout_reply": "Você saiu.",
        "optin_words": "voltar", "optin_reply": "Oba!"}


def test_the_number_page_edits_and_restores_the_words(db, monkeypatch):
    a, b = make_owner(db, tenant_name="Empresa A"), make_owner(db, tenant_name="Empresa B")
    inst = make_instance(db, a.tenant_id)
    monkeypatch.setattr(InstanceDetailState, "_instance_key", lambda self: str(inst.id))
    page = _state(InstanceDetailState, a.token)
    _run(InstanceDetailState.load, page)
    assert page.inst["optout_words"] == "PARAR, SAIR, STOP, DESCADASTRAR"
    assert page.inst["optin_words"] == "VOLTAR" and page.inst["optout_default"] == "1"
    assert "envie VOLTAR" in page.inst["optout_reply"]
    _run(InstanceDetailState.save_optout, page, {**FORM, "optout_words": "",
                                                  "optin_reply": ""})
    assert set(page.errors) == {"optout_words", "optin_reply"}
    assert page.errors["optout_words"].startswith("Informe pelo menos uma palavra")
    _run(InstanceDetailState.save_optout, page, FORM)
    assert page.errors == {}
    assert page.inst["optout_words"] == "PARAR, DESCADASTRAR"
    assert page.inst["optout_default"] == ""
    # another business's page with this number's id changes nothing
    intruder = _state(InstanceDetailState, b.token)
    _run(InstanceDetailState.save_optout, intruder, {**FORM, "optout_words": "hack"})
    _run(InstanceDetailState.restore_optout, intruder)
    assert intruder.inst == {}
    db.expire_all()
    assert db.get(Instance, inst.id).optout_words == ["PARAR", "DESCADASTRAR"]
    _run(InstanceDetailState.restore_optout, page)
    assert page.inst["optout_default"] == "1"
    assert page.inst["optout_words"] == "PARAR, SAIR, STOP, DESCADASTRAR"


def test_the_contact_page_names_the_flow_and_its_switches_work(db, monkeypatch):
    a = make_owner(db, tenant_name="Empresa A")
    inst = instances.create_instance(db, tenant_id=a.tenant_id, name="Loja", channel=None)
    offers = flows.create_flow(db, tenant_id=a.tenant_id, instance_id=inst.id,
                               name="Ofertas da semana", definition=OFFERS)
    flows.publish(db, tenant_id=a.tenant_id, flow_id=offers.id)
    db.commit()
    _say(db, a, inst, "ofertas")
    _say(db, a, inst, "Sim", payload="sim")
    contact_id = _contact(1, inst).id
    monkeypatch.setattr(ContactState, "_cid", lambda self: str(contact_id))
    page = _state(ContactState, a.token)
    _run(ContactState.load, page)
    assert page.opted_in and "no fluxo “Ofertas da semana”" in page.consent
    _run(ContactState.toggle_opted_out, page, True)
    assert page.opted_out and not page.opted_in
    _run(ContactState.toggle_opted_out, page, False)
    _run(ContactState.toggle_opted_in, page, False)
    assert not page.opted_in and page.consent == ""
    _run(ContactState.toggle_opted_in, page, True)
    assert page.opted_in and "marcado pela equipe" in page.consent
    db.expire_all()
    row = db.exec(select(Contact).where(Contact.id == contact_id)).one()
    assert row.opt_in_source == "manual" and not row.opted_out
