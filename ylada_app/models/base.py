"""Shared column helpers.

Times are naive UTC in Python and `timestamp without time zone` in the database, so
SQLite and PostgreSQL return the same values and comparisons never mix aware and naive.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class UTCDateTime(TypeDecorator):
    """Accepts aware or naive (UTC) datetimes; always stores and returns naive UTC."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value


def time_field(*, default_now: bool = False, nullable: bool = False, index: bool = False) -> Any:
    """A UTC datetime column (optionally defaulting to now)."""
    kwargs: dict[str, Any] = {"sa_type": UTCDateTime, "index": index}
    if default_now:
        kwargs["default_factory"] = utcnow
    elif nullable:
        kwargs["default"] = None
    return Field(**kwargs)
