"""The first-hour guide: progress read from what exists, the niche's template installed on a
simulator number with the business's name, a sample catalog per niche, skip, isolation."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from ylada_app.models import Flow, FlowVersion, Instance, KnowledgeItem, Tenant
from ylada_app.services import onboarding, simulator
from ylada_app.services.errors import FieldErrors, NotFound, ServiceError
from ylada_app.services.seed import seed_catalog


@pytest.fixture(autouse=True)
def _catalog(db):
    seed_catalog(db)
    db.commit()


def _done(db, tenant_id):
    return {s.key for s in onboarding.progress(db, tenant_id=tenant_id).steps if s.done}


def test_a_delivery_business_starts_from_its_menu_with_its_own_name(db):
    owner = make_owner(db, niche="delivery")
    db.get(Tenant, owner.tenant_id).name = "Pizzaria da Nona"
    assert _done(db, owner.tenant_id) == set()
    card = onboarding.suggested_template(db, tenant_id=owner.tenant_id)
    assert card.slug == "delivery-cardapio"
    sim_id = onboarding.install_suggested(db, tenant_id=owner.tenant_id, slug=card.slug)
    db.commit()
    sim = db.get(Instance, sim_id)
    assert sim.channel == "simulator" and sim.tenant_id == owner.tenant_id
    flow = db.exec(select(Flow).where(Flow.instance_id == sim_id)).one()
    assert flow.status == "active"
    assert "Pizzaria da Nona" in json.dumps(db.get(FlowVersion, flow.active_version_id)
                                            .definition, ensure_ascii=False)
    assert _done(db, owner.tenant_id) == {"template"}
    # installing again (a double click) changes nothing
    assert onboarding.install_suggested(db, tenant_id=owner.tenant_id, slug=card.slug) == sim_id


def test_premium_or_missing_niche_templates_fall_back_to_a_free_one(db):
    for niche in ("distribuidores", "educacao", "outro"):
        owner = make_owner(db, niche=niche)
        card = onboarding.suggested_template(db, tenant_id=owner.tenant_id)
        assert card is not None and not card.locked, niche


def test_steps_follow_what_the_business_did(db):
    owner = make_owner(db, niche="servicos")
    sim_id = onboarding.install_suggested(db, tenant_id=owner.tenant_id,
                                          slug="servicos-agendamento")
    db.commit()
    from ylada_app.jobs import drain

    conv = simulator.send(db, tenant_id=owner.tenant_id, instance_id=sim_id, user_id=1,
                          user_name="Ana", text="oi")
    db.commit()
    drain.process_batch([conv])
    db.expire_all()
    assert _done(db, owner.tenant_id) == {"template", "simulator"}
    added = onboarding.load_sample_catalog(db, tenant_id=owner.tenant_id, instance_id=sim_id)
    db.commit()
    assert added >= 5
    assert db.exec(select(KnowledgeItem).where(
        KnowledgeItem.title == "Manicure", KnowledgeItem.tenant_id == owner.tenant_id)).first()
    assert _done(db, owner.tenant_id) == {"template", "simulator", "ai"}
    # and the customers' questions no flow understands now reach that knowledge
    from ylada_app.services import ai

    assert ai.fallback_enabled(db, sim_id)
    real = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    real.status = "connected"
    db.add(real)
    db.commit()
    assert "connect" in _done(db, owner.tenant_id)
    onboarding.go_live(db, tenant_id=owner.tenant_id, slug="servicos-agendamento")
    db.commit()
    progress = onboarding.progress(db, tenant_id=owner.tenant_id)
    assert progress.finished and progress.done_count == 5 and progress.real_id == real.id


def test_skip_niche_checks_and_isolation(db):
    owner, stranger = make_owner(db), make_owner(db)
    onboarding.dismiss(db, tenant_id=owner.tenant_id)
    assert onboarding.progress(db, tenant_id=owner.tenant_id).dismissed
    assert not onboarding.progress(db, tenant_id=stranger.tenant_id).dismissed
    with pytest.raises(FieldErrors):
        onboarding.set_niche(db, tenant_id=owner.tenant_id, niche="cassino")
    sim = onboarding.simulator_number(db, tenant_id=owner.tenant_id)
    with pytest.raises(NotFound):  # a catalog never lands on another business's number
        onboarding.load_sample_catalog(db, tenant_id=stranger.tenant_id, instance_id=sim.id)
    with pytest.raises(ServiceError) as err:
        onboarding.go_live(db, tenant_id=owner.tenant_id, slug="servicos-agendamento")
    assert getattr(err.value, "code", "") == "onboarding.error.not_connected"
