"""Delivers one endpoint's due webhook events (services/webhooks_out holds the rules).

One run per endpoint at a time (a lock per endpoint), sending at most WEBHOOK_CONCURRENCY
requests at once: a slow or dead receiver holds that many threads of one worker, never the
pipeline. Events with the same order key (one conversation's) go one after the other; a
failure stops that key for this run and its later events wait with the failed one's retry.
No database transaction is open while a receiver is being called.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ylada_app.core import locks
from ylada_app.core.db import session_scope
from ylada_app.core.queue import clear_coalesced, redis_connection
from ylada_app.core.settings import get_settings
from ylada_app.integrations import webhook_sender
from ylada_app.services import webhooks_out
from ylada_app.services.webhooks_out import Due, Outcome, Target

RUN_BUDGET_S = 50.0
_WANT_TTL_S = int(RUN_BUDGET_S + 60)  # a "run wanted" mark outlives any run
_local_guard = threading.Lock()
_local_wanted: set[int] = set()


def _want(endpoint_id: int) -> None:
    """Say a run is wanted: set before trying the lock, so either this run gets the lock or
    the run holding it sees the mark after releasing it and queues another."""
    url = get_settings().redis_url
    if url:
        redis_connection(url).set(f"ylada:wh:want:{endpoint_id}", 1, ex=_WANT_TTL_S)
    else:
        with _local_guard:
            _local_wanted.add(endpoint_id)


def _take_want(endpoint_id: int) -> bool:
    url = get_settings().redis_url
    if url:
        return bool(redis_connection(url).delete(f"ylada:wh:want:{endpoint_id}"))
    with _local_guard:
        had = endpoint_id in _local_wanted
        _local_wanted.discard(endpoint_id)
        return had


def deliver_endpoint(endpoint_id: int, budget_s: float = RUN_BUDGET_S) -> dict[str, int]:
    """Send what is due for the endpoint, batch after batch, until nothing is due or the
    run's time is up (what is left is due at once: the sweeper queues the next run)."""
    clear_coalesced(f"wh:{endpoint_id}")
    totals = {"delivered": 0, "failed": 0, "runs": 0}
    _want(endpoint_id)
    with locks.exclusive(f"webhook-endpoint:{endpoint_id}") as mine:
        if not mine:
            # The run holding the endpoint may already have found nothing due; it looks at
            # the mark after releasing and queues one more run (a kick is never lost).
            return totals
        _take_want(endpoint_id)
        totals.update(_deliver_while_due(endpoint_id, budget_s))
    if _take_want(endpoint_id):
        webhooks_out.kick([endpoint_id])
    return totals


def _deliver_while_due(endpoint_id: int, budget_s: float) -> dict[str, int]:
    totals = {"delivered": 0, "failed": 0, "runs": 0}
    deadline = time.monotonic() + budget_s
    while time.monotonic() < deadline:
        with session_scope() as session:
            target = webhooks_out.target(session, endpoint_id)
            due = webhooks_out.claim_due(session, endpoint_id) if target else []
        if target is None or not due:
            break
        outcomes = send_all(target, due, deadline)
        with session_scope() as session:
            webhooks_out.record(session, endpoint_id, outcomes)
        totals["runs"] += 1
        totals["delivered"] += sum(1 for o in outcomes if o.ok)
        totals["failed"] += sum(1 for o in outcomes if o.ok is False)
        if any(o.ok is False for o in outcomes) and not any(o.ok for o in outcomes):
            break  # the receiver is down: wait for the retry times, do not spin
    return totals


def send_all(target: Target, due: list[Due], deadline: float) -> list[Outcome]:
    groups: dict[str, list[Due]] = {}
    for item in due:
        groups.setdefault(item.order_key or f"#{item.delivery_id}", []).append(item)
    workers = max(1, get_settings().webhook_concurrency)
    if len(groups) == 1 or workers == 1:
        return [o for g in groups.values() for o in _send_group(target, g, deadline)]
    with ThreadPoolExecutor(max_workers=min(workers, len(groups)),
                            thread_name_prefix="ylada-webhook") as pool:
        results = pool.map(lambda g: _send_group(target, g, deadline), groups.values())
        return [o for group in results for o in group]


def _send_group(target: Target, items: list[Due], deadline: float) -> list[Outcome]:
    out: list[Outcome] = []
    for i, item in enumerate(items):
        if time.monotonic() > deadline:
            out += [Outcome(d.delivery_id, None, attempts=d.attempts) for d in items[i:]]
            break
        payload = webhook_sender.body(item.event_id, item.event_type, item.created_at,
                                      item.data)
        msg_id = webhook_sender.message_id(item.event_id)
        sent = webhook_sender.post(target.url, payload,
                                   webhook_sender.signed_headers(target.secrets, msg_id, payload))
        out.append(Outcome(item.delivery_id, sent.ok, sent.status, sent.error, sent.excerpt,
                           sent.duration_ms, item.attempts))
        if not sent.ok:
            # the rest of this conversation's events wait for the failed one's retry
            retry_at = webhooks_out.next_retry_at(out, item.delivery_id)
            out += [Outcome(d.delivery_id, None, attempts=d.attempts, retry_at=retry_at)
                    for d in items[i + 1:]]
            break
    return out
