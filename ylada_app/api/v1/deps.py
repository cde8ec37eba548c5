"""What every route of the public API needs: the caller (its key's business and scopes),
counted against the key's rate limit, and a cursor codec."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Path, Query, Request

from ylada_app.api.v1.problems import ApiProblem
from ylada_app.api.v1.schemas import MAX_ID
from ylada_app.core import ratelimit
from ylada_app.core.db import session_scope
from ylada_app.core.settings import get_settings
from ylada_app.services import api_keys, entitlements
from ylada_app.services.api_keys import ApiCaller

READ_METHODS = ("GET", "HEAD", "OPTIONS")
Id = Annotated[int, Path(ge=1, le=MAX_ID, examples=[42])]
InstanceFilter = Annotated[int | None, Query(ge=1, le=MAX_ID,
                                             description="only this WhatsApp number",
                                             examples=[12])]


def caller(request: Request) -> ApiCaller:
    """The key in `Authorization: Bearer …`: 401 without a valid one, 403 when a read-only
    key writes (anything but GET), 429 (with Retry-After) past the key's rate limit."""
    return _caller(request, writes=request.method not in READ_METHODS)


def reader(request: Request) -> ApiCaller:
    """As `caller`, for a POST that changes nothing (validating a flow)."""
    return _caller(request, writes=False)


def _caller(request: Request, *, writes: bool) -> ApiCaller:
    header = request.headers.get("authorization", "")
    scheme, _, raw = header.partition(" ")
    found, allowed = None, False
    if scheme.lower() == "bearer" and raw.strip():
        with session_scope() as session:
            found = api_keys.authenticate(session, raw.strip())
            if found is not None:
                allowed = entitlements.cached_limits(session, found.tenant_id).api_access
    if found is None:
        raise ApiProblem(401, "api.error.unauthorized",
                         headers={"WWW-Authenticate": 'Bearer realm="ylada"'})
    if writes and "write" not in found.scopes:
        raise ApiProblem(403, "api.error.scope_write")
    if not allowed:
        raise ApiProblem(403, "api.error.plan")
    wait = ratelimit.acquire(get_settings().api_rate_limit, "api", str(found.key_id))
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise ApiProblem(429, "api.error.rate_limited", headers={"Retry-After": str(seconds)},
                         seconds=seconds)
    request.state.tenant_id = found.tenant_id
    return found


# A page's cursor is the id of its last item: items come in id order, so a cursor never
# skips or repeats one while new ones are added.
Cursor = Annotated[str | None, Query(pattern=r"^[0-9]{1,10}$", examples=["4821"],
                                     description="`next_cursor` of the previous page")]


def encode_cursor(last_id: int) -> str:
    return str(last_id)


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    if cursor.isdigit() and len(cursor) <= 10:
        # past the largest id there is nothing left (and the database's integer would
        # overflow on the comparison)
        return min(int(cursor), MAX_ID)
    raise ApiProblem(400, "api.error.cursor", field="cursor")


def page_of(rows: list, limit: int, last_id) -> tuple[list, str | None]:
    """`rows` fetched with limit + 1: the page, and the cursor of the next one (or None)."""
    page = rows[:limit]
    return page, encode_cursor(last_id(page[-1])) if len(rows) > limit else None
