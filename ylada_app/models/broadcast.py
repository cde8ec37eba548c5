"""Broadcasts: one approved template sent to an audience of a number's contacts.

A broadcast keeps what it sends (template, variable mapping), to whom (the audience filter,
resolved while it runs: contacts in id order past `cursor_contact_id`) and how far it got.
Each recipient is a row written in the same transaction as the outbox message it produced —
(broadcast, contact) is unique, so a recipient can never be queued twice, whatever crashes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class Broadcast(SQLModel, table=True):
    __tablename__ = "broadcast"
    __table_args__ = (Index("ix_broadcast_tenant_created", "tenant_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    instance_id: int = Field(foreign_key="instance.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    template_name: str = Field(max_length=512)
    language: str = Field(default="pt_BR", max_length=10)
    category: str = Field(default="MARKETING", max_length=20)
    # one entry per {{n}}: {"source": "name" | "phone" | "field" | "text", "value": "..."}
    variables: list[dict[str, Any]] = Field(default_factory=list,
                                            sa_column=Column(JSON, nullable=False))
    # the https link of the template's media header (image, video, document), if it has one
    header_link: str | None = Field(default=None, max_length=2000)
    # {"tags": [...], "active_days": int | None}
    audience: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # scheduled → sending → done | cancelled | stopped (the plan's quota ran out)
    status: str = Field(default="scheduled", max_length=12, index=True)
    send_at: datetime = time_field(default_now=True)
    planned: int = 0  # the audience's size when it was created
    queued: int = 0  # recipients written to the outbox
    skipped: int = 0  # recipients left out while sending (opted out since, quota)
    stop_reason: str = Field(default="", max_length=40)  # a message key, when stopped
    cursor_contact_id: int = 0  # the last contact considered (contacts go in id order)
    price_cents: float = 0.0  # estimated cost per message when created (BRL cents)
    created_by: int | None = Field(default=None, foreign_key="user_account.id",
                                   ondelete="SET NULL")
    created_at: datetime = time_field(default_now=True)
    started_at: datetime | None = time_field(nullable=True)
    finished_at: datetime | None = time_field(nullable=True)


class BroadcastRecipient(SQLModel, table=True):
    __tablename__ = "broadcast_recipient"
    __table_args__ = (UniqueConstraint("broadcast_id", "contact_id",
                                       name="uq_broadcast_recipient"),
                      # a contact's recent broadcasts (the weekly marketing cap)
                      Index("ix_broadcast_recipient_contact", "contact_id", "created_at"))

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcast.id", index=True, ondelete="CASCADE")
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    message_id: int | None = Field(default=None, foreign_key="message.id", index=True,
                                   ondelete="SET NULL")
    skipped_reason: str = Field(default="", max_length=40)  # a message key; "" when queued
    created_at: datetime = time_field(default_now=True)
