"""Login throttling that an attacker cannot turn against the account's owner.

Failed passwords are counted in three places (windows in settings, `limits` notation):

- per (account, client address): a guesser at one address is refused for growing periods;
- per client address, over all accounts: one address spraying many accounts is refused;
- per account, over all addresses: past a ceiling, attempts from *new* devices are slowed
  (a growing wait of up to MAX_DELAY_S before the password is checked, never a refusal),
  and the owner is told by e-mail (at most once every 6 hours).

A known device (a browser that logged in to this account before, by its `ylada_device`
cookie) skips all three: it has a budget of its own, which only its own failures spend. So a
correct password from a known device is never refused because of someone else's attempts,
and a flood from one address never stops the owner logging in from another.
"""

from __future__ import annotations

from dataclasses import dataclass

from ylada_app.core import ratelimit
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


def check(*, email: str, client_ip: str, device: str = "", known_device: bool) -> Verdict:
    """Raises RateLimited (with the seconds to wait) when this attempt must be refused."""
    settings = get_settings()
    account = _norm(email)
    if known_device:
        wait = ratelimit.retry_after(settings.login_limit_device, "dev", account, device)
    else:
        wait = max(ratelimit.retry_after(settings.login_limit_pair, "pair", account, client_ip),
                   ratelimit.retry_after(settings.login_limit_ip, "ip", client_ip))
    if wait > 0:
        raise RateLimited("error.login_rate_limited", field="_", seconds=int(wait + 0.999))
    if known_device:
        return Verdict()
    over = ratelimit.count(ACCOUNT_WINDOW, "acct", account) - settings.login_account_ceiling
    if over < 0:
        return Verdict()
    return Verdict(delay_s=min(MAX_DELAY_S, 1.0 + over / 5))


def record_failure(*, email: str, client_ip: str, device: str = "", known_device: bool) -> bool:
    """Count a wrong password. True when the owner should now be told (once per 6 hours)."""
    settings = get_settings()
    account = _norm(email)
    if known_device:
        ratelimit.hit(settings.login_limit_device, "dev", account, device)
        return False
    ratelimit.hit(settings.login_limit_pair, "pair", account, client_ip)
    ratelimit.hit(settings.login_limit_ip, "ip", client_ip)
    ratelimit.hit(ACCOUNT_WINDOW, "acct", account)
    if ratelimit.count(ACCOUNT_WINDOW, "acct", account) < settings.login_account_ceiling:
        return False
    return ratelimit.once_per(ALERT_EVERY, "alert", account)


def failures_on_account(email: str) -> int:
    return ratelimit.count(ACCOUNT_WINDOW, "acct", _norm(email))


def record_success(*, email: str, client_ip: str, device: str = "") -> None:
    """The right password: this address's and device's failures for the account are forgiven
    (the per-address count over all accounts stays)."""
    settings = get_settings()
    account = _norm(email)
    ratelimit.clear(settings.login_limit_pair, "pair", account, client_ip)
    if device:
        ratelimit.clear(settings.login_limit_device, "dev", account, device)
