"""Billing fixtures: the fake Stripe server (the real `stripe` library talks to it) and the
API served over HTTP so the fake can deliver signed webhooks to it."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
import uvicorn

from ylada_app.core.settings import reset_settings_cache
from ylada_app.integrations.payments import registry
from ylada_app.services import entitlements
from ylada_app.testing.fake_stripe import FakeStripe

WHSEC = "whsec_test_ylada_billing"


@pytest.fixture(scope="session")
def fake_stripe():
    fake = FakeStripe(webhook_secret=WHSEC).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def api_url(database_url):
    from ylada_app.api import app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            httpx.get(base + "/healthz", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def stripe_env(fake_stripe, monkeypatch, database_url):
    """Stripe configured against the fake; webhooks are NOT auto-delivered unless a test
    sets `fake_stripe.webhook_url`."""
    fake_stripe.reset()
    fake_stripe.webhook_url = None
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_ylada")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", WHSEC)
    monkeypatch.setenv("STRIPE_API_BASE", fake_stripe.base_url)
    reset_settings_cache()
    registry._stripe.cache_clear()
    entitlements.forget_limits()
    yield fake_stripe
    fake_stripe.webhook_url = None
    monkeypatch.delenv("STRIPE_SECRET_KEY")
    reset_settings_cache()
    registry._stripe.cache_clear()
    entitlements.forget_limits()
