"""WhatsApp message templates of a number: what Meta must approve before a business may
start a conversation (or write after the 24-hour window). Components are kept in the shape
the Graph API takes them, so what was approved is exactly what is sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class MessageTemplate(SQLModel, table=True):
    __tablename__ = "message_template"
    __table_args__ = (UniqueConstraint("instance_id", "name", "language",
                                       name="uq_message_template"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    instance_id: int = Field(foreign_key="instance.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=512)
    language: str = Field(max_length=10)  # pt_BR | en_US | es
    category: str = Field(max_length=20)  # MARKETING | UTILITY | AUTHENTICATION
    # HEADER / BODY / FOOTER / BUTTONS, as POST /{waba-id}/message_templates takes them
    components: list[dict[str, Any]] = Field(default_factory=list,
                                             sa_column=Column(JSON, nullable=False))
    body_variables: int = 0
    header_variables: int = 0
    # PENDING | APPROVED | REJECTED | PAUSED | DISABLED (Meta's words)
    status: str = Field(default="PENDING", max_length=20)
    reason: str = Field(default="", max_length=300)  # why Meta rejected or paused it
    # Meta's quality rating of an approved template: GREEN | YELLOW | RED | UNKNOWN ("": none
    # yet). A low one is the warning before Meta pauses it.
    quality: str = Field(default="", max_length=12, sa_column_kwargs={"server_default": ""})
    meta_id: str | None = Field(default=None, max_length=64, index=True)
    created_at: datetime = time_field(default_now=True)
    updated_at: datetime = time_field(default_now=True)
