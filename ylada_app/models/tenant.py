"""Tenants (businesses), users and the memberships that join them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class TenantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    # The owner closed the business: read-only until `erase_after`, then erased (a job); a
    # tombstone row stays for the invoices the platform must keep (services/closure.py).
    CLOSED = "closed"
    ERASED = "erased"


class Role(StrEnum):
    """owner: everything, billing and the team included · admin: runs the business's bots
    (numbers, flows, AI, reports, inbox) · agent: the inbox, contacts and their own notices."""

    OWNER = "owner"
    ADMIN = "admin"
    AGENT = "agent"


NICHES = ("distribuidores", "ecommerce", "servicos", "educacao", "delivery", "outro")


class Tenant(SQLModel, table=True):
    __tablename__ = "tenant"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    slug: str = Field(max_length=90, unique=True, index=True)
    niche: str = Field(default="outro", max_length=30)
    status: str = Field(default=TenantStatus.ACTIVE, max_length=20, index=True)
    suspended_reason: str | None = Field(default=None, max_length=300)
    timezone: str = Field(default="America/Sao_Paulo", max_length=60)
    created_at: datetime = time_field(default_now=True)
    # After this long waiting for a person, the team is told (inbox).
    inbox_wait_minutes: int = Field(default=5)
    # The business skipped the first-hour guide (its checklist leaves the dashboard).
    onboarding_dismissed: bool = Field(default=False)
    # Agency mode (white label): a client business managed and billed by its agency, which
    # lends it its plan and brand (services/agency.py). Agencies are one level deep.
    agency_tenant_id: int | None = Field(default=None, foreign_key="tenant.id", index=True,
                                         ondelete="SET NULL")
    # The agency lets visitors of its branded address sign up as its clients.
    agency_signup: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    # LGPD retention (services/retention.py): messages / AI logs older than this many days go.
    retention_messages_days: int = Field(default=365)
    retention_ai_days: int = Field(default=180)
    # Local date (YYYY-MM-DD) the nightly retention run was last queued for.
    retention_queued_on: str | None = Field(default=None, max_length=10)
    # Account closure (services/closure.py).
    closed_at: datetime | None = time_field(nullable=True)
    closed_by_user_id: int | None = Field(default=None)
    erase_after: datetime | None = time_field(nullable=True)
    # The data processing agreement (DPA) the business accepted at sign-up (services/legal.py).
    dpa_version: int | None = Field(default=None)
    dpa_accepted_at: datetime | None = time_field(nullable=True)
    dpa_accepted_by_user_id: int | None = Field(default=None)
    # At most this many MARKETING templates per contact in any 7 days, from any sender
    # (services/outbound_settings.py).
    marketing_per_week: int = Field(default=2, sa_column_kwargs={"server_default": "2"})


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    # Stored lower-cased: uniqueness is case-insensitive on every database.
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=80)
    password_hash: str = Field(max_length=255)
    is_platform_admin: bool = Field(default=False)
    locale: str = Field(default="pt-BR", max_length=10)
    created_at: datetime = time_field(default_now=True)
    # Until the address is confirmed the account explores with the simulator only.
    email_verified_at: datetime | None = time_field(nullable=True)
    # Two-factor (TOTP): the secret encrypted at rest; enabled once a code confirmed it.
    totp_secret_enc: str | None = Field(default=None, max_length=300)
    totp_enabled_at: datetime | None = time_field(nullable=True)
    # The last 30-second step whose code was accepted: a code is never accepted twice.
    totp_last_step: int | None = Field(default=None)
    password_changed_at: datetime | None = time_field(nullable=True)


class Membership(SQLModel, table=True):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "tenant_id", name="uq_membership_user_tenant"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    role: str = Field(default=Role.ADMIN, max_length=20)
    # Given by the client's agency (its owners and admins): taken back when the person
    # stops being one of the agency's managers (services/agency._sync_managers).
    via_agency: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    created_at: datetime = time_field(default_now=True)
    # Which team notifications this member also wants by e-mail ({kind: bool}); missing
    # kinds take the defaults in services/notifications.py.
    email_notifications: dict = Field(default_factory=dict,
                                      sa_column=Column(JSON, nullable=False))
