"""Which payment gateways this installation can use (from settings): Stripe, Asaas and
Mercado Pago."""

from __future__ import annotations

from functools import lru_cache

from ylada_app.core.settings import get_settings
from ylada_app.integrations.payments.base import PaymentGateway

NAMES = ("stripe", "asaas", "mercadopago")


class GatewayNotConfigured(RuntimeError):
    pass


@lru_cache(maxsize=4)
def _stripe(secret: str, webhook_secret: str, api_base: str) -> PaymentGateway:
    from ylada_app.integrations.payments.stripe_gateway import StripeGateway

    return StripeGateway(secret_key=secret, webhook_secret=webhook_secret, api_base=api_base)


@lru_cache(maxsize=4)
def _asaas(api_key: str, webhook_token: str, api_base: str):
    from ylada_app.integrations.payments.asaas_gateway import AsaasGateway

    return AsaasGateway(api_key=api_key, webhook_token=webhook_token, api_base=api_base)


@lru_cache(maxsize=4)
def _mercadopago(token: str, webhook_secret: str, api_base: str):
    from ylada_app.integrations.payments.mercadopago_gateway import MercadoPagoGateway

    return MercadoPagoGateway(access_token=token, webhook_secret=webhook_secret,
                              api_base=api_base)


def gateway(name: str = "stripe"):
    settings = get_settings()
    if name == "stripe":
        if not settings.stripe_secret_key:
            raise GatewayNotConfigured("STRIPE_SECRET_KEY is not set")
        return _stripe(settings.stripe_secret_key, settings.stripe_webhook_secret,
                       settings.stripe_api_base)
    if name == "asaas":
        if not settings.asaas_api_key:
            raise GatewayNotConfigured("ASAAS_API_KEY is not set")
        return _asaas(settings.asaas_api_key, settings.asaas_webhook_token,
                      settings.asaas_api_base)
    if name == "mercadopago":
        if not settings.mercadopago_access_token:
            raise GatewayNotConfigured("MERCADOPAGO_ACCESS_TOKEN is not set")
        return _mercadopago(settings.mercadopago_access_token,
                            settings.mercadopago_webhook_secret,
                            settings.mercadopago_api_base)
    raise GatewayNotConfigured(f"unknown gateway {name!r}")


def configured(name: str | None = None) -> bool:
    """Whether `name` (or any gateway, without a name) has its credentials set."""
    settings = get_settings()
    keys = {"stripe": settings.stripe_secret_key, "asaas": settings.asaas_api_key,
            "mercadopago": settings.mercadopago_access_token}
    return bool(keys.get(name)) if name else any(keys.values())
