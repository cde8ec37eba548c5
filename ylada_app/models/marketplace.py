"""Marketplace: automation templates curated by the platform admin, their published
versions, and what each tenant installed (or bought).

A template's `flow`/`parameters` are the admin's working copy; tenants only ever install a
published `AutomationTemplateVersion` (the one numbered `AutomationTemplate.version`).
Money is integer centavos.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field

TEMPLATE_CATEGORIES = ("vendas", "atendimento", "agendamento", "pedidos", "captacao")
TEMPLATE_NICHES = ("distribuidores", "ecommerce", "servicos", "educacao", "delivery", "outro")


class AutomationTemplate(SQLModel, table=True):
    __tablename__ = "automation_template"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True, index=True)
    name: str = Field(max_length=80)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    category: str = Field(default="vendas", max_length=30)
    niche: str = Field(default="outro", max_length=30, index=True)
    # the admin's working copy (published into AutomationTemplateVersion)
    flow: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    parameters: list[dict[str, Any]] = Field(default_factory=list,
                                             sa_column=Column(JSON, nullable=False))
    preview: str = Field(default="", sa_column=Column(Text, nullable=False))
    price_cents: int = Field(default=0)
    is_premium: bool = Field(default=False)
    is_active: bool = Field(default=True)
    version: int = Field(default=0)  # the latest published version; 0 = never published
    created_at: datetime = time_field(default_now=True)
    updated_at: datetime = time_field(default_now=True)


class AutomationTemplateVersion(SQLModel, table=True):
    __tablename__ = "automation_template_version"
    __table_args__ = (UniqueConstraint("template_id", "version", name="uq_template_version"),)

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="automation_template.id", index=True,
                             ondelete="CASCADE")
    version: int
    flow: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    parameters: list[dict[str, Any]] = Field(default_factory=list,
                                             sa_column=Column(JSON, nullable=False))
    changelog: str = Field(default="", max_length=500)
    created_at: datetime = time_field(default_now=True)


class TenantTemplate(SQLModel, table=True):
    """One installation of a template on one of the tenant's instances."""

    __tablename__ = "tenant_template"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    template_id: int = Field(foreign_key="automation_template.id", index=True,
                             ondelete="CASCADE")
    instance_id: int = Field(foreign_key="instance.id", index=True, ondelete="CASCADE")
    flow_id: int | None = Field(default=None, foreign_key="flow.id", ondelete="SET NULL")
    version: int
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    flow_hash: str = Field(max_length=64)  # sha256 of the flow as installed (edit detection)
    is_active: bool = Field(default=True)
    installed_at: datetime = time_field(default_now=True)
    updated_at: datetime = time_field(default_now=True)


class TemplatePurchase(SQLModel, table=True):
    """A premium template bought on its own (the other way to unlock it besides the plan)."""

    __tablename__ = "template_purchase"
    __table_args__ = (UniqueConstraint("tenant_id", "template_id", name="uq_template_purchase"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True, ondelete="CASCADE")
    template_id: int = Field(foreign_key="automation_template.id", index=True,
                             ondelete="CASCADE")
    price_cents: int = Field(default=0)
    provider_ref: str | None = Field(default=None, max_length=100)
    created_at: datetime = time_field(default_now=True)
