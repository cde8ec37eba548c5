"""The inbox and contact pages' states, driven from business B's browser with business A's
ids (forged events): nothing of A is shown, and nothing of A changes."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.ui.test_state_isolation import _run, _state
from ylada_app.models import Contact, Conversation, ConversationLog, Message, QuickReply
from ylada_app.pages.contacts import ContactsState, ContactState
from ylada_app.pages.inbox import InboxState
from ylada_app.services import agent_inbox, contacts


@pytest.fixture
def two(db, two_businesses):
    a, b, inst_a = two_businesses
    contacts.import_contacts(db, tenant_id=a.tenant_id, instance_id=inst_a.id,
                             filename="a.csv",
                             data=b"telefone,nome,tags\n11987654321,Maria Segredo,vip\n")
    db.commit()
    contact = db.exec(select(Contact).where(Contact.tenant_id == a.tenant_id)).one()
    conv_id = contacts.note_conversation(db, tenant_id=a.tenant_id, contact_id=contact.id)
    agent_inbox.add_note(db, tenant_id=a.tenant_id, conversation_id=conv_id,
                         user_id=a.user_id, text="nota secreta de A")
    quick = agent_inbox.save_quick_reply(db, tenant_id=a.tenant_id, shortcut="pix",
                                         text="Chave pix de A")
    db.commit()
    return a, b, inst_a, contact.id, conv_id, quick.id


def _snapshot(db, conv_id: int, contact_id: int) -> tuple:
    db.expire_all()
    conv = db.get(Conversation, conv_id)
    contact = db.get(Contact, contact_id)
    logs = db.exec(select(ConversationLog.id).where(
        ConversationLog.conversation_id == conv_id)).all()
    messages = db.exec(select(Message.id).where(Message.conversation_id == conv_id)).all()
    return (conv.status, conv.assignee_user_id, conv.unread, contact.name, contact.tags,
            contact.fields, contact.opted_out, len(logs), len(messages))


def test_the_inbox_of_b_never_shows_a(db, two):
    a, b, inst_a, _contact_id, conv_id, _quick = two
    state = _state(InboxState, b.token)
    _run(InboxState.load, state)
    assert state.loaded and state.rows == [] and state.quick == []
    for tab in agent_inbox.TABS:
        _run(InboxState.set_tab, state, tab)
        assert state.rows == []
    _run(InboxState.set_instance_filter, state, str(inst_a.id))
    _run(InboxState.do_search, state, {"q": "Maria"})
    assert state.rows == []
    _run(InboxState.select, state, str(conv_id))
    assert state.selected == "" and state.items == [] and state.contact_name == ""
    state.selected = str(conv_id)  # a forged selection
    _run(InboxState.load_older, state)
    assert state.items == [] and "nota secreta" not in str(state.dict())


def test_forged_inbox_events_change_nothing_of_a(db, two):
    a, b, _inst_a, contact_id, conv_id, quick_id = two
    before = _snapshot(db, conv_id, contact_id)
    state = _state(InboxState, b.token)
    _run(InboxState.load, state)
    state.selected = str(conv_id)
    _run(InboxState.send, state, {"text": "invasão"})
    assert state.error
    state.mode = "note"
    _run(InboxState.send, state, {"text": "nota invasora"})
    _run(InboxState.send_media, state, {"url": "https://exemplo.com/a.pdf",
                                        "kind": "document", "caption": ""})
    for handler, args in ((InboxState.assign_to, (str(b.user_id),)),
                          (InboxState.resolve, ()), (InboxState.snooze, ("60",)),
                          (InboxState.reopen, ()), (InboxState.back_to_bot, ("",)),
                          (InboxState.add_tag, ({"tag": "invadido"},)),
                          (InboxState.remove_tag, ("vip",))):
        state.selected = str(conv_id)
        _run(handler, state, *args)
    _run(InboxState.delete_quick, state, str(quick_id))
    assert _snapshot(db, conv_id, contact_id) == before
    db.expire_all()
    assert db.get(QuickReply, quick_id) is not None


def test_contact_pages_of_b_never_show_or_change_a(db, two, monkeypatch):
    a, b, inst_a, contact_id, conv_id, _quick = two
    before = _snapshot(db, conv_id, contact_id)
    listing = _state(ContactsState, b.token)
    _run(ContactsState.load, listing)
    assert listing.loaded and listing.rows == [] and listing.total == 0
    # importing into A's number from B's page
    listing.import_instance = str(inst_a.id)
    listing._upload_data = b"telefone,nome\n11912345678,Intruso\n"
    listing._upload_name = "b.csv"
    _run(ContactsState.process_upload, listing)
    assert listing.import_message and not listing.import_busy
    assert len(db.exec(select(Contact).where(Contact.tenant_id == a.tenant_id)).all()) == 1

    monkeypatch.setattr(ContactState, "_cid", lambda self: str(contact_id))
    page = _state(ContactState, b.token)
    _run(ContactState.load, page)
    assert page.missing and page.name == "" and page.items == [] and page.notes == []
    page.contact_id = str(contact_id)  # forged
    page.field_rows = [{"key": "", "value": ""}]
    _run(ContactState.save, page, {"name": "Trocado", "tags": "x", "key_0": "a",
                                   "value_0": "b"})
    assert page.errors
    _run(ContactState.toggle_opted_out, page, True)
    _run(ContactState.add_note, page, {"note": "nota invasora"})
    assert _snapshot(db, conv_id, contact_id) == before


def test_the_contact_page_shows_the_conversation_timeline(db, two, monkeypatch):
    a, _b, _inst_a, contact_id, _conv_id, _quick = two
    monkeypatch.setattr(ContactState, "_cid", lambda self: str(contact_id))
    page = _state(ContactState, a.token)
    _run(ContactState.load, page)
    assert not page.missing and page.name == "Maria Segredo"
    assert [(i.kind, i.text) for i in page.items] == [("note", "nota secreta de A")]
