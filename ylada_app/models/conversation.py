"""Contacts, conversations and messages (inbound events and the outbox live in `message`).

An inbound message is a row with direction "in"; its `status` says whether the pipeline has
processed it (pending → processed/ignored). An outbound message is a row with direction
"out", written in the same transaction as the session state, and delivered afterwards
(queued → sent → delivered → read, or failed). `wamid` is unique per number, so Meta's
retries of the same inbound message are no-ops.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field

# Inbound waiting for the worker, outbound waiting for delivery.
OPEN_STATUSES_SQL = "status IN ('pending', 'queued', 'sending')"
# Conversations where a customer waits for a person and the team was not told yet.
WAITING_SQL = "status = 'human' AND waiting_since IS NOT NULL AND waiting_notified_at IS NULL"

WA_ID_MAX = 160
# A contact's BSUID, where known (the partial unique index stays small: most have none yet).
HAS_USER_ID_SQL = "user_id IS NOT NULL"


class Contact(SQLModel, table=True):
    __tablename__ = "contact"
    # (instance_id alone is served by this constraint's index: migration 0042)
    __table_args__ = (
        UniqueConstraint("instance_id", "wa_id", name="uq_contact_instance_wa"),
        # one contact per person: a BSUID-only message finds the contact its phone made
        Index("uq_contact_instance_user", "instance_id", "user_id", unique=True,
              postgresql_where=text(HAS_USER_ID_SQL), sqlite_where=text(HAS_USER_ID_SQL)),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    instance_id: int = Field(foreign_key="instance.id", ondelete="CASCADE")
    # a phone number in E.164 digits, or Meta's business-scoped user id (BSUID, "US.…")
    wa_id: str = Field(max_length=WA_ID_MAX)
    # Meta's business-scoped user id (BSUID) of the person, once a message carried it. Meta
    # sends it on every message and the phone only while the phone is shareable: a person
    # first seen with both and later with the BSUID alone is found by it (migration 0047).
    # Equal to wa_id for a contact known only by its BSUID.
    user_id: str | None = Field(default=None, max_length=WA_ID_MAX)
    name: str = Field(default="", max_length=120)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    opted_out: bool = Field(default=False)
    # Consent to marketing messages (broadcasts reach only these): when, and where it was
    # given — flow (a step of a flow), api, import (with a declared legal basis), manual.
    opted_in_at: datetime | None = time_field(nullable=True)
    opt_in_source: str = Field(default="", max_length=40,
                               sa_column_kwargs={"server_default": ""})
    created_at: datetime = time_field(default_now=True)
    updated_at: datetime = time_field(default_now=True)


class Conversation(SQLModel, table=True):
    """One per contact and instance; holds the engine's session state and, for the team's
    inbox, who handles it and what happened last (kept current by the pipeline's batch write
    and by the agents' actions, so listing never reads `message`)."""

    __tablename__ = "conversation"
    __table_args__ = (
        # a tab of the inbox, newest first, read straight from the index
        Index("ix_conversation_inbox", "tenant_id", "status", "last_message_at", "id"),
        # The sweeper's "waited too long" check only ever looks at these few rows.
        Index("ix_conversation_waiting", "waiting_since",
              postgresql_where=text(WAITING_SQL), sqlite_where=text(WAITING_SQL)),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")  # ix_conversation_inbox
    instance_id: int = Field(foreign_key="instance.id", index=True, ondelete="CASCADE")
    contact_id: int = Field(foreign_key="contact.id", unique=True, ondelete="CASCADE")
    # bot: the flows answer · human: waiting for / handled by a person · snoozed: a person's,
    # hidden until `snoozed_until` or the customer's next message · closed: resolved (the next
    # customer message goes to the bot again)
    status: str = Field(default="bot", max_length=10)
    session: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    last_inbound_at: datetime | None = time_field(nullable=True)
    last_outbound_at: datetime | None = time_field(nullable=True)
    created_at: datetime = time_field(default_now=True)
    updated_at: datetime = time_field(default_now=True)
    assignee_user_id: int | None = Field(default=None, foreign_key="user_account.id",
                                         index=True, ondelete="SET NULL")
    snoozed_until: datetime | None = time_field(nullable=True)
    human_since: datetime | None = time_field(nullable=True)
    # Since when the customer waits for a person's answer (None: nobody is waiting).
    waiting_since: datetime | None = time_field(nullable=True)
    waiting_notified_at: datetime | None = time_field(nullable=True)
    unread: int = Field(default=0)  # customer messages since a person last opened it
    last_message_at: datetime | None = time_field(nullable=True)
    last_message_preview: str = Field(default="", max_length=160)
    last_message_from: str = Field(default="", max_length=10)  # customer | bot | agent


class Message(SQLModel, table=True):
    __tablename__ = "message"
    __table_args__ = (
        Index("ix_message_conv_dir_status", "conversation_id", "direction", "status"),
        # a conversation's latest messages (the inbox timeline), whatever its length
        Index("ix_message_conversation", "conversation_id", "id"),
        # Only the rows still in flight: the sweeper looks for stuck ones every second, and
        # a scan of the whole table would grow with every message ever stored.
        Index("ix_message_open", "direction", "created_at",
              postgresql_where=text(OPEN_STATUSES_SQL), sqlite_where=text(OPEN_STATUSES_SQL)),
        # retention (services/retention.py): a business's oldest rows, one index range
        Index("ix_message_tenant_time", "tenant_id", "created_at"),
        # Meta's message id, unique per number (migration 0046: it was platform-wide, and a
        # message id one business stored first made another's message a "duplicate").
        # Also the index of `instance_id` alone (ON DELETE CASCADE, counts per number).
        UniqueConstraint("instance_id", "wamid", name="uq_message_instance_wamid"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")  # ix_message_tenant_time
    instance_id: int = Field(foreign_key="instance.id", ondelete="CASCADE")
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE")
    direction: str = Field(max_length=3)  # in | out
    type: str = Field(max_length=30)
    text: str | None = Field(default=None)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    wamid: str | None = Field(default=None, max_length=160)
    status: str = Field(max_length=12)
    error: str | None = Field(default=None, max_length=300)
    attempts: int = Field(default=0)
    sent_at: datetime | None = time_field(nullable=True)
    # When the last send attempt started (status "sending"): until its outcome is known —
    # the worker records it, or the status webhook names it — nobody sends it again.
    attempted_at: datetime | None = time_field(nullable=True)
    delivered_at: datetime | None = time_field(nullable=True)
    read_at: datetime | None = time_field(nullable=True)
    wa_timestamp: datetime | None = time_field(nullable=True)
    created_at: datetime = time_field(default_now=True)
    # The team member who wrote an outbound message (None: the bot).
    author_user_id: int | None = Field(default=None)


class ConversationLog(SQLModel, table=True):
    """What happened around a conversation that is not a message: private notes of the team
    and system lines (handed to a person, assigned, resolved, snoozed, returned to the bot).
    Never sent to the customer; shown in the inbox between the messages."""

    __tablename__ = "conversation_log"
    __table_args__ = (Index("ix_conversation_log_conv", "conversation_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE")
    kind: str = Field(max_length=20)  # note | handoff | assigned | resolved | reopened | …
    text: str = Field(default="")
    author_user_id: int | None = Field(default=None)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = time_field(default_now=True)


class QuickReply(SQLModel, table=True):
    """A saved answer of the business, typed in the inbox as /shortcut."""

    __tablename__ = "quick_reply"
    __table_args__ = (UniqueConstraint("tenant_id", "shortcut", name="uq_quick_reply"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    shortcut: str = Field(max_length=30)
    text: str
    created_at: datetime = time_field(default_now=True)


class Timer(SQLModel, table=True):
    """A pending `delay` or reminder of a conversation; fired by the scheduler at `wake_at`.
    A reminder carries its block in `payload` ({"reminder": {"flow_id", "node_id"}}) and
    the token "reminder:<flow>:<block>" (one pending per block and conversation); a delay
    only its token."""

    __tablename__ = "timer"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    conversation_id: int = Field(foreign_key="conversation.id", index=True, ondelete="CASCADE")
    token: str = Field(max_length=64)
    wake_at: datetime = time_field(index=True)
    status: str = Field(default="pending", max_length=10, index=True)  # pending | fired
    created_at: datetime = time_field(default_now=True)
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class WebhookLog(SQLModel, table=True):
    """Inbound webhook content we could not use (unsupported, unknown number, errors)."""

    __tablename__ = "webhook_log"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int | None = Field(default=None, index=True)
    instance_id: int | None = Field(default=None, index=True)
    kind: str = Field(max_length=30)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = time_field(default_now=True, index=True)
