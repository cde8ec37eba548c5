"""What the AI assistant costs, per provider and model, in reais.

The price table is per 1 million tokens, input and output apart, in BRL: sensible defaults
here (list prices in USD at about R$ 5,50, rounded; reviewed by hand when providers change
them), which the platform admin may override in platform_setting "ai_prices"
({"anthropic/claude-haiku-4-5": {"input": "5.50", "output": "27.50"}, ...}). A model the
table does not know is priced as its provider's "*" row, and said so.

`month_costs` reads the month's AiLog rows of one business (tokens in / out by provider and
model; rows from before the split count all their tokens as input).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from ylada_app.models import AiLog, PlatformSetting, utcnow
from ylada_app.services.errors import FieldErrors

PRICES_KEY = "ai_prices"
MILLION = Decimal(1_000_000)
MAX_PRICE = Decimal(10_000)
# (provider, model) → (input, output) in R$ per 1M tokens.
DEFAULT_PRICES: dict[tuple[str, str], tuple[Decimal, Decimal]] = {
    ("openai", "gpt-4o-mini"): (Decimal("0.83"), Decimal("3.30")),
    ("openai", "gpt-4.1-mini"): (Decimal("2.20"), Decimal("8.80")),
    ("openai", "gpt-4.1-nano"): (Decimal("0.55"), Decimal("2.20")),
    ("openai", "gpt-4o"): (Decimal("13.75"), Decimal("55.00")),
    ("openai", "*"): (Decimal("0.83"), Decimal("3.30")),
    ("anthropic", "claude-haiku-4-5"): (Decimal("5.50"), Decimal("27.50")),
    ("anthropic", "claude-sonnet-4-5"): (Decimal("16.50"), Decimal("82.50")),
    ("anthropic", "claude-opus-4-1"): (Decimal("82.50"), Decimal("412.50")),
    ("anthropic", "*"): (Decimal("5.50"), Decimal("27.50")),
}


def _name(provider: str, model: str) -> str:
    return f"{provider}/{model}"


def prices(session: Session) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """The table: the defaults, with what the platform admin saved on top."""
    out = dict(DEFAULT_PRICES)
    row = session.get(PlatformSetting, PRICES_KEY)
    saved = row.value if row is not None and isinstance(row.value, dict) else {}
    for name, value in saved.items():
        provider, _, model = str(name).partition("/")
        with contextlib.suppress(ArithmeticError, TypeError, ValueError, AttributeError):
            out[(provider, model)] = (Decimal(str(value["input"])),
                                      Decimal(str(value["output"])))
    return out


def set_prices(session: Session, values: dict[str, dict[str, object]]) -> None:
    """Platform admin only (the caller checks): {"provider/model": {"input", "output"}},
    "0,83" or "0.83" reais per 1M tokens."""
    clean: dict[str, dict[str, str]] = {}
    errors: dict[str, str] = {}
    for name, value in values.items():
        provider, _, model = str(name).partition("/")
        try:
            pair = [Decimal(str((value or {}).get(k, "")).replace("R$", "").replace(",", ".")
                            .strip()) for k in ("input", "output")]
        except (ArithmeticError, AttributeError):
            pair = [Decimal(-1)]
        if provider not in ("openai", "anthropic") or not model or any(
                not p.is_finite() or p < 0 or p > MAX_PRICE for p in pair):
            errors[str(name)[:60]] = "ai_costs.bad_price"
        else:
            clean[_name(provider, model[:100])] = {"input": str(pair[0]),
                                                   "output": str(pair[1])}
    if errors:
        raise FieldErrors(errors)
    row = session.get(PlatformSetting, PRICES_KEY) or PlatformSetting(key=PRICES_KEY)
    row.value, row.updated_at = clean, utcnow()
    session.add(row)
    session.flush()


@dataclass
class CostLine:
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    cost_brl: Decimal
    price_in: Decimal   # R$ per 1M tokens
    price_out: Decimal
    default_price: bool  # the model is not in the table: its provider's "*" row


def _month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def month_costs(session: Session, *, tenant_id: int,
                now: datetime | None = None) -> list[CostLine]:
    """This month's tokens and cost by provider and model, the dearest first."""
    now = now or utcnow()
    start = _month_start(now)
    end = (start.replace(year=start.year + 1, month=1) if start.month == 12
           else start.replace(month=start.month + 1))
    rows = session.exec(select(
        AiLog.provider, AiLog.model, func.sum(AiLog.prompt_tokens),
        func.sum(AiLog.completion_tokens), func.sum(AiLog.tokens))
        .where(AiLog.tenant_id == tenant_id, AiLog.created_at >= start,
               AiLog.created_at < end, AiLog.tokens > 0)
        .group_by(AiLog.provider, AiLog.model)).all()
    table = prices(session)
    merged: dict[tuple[str, str], list[int]] = {}
    for provider, model, p_in, p_out, total in rows:
        provider = provider or "openai"
        model = model or "*"
        p_in, p_out, total = int(p_in or 0), int(p_out or 0), int(total or 0)
        if p_in + p_out < total:  # rows from before the split: all as input
            p_in = total - p_out
        acc = merged.setdefault((provider, model), [0, 0])
        acc[0] += p_in
        acc[1] += p_out
    out = []
    for (provider, model), (p_in, p_out) in merged.items():
        known = (provider, model) in table
        price_in, price_out = table.get((provider, model)) or table.get(
            (provider, "*"), (Decimal(0), Decimal(0)))
        cost = (Decimal(p_in) * price_in + Decimal(p_out) * price_out) / MILLION
        out.append(CostLine(provider, model, p_in, p_out, cost, price_in, price_out,
                            default_price=not known))
    out.sort(key=lambda c: (-c.cost_brl, c.provider, c.model))
    return out


def format_cost(value: Decimal) -> str:
    """R$ with pt-BR separators; under a centavo it says so instead of "R$ 0,00"."""
    if value <= 0:
        return "R$ 0,00"
    if value < Decimal("0.01"):
        return "< R$ 0,01"
    cents = int((value * 100).quantize(Decimal(1)))
    reais, centavos = divmod(cents, 100)
    return f"R$ {reais:,}".replace(",", ".") + f",{centavos:02d}"
