"""Found by review and fixed; the test keeps it fixed.

Invented prices that get past the price guard (pure, no database).

Catalog: Calabresa 49,90 · Refrigerante 12,00 · taxa de entrega 7,00 (FAQ)."""

from __future__ import annotations

import pytest

from ylada_app.services.price_guard import Allowed, unvouched

KB = ["[1] Produto: Pizza Calabresa | Preço: 49,90",
      "[2] Produto: Refrigerante 2L | Preço: 12,00",
      "[3] Pergunta frequente: qual a taxa de entrega? | Resposta: A taxa de entrega é R$ 7,00"]


@pytest.fixture
def allowed():
    return Allowed.from_texts(KB, KB)


# 1. WhatsApp/markdown emphasis splits the number: the customer reads "R$ 59,90".
@pytest.mark.parametrize("answer", [
    "A calabresa custa R$ *59*,90",
    "A calabresa custa R$ **59**,90",
    "A calabresa custa R$ _59,90_",
])
def test_an_invented_price_split_by_markdown_is_blocked(allowed, answer):
    assert unvouched(answer, allowed), answer


# 2. An invented price in another currency is still an invented price.
@pytest.mark.parametrize("answer", [
    "A calabresa custa US$ 10",
    "A calabresa custa €10",
    "A calabresa custa 10 dólares",
])
def test_an_invented_price_in_a_foreign_currency_is_blocked(allowed, answer):
    assert unvouched(answer, allowed), answer


# 3. An invented *unit* price is accepted as if it were a total of catalog amounts.
@pytest.mark.parametrize(("answer", "invented"), [
    # 19,00 = refri 12 + entrega 7; 24,00 = 2 × refri — neither is the price of a borda
    ("A borda recheada custa R$ 19,00 cada.", 1900),
    ("A borda recheada custa R$ 24,00 cada.", 2400),
    # a total of three items, one of them invented (and the total made to add up)
    ("Calabresa (R$ 49,90) + borda recheada (R$ 19,00) + entrega (R$ 7,00): "
     "total R$ 75,90", 1900),
])
def test_an_invented_item_price_inside_a_total_is_blocked(allowed, answer, invented):
    assert invented in [m.cents for m in unvouched(answer, allowed)], answer


# 4. The opposite: a correct, very common order total is sent to a human.
def test_two_pizzas_two_sodas_and_delivery_is_a_true_total(allowed):
    # 2 × 49,90 + 2 × 12,00 + 7,00 = 130,80
    assert unvouched("2 calabresas + 2 refrigerantes + entrega: R$ 130,80", allowed) == []
