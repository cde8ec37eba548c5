"""/settings/privacy's state: owner only; a closed business's events are refused by the
read-only guard (the same page events that work once it is reopened), and other pages'
events of a closed business are refused too."""

from __future__ import annotations

import uuid

from tests.factories import PASSWORD, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.models import Membership, Tenant
from ylada_app.models.tenant import Role
from ylada_app.pages.privacy_settings import PrivacySettingsState
from ylada_app.services import auth


def test_only_the_owner_sees_the_policy(db):
    owner = make_owner(db, tenant_name="Loja Privada")
    user = auth.create_user(db, email=f"adm-{uuid.uuid4().hex[:8]}@exemplo.com.br",
                            name="Adm", password=PASSWORD)
    db.add(Membership(user_id=user.id, tenant_id=owner.tenant_id, role=Role.ADMIN))
    db.commit()
    token = auth.open_session(db, user)
    db.commit()
    state = _state(PrivacySettingsState, token)
    _run(PrivacySettingsState.load, state)
    assert state.owner is False and state.info == {}
    _run(PrivacySettingsState.save_policy, state, {"messages_days": "40", "ai_days": "40"})
    db.expire_all()
    assert db.get(Tenant, owner.tenant_id).retention_messages_days == 365

    state = _state(PrivacySettingsState, owner.token)
    _run(PrivacySettingsState.load, state)
    assert state.owner and state.info["messages_days"] == "365"
    _run(PrivacySettingsState.save_policy, state, {"messages_days": "12", "ai_days": "40"})
    assert state.errors == {"messages_days": "O prazo mínimo é de 30 dias."}
    _run(PrivacySettingsState.save_policy, state, {"messages_days": "60", "ai_days": "40"})
    assert state.errors == {} and state.info["messages_days"] == "60"


def test_a_closed_business_page_refuses_changes_and_reopens(db):
    owner = make_owner(db, tenant_name="Loja Fechando")
    state = _state(PrivacySettingsState, owner.token)
    _run(PrivacySettingsState.load, state)
    _run(PrivacySettingsState.close_account, state, {"confirmation": "Loja Fechando"})
    assert state.info["status"] == "closed" and state.tenant_status == "closed"
    _run(PrivacySettingsState.save_policy, state, {"messages_days": "90", "ai_days": "90"})
    assert "somente para leitura" in state.errors["_"]
    db.expire_all()
    assert db.get(Tenant, owner.tenant_id).retention_messages_days == 365
    _run(PrivacySettingsState.reopen, state)
    assert state.info["status"] == "active"
    _run(PrivacySettingsState.save_policy, state, {"messages_days": "90", "ai_days": "90"})
    assert state.errors == {}
    db.expire_all()
    assert db.get(Tenant, owner.tenant_id).retention_messages_days == 90


def test_a_superscript_digit_in_the_days_is_a_field_error(db, business_owner):
    """Found by review and fixed: "36²" raised ValueError ("²".isdigit() is True, int()
    refuses it); only 0-9 count as digits now."""
    a, _ = business_owner
    privacy = _state(PrivacySettingsState, a.token)
    _run(PrivacySettingsState.load, privacy)
    _run(PrivacySettingsState.save_policy, privacy, {"messages_days": "36²", "ai_days": "180"})
    assert "messages_days" in privacy.errors
