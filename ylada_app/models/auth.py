"""Login sessions, known devices, one-time account tokens, two-factor recovery codes,
tenant invitations, the e-mail outbox and the audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class AuthSession(SQLModel, table=True):
    """A browser login. Only the SHA-256 of the token is stored; the token itself lives in an
    HttpOnly cookie set by `POST /auth/session`."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    # The tenant the user is working in; always re-checked against memberships.
    current_tenant_id: int | None = Field(
        default=None, foreign_key="tenant.id", index=True, ondelete="SET NULL"
    )
    current_instance_id: int | None = Field(default=None)
    created_at: datetime = time_field(default_now=True)
    # Absolute lifetime: created_at + SESSION_DAYS. Idle timeout: last_seen_at + idle days.
    expires_at: datetime = time_field()
    last_seen_at: datetime = time_field(default_now=True)
    user_agent: str = Field(default="", max_length=300)
    client_ip: str = Field(default="", max_length=64)


class KnownDevice(SQLModel, table=True):
    """A browser (its `ylada_device` cookie, hashed) that logged in to an account before:
    other people's failed attempts never refuse a correct password from it."""

    __tablename__ = "known_device"
    __table_args__ = (UniqueConstraint("user_id", "device_hash", name="uq_known_device"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    device_hash: str = Field(max_length=64)
    created_at: datetime = time_field(default_now=True)
    last_login_at: datetime = time_field(default_now=True)


class AccountToken(SQLModel, table=True):
    """A single-use, expiring secret: an e-mail link (verify the address, reset the password)
    or a login grant the browser exchanges for its session cookie. Only the SHA-256 is
    stored; `used_at` makes it single-use."""

    __tablename__ = "account_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    purpose: str = Field(max_length=20)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = time_field(default_now=True)
    expires_at: datetime = time_field()
    used_at: datetime | None = time_field(nullable=True)
    # Where a login grant lands ("/dashboard"); the tenant to open.
    next_path: str = Field(default="", max_length=200)
    tenant_id: int | None = Field(default=None)
    # A verification link logs in only the browser that signed up (its `ylada_signup`
    # cookie, hashed); anywhere else it asks for a new password first.
    browser_hash: str | None = Field(default=None, max_length=64)


class RecoveryCode(SQLModel, table=True):
    """A two-factor recovery code (hashed), usable once instead of an authenticator code."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = time_field(nullable=True)


class Invitation(SQLModel, table=True):
    """An owner invited an e-mail address to a tenant. Accepted only through the link sent to
    that address (token hashed, expiring, single use, revocable)."""

    __tablename__ = "invitation"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    email: str = Field(max_length=254, index=True)
    role: str = Field(default="admin", max_length=20)
    invited_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = time_field(default_now=True)
    accepted_at: datetime | None = time_field(nullable=True)
    token_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    expires_at: datetime | None = time_field(nullable=True)
    revoked_at: datetime | None = time_field(nullable=True)
    sent_at: datetime | None = time_field(nullable=True)


class EmailMessage(SQLModel, table=True):
    """An e-mail written in the transaction of the change it tells about, then sent by a job
    (retried with backoff). Without SMTP it is kept as `caught` for the local mailbox."""

    __tablename__ = "email_message"

    id: int | None = Field(default=None, primary_key=True)
    to_email: str = Field(max_length=254, index=True)
    kind: str = Field(max_length=40)
    subject: str = Field(max_length=200)
    text_body: str
    html_body: str
    # queued → sending → sent | failed (gave up) | caught (no SMTP configured)
    status: str = Field(default="queued", max_length=12, index=True)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = time_field(default_now=True)
    last_error: str = Field(default="", max_length=500)
    user_id: int | None = Field(default=None, index=True)
    tenant_id: int | None = Field(default=None, index=True)
    # White label: the business whose brand the message carries and whose own SMTP (if it
    # set one up) sends it; the sender's display name and Reply-To were decided with it.
    brand_tenant_id: int | None = Field(default=None, index=True)
    from_name: str = Field(default="", max_length=80)
    reply_to: str = Field(default="", max_length=254)
    sent_via: str = Field(default="", max_length=10)  # "" | platform | business
    created_at: datetime = time_field(default_now=True, index=True)
    sent_at: datetime | None = time_field(nullable=True)


class Notification(SQLModel, table=True):
    """Something a member of the team should know about (a customer asked for a person, a
    lead came in, a customer waits too long). One row per member: each reads their own."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user", "user_id", "tenant_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    kind: str = Field(max_length=20)  # handoff | lead | waiting
    conversation_id: int | None = Field(default=None)
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=300)
    read_at: datetime | None = time_field(nullable=True)
    created_at: datetime = time_field(default_now=True)


class AuditLog(SQLModel, table=True):
    """Who did what, when, from where: security events and platform-admin actions."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    actor_user_id: int | None = Field(default=None, index=True)
    actor_email: str = Field(default="", max_length=254)
    tenant_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=60, index=True)
    target: str = Field(default="", max_length=200)
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    client_ip: str = Field(default="", max_length=64)
    created_at: datetime = time_field(default_now=True, index=True)
