"""Fast lookup of an instance's webhook credentials by its public key (cached briefly).

The webhook must answer Meta quickly; decrypting the app secret and reading the instance on
every POST would cost a query and a Fernet decrypt each time.
"""

from __future__ import annotations

import hmac
import threading
import time
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from ylada_app.core.db import session_scope
from ylada_app.models import Instance
from ylada_app.models.instance import ChannelKind
from ylada_app.services.instances import (
    find_by_webhook_key,
    instance_app_secret,
    is_webhook_key,
)

TTL_S = 30.0


@dataclass(frozen=True)
class WebhookTarget:
    instance_id: int
    tenant_id: int
    phone_number_id: str | None
    app_secret: str | None
    verify_token: str
    status: str


_cache: dict[str, tuple[float, WebhookTarget | None]] = {}
# Unknown keys are remembered apart, so a flood of made-up keys cannot push the real
# numbers' entries out (each real webhook would then wait for a query).
_misses: dict[str, tuple[float, None]] = {}
_lock = threading.Lock()
CACHE_MAX = 10_000


def cached(key: str) -> tuple[bool, WebhookTarget | None]:
    """(found, target) from the cache only — cheap enough to call on the event loop."""
    found, target, fresh = peek(key)
    return (True, target) if found and fresh else (False, None)


def peek(key: str) -> tuple[bool, WebhookTarget | None, bool]:
    """(found, target, fresh): what the cache holds, even past its TTL — the webhook answers
    with a stale entry while it is re-read in the background, so no request waits on it.
    `forget` (a number changed) removes the entry, so the next request reads it afresh."""
    with _lock:
        hit = _cache.get(key) or _misses.get(key)
    if hit is None:
        return False, None, False
    return True, hit[1], hit[0] > time.monotonic()


def _read(key: str) -> WebhookTarget | None:
    with session_scope() as session:
        inst = find_by_webhook_key(session, key)
        if inst is None:
            return None
        try:
            secret = instance_app_secret(inst)
        except ValueError:
            secret = None
        return WebhookTarget(inst.id, inst.tenant_id, inst.phone_number_id, secret,
                             inst.verify_token, inst.status)


def lookup(key: str) -> WebhookTarget | None:
    """Raises only when the database is really unavailable (callers answer 503)."""
    found, target = cached(key)
    return target if found else refresh(key)


def refresh(key: str) -> WebhookTarget | None:
    """Read the key's target from the database and cache it (raises like `lookup`)."""
    if not is_webhook_key(key):
        # Never remembered: the miss cache bounds how many keys it holds, not their length
        # (10,000 made-up 100 kB keys would be 1 GB).
        return None
    now = time.monotonic()
    try:
        target = _read(key)
    except DBAPIError as exc:
        # A pooled connection the database closed (it restarted) fails once and is dropped
        # by the pool; a second try gets a fresh connection. (The pool pings only
        # connections idle for a while; one can still die between the ping and the query.)
        if not exc.connection_invalidated:
            raise
        target = _read(key)
    with _lock:
        store, other = (_cache, _misses) if target is not None else (_misses, _cache)
        if len(store) > CACHE_MAX:
            store.clear()
        store[key] = (now + TTL_S, target)
        other.pop(key, None)  # (a number removed, or one just connected)
    return target


# phone_number_id → the numbers connected with it (see `sibling`)
_numbers: dict[str, tuple[float, tuple[WebhookTarget, ...]]] = {}


def _read_number(phone_number_id: str) -> tuple[WebhookTarget, ...]:
    with session_scope() as session:
        rows = session.exec(select(Instance).where(
            Instance.phone_number_id == phone_number_id,
            Instance.channel == ChannelKind.WHATSAPP_CLOUD)
            .order_by(Instance.id.desc())).all()
        found = []
        for inst in rows:
            try:
                secret = instance_app_secret(inst)
            except ValueError:
                continue
            found.append(WebhookTarget(inst.id, inst.tenant_id, inst.phone_number_id, secret,
                                       inst.verify_token, inst.status))
        return tuple(found)


def sibling(phone_number_id: str, app_secret: str) -> WebhookTarget | None:
    """The number `phone_number_id` when its webhooks are signed with `app_secret` — the
    secret the POST was verified with. A Meta app posts the changes of all its numbers to
    one address (every Embedded Signup number shares the platform's app): a change about
    another number of the same app is that number's, and the shared secret proves it.
    A number connected with another app's secret is never reached this way. Raises only
    when the database is unavailable (callers answer 503)."""
    now = time.monotonic()
    with _lock:
        hit = _numbers.get(phone_number_id)
    if hit is None or hit[0] <= now:
        hit = (now + TTL_S, _read_number(phone_number_id))
        with _lock:
            if len(_numbers) > CACHE_MAX:
                _numbers.clear()
            _numbers[phone_number_id] = hit
    same = [t for t in hit[1] if t.app_secret
            and hmac.compare_digest(t.app_secret.encode(), app_secret.encode())]
    # (a number connected twice: the connected one, then the newest)
    same.sort(key=lambda t: t.status != "connected")
    return same[0] if same else None


def forget(key: str | None = None) -> None:
    with _lock:
        _numbers.clear()
        if key is None:
            _cache.clear()
            _misses.clear()
        else:
            _cache.pop(key, None)
            _misses.pop(key, None)
