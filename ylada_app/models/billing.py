"""Plans and subscriptions (shape only here; billing rules live in their own services).

Money is integer centavos.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class SubscriptionStatus(StrEnum):
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"


class Plan(SQLModel, table=True):
    __tablename__ = "plan"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=60)
    price_cents: int = Field(default=0)
    currency: str = Field(default="BRL", max_length=3)
    interval: str = Field(default="month", max_length=10)
    max_instances: int = Field(default=1)
    max_active_flows: int = Field(default=1)
    max_messages_month: int = Field(default=1000)
    max_ai_tokens_month: int = Field(default=0)
    premium_templates: bool = Field(default=False)
    trial_days: int = Field(default=0)
    stripe_price_id: str | None = Field(default=None, max_length=100)
    is_active: bool = Field(default=True)
    sort_order: int = Field(default=0)


class Subscription(SQLModel, table=True):
    __tablename__ = "subscription"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    plan_id: int = Field(foreign_key="plan.id", index=True)
    status: str = Field(default=SubscriptionStatus.TRIALING, max_length=20, index=True)
    trial_ends_at: datetime | None = time_field(nullable=True)
    current_period_end: datetime | None = time_field(nullable=True)
    cancel_at_period_end: bool = Field(default=False)
    provider: str | None = Field(default=None, max_length=20)
    provider_customer_id: str | None = Field(default=None, max_length=100)
    provider_subscription_id: str | None = Field(default=None, max_length=100, index=True)
    created_at: datetime = time_field(default_now=True)
    updated_at: datetime = time_field(default_now=True)
