"""Login throttling that an attacker cannot turn against the account's owner.

Attempts are counted *before* the password is checked (so parallel tries cannot slip through
together), in three places (windows in settings, `limits` notation):

- per (account, client address): a guesser at one address is refused for growing periods;
  the right password forgives that address's count for the account;
- per client address, over all accounts: one address spraying many accounts is refused
  (an IPv6 client is counted by its /64, which it controls whole);
- per account, over all addresses, failures only: past a ceiling, attempts from *new*
  devices wait before the password is checked (growing, up to MAX_DELAY_S — slowed, never
  refused), and the owner is told by e-mail (at most once every 6 hours).

A known device (a browser that logged in to this account before, by its `ylada_device`
cookie) skips all three: it has a budget of its own, which only its own attempts spend. So a
correct password from a known device is never refused because of someone else's attempts,
and a flood from one address never stops the owner logging in from another.

The client address is the socket peer, or the right entry of X-Forwarded-For behind
TRUSTED_PROXY_HOPS proxies (core/net.py): behind a load balancer that setting must be right,
or every client counts as the balancer.
"""

from __future__ import annotations

from dataclasses import dataclass

from ylada_app.core import ratelimit
from ylada_app.core.net import limit_key
from ylada_app.core.settings import get_settings
from ylada_app.services.errors import RateLimited

ACCOUNT_WINDOW = "10000/15 minutes"  # counts (the ceiling itself is a setting)
ALERT_EVERY = "1/6 hours"
MAX_DELAY_S = 10.0


@dataclass(frozen=True)
class Verdict:
    """May this attempt go on, and after how long a wait (seconds)."""

    delay_s: float = 0.0


def _norm(email: str) -> str:
    return (email or "").strip().lower()[:254]


def _refuse(wait: float) -> RateLimited:
    return RateLimited("error.login_rate_limited", field="_", seconds=int(wait + 0.999))


def check(*, email: str, client_ip: str, device: str = "", known_device: bool) -> Verdict:
    """Before an attempt, counting nothing: RateLimited if it would be refused now, else how
    long a new device must wait first."""
    settings = get_settings()
    account, address = _norm(email), limit_key(client_ip)
    if known_device:
        wait = ratelimit.retry_after(settings.login_limit_device, "dev", account, device)
    else:
        wait = max(ratelimit.retry_after(settings.login_limit_pair, "pair", account, address),
                   ratelimit.retry_after(settings.login_limit_ip, "ip", address))
    if wait > 0:
        raise _refuse(wait)
    if known_device:
        return Verdict()
    over = ratelimit.count(ACCOUNT_WINDOW, "acct", account) - settings.login_account_ceiling
    if over < 0:
        return Verdict()
    return Verdict(delay_s=min(MAX_DELAY_S, 1.0 + over / 5))


def begin_attempt(*, email: str, client_ip: str, device: str = "",
                  known_device: bool) -> None:
    """Count this attempt where it is limited; RateLimited (nothing counted) if it does not
    fit."""
    settings = get_settings()
    account, address = _norm(email), limit_key(client_ip)
    if known_device:
        wait = ratelimit.acquire(settings.login_limit_device, "dev", account, device)
    else:
        wait = ratelimit.acquire(settings.login_limit_pair, "pair", account, address)
        if not wait:
            wait = ratelimit.acquire(settings.login_limit_ip, "ip", address)
    if wait > 0:
        raise _refuse(wait)


def record_failure(*, email: str, known_device: bool) -> bool:
    """A wrong password. True when the owner should now be told (once per 6 hours)."""
    if known_device:
        return False
    account = _norm(email)
    ratelimit.hit(ACCOUNT_WINDOW, "acct", account)
    if ratelimit.count(ACCOUNT_WINDOW, "acct", account) < get_settings().login_account_ceiling:
        return False
    return ratelimit.once_per(ALERT_EVERY, "alert", account)


def failures_on_account(email: str) -> int:
    return ratelimit.count(ACCOUNT_WINDOW, "acct", _norm(email))


def record_success(*, email: str, client_ip: str, device: str = "") -> None:
    """The right password: this address's and device's attempts on the account are forgiven
    (the per-address count over all accounts stays)."""
    settings = get_settings()
    account = _norm(email)
    ratelimit.clear(settings.login_limit_pair, "pair", account, limit_key(client_ip))
    if device:
        ratelimit.clear(settings.login_limit_device, "dev", account, device)
