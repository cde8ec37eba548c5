"""/api/v1/conversations: list and read them with their messages, and what the inbox does —
assign, resolve, hand to a person, return to the bot (services/agent_inbox.py; the actions
are logged in the conversation as the API's)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from ylada_app.api.v1 import schemas
from ylada_app.api.v1.deps import Cursor, Id, InstanceFilter, caller, decode_cursor, page_of
from ylada_app.core import live
from ylada_app.core.db import session_scope
from ylada_app.services import agent_inbox
from ylada_app.services.api_keys import ApiCaller

router = APIRouter(prefix="/conversations", tags=["conversations"])
TAB_OF = {"bot": "bot", "human": "open", "snoozed": "snoozed", "closed": "resolved"}


def _out(conv, contact) -> schemas.Conversation:
    return schemas.Conversation(
        id=conv.id, instance_id=conv.instance_id, contact_id=contact.id,
        contact_name=contact.name, phone=contact.wa_id, status=conv.status,
        assignee_user_id=conv.assignee_user_id, unread=conv.unread,
        waiting_since=conv.waiting_since, last_message_at=conv.last_message_at,
        last_message_preview=conv.last_message_preview, created_at=conv.created_at)


@router.get("", response_model=schemas.ConversationPage, summary="List conversations",
            description="Oldest first, in pages: pass `next_cursor` as `cursor`.")
def list_conversations(
    who: ApiCaller = Depends(caller),
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Cursor = None,
    status: Literal["bot", "human", "snoozed", "closed"] | None = None,
    instance_id: InstanceFilter = None,
) -> schemas.ConversationPage:
    with session_scope() as session:
        rows = agent_inbox.conversations_after(
            session, tenant_id=who.tenant_id, after_id=decode_cursor(cursor), limit=limit + 1,
            tab=TAB_OF[status] if status else None, instance_id=instance_id)
        page, next_cursor = page_of(rows, limit, lambda row: row[0].id)
        return schemas.ConversationPage(data=[_out(c, k) for c, k in page],
                                        next_cursor=next_cursor)


@router.get("/{conversation_id}", response_model=schemas.Conversation,
            summary="One conversation")
def get_conversation(conversation_id: Id, who: ApiCaller = Depends(caller)
                     ) -> schemas.Conversation:
    with session_scope() as session:
        return _out(*agent_inbox.get_conversation(session, tenant_id=who.tenant_id,
                                                  conversation_id=conversation_id))


@router.get("/{conversation_id}/messages", response_model=schemas.MessagePage,
            summary="A conversation's messages", description="Oldest first, in pages.")
def list_messages(conversation_id: Id, who: ApiCaller = Depends(caller),
                  limit: Annotated[int, Query(ge=1, le=200)] = 50,
                  cursor: Cursor = None
                  ) -> schemas.MessagePage:
    with session_scope() as session:
        rows = agent_inbox.messages_after(session, tenant_id=who.tenant_id,
                                          conversation_id=conversation_id,
                                          after_id=decode_cursor(cursor), limit=limit + 1)
        page, next_cursor = page_of(rows, limit, lambda m: m.id)
        return schemas.MessagePage(
            data=[schemas.MessageOut(
                id=m.id, direction=m.direction, author=agent_inbox.message_author(m),
                type=m.type, text=m.text, payload=dict(m.payload or {}), status=m.status,
                error=m.error, created_at=m.created_at) for m in page],
            next_cursor=next_cursor)


def _act(who: ApiCaller, conversation_id: int, fn, **kwargs) -> schemas.Conversation:
    with session_scope() as session:
        fn(session, tenant_id=who.tenant_id, conversation_id=conversation_id, user_id=None,
           **kwargs)
        out = _out(*agent_inbox.get_conversation(session, tenant_id=who.tenant_id,
                                                 conversation_id=conversation_id))
    live.bump([who.tenant_id])  # open inbox pages show it
    return out


@router.post("/{conversation_id}/assign", response_model=schemas.Conversation,
             summary="Assign to a member (or nobody)")
def assign_conversation(conversation_id: Id, body: schemas.AssignIn,
           who: ApiCaller = Depends(caller)) -> schemas.Conversation:
    return _act(who, conversation_id, agent_inbox.assign, assignee_id=body.assignee_user_id)


@router.post("/{conversation_id}/resolve", response_model=schemas.Conversation,
             summary="Mark resolved")
def resolve_conversation(conversation_id: Id,
                         who: ApiCaller = Depends(caller)) -> schemas.Conversation:
    return _act(who, conversation_id, agent_inbox.set_status, action="resolve")


@router.post("/{conversation_id}/handoff", response_model=schemas.Conversation,
             summary="Hand to a person",
             description="The bot goes quiet and the team is told, as when a flow hands over.")
def hand_off_conversation(conversation_id: Id,
                          who: ApiCaller = Depends(caller)) -> schemas.Conversation:
    return _act(who, conversation_id, agent_inbox.set_status, action="handoff")


@router.post("/{conversation_id}/return-to-bot", response_model=schemas.Conversation,
             summary="Return to the bot")
def return_conversation_to_bot(conversation_id: Id, body: schemas.ReturnToBotIn | None = None,
                  who: ApiCaller = Depends(caller)) -> schemas.Conversation:
    return _act(who, conversation_id, agent_inbox.return_to_bot,
                flow_id=body.flow_id if body else None)
