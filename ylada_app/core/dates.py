"""Showing stored times to people: the database keeps naive UTC; people read Brasília time
(or their business's timezone)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "America/Sao_Paulo"


def zone(name: str | None) -> ZoneInfo:
    """The business's timezone; Brasília when it is unset or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


@lru_cache(maxsize=256)
def _cached_zone(name: str | None) -> ZoneInfo:
    return zone(name)


def local_date(now: datetime, zone_name: str | None = None) -> date:
    """The business's calendar date at `now` (naive UTC, or aware)."""
    aware = now if now.tzinfo else now.replace(tzinfo=UTC)
    return aware.astimezone(_cached_zone(zone_name)).date()


def local_text(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M",
               zone: str = DEFAULT_ZONE) -> str:
    if value is None:
        return "—"
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone)).strftime(fmt)


# Brazil's zones as people call them.
_BRASILIA = frozenset({"America/Sao_Paulo", "America/Bahia", "America/Belem",
                       "America/Fortaleza", "America/Recife", "America/Maceio",
                       "America/Araguaina", "America/Santarem"})
_BR_ZONES = {"America/Manaus": "horário do Amazonas", "America/Boa_Vista": "horário de Roraima",
             "America/Porto_Velho": "horário de Rondônia",
             "America/Cuiaba": "horário de Mato Grosso",
             "America/Campo_Grande": "horário de Mato Grosso do Sul",
             "America/Rio_Branco": "horário do Acre", "America/Eirunepe": "horário do Acre",
             "America/Noronha": "horário de Fernando de Noronha"}


def zone_label(name: str | None, lang: str = "pt-BR") -> str:
    """A timezone for people: "horário de Brasília", not "America/Sao_Paulo"; abroad, the
    city and its offset now ("New York, UTC−05:00")."""
    tz = zone(name)
    key = str(tz.key)
    if key in _BRASILIA:
        return "Brasília time" if lang == "en" else "horário de Brasília"
    if key in _BR_ZONES and lang != "en":
        return _BR_ZONES[key]
    offset = datetime.now(tz).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "−" if minutes < 0 else "+"
    city = key.rsplit("/", 1)[-1].replace("_", " ")
    return f"{city}, UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
