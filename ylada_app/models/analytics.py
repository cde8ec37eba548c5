"""Pre-aggregated analytics (issue 8).

`analytics_rollup` holds one counter per (tenant, instance, UTC hour, metric, flow, node). Hourly
UTC buckets let the dashboard sum any whole-hour timezone's days exactly. The rollup job
(services/analytics_rollup.py) fills it incrementally from `message`, `contact` and
`analytics_event` behind a watermark per source (`analytics_cursor`), so page loads never scan
the raw tables. `analytics_reach` remembers which conversation already reached which flow node
(a funnel step counts each conversation once). `platform_daily` is the admin's day-by-day view
(messages across the platform, MRR and tenant counts snapshots). `analytics_export` tracks CSV
and XLSX exports built in the background.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class AnalyticsRollup(SQLModel, table=True):
    __tablename__ = "analytics_rollup"
    # The key, leading with (tenant, metric, hour): each figure of a period is one index range.
    # On PostgreSQL it also carries `value` (INCLUDE), so the dashboard's reads are index-only.
    __table_args__ = (
        Index("uq_analytics_rollup_key", "tenant_id", "metric", "hour", "instance_id", "flow_id",
              "node_id", unique=True, postgresql_include=["value"]),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")
    instance_id: int = Field(default=0)
    hour: datetime = time_field()  # UTC, truncated to the hour
    metric: str = Field(max_length=40)
    flow_id: str = Field(default="", max_length=40)
    node_id: str = Field(default="", max_length=80)
    value: int = Field(default=0)


class AnalyticsReach(SQLModel, table=True):
    """A conversation reached a node of a flow (first time only; the funnel's dedupe set)."""

    __tablename__ = "analytics_reach"
    __table_args__ = (
        UniqueConstraint("conversation_id", "flow_id", "node_id", name="uq_analytics_reach"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    conversation_id: int = Field(default=0)
    flow_id: str = Field(max_length=40)
    node_id: str = Field(max_length=80)


class AnalyticsCursor(SQLModel, table=True):
    """The rollup's watermark per source table (also its lock row)."""

    __tablename__ = "analytics_cursor"

    name: str = Field(primary_key=True, max_length=40)
    last_id: int = Field(default=0)
    updated_at: datetime = time_field(default_now=True)


class PlatformDaily(SQLModel, table=True):
    """One row per UTC day: platform message counts (rollup) and a billing snapshot."""

    __tablename__ = "platform_daily"

    day: str = Field(primary_key=True, max_length=10)  # YYYY-MM-DD (UTC)
    messages_in: int = Field(default=0)
    messages_out: int = Field(default=0)
    mrr_cents: int | None = Field(default=None)
    tenants_total: int | None = Field(default=None)
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    snapshot_at: datetime | None = time_field(nullable=True)


class AnalyticsExport(SQLModel, table=True):
    __tablename__ = "analytics_export"
    __table_args__ = (Index("ix_analytics_export_tenant", "tenant_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")
    user_id: int = Field(default=0)
    kind: str = Field(max_length=10)  # daily | leads
    fmt: str = Field(max_length=5)  # csv | xlsx
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="queued", max_length=10)  # queued | running | done | failed
    done_rows: int = Field(default=0)
    total_rows: int = Field(default=0)
    filename: str = Field(default="", max_length=120)
    token: str = Field(max_length=64)
    error: str | None = Field(default=None, max_length=300)
    created_at: datetime = time_field(default_now=True)
    finished_at: datetime | None = time_field(nullable=True)
