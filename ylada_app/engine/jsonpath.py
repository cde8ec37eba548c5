"""Tiny JSON path lookup for `http_request.response_map`.

Paths are dotted keys with list indexes, relative to the parsed response body:
``pedido.status``, ``itens[0].nome``, ``itens.0.nome``; a leading ``$`` or ``$.`` is
allowed. No wildcards or filters: a path names exactly one value.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ylada_app.engine.limits import JSON_PATH_DEPTH, JSON_PATH_MAX, VAR_VALUE_MAX

_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]]+)")
_MISSING = object()


def parse_path(path: Any) -> list[str | int] | None:
    """The keys/indexes of `path`, or None when it is malformed."""
    if not isinstance(path, str):
        return None
    path = path.strip()
    if path.startswith("$"):
        path = path[1:].lstrip(".")
    if not path or len(path) > JSON_PATH_MAX:
        return None
    tokens: list[str | int] = []
    pos = 0
    while pos < len(path):
        if path[pos] == "." and tokens:
            pos += 1
        match = _TOKEN.match(path, pos)
        if not match:
            return None
        index, key = match.groups()
        tokens.append(int(index) if index is not None else key)
        pos = match.end()
    return tokens if 0 < len(tokens) <= JSON_PATH_DEPTH else None


def extract(data: Any, path: Any) -> Any:
    """The value at `path` in `data`, made safe to store; None when absent or malformed."""
    tokens = parse_path(path)
    if tokens is None:
        return None
    current = data
    for token in tokens:
        if isinstance(current, dict):
            key = str(token)
            if key not in current:
                return None
            current = current[key]
        elif isinstance(current, list):
            index = token if isinstance(token, int) else _as_index(token)
            if index is None or index >= len(current):
                return None
            current = current[index]
        else:
            return None
    return storable(current)


def _as_index(token: str | int) -> int | None:
    return int(token) if isinstance(token, str) and token.isdigit() else None


def storable(value: Any) -> Any:
    """A JSON-safe scalar for a session variable.

    Containers become compact JSON text so the state stays small and flat; non-finite
    floats (json.loads accepts NaN) become None because PostgreSQL's JSON rejects them.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) < 2**53:
            return value
        try:  # beyond float precision; huge ints would even break json.dumps
            return float(value)
        except OverflowError:
            return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return value[:VAR_VALUE_MAX]
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    except (ValueError, TypeError, RecursionError):
        return None
    return text[:VAR_VALUE_MAX]
