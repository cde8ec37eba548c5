"""Instances: one WhatsApp number (Cloud API) or a simulator, owned by a tenant."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class ChannelKind(StrEnum):
    WHATSAPP_CLOUD = "whatsapp_cloud"
    SIMULATOR = "simulator"


class InstanceStatus(StrEnum):
    DRAFT = "draft"
    CONNECTED = "connected"
    ERROR = "error"
    DISABLED = "disabled"


class Instance(SQLModel, table=True):
    __tablename__ = "instance"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=60)
    channel: str = Field(default=ChannelKind.SIMULATOR, max_length=20)
    phone_number_id: str | None = Field(default=None, max_length=32, index=True)
    waba_id: str | None = Field(default=None, max_length=32)
    display_number: str | None = Field(default=None, max_length=32)
    verified_name: str | None = Field(default=None, max_length=120)
    access_token_enc: str | None = Field(default=None)
    app_secret_enc: str | None = Field(default=None)
    verify_token: str = Field(max_length=64)
    # Public, unguessable part of the webhook URL: /webhooks/whatsapp/{webhook_key}
    webhook_key: str = Field(max_length=64, unique=True, index=True)
    status: str = Field(default=InstanceStatus.DRAFT, max_length=20)
    status_detail: str | None = Field(default=None, max_length=300)
    # Sent when no flow (and no AI assistant) answers a message; empty = stay silent.
    default_reply: str | None = Field(default=None, max_length=1000)
    # The number's own words that opt a contact out of (and back into) its messages, and the
    # replies confirming it; NULL = the platform's defaults (services.instances.optout_settings).
    optout_words: list[str] | None = Field(default=None,
                                           sa_column=Column(JSON, nullable=True))
    optout_reply: str | None = Field(default=None, max_length=1024)
    optin_words: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    optin_reply: str | None = Field(default=None, max_length=1024)
    # LGPD: a contact who sends "MEUS DADOS" gets an export request (off until enabled).
    privacy_keyword: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    # The number as Meta last saw it (quality, messaging tier, webhook subscription…), kept
    # by the periodic health check; shown on the number's health page.
    health: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False,
                                                                           server_default="{}"))
    last_checked_at: datetime | None = time_field(nullable=True)
    created_at: datetime = time_field(default_now=True)
    updated_at: datetime = time_field(default_now=True)
