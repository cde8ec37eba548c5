"""Money is integer centavos everywhere; this formats it the Brazilian way (R$ 1.234,56)."""

from __future__ import annotations


def format_brl(cents: int | None) -> str:
    cents = int(cents or 0)
    sign = "-" if cents < 0 else ""
    reais, centavos = divmod(abs(cents), 100)
    return f"{sign}R$ {reais:,}".replace(",", ".") + f",{centavos:02d}"


def format_int(n: int | None, lang: str = "pt-BR") -> str:
    """1234567 → "1.234.567" (pt-BR thousands separator; "1,234,567" in English)."""
    grouped = f"{int(n or 0):,}"
    return grouped if lang == "en" else grouped.replace(",", ".")
