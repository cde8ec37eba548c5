"""Outgoing webhooks: a business's endpoints, the events that happened, and one delivery row
per (endpoint, event) that a job works through with retries.

Events and deliveries are written in the transaction of the change they describe (the
pipeline's batch, an agent's click, an API call); `jobs/webhooks.py` sends them afterwards.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    url: str = Field(max_length=500)
    description: str = Field(default="", max_length=120)
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Encrypted (core.crypto): payloads are signed with it, so it must be readable.
    secret_enc: str = Field(max_length=500)
    # After a rotation the previous secret signs too, until `old_secret_until`.
    old_secret_enc: str | None = Field(default=None, max_length=500)
    old_secret_until: datetime | None = time_field(nullable=True)
    active: bool = True
    disabled_reason: str = Field(default="", max_length=200)
    # Since when every attempt has failed (None after any success); 3 days of it disables.
    failing_since: datetime | None = time_field(nullable=True)
    created_at: datetime = time_field(default_now=True)
    updated_at: datetime = time_field(default_now=True)


class WebhookEvent(SQLModel, table=True):
    __tablename__ = "webhook_event"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")
    type: str = Field(max_length=40)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = time_field(default_now=True, index=True)


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    __table_args__ = (
        # the job's read: an endpoint's due deliveries in event order
        Index("ix_webhook_delivery_due", "endpoint_id", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id", ondelete="CASCADE")
    event_id: int = Field(foreign_key="webhook_event.id", index=True, ondelete="CASCADE")
    # Deliveries with the same key (one contact's events) go out one after the other.
    order_key: str = Field(default="", max_length=40)
    status: str = Field(default="pending", max_length=12)  # pending|sending|delivered|failed
    attempts: int = 0
    next_attempt_at: datetime = time_field(default_now=True)
    last_status: int | None = None
    last_error: str = Field(default="", max_length=200)
    response_excerpt: str = Field(default="", max_length=500)
    duration_ms: int | None = None
    last_attempt_at: datetime | None = time_field(nullable=True)
    delivered_at: datetime | None = time_field(nullable=True)
    created_at: datetime = time_field(default_now=True)
