"""Request and response bodies of the public API (they are also its OpenAPI documentation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Instance(BaseModel):
    id: int = Field(examples=[12])
    name: str = Field(examples=["Loja Centro"])
    channel: str = Field(description="whatsapp_cloud | simulator", examples=["whatsapp_cloud"])
    status: str = Field(description="draft | connected | error | disabled",
                        examples=["connected"])
    display_number: str | None = Field(default=None, examples=["+55 11 98765-4321"])
    verified_name: str | None = Field(default=None, examples=["Loja Centro"])
    last_checked_at: datetime | None = None
    created_at: datetime


class InstanceHealth(BaseModel):
    id: int
    status: str
    detail: str | None = Field(default=None, description="why, when not connected")
    last_checked_at: datetime | None = None


class InstanceList(BaseModel):
    data: list[Instance]


class Contact(BaseModel):
    id: int = Field(examples=[4821])
    instance_id: int = Field(examples=[12])
    phone: str = Field(description="E.164 digits, as WhatsApp uses them",
                       examples=["5511987654321"])
    name: str = Field(examples=["Ana Souza"])
    tags: list[str] = Field(examples=[["vip", "atacado"]])
    fields: dict[str, Any] = Field(examples=[{"cidade": "São Paulo"}])
    opted_out: bool = Field(description="asked not to receive messages", examples=[False])
    created_at: datetime
    updated_at: datetime


class ContactPage(BaseModel):
    data: list[Contact]
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null on the last one")


class ContactUpsert(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "instance_id": 12, "phone": "+55 (11) 98765-4321", "name": "Ana Souza",
        "tags": ["vip"], "fields": {"cidade": "São Paulo"}}]})

    instance_id: int = Field(description="the WhatsApp number the contact belongs to")
    phone: str = Field(min_length=1, max_length=40,
                       description="any usual format; Brazilian numbers with or without the 9")
    name: str | None = Field(default=None, max_length=200)
    tags: list[str] | None = Field(default=None, max_length=100,
                                   description="replaces the contact's tags")
    fields: dict[str, str | int | float | None] | None = Field(
        default=None, description="merged into the contact's fields; null removes one")
    opted_out: bool | None = None


class ContactPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "tags": ["vip", "cliente"], "fields": {"plano": "anual", "antigo": None}}]})

    name: str | None = Field(default=None, max_length=200)
    tags: list[str] | None = Field(default=None, max_length=100)
    fields: dict[str, str | int | float | None] | None = None
    opted_out: bool | None = None
