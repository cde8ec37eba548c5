"""The pages of a closed business: readable, and every change refused in words."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.ui.test_state_isolation import _run, _state
from ylada_app.models import Contact, Conversation
from ylada_app.pages.account import AccountState
from ylada_app.pages.ai import AiState
from ylada_app.pages.dashboard import DashboardState
from ylada_app.pages.inbox import InboxState
from ylada_app.services import closure, contacts, knowledge


def _ai_page(token: str, instance_id: int):
    state = _state(AiState, token)
    _run(AiState.load, state)
    state.instance_key = str(instance_id)
    return state


@pytest.fixture
def closed(db, business_owner):
    a, inst = business_owner
    contacts.import_contacts(db, tenant_id=a.tenant_id, instance_id=inst.id, filename="c.csv",
                             data=b"telefone,nome\n11987654321,Maria\n")
    db.commit()
    contact = db.exec(select(Contact).where(Contact.tenant_id == a.tenant_id)).one()
    conv_id = contacts.note_conversation(db, tenant_id=a.tenant_id, contact_id=contact.id)
    conv = db.get(Conversation, conv_id)
    conv.unread = 3  # customers' messages nobody read before the business closed
    db.add(conv)
    knowledge.add_item(db, tenant_id=a.tenant_id, instance_id=inst.id, kind="text",
                       title="Horário", body="Das 9h às 18h.")
    db.commit()
    closure.close_business(db, tenant_id=a.tenant_id, user_id=a.user_id,
                           confirmation="Loja Auditada")
    db.commit()
    return a, inst, conv_id


@pytest.mark.parametrize("action", ["open_unread_conversation", "dismiss_guide",
                                    "delete_all_knowledge", "email_preference"])
def test_a_closed_business_pages_refuse_changes_in_words_instead_of_raising(db, closed,
                                                                           action):
    """Found by review and fixed: a closed business's pages raised on the first write
    (services refuse every write of a closed business with Forbidden("error.tenant_closed"));
    the handlers now show the refusal as a toast, and opening a conversation of a closed
    business no longer tries to mark it read."""
    a, inst, conv_id = closed
    if action == "open_unread_conversation":  # a closed business stays readable
        page = _state(InboxState, a.token)
        _run(InboxState.load, page)
        _run(InboxState.select, page, str(conv_id))
        assert page.selected == str(conv_id)
        db.expire_all()
        assert db.get(Conversation, conv_id).unread == 3
    elif action == "dismiss_guide":
        _run(DashboardState.dismiss_guide, _state(DashboardState, a.token))
    elif action == "delete_all_knowledge":
        _run(AiState.delete_all, _ai_page(a.token, inst.id))
        assert len(knowledge.list_items(db, tenant_id=a.tenant_id, instance_id=inst.id)) == 1
    else:
        _run(AccountState.set_email_pref, _state(AccountState, a.token), "handoff", False)
