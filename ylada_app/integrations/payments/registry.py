"""Which payment gateway this installation uses (from settings)."""

from __future__ import annotations

from functools import lru_cache

from ylada_app.core.settings import get_settings
from ylada_app.integrations.payments.base import PaymentGateway


class GatewayNotConfigured(RuntimeError):
    pass


@lru_cache(maxsize=4)
def _stripe(secret: str, webhook_secret: str, api_base: str) -> PaymentGateway:
    from ylada_app.integrations.payments.stripe_gateway import StripeGateway

    return StripeGateway(secret_key=secret, webhook_secret=webhook_secret, api_base=api_base)


def gateway(name: str = "stripe") -> PaymentGateway:
    settings = get_settings()
    if name == "stripe":
        if not settings.stripe_secret_key:
            raise GatewayNotConfigured("STRIPE_SECRET_KEY is not set")
        return _stripe(settings.stripe_secret_key, settings.stripe_webhook_secret,
                       settings.stripe_api_base)
    raise GatewayNotConfigured(f"unknown gateway {name!r}")


def configured() -> bool:
    return bool(get_settings().stripe_secret_key)
