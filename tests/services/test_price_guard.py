"""The price guard reads money the way Brazilians write it (table tests of spellings), tells
money from quantities, times, dates, phones and ids, and vouches only for amounts of the
business and totals of them; property tests over generated spellings of allowed and
invented amounts."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ylada_app.services.price_guard import (
    Allowed,
    Mention,
    declared_percentages,
    mentions,
    reason,
    unvouched,
    words_value,
)


def cents(text: str) -> list[int]:
    return [m.cents for m in mentions(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("R$ 59,90", [5990]),
    ("R$59,90", [5990]),
    ("r$ 59,90", [5990]),
    ("R$\u00a059,90", [5990]),
    ("59,90", [5990]),
    ("59.90", [5990]),
    ("R$ 59.90", [5990]),
    ("R$ 59,9", [5990]),
    ("R$ 5", [500]),
    ("59 reais", [5900]),
    ("fica 55 reais", [5500]),
    ("sai por 55,00", [5500]),
    ("R$ 1.234,56", [123456]),
    ("1.234,56", [123456]),
    ("1234,56", [123456]),
    ("R$ 1,234.56", [123456]),
    ("R$ 1.234", [123400]),
    ("mil reais", [100000]),
    ("dois mil reais", [200000]),
    ("dois mil e quinhentos reais", [250000]),
    ("cinquenta e cinco reais", [5500]),
    ("um real", [100]),
    ("R$ 1 mil", [100000]),
    ("R$ 1,5 mil", [150000]),
    ("2 mil reais", [200000]),
    ("1,5 mil reais", [150000]),
    ("55 conto", [5500]),
    ("uns 55 contos", [5500]),
    ("30 pila", [3000]),
    ("90 centavos", [90]),
    ("59 reais e 90 centavos", [5990]),
    ("cinquenta e nove reais e noventa centavos", [5990]),
    ("custa 55", [5500]),
    ("custa 55 cada", [5500]),
    ("paga 50 no pix", [5000]),
    ("Preço: 45 | SKU: PZ-1", [4500]),
    ("total: 110", [11000]),
    ("Total:59,90", [5990]),
    ("R$ 0,00", [0]),
    ("de R$ 10 a R$ 20", [1000, 2000]),
    ("R$ 49,90.", [4990]),
    ("a grande sai 59,90 e a média 49,90", [5990, 4990]),
])
def test_money_as_brazilians_write_it(text, expected):
    assert cents(text) == expected


@pytest.mark.parametrize("text", [
    "2 pizzas", "quero 3 refrigerantes", "8 fatias", "1,5 kg", "2,5 litros", "150g",
    "abrimos às 18h", "das 18:00 às 23:30", "das 18h às 23h30", "entrega em 40-60 minutos",
    "(11) 98765-4321", "11 3456-7890", "+55 11 91234-5678", "CEP 01310-100",
    "dia 12/05", "12/05/2024", "dia 12.05", "12.05.2024",
    "10%", "10 %", "10 por cento", "5,5% de desconto",
    "pedido #12345", "pedido 4521", "protocolo 2024,11", "mesa 12",
    "custa 3 pizzas", "por 2 dias", "tamanho 35 cm", "nota 4,5", "v2.10", "3x sem juros",
    "tela de 6,67 polegadas", "[1] Produto: Pizza 4 queijos",
])
def test_numbers_that_are_not_money_do_not_count(text):
    assert mentions(text) == []


def test_installments_are_read_with_their_count():
    [m] = mentions("ou 3x de R$ 19,97 sem juros")
    assert (m.cents, m.installments) == (1997, 3)


def test_words_value():
    assert words_value("cento e vinte e três") == 123
    assert words_value("mil") == 1000
    assert words_value("pizza") is None


CATALOG = [
    "[1] Produto: Pizza Calabresa Grande | Preço: 59,90 | SKU: PZ-1",
    "[2] Produto: Pizza Margherita Grande | Preço: 49,90 | SKU: PZ-2",
    "[3] Produto: Coca-Cola 2 litros | Preço: 12,00 | SKU: BB-1",
]
POLICIES = "Políticas: taxa de entrega R$ 7,00. Pagando no Pix você ganha 10% de desconto."


@pytest.fixture
def allowed():
    return Allowed.from_texts([*CATALOG, POLICIES], [POLICIES])


@pytest.mark.parametrize("answer", [
    "A calabresa sai por 55,00.",
    "Fica 55 reais.",
    "A calabresa está R$ 55,00!",
    "Hoje sai por R$55",
    "Essa fica cinquenta e cinco reais",
    "sai por 55 conto",
    "A calabresa custa 59,90 e a entrega R$ 8,00",  # the fee is 7,00
    "No Pix fica R$ 50,00",                          # 10% off would be 53,91
])
def test_invented_amounts_are_blocked(allowed, answer):
    assert unvouched(answer, allowed), answer


@pytest.mark.parametrize("answer", [
    "A calabresa sai por R$ 59.90.",                 # a dot instead of the comma
    "A calabresa sai por 59,90 reais",
    "Duas calabresas ficam R$ 119,80.",              # 2 × 59,90
    "Calabresa + margherita: R$ 109,80",             # item + item
    "Com a entrega fica R$ 66,90.",                  # item + delivery fee
    "2 calabresas + 1 coca + entrega = R$ 138,80",   # 2 × 59,90 + 12,00 + 7,00
    "No Pix a calabresa sai por R$ 53,91.",          # 10% off, declared
    "Você economiza R$ 5,99 pagando no Pix.",        # the 10% itself
    "Ou em 3x de R$ 19,97.",                         # installments of 59,90
    "A entrega é grátis acima de R$ 0,00",
    "A pizza tem 8 fatias e chega em 40 minutos. Pedido #4521.",
])
def test_true_amounts_and_totals_of_them_pass(allowed, answer):
    assert unvouched(answer, allowed) == []


def test_an_undeclared_discount_is_not_applied():
    plain = Allowed.from_texts(CATALOG, CATALOG)
    assert unvouched("No Pix sai por R$ 53,91", plain)
    # "100% algodão" declares nothing; a percentage next to a discount word does
    assert declared_percentages("Camiseta 100% algodão. 15% off no Pix")[0] == {15}


def test_the_reason_names_the_amounts_in_pt_br(allowed):
    assert reason(unvouched("sai por 55,00", allowed)) == \
        "Resposta bloqueada: valor R$ 55,00 não está no catálogo."
    assert reason(unvouched("R$ 55,00 ou R$ 1.001,00", allowed)) == \
        "Resposta bloqueada: valores R$ 55,00 e R$ 1.001,00 não estão no catálogo."


def test_the_combination_search_stays_fast_on_a_big_prompt():
    texts = [f"[{i}] Produto: Item {i} | Preço: {1000 + 37 * i},{i % 100:02d}"
             for i in range(200)]
    allowed = Allowed.from_texts(texts, ["10% de desconto no Pix. 5% de juros no cartão."])
    started = time.perf_counter()
    blocked = unvouched("Fica R$ 12.345,67, ou 3x de R$ 4.115,23, e R$ 98.765,43", allowed)
    assert len(blocked) == 3
    assert time.perf_counter() - started < 0.5


# --- properties over generated spellings -----------------------------------------------------

def _thousands(reais: int, sep: str) -> str:
    return f"{reais:,}".replace(",", sep)


def spellings(value: int) -> list[str]:
    """Ways to write `value` centavos that must read back as exactly that amount."""
    reais, cents_part = divmod(value, 100)
    pt = f"{_thousands(reais, '.')},{cents_part:02d}"
    out = [f"R$ {pt}", f"R${pt}", pt, f"{reais},{cents_part:02d}", f"{pt} reais",
           f"R$ {reais}.{cents_part:02d}" if reais < 1000 else f"R$ {pt}"]
    if cents_part == 0:
        out += [f"{reais} reais", f"R$ {reais}", f"{reais} conto", f"custa {reais}"]
        if reais % 1000 == 0 and reais:
            out += [f"R$ {reais // 1000} mil", f"{reais // 1000} mil reais"]
    else:
        out.append(f"{reais} reais e {cents_part} centavos")
    return out


CONTEXTS = ["A pizza sai por {}.", "Fica {} no total!", "{}", "Olá! O valor é {} 🙂",
            "Temos sim: {}, entregamos hoje.", "Hoje está {}\nQuer pedir?"]
TOTALS = ["{q} pizzas saem por {v}.", "Total do pedido: {v}", "Levando {q}, fica {v} 🙂",
          "{q} x Item = {v}", "São {q} itens: {v} no total"]
amount = st.integers(min_value=1, max_value=9_999_999)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(amount, st.data())
def test_every_spelling_reads_back_as_its_amount(value, data):
    spelling = data.draw(st.sampled_from(spellings(value)))
    context = data.draw(st.sampled_from(CONTEXTS))
    assert cents(context.format(spelling)) == [value], context.format(spelling)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(amount, min_size=1, max_size=6, unique=True), st.data())
def test_catalog_amounts_pass_in_any_spelling(catalog, data):
    texts = [f"[{i}] Produto: Item {i} | Preço: {spellings(v)[2]}" for i, v in
             enumerate(catalog, 1)]
    allowed = Allowed.from_texts(texts, texts)
    value = data.draw(st.sampled_from(catalog))
    quantity = data.draw(st.integers(min_value=1, max_value=10))
    spelling = data.draw(st.sampled_from(spellings(value * quantity)))
    if quantity == 1:  # a price as it stands, in any sentence
        answer = data.draw(st.sampled_from(CONTEXTS)).format(spelling)
    else:  # a multiple only where the sentence presents a total
        answer = data.draw(st.sampled_from(TOTALS)).format(q=quantity, v=spelling)
    assert unvouched(answer, allowed) == [], answer


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.integers(min_value=500, max_value=99_999), min_size=1, max_size=4,
                unique=True), st.integers(min_value=1, max_value=99_999_999), st.data())
def test_an_amount_no_total_reaches_is_blocked_in_any_spelling(catalog, invented, data):
    texts = [f"Produto {i} | Preço: {spellings(v)[2]}" for i, v in enumerate(catalog, 1)]
    allowed = Allowed.from_texts(texts, texts)
    if allowed.vouches(Mention(invented, 0, 0, "", composite=True)):
        return  # the generated value happens to be a true total (k × a + b + c)
    spelling = data.draw(st.sampled_from(spellings(invented)))
    answer = data.draw(st.sampled_from(CONTEXTS)).format(spelling)
    assert [m.cents for m in unvouched(answer, allowed)] == [invented], answer


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["{} pizzas", "{} fatias", "às {}h", "{}/05", "pedido #{}",
                        "(11) 9{}-0000", "{}%", "CEP 0{}-100", "{} kg", "mesa {}"]),
       st.integers(min_value=1, max_value=9999))
def test_quantities_times_dates_and_ids_are_never_money(template, n):
    assert mentions(template.format(n)) == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789.,/:-%$R reaismilcentavoxdéuã#()\n")),
               max_size=80))
def test_any_text_is_read_without_error(text):
    found = mentions(text)
    assert all(m.cents >= 0 and 0 <= m.start < m.end <= len(text) for m in found)
    unvouched(text, Allowed.from_texts([text]))


def test_a_stored_reason_gives_back_the_amounts_it_names():
    from ylada_app.services.price_guard import Mention, blocked_values, reason

    one = [Mention(5500, 0, 8, "R$ 55,00")]
    two = one + [Mention(1200, 10, 18, "R$ 12,00")]
    assert blocked_values(reason(one)) == one[0].display
    assert blocked_values(reason(two)) == f"{one[0].display} e {two[1].display}"
    assert blocked_values("A IA não soube responder a esta pergunta.") is None
