"""Page events that wait on someone else's server — a business's own AI model, its SMTP
server, a flow's HTTP block in the editor's test chat — run here, not in the thread pool
the pages' database work shares (asyncio's default): a slow or hostile server then holds
only these threads, and a business at most PER_BUSINESS of them at once. A business asking
for more meanwhile gets `Busy` (the page says to wait for the previous answer).
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
POOL_SIZE = 16
PER_BUSINESS = 2
_pool = ThreadPoolExecutor(max_workers=POOL_SIZE, thread_name_prefix="ylada-outbound")
_in_flight: dict[int, int] = {}
_guard = threading.Lock()


class Busy(Exception):
    """The business already has PER_BUSINESS such calls running."""


async def outbound(tenant_id: int, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    with _guard:
        if _in_flight.get(tenant_id, 0) >= PER_BUSINESS:
            raise Busy
        _in_flight[tenant_id] = _in_flight.get(tenant_id, 0) + 1
    try:
        future = _pool.submit(functools.partial(fn, *args, **kwargs))
    except BaseException:
        _release(tenant_id)
        raise
    # counted until the thread is done, even if the page's event is cancelled meanwhile
    future.add_done_callback(lambda _: _release(tenant_id))
    return await asyncio.wrap_future(future)


def _release(tenant_id: int) -> None:
    with _guard:
        left = _in_flight.get(tenant_id, 1) - 1
        if left > 0:
            _in_flight[tenant_id] = left
        else:
            _in_flight.pop(tenant_id, None)
