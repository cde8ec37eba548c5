"""LGPD housekeeping records: each retention run of a business, and the legal documents
(privacy notice, data processing agreement) the platform admin publishes in versions.

Shapes only; the rules live in services/retention.py and services/legal.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class RetentionRun(SQLModel, table=True):
    """One run of the retention job for a business: what it deleted, in how many batches."""

    __tablename__ = "retention_run"
    __table_args__ = (Index("ix_retention_run_tenant", "tenant_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")
    started_at: datetime = time_field(default_now=True)
    finished_at: datetime | None = time_field(nullable=True)
    messages_deleted: int = Field(default=0)
    ai_logs_deleted: int = Field(default=0)
    batches: int = Field(default=0)
    # The largest batch of this run (≤ services.retention.BATCH): the bound is kept.
    batch_max: int = Field(default=0)


class LegalDocument(SQLModel, table=True):
    """A published version of a platform document (`kind`: privacy | dpa), in markdown.
    Versions are append-only: a business's acceptance names the version it accepted."""

    __tablename__ = "legal_document"
    __table_args__ = (UniqueConstraint("kind", "version", name="uq_legal_document_version"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    version: int
    title: str = Field(max_length=120)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_by_user_id: int | None = Field(default=None)
    created_at: datetime = time_field(default_now=True)
