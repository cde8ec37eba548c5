"""Keys of the public REST API (/api/v1): a business's scripts and integrations.

Only a SHA-256 of the key is stored (keys are 32 random bytes: a slow hash adds nothing,
and every request checks one), with its first characters for people to tell keys apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80)
    prefix: str = Field(max_length=16)  # shown: "ylk_AbC12345…"
    key_hash: str = Field(max_length=64, unique=True)
    scopes: str = Field(default="read", max_length=40)  # "read" | "read,write"
    created_by_user_id: int | None = Field(default=None, foreign_key="user_account.id",
                                           ondelete="SET NULL")
    created_at: datetime = time_field(default_now=True)
    last_used_at: datetime | None = time_field(nullable=True)
    revoked_at: datetime | None = time_field(nullable=True)


class ApiIdempotency(SQLModel, table=True):
    """The answer given to a POST with an `Idempotency-Key`: a retry with the same key gets
    it again instead of doing the work twice (kept 24 hours)."""

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("tenant_id", "key", name="uq_api_idempotency"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int
    response: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = time_field(default_now=True, index=True)
