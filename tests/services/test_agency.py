"""Agency mode: clients under an agency — its plan, its brand, its people — and never another
agency's clients."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from ylada_app.models import AuditLog, Membership, Plan, Subscription, Tenant
from ylada_app.services import agency, auth, billing, brand, entitlements
from ylada_app.services.entitlements import forget_limits
from ylada_app.services.errors import FieldErrors, Forbidden, NotFound


def _agency(db, name="Agência Alfa"):
    owner = make_owner(db, tenant_name=name)
    plan = db.exec(select(Plan).where(Plan.code == "business")).one()
    db.add(Subscription(tenant_id=owner.tenant_id, plan_id=plan.id, status="active"))
    db.commit()
    forget_limits()
    brand.forget_cache()
    return owner


def test_a_client_runs_on_the_agencys_plan_and_never_checks_out_itself(db):
    ag = _agency(db)
    client = agency.create_client(db, tenant_id=ag.tenant_id, user_id=ag.user_id,
                                  name="Pizzaria do Zé", niche="delivery")
    db.commit()
    assert client.agency_tenant_id == ag.tenant_id
    assert db.exec(select(Subscription).where(Subscription.tenant_id == client.id)).first() \
        is None  # no trial of its own: the agency pays
    state = entitlements.billing_state(db, tenant_id=client.id)
    assert state.plan_code == "business" and state.limits.white_label
    with pytest.raises(Forbidden) as err:
        billing.choose_plan(db, tenant_id=client.id, user_id=ag.user_id, role="owner",
                            plan_code="pro", base_url="http://x")
    assert err.value.code == "agency.error.billing_by_agency"
    # a client cannot become an agency itself (one level deep)
    assert not agency.can_manage_clients(db, tenant_id=client.id)


def test_the_agencys_people_work_in_every_client_with_their_own_role(db):
    ag = _agency(db)
    client = agency.create_client(db, tenant_id=ag.tenant_id, user_id=ag.user_id,
                                  name="Clínica Bem", niche="servicos")
    db.commit()
    roles = {m.user_id: m.role for m in db.exec(select(Membership).where(
        Membership.tenant_id == client.id))}
    assert roles == {ag.user_id: "owner"}
    ctx = auth.switch_tenant(db, token=ag.token, tenant_id=client.id)
    assert ctx.tenant_id == client.id and ctx.role == "owner"
    # an admin who joins the agency later gets into its clients when the agency lists them
    bia = make_owner(db, tenant_name="Outra empresa da Bia")
    db.add(Membership(user_id=bia.user_id, tenant_id=ag.tenant_id, role="admin"))
    db.commit()
    agency.list_clients(db, tenant_id=ag.tenant_id, user_id=ag.user_id)
    db.commit()
    assert db.exec(select(Membership).where(
        Membership.tenant_id == client.id, Membership.user_id == bia.user_id)).one().role \
        == "admin"
    assert auth.switch_tenant(db, token=bia.token, tenant_id=client.id).role == "admin"


def test_usage_listing_and_suspension_stay_inside_the_agency(db):
    a, b = _agency(db, "Agência A"), _agency(db, "Agência B")
    ca = agency.create_client(db, tenant_id=a.tenant_id, user_id=a.user_id, name="Cliente A1",
                              niche="outro")
    cb = agency.create_client(db, tenant_id=b.tenant_id, user_id=b.user_id, name="Cliente B1",
                              niche="outro")
    db.commit()
    make_instance(db, ca.id)
    rows = agency.list_clients(db, tenant_id=a.tenant_id, user_id=a.user_id)
    assert [(r.name, r.numbers) for r in rows] == [("Cliente A1", 1)]
    # B can neither see, suspend nor enter A's client
    assert [r.name for r in agency.list_clients(db, tenant_id=b.tenant_id,
                                                user_id=b.user_id)] == ["Cliente B1"]
    with pytest.raises(NotFound):
        agency.set_client_suspended(db, tenant_id=b.tenant_id, user_id=b.user_id,
                                    client_id=ca.id, suspended=True)
    with pytest.raises(Forbidden):  # not a member of agency A at all
        agency.list_clients(db, tenant_id=a.tenant_id, user_id=b.user_id)
    agency.set_client_suspended(db, tenant_id=a.tenant_id, user_id=a.user_id, client_id=ca.id,
                                suspended=True)
    db.commit()
    db.refresh(ca)
    assert ca.status == "suspended" and ca.suspended_reason == agency.SUSPENDED_BY_AGENCY
    assert db.get(Tenant, cb.id).status == "active"
    assert auth.switch_tenant(db, token=a.token, tenant_id=ca.id).tenant_blocked
    agency.set_client_suspended(db, tenant_id=a.tenant_id, user_id=a.user_id, client_id=ca.id,
                                suspended=False)
    db.commit()
    assert db.get(Tenant, ca.id).status == "active"
    # the platform admin still sees every business, and which agency runs a client
    from tests.factories import make_admin
    from ylada_app.services import admin

    [row] = [r for r in admin.list_tenants(db, make_admin(db), search="Cliente A1")
             if r.id == ca.id]
    assert row.agency_name == "Agência A"
    actions = [r.action for r in db.exec(select(AuditLog).where(
        AuditLog.tenant_id == a.tenant_id, AuditLog.action.like("agency.%")).order_by(AuditLog.id))]
    assert actions == ["agency.client_created", "agency.client_suspended",
                       "agency.client_reactivated"]


def test_a_platform_suspension_is_not_the_agencys_to_lift(db):
    ag = _agency(db)
    client = agency.create_client(db, tenant_id=ag.tenant_id, user_id=ag.user_id,
                                  name="Loja X", niche="outro")
    client.status, client.suspended_reason = "suspended", "Fraude"
    db.add(client)
    db.commit()
    with pytest.raises(Forbidden):
        agency.set_client_suspended(db, tenant_id=ag.tenant_id, user_id=ag.user_id,
                                    client_id=client.id, suspended=False)


def test_only_white_label_plans_and_managers_create_clients(db):
    plain = make_owner(db)  # free plan: no white label
    with pytest.raises(Forbidden):
        agency.create_client(db, tenant_id=plain.tenant_id, user_id=plain.user_id,
                             name="Cliente", niche="outro")
    ag = _agency(db)
    with pytest.raises(FieldErrors):
        agency.create_client(db, tenant_id=ag.tenant_id, user_id=ag.user_id, name="",
                             niche="outro")
    db.rollback()
    assert agency.list_clients(db, tenant_id=ag.tenant_id, user_id=ag.user_id) == []


def test_a_client_wears_its_agencys_brand_until_it_has_its_own(db):
    ag = _agency(db)
    brand.save_settings(db, tenant_id=ag.tenant_id, data={
        "display_name": "Acme Bots", "primary_color": "#0a5bd3", "login_headline": "Olá",
        "support_email": "suporte@acme.com.br", "support_whatsapp": "",
        "hide_platform_name": "on"})
    client = agency.create_client(db, tenant_id=ag.tenant_id, user_id=ag.user_id,
                                  name="Pet Shop", niche="outro")
    db.commit()
    view = brand.brand_for_tenant(db, tenant_id=client.id)
    assert view.name == "Acme Bots" and view.hide_platform_name
    other = make_owner(db)
    assert brand.brand_for_tenant(db, tenant_id=other.tenant_id).is_platform


def test_sign_ups_on_the_agencys_address_become_its_clients_only_when_it_allows(db):
    import uuid

    ag = _agency(db)
    sub = "ag" + uuid.uuid4().hex[:8]
    brand.save_settings(db, tenant_id=ag.tenant_id, data={
        "display_name": "Acme Bots", "primary_color": "#0a5bd3"})
    brand.set_subdomain(db, tenant_id=ag.tenant_id, subdomain=sub)
    db.commit()
    brand.forget_cache()
    host = f"{sub}.{brand.base_domain()}"
    assert agency.signup_agency_for_host(db, host) is None  # not enabled yet
    agency.set_signup_open(db, tenant_id=ag.tenant_id, user_id=ag.user_id, open_=True)
    db.commit()
    assert agency.signup_agency_for_host(db, host) == ag.tenant_id
    assert agency.signup_agency_for_host(db, "localhost") is None  # the platform's address
    newcomer = make_owner(db, tenant_name="Sorveteria Gelada")
    agency.adopt_signup(db, agency_tenant_id=ag.tenant_id, client_id=newcomer.tenant_id)
    db.commit()
    assert db.get(Tenant, newcomer.tenant_id).agency_tenant_id == ag.tenant_id
    roles = {m.user_id: m.role for m in db.exec(select(Membership).where(
        Membership.tenant_id == newcomer.tenant_id))}
    assert roles == {newcomer.user_id: "owner", ag.user_id: "owner"}
    assert entitlements.billing_state(db, tenant_id=newcomer.tenant_id).plan_code == "business"
    # another owner of a business on its own cannot open sign-ups for the agency
    with pytest.raises(Forbidden):
        agency.set_signup_open(db, tenant_id=ag.tenant_id, user_id=newcomer.user_id,
                               open_=False)


def test_the_public_sign_up_on_the_agencys_address_lands_in_its_space(db, unique):
    from ylada_app.models import User
    from ylada_app.services import accounts

    ag = _agency(db)
    sub = "ag" + unique[:8]
    brand.save_settings(db, tenant_id=ag.tenant_id, data={
        "display_name": "Acme Bots", "primary_color": "#0a5bd3"})
    brand.set_subdomain(db, tenant_id=ag.tenant_id, subdomain=sub)
    agency.set_signup_open(db, tenant_id=ag.tenant_id, user_id=ag.user_id, open_=True)
    db.commit()
    brand.forget_cache()
    email = f"cliente.{unique}@exemplo.com.br"
    accounts.register(db, name="Cliente Novo", email=email, password="abc12345xyz",
                      tenant_name="Doceria Mel", accept_dpa="on",
                      host=f"{sub}.{brand.base_domain()}")
    db.commit()
    user = db.exec(select(User).where(User.email == email)).one()
    tenant_id = db.exec(select(Membership.tenant_id).where(Membership.user_id == user.id)).one()
    assert db.get(Tenant, tenant_id).agency_tenant_id == ag.tenant_id


def test_the_public_sign_up_on_the_platforms_address_makes_a_business_on_its_own(db, unique):
    from ylada_app.models import User
    from ylada_app.services import accounts

    other = f"solo.{unique}@exemplo.com.br"
    accounts.register(db, name="Solo", email=other, password="abc12345xyz",
                      tenant_name="Loja Solo", accept_dpa="on", host="localhost:3000")
    db.commit()
    solo = db.exec(select(User).where(User.email == other)).one()
    solo_tid = db.exec(select(Membership.tenant_id).where(Membership.user_id == solo.id)).one()
    assert db.get(Tenant, solo_tid).agency_tenant_id is None
