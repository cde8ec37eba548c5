"""Login sessions, login attempts (rate limiting) and tenant invitations."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class AuthSession(SQLModel, table=True):
    """A browser login. Only the SHA-256 of the token is stored."""

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
    expires_at: datetime = time_field()


class LoginAttempt(SQLModel, table=True):
    """Failed logins per e-mail and per client address, for rate limiting."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    client_ip: str = Field(default="", max_length=64, index=True)
    created_at: datetime = time_field(default_now=True, index=True)


class Invitation(SQLModel, table=True):
    """An owner invited an e-mail to a tenant; accepted when that e-mail signs up or logs in."""

    __tablename__ = "invitation"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    email: str = Field(max_length=254, index=True)
    role: str = Field(default="member", max_length=20)
    invited_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = time_field(default_now=True)
    accepted_at: datetime | None = time_field(nullable=True)
