"""Analytics events (written with each reply) and monthly usage counters per tenant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class AnalyticsEvent(SQLModel, table=True):
    __tablename__ = "analytics_event"
    __table_args__ = (Index("ix_analytics_tenant_time", "tenant_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")
    instance_id: int = Field(index=True)
    conversation_id: int | None = Field(default=None)
    type: str = Field(max_length=30)
    flow_id: str | None = Field(default=None, max_length=40)
    node_id: str | None = Field(default=None, max_length=80)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = time_field(default_now=True)


class UsageCounter(SQLModel, table=True):
    __tablename__ = "usage_counter"
    __table_args__ = (UniqueConstraint("tenant_id", "month", name="uq_usage_tenant_month"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    month: str = Field(max_length=7)  # YYYY-MM
    messages_in: int = Field(default=0)
    messages_out: int = Field(default=0)
    ai_tokens: int = Field(default=0)
    # Replies the bot withheld because the plan's monthly message quota was used up.
    messages_blocked: int = Field(default=0)
