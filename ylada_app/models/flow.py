"""Flows (the editable draft) and their published versions; one active version per flow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class Flow(SQLModel, table=True):
    __tablename__ = "flow"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    instance_id: int = Field(foreign_key="instance.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80)
    status: str = Field(default="draft", max_length=10)  # draft | active | inactive
    draft: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    active_version_id: int | None = Field(default=None)
    created_at: datetime = time_field(default_now=True)
    updated_at: datetime = time_field(default_now=True)


class FlowVersion(SQLModel, table=True):
    __tablename__ = "flow_version"
    __table_args__ = (UniqueConstraint("flow_id", "version", name="uq_flow_version"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    flow_id: int = Field(foreign_key="flow.id", index=True, ondelete="CASCADE")
    version: int
    definition: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON,
                                                                              nullable=False))
    created_at: datetime = time_field(default_now=True)
