"""Login throttling cannot be turned against the owner (issue: "lockout of any account").

Runs on the limiter the app uses: in memory here, on Redis in `test_redis_limits` below.
"""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, make_owner
from ylada_app.core import ratelimit
from ylada_app.core.settings import reset_settings_cache
from ylada_app.services import auth
from ylada_app.services.errors import FieldErrors, RateLimited


def _attempt(db, email: str, password: str, ip: str, device: str = ""):
    """What the login page does: check (refuse or wait), then try the password."""
    verdict = auth.login_check(db, email=email, client_ip=ip, device=device)
    result = auth.login(db, email=email, password=password, client_ip=ip, device=device)
    db.commit()
    return verdict, result


def _flood(db, email: str, ips: list[str], n: int) -> dict[str, int]:
    outcome = {"refused": 0, "wrong": 0}
    for i in range(n):
        try:
            _attempt(db, email, "errada-123", ips[i % len(ips)])
        except RateLimited:
            outcome["refused"] += 1
        except FieldErrors:
            outcome["wrong"] += 1
        db.rollback()
    return outcome


def test_a_guesser_at_one_address_is_refused_for_growing_periods(db):
    owner = make_owner(db)
    outcome = _flood(db, owner.email, ["10.0.0.9"], 20)
    assert outcome["wrong"] == 5 and outcome["refused"] == 15  # "5/minute" then refused
    with pytest.raises(RateLimited) as exc:  # even the right password, from that address
        _attempt(db, owner.email, PASSWORD, "10.0.0.9")
    assert 1 <= exc.value.params["seconds"] <= 60


def test_1000_wrong_attempts_from_one_address_do_not_stop_the_owner_elsewhere(db):
    owner = make_owner(db)
    outcome = _flood(db, owner.email, ["203.0.113.7"], 1000)
    assert outcome["refused"] >= 990
    verdict, result = _attempt(db, owner.email, PASSWORD, "198.51.100.20")
    assert verdict.delay_s == 0 and result.grant  # no wait, no refusal, a new device too


def test_a_distributed_flood_slows_new_devices_never_refuses_and_tells_the_owner(db, smtp):
    owner = make_owner(db)
    ips = [f"203.0.113.{i}" for i in range(1, 61)]
    outcome = _flood(db, owner.email, ips, 120)
    assert outcome["wrong"] == 120  # spread over many addresses, each under its own limit
    # The owner on a new device and a new address: slowed, never refused.
    verdict, result = _attempt(db, owner.email, PASSWORD, "198.51.100.20")
    assert 0 < verdict.delay_s <= 10 and result.grant
    # One e-mail to the owner about it, not one per attempt.
    mail = smtp.wait_for(owner.email, subject="tentativas")
    assert "tentativas de entrar na sua conta" in mail.text
    assert len(smtp.messages_to(owner.email)) == 1


def test_a_known_device_is_never_refused_or_slowed_by_other_peoples_attempts(db):
    owner = make_owner(db)
    grant = auth.login(db, email=owner.email, password=PASSWORD,
                       client_ip="198.51.100.20").grant
    device = auth.exchange_grant(db, grant=grant).device
    db.commit()
    # Attackers everywhere, including the owner's own (shared) address.
    _flood(db, owner.email, ["198.51.100.20"], 10)
    _flood(db, owner.email, [f"203.0.113.{i}" for i in range(1, 31)], 60)
    with pytest.raises(RateLimited):  # a new device at that shared address is refused …
        _attempt(db, owner.email, PASSWORD, "198.51.100.20")
    verdict, result = _attempt(db, owner.email, PASSWORD, "198.51.100.20", device=device)
    assert verdict.delay_s == 0 and result.grant  # … the owner's known browser is not


def test_a_stolen_device_cookie_has_its_own_small_budget(db):
    owner = make_owner(db)
    grant = auth.login(db, email=owner.email, password=PASSWORD).grant
    device = auth.exchange_grant(db, grant=grant).device
    db.commit()
    refused = 0
    for _ in range(30):
        try:
            _attempt(db, owner.email, "errada-123", "203.0.113.5", device=device)
        except RateLimited:
            refused += 1
        except FieldErrors:
            pass
        db.rollback()
    assert refused == 20  # 10 per 15 minutes for a device


def test_an_address_spraying_many_accounts_is_refused(db, unique):
    outcome = {"refused": 0}
    for i in range(60):
        try:
            _attempt(db, f"alvo{i}.{unique}@exemplo.com.br", "errada-123", "203.0.113.77")
        except RateLimited:
            outcome["refused"] += 1
        except FieldErrors:
            pass
        db.rollback()
    assert outcome["refused"] == 30  # 30 per minute per address


@pytest.fixture
def redis_limits(redis_url, monkeypatch):
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    monkeypatch.setenv("REDIS_URL", redis_url)
    reset_settings_cache()
    yield
    monkeypatch.delenv("REDIS_URL")
    reset_settings_cache()


def test_redis_limits_are_shared_and_hold_the_same_rules(db, redis_limits):
    """With Redis (several app processes), the counts live in Redis."""
    import redis

    from ylada_app.core.settings import get_settings

    owner = make_owner(db)
    outcome = _flood(db, owner.email, ["10.1.1.1"], 12)
    assert outcome == {"refused": 7, "wrong": 5}
    keys = redis.Redis.from_url(get_settings().redis_url).keys("ylada:rl*")
    assert keys, "the limiter wrote nothing to Redis"
    assert ratelimit.retry_after(get_settings().login_limit_pair, "pair", owner.email,
                                 "10.1.1.1") > 0
    verdict, result = _attempt(db, owner.email, PASSWORD, "10.2.2.2")
    assert verdict.delay_s == 0 and result.grant
