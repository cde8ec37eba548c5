"""Which payment gateways the platform offers at checkout, and the ways to pay they bring.

The platform admin enables gateways and picks the default (a `platform_setting` row); a
gateway is offered only when it is also configured (its keys are set). Until the admin saves
a choice, every configured gateway is offered and Stripe is the default when present.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from ylada_app.integrations.payments import registry
from ylada_app.integrations.payments.base import PaymentMethod
from ylada_app.models import PlatformSetting, utcnow
from ylada_app.services.errors import FieldErrors

SETTING_KEY = "payment_gateways"


@dataclass(frozen=True)
class PayOption:
    """One way to pay at checkout: a key the page posts back, its gateway and method."""

    key: str
    gateway: str
    method: PaymentMethod


# In the order the page lists them (Brazilian customers mostly pay by Pix or boleto).
OPTIONS = (
    PayOption("pix", "asaas", PaymentMethod.PIX),
    PayOption("boleto", "asaas", PaymentMethod.BOLETO),
    PayOption("card", "stripe", PaymentMethod.CARD),
    PayOption("card_asaas", "asaas", PaymentMethod.CARD),
    PayOption("mercadopago", "mercadopago", PaymentMethod.CARD),
)


@dataclass(frozen=True)
class GatewayConfig:
    enabled: tuple[str, ...]  # saved choice (may name a gateway whose keys are missing)
    default: str
    configured: tuple[str, ...]

    @property
    def offered(self) -> tuple[str, ...]:
        return tuple(n for n in self.enabled if n in self.configured)


def config(session: Session) -> GatewayConfig:
    configured = tuple(n for n in registry.NAMES if registry.configured(n))
    row = session.get(PlatformSetting, SETTING_KEY)
    saved = row.value if row is not None and isinstance(row.value, dict) else None
    if saved is None:
        enabled = configured
        default = "stripe" if "stripe" in configured else (configured[0] if configured else "")
    else:
        raw = saved.get("enabled")
        enabled = tuple(n for n in registry.NAMES if isinstance(raw, list) and n in raw)
        default = saved.get("default") if saved.get("default") in enabled else \
            (enabled[0] if enabled else "")
    return GatewayConfig(enabled, str(default or ""), configured)


def set_config(session: Session, *, enabled: list[str], default: str) -> GatewayConfig:
    """Platform admin only (the caller checks). The default must be one of the enabled."""
    clean = [n for n in registry.NAMES if n in enabled]
    if default not in clean:
        raise FieldErrors({"default": "admin.gateways.error_default"})
    row = session.get(PlatformSetting, SETTING_KEY) or PlatformSetting(key=SETTING_KEY)
    row.value, row.updated_at = {"enabled": clean, "default": default}, utcnow()
    session.add(row)
    session.flush()
    return config(session)


def options(session: Session) -> list[PayOption]:
    """The ways to pay offered now, the default gateway's first."""
    cfg = config(session)
    offered = [o for o in OPTIONS if o.gateway in cfg.offered]
    # One card option, never two alike on the page: when Stripe and Asaas both take cards,
    # the admin's default gateway takes them (Stripe unless Asaas is the default).
    keys = {o.key for o in offered}
    if {"card", "card_asaas"} <= keys:
        drop = "card" if cfg.default == "asaas" else "card_asaas"
        offered = [o for o in offered if o.key != drop]
    return sorted(offered, key=lambda o: o.gateway != cfg.default)


def option(session: Session, key: str | None) -> PayOption:
    for opt in options(session):
        if opt.key == key:
            return opt
    raise FieldErrors({"method": "billing.error.method"})
