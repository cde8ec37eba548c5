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


ASAAS_TOKEN = "asaas_webhook_token_test"


@pytest.fixture(scope="session")
def fake_asaas():
    from ylada_app.testing.fake_asaas import FakeAsaas

    fake = FakeAsaas(webhook_token=ASAAS_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def asaas_env(fake_asaas, monkeypatch, database_url):
    """Asaas configured against the fake (Stripe not configured); webhooks are delivered only
    when a test sets `fake_asaas.webhook_url`."""
    fake_asaas.reset()
    fake_asaas.webhook_url = None
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    monkeypatch.setenv("ASAAS_API_KEY", "$aact_test_ylada")
    monkeypatch.setenv("ASAAS_WEBHOOK_TOKEN", ASAAS_TOKEN)
    monkeypatch.setenv("ASAAS_API_BASE", fake_asaas.api_base)
    reset_settings_cache()
    registry._asaas.cache_clear()
    entitlements.forget_limits()
    yield fake_asaas
    fake_asaas.wait_delivered()
    fake_asaas.webhook_url = None
    monkeypatch.delenv("ASAAS_API_KEY")
    reset_settings_cache()
    registry._asaas.cache_clear()
    entitlements.forget_limits()


MP_SECRET = "mp_webhook_secret_test"


@pytest.fixture(scope="session")
def fake_mercadopago():
    from ylada_app.testing.fake_mercadopago import FakeMercadoPago

    fake = FakeMercadoPago(webhook_secret=MP_SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture
def mp_env(fake_mercadopago, monkeypatch, database_url):
    """Mercado Pago configured against the fake (the other gateways not configured)."""
    fake_mercadopago.reset()
    fake_mercadopago.webhook_url = None
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    monkeypatch.delenv("ASAAS_API_KEY", raising=False)
    monkeypatch.setenv("MERCADOPAGO_ACCESS_TOKEN", "TEST-ylada")
    monkeypatch.setenv("MERCADOPAGO_WEBHOOK_SECRET", MP_SECRET)
    monkeypatch.setenv("MERCADOPAGO_API_BASE", fake_mercadopago.base_url)
    reset_settings_cache()
    registry._mercadopago.cache_clear()
    entitlements.forget_limits()
    yield fake_mercadopago
    fake_mercadopago.wait_delivered()
    fake_mercadopago.webhook_url = None
    monkeypatch.delenv("MERCADOPAGO_ACCESS_TOKEN")
    reset_settings_cache()
    registry._mercadopago.cache_clear()
    entitlements.forget_limits()
