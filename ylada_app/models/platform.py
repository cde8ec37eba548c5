"""Settings of the whole platform that its admin edits (not per business): a key and a JSON
value, read with defaults by the service that owns the key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class PlatformSetting(SQLModel, table=True):
    __tablename__ = "platform_setting"

    key: str = Field(primary_key=True, max_length=60)
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    updated_at: datetime = time_field(default_now=True)
