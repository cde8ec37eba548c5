"""Defensive readers for untrusted webhook JSON: never raise, clip absurd values.

Meta's payloads are well-formed in practice, but the webhook endpoint is public: anything
can arrive, signed or not. These helpers turn "whatever json.loads produced" into the
few shapes the parser wants (str, int, float, dict, list) or None.
"""

from __future__ import annotations

import math
from typing import Any

MAX_TEXT = 4096 * 4  # message bodies: Meta caps at 4096; keep slack, clip beyond
MAX_ID = 512  # wamids are ~60-100 chars; anything longer is garbage, not an id
MAX_SHORT = 1024  # names, titles, mime types, error messages
MAX_ITEMS = 1000  # array items read per level (entries, changes, messages, ...)
MAX_TIMESTAMP = 2**41  # ~ year 71700: beyond this a "timestamp" is not one


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any, limit: int = MAX_ITEMS) -> list:
    return value[:limit] if isinstance(value, list) else []


def as_str(value: Any, limit: int = MAX_SHORT) -> str | None:
    """A string (clipped, without NUL characters or lone UTF-16 surrogates: no field of
    Meta's means one, and the database cannot store either — a template review with a NUL,
    a number notice with a surrogate, were a 503 Meta retried forever), or an integral
    number rendered as one (ids sent as numbers)."""
    if isinstance(value, str):
        value = (value.replace("\x00", "") if "\x00" in value else value)[:limit]
        if not value.isascii():  # (checked in C: the common case pays nothing more)
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                value = value.encode("utf-8", "replace").decode("utf-8")
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        text = _int_text(value)
        return text[:limit] if text is not None else None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return _int_text(int(value))
    return None


def as_id(value: Any) -> str | None:
    """An identifier: non-empty, clipped, whitespace-trimmed."""
    text = as_str(value, MAX_ID)
    if text is None:
        return None
    text = text.strip()
    return text or None


def as_int(value: Any, *, lo: int = -(2**63), hi: int = 2**63 - 1) -> int | None:
    if isinstance(value, bool):
        return None
    result: int | None = None
    if isinstance(value, int):
        result = value
    elif isinstance(value, float) and math.isfinite(value):
        result = int(value)
    elif isinstance(value, str) and 0 < len(value) <= 24:
        try:
            result = int(value.strip())
        except ValueError:
            return None
    if result is None or not lo <= result <= hi:
        return None
    return result


def as_timestamp(value: Any) -> int:
    """Unix seconds; 0 when missing or absurd (callers fall back to 'now')."""
    result = as_int(value, lo=0, hi=MAX_TIMESTAMP)
    return result if result is not None else 0


def as_float(value: Any, *, lo: float = -math.inf, hi: float = math.inf) -> float | None:
    if isinstance(value, bool):
        return None
    result: float | None = None
    if isinstance(value, int | float):
        try:
            result = float(value)
        except OverflowError:
            return None
    elif isinstance(value, str) and 0 < len(value) <= 64:
        try:
            result = float(value)
        except ValueError:
            return None
    if result is None or not math.isfinite(result) or not lo <= result <= hi:
        return None
    return result


def as_bool(value: Any) -> bool:
    return value is True


def _int_text(value: int) -> str | None:
    # str() of a gigantic int raises ValueError (int max str digits) on Python 3.11+.
    try:
        return str(value)
    except ValueError:
        return None
