"""Plans, subscriptions, the tenant's billing account, provider events and invoices.

Shapes only; billing rules live in services/billing*.py. Money is integer centavos.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
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
    description: str | None = Field(default=None, max_length=300)
    price_cents: int = Field(default=0)
    currency: str = Field(default="BRL", max_length=3)
    interval: str = Field(default="month", max_length=10)
    max_instances: int = Field(default=1)
    max_active_flows: int = Field(default=1)
    max_messages_month: int = Field(default=1000)
    max_ai_tokens_month: int = Field(default=0)
    premium_templates: bool = Field(default=False)
    api_access: bool = Field(default=True)  # the public REST API (/api/v1)
    white_label: bool = Field(default=False)  # own brand and addresses (services/brand.py)
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
    provider_item_id: str | None = Field(default=None, max_length=100)
    # Unix time of the provider event last applied: older events arriving late are ignored.
    provider_event_at: int = Field(default=0)
    canceled_at: datetime | None = time_field(nullable=True)
    created_at: datetime = time_field(default_now=True)
    updated_at: datetime = time_field(default_now=True)


class BillingAccount(SQLModel, table=True):
    """The tenant as a customer of a payment provider (one per tenant and provider)."""

    __tablename__ = "billing_account"
    __table_args__ = (UniqueConstraint("provider", "customer_id", name="uq_billing_customer"),
                      UniqueConstraint("tenant_id", "provider", name="uq_billing_account_tenant"))

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")
    provider: str = Field(max_length=20)
    customer_id: str = Field(max_length=100)
    name: str = Field(max_length=120)
    email: str = Field(max_length=254)
    tax_id: str | None = Field(default=None, max_length=20)  # CPF or CNPJ digits
    created_at: datetime = time_field(default_now=True)


class BillingEvent(SQLModel, table=True):
    """Every verified provider webhook, once: the unique key makes redelivery a no-op."""

    __tablename__ = "billing_event"
    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_billing_event"),)

    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(max_length=20)
    event_id: str = Field(max_length=100)
    type: str = Field(max_length=80)
    tenant_id: int | None = Field(default=None, index=True)
    event_created: int = Field(default=0)
    outcome: str = Field(default="applied", max_length=20)  # applied, ignored, stale
    received_at: datetime = time_field(default_now=True)


class Invoice(SQLModel, table=True):
    __tablename__ = "invoice"
    __table_args__ = (UniqueConstraint("provider", "provider_invoice_id",
                                       name="uq_invoice_provider_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    provider: str = Field(max_length=20)
    provider_invoice_id: str = Field(max_length=100)
    number: str | None = Field(default=None, max_length=60)
    status: str = Field(default="pending", max_length=20)  # common status map
    amount_cents: int = Field(default=0)
    currency: str = Field(default="BRL", max_length=3)
    hosted_url: str | None = Field(default=None, max_length=500)
    pdf_url: str | None = Field(default=None, max_length=500)
    period_start: datetime | None = time_field(nullable=True)
    period_end: datetime | None = time_field(nullable=True)
    provider_event_at: int = Field(default=0)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = time_field(default_now=True)
