"""Run service functions off the event loop, each in its own transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from ylada_app.core.db import session_scope

T = TypeVar("T")


def _in_transaction(fn: Callable[..., T], kwargs: dict[str, Any]) -> T:
    with session_scope() as session:
        return fn(session, **kwargs)


async def call(fn: Callable[..., T], /, **kwargs: Any) -> T:
    """`await call(services.x.fn, tenant_id=…)`: blocking DB work runs in a thread."""
    return await asyncio.to_thread(_in_transaction, fn, kwargs)
