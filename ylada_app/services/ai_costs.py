"""What the AI assistant costs, per provider and model, in reais.

The price table is per 1 million tokens, input and output apart, in BRL: sensible defaults
here (list prices in USD at about R$ 5,50, rounded; reviewed by hand when providers change
them), which the platform admin may override on /admin (`table`, `set_prices`,
`remove_price`), kept in platform_setting "ai_prices" ({"anthropic/claude-haiku-4-5":
{"input": "5.50", "output": "27.50"}, ...}; only what differs from the defaults, and models
the defaults do not know). A model the table does not know is priced as its provider's "*"
row, and said so.

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
MAX_MODEL = 100  # characters of a model name
MAX_ROWS = 200   # prices the admin may keep apart from the defaults
PROVIDERS = ("openai", "anthropic")
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


def parse_price(raw: object) -> Decimal | None:
    """What an admin types, as Brazilians do ("R$ 1.234,50", "0,83") or with a dot ("0.83"),
    in reais per 1M tokens; None when it is not a price from 0 to MAX_PRICE."""
    text = str(raw if raw is not None else "").replace("R$", "").replace(" ", "").strip()
    if "," in text:  # the comma is the decimal mark; dots before it group thousands
        text = text.replace(".", "").replace(",", ".")
    try:
        price = Decimal(text)
    except ArithmeticError:
        return None
    if not price.is_finite() or price < 0 or price > MAX_PRICE:
        return None
    return price.quantize(Decimal("0.0001"))


def _saved(session: Session) -> dict[str, object]:
    row = session.get(PlatformSetting, PRICES_KEY)
    return dict(row.value) if row is not None and isinstance(row.value, dict) else {}


def prices(session: Session) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """The table: the defaults, with what the platform admin saved on top."""
    out = dict(DEFAULT_PRICES)
    for name, value in _saved(session).items():
        provider, _, model = str(name).partition("/")
        with contextlib.suppress(ArithmeticError, TypeError, ValueError, AttributeError):
            out[(provider, model)] = (Decimal(str(value["input"])),
                                      Decimal(str(value["output"])))
    return out


@dataclass
class PriceRow:
    provider: str
    model: str  # "*": the provider's other models
    price_in: Decimal
    price_out: Decimal
    saved: bool    # the admin's price, not the default one
    custom: bool   # a model the defaults do not know (removing it removes the row)


def table(session: Session) -> list[PriceRow]:
    """The rows the admin edits: providers in order, each one's "*" row last."""
    saved = _saved(session)
    rows = [PriceRow(provider, model, p_in, p_out, saved=_name(provider, model) in saved,
                     custom=(provider, model) not in DEFAULT_PRICES)
            for (provider, model), (p_in, p_out) in prices(session).items()]
    rows.sort(key=lambda r: (PROVIDERS.index(r.provider) if r.provider in PROVIDERS else 99,
                             r.model == "*", r.model))
    return rows


def _model_error(model: str) -> str | None:
    if not model:
        return "ai_costs.model_required"
    if len(model) > MAX_MODEL or any(c.isspace() or not c.isprintable() for c in model):
        return "ai_costs.bad_model"
    return None


def set_prices(session: Session, values: dict[str, dict[str, object]], *,
               new: dict[str, object] | None = None) -> None:
    """Platform admin only (the caller checks). `values` is the whole table as the admin
    sees it, {"provider/model": {"input", "output"}}; `new` an added row {"provider",
    "model", "input", "output"}. Prices as `parse_price` reads them. Rows equal to the
    defaults are not kept, so a later revision of the defaults reaches them; a row left out
    goes back to its default (or away, for a model the defaults do not know).

    Errors are per field: "input:<provider/model>", "output:<provider/model>", and
    "new_provider", "new_model", "new_input", "new_output" for the added row."""
    clean: dict[str, dict[str, str]] = {}
    errors: dict[str, str] = {}
    for name, value in values.items():
        name = str(name)
        provider, _, model = name.partition("/")
        if provider not in PROVIDERS or _model_error(model):
            errors[f"input:{name[:120]}"] = "ai_costs.bad_model"
            continue
        pair = []
        for field in ("input", "output"):
            price = parse_price((value or {}).get(field) if isinstance(value, dict) else None)
            if price is None:
                errors[f"{field}:{name}"] = "ai_costs.bad_price"
            pair.append(price)
        if None not in pair and DEFAULT_PRICES.get((provider, model)) != tuple(pair):
            clean[name] = {"input": str(pair[0]), "output": str(pair[1])}
    if new is not None:
        provider = str(new.get("provider") or "").strip()
        model = str(new.get("model") or "").strip()
        if provider not in PROVIDERS:
            errors["new_provider"] = "ai_costs.bad_provider"
        model_error = _model_error(model)
        if model_error:
            errors["new_model"] = model_error
        elif provider in PROVIDERS and (_name(provider, model) in values
                                        or (provider, model) in DEFAULT_PRICES):
            errors["new_model"] = "ai_costs.model_exists"
        pair = []
        for field in ("input", "output"):
            price = parse_price(new.get(field))
            if price is None:
                errors[f"new_{field}"] = "ai_costs.bad_price"
            pair.append(price)
        if not errors:
            clean[_name(provider, model)] = {"input": str(pair[0]), "output": str(pair[1])}
    if len(clean) > MAX_ROWS:
        errors.setdefault("new_model", "ai_costs.too_many")
    if errors:
        raise FieldErrors(errors, {k: {"max": f"{MAX_PRICE:,}".replace(",", "."),
                                       "count": MAX_ROWS} for k in errors})
    row = session.get(PlatformSetting, PRICES_KEY) or PlatformSetting(key=PRICES_KEY)
    row.value, row.updated_at = clean, utcnow()
    session.add(row)
    session.flush()


def remove_price(session: Session, *, provider: str, model: str) -> bool:
    """Platform admin only (the caller checks): the admin's price goes, the default (or,
    for a model the defaults do not know, nothing) applies again. False: nothing saved."""
    saved = _saved(session)
    if saved.pop(_name(str(provider), str(model)), None) is None:
        return False
    row = session.get(PlatformSetting, PRICES_KEY)
    row.value, row.updated_at = saved, utcnow()
    session.add(row)
    session.flush()
    return True


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
