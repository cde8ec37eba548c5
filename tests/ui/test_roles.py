"""Roles: an agent works in the inbox (and their account); every other page and its events
send them there, and the services that manage the business refuse them."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import PASSWORD, make_instance, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.models import Membership
from ylada_app.models.tenant import Role
from ylada_app.pages.ai import AiState
from ylada_app.pages.analytics import AnalyticsState
from ylada_app.pages.api_keys import ApiKeysState
from ylada_app.pages.billing import PlanBillingState
from ylada_app.pages.dashboard import DashboardState
from ylada_app.pages.flows import FlowsState
from ylada_app.pages.inbox import InboxState
from ylada_app.pages.instances import InstancesState, NewInstanceState
from ylada_app.pages.marketplace import MarketplaceState
from ylada_app.pages.team import TeamState
from ylada_app.pages.usage import UsageState
from ylada_app.services import auth, billing, team
from ylada_app.services.errors import Forbidden


@pytest.fixture
def agent(db):
    owner = make_owner(db, tenant_name="Loja com Atendente")
    make_instance(db, owner.tenant_id)
    user = auth.create_user(db, email=f"atendente-{uuid.uuid4().hex[:8]}@exemplo.com.br",
                            name="Ana", password=PASSWORD)
    db.add(Membership(user_id=user.id, tenant_id=owner.tenant_id, role=Role.AGENT))
    db.commit()
    token = auth.open_session(db, user)
    db.commit()
    return owner, user, token


@pytest.mark.parametrize("state_cls", [
    DashboardState, FlowsState, InstancesState, NewInstanceState, AiState, AnalyticsState,
    TeamState, PlanBillingState, UsageState, MarketplaceState, ApiKeysState,
])
def test_an_agent_is_sent_to_the_inbox_from_every_other_page(db, agent, state_cls):
    _owner, _user, token = agent
    out = _run(state_cls.load, _state(state_cls, token))
    assert "/inbox" in str(out)


def test_an_agent_events_elsewhere_are_refused_too(db, agent):
    owner, _user, token = agent
    out = _run(TeamState.invite, _state(TeamState, token),
               {"email": "intruso@exemplo.com.br", "role": "owner"})
    assert "/inbox" in str(out)
    assert [m.email for m in team.list_members(db, tenant_id=owner.tenant_id)
            if m.pending] == []


def test_an_agent_works_in_the_inbox(db, agent):
    _owner, _user, token = agent
    state = _state(InboxState, token)
    out = _run(InboxState.load, state)
    assert "/inbox" not in str(out) and state.loaded


def test_services_that_manage_the_business_refuse_an_agent(db, agent):
    owner, user, _token = agent
    with pytest.raises(Forbidden):
        team.invite_member(db, tenant_id=owner.tenant_id, actor_user_id=user.id,
                           email="x@exemplo.com.br", role="agent")
    with pytest.raises(Forbidden):
        billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=user.id, role="agent",
                            plan_code="pro", base_url="http://x")


def test_background_refreshes_follow_the_page_guard(db, agent, monkeypatch):
    """The broadcasts page's progress poll sent every broadcast (names, counts, cost) to an
    agent who called it through the socket; it now asks the page's guard, as its load does."""
    from ylada_app.pages import broadcasts as page

    owner, _user, token = agent
    asked = []

    def rows(_session, *, tenant_id, lang="pt-BR"):
        asked.append(tenant_id)
        return [{"id": "1", "name": "Promoção", "open": ""}]

    monkeypatch.setattr(page, "POLL_S", 0.01)
    monkeypatch.setattr(page, "_rows", rows)
    state = _state(page.BroadcastsState, token)
    _run(page.BroadcastsState.poll, state)
    assert asked == [] and state.rows == []
    owners = _state(page.BroadcastsState, owner.token)
    _run(page.BroadcastsState.poll, owners)
    assert asked == [owner.tenant_id] and owners.rows[0]["name"] == "Promoção"
