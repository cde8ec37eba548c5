"""Showing stored times to people: the database keeps naive UTC; people read Brasília time
(or their business's timezone)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "America/Sao_Paulo"


def zone(name: str | None) -> ZoneInfo:
    """The business's timezone; Brasília when it is unset or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def local_text(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M",
               zone: str = DEFAULT_ZONE) -> str:
    if value is None:
        return "—"
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone)).strftime(fmt)
