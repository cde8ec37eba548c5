"""Question answer validators."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ylada_app.engine.validators import parse_number, retry_text, validate_answer


def ok(kind, raw, choices=()):
    answer = validate_answer(kind, raw, choices)
    assert answer.ok, (kind, raw)
    return answer.value


def bad(kind, raw, choices=()):
    assert not validate_answer(kind, raw, choices).ok, (kind, raw)


def test_text():
    assert ok("text", "  Maria  ") == "Maria"
    assert ok("text", "x" * 2000) == "x" * 1024
    for raw in ("", "   ", None):
        bad("text", raw)


@pytest.mark.parametrize(("raw", "value"), [
    ("42", 42), ("-3", -3), ("2,5", 2.5), ("1234.56", 1234.56), ("1.234,56", 1234.56),
    ("1,234.56", 1234.56), ("1.500", 1500), ("10.000.000", 10_000_000), ("R$ 19,90", 19.9),
    ("+7", 7), ("0", 0),
])
def test_number(raw, value):
    assert ok("number", raw) == value


@pytest.mark.parametrize("raw", ["abc", "1..2", "1,2,3.4.5", "12.34.5", "1e9", "nan", "inf",
                                 "", "1 2 x", "--1", "1.2345.678"])
def test_number_invalid(raw):
    bad("number", raw)


def test_parse_number_of_stored_values():
    assert parse_number(3) == 3
    assert parse_number(2.5) == 2.5
    assert parse_number(True) is None
    assert parse_number(float("nan")) is None
    assert parse_number(None) is None


@pytest.mark.parametrize(("raw", "value"), [
    ("maria@email.com", "maria@email.com"),
    ("  Maria.Silva+loja@Exemplo.COM.br ", "maria.silva+loja@exemplo.com.br"),
])
def test_email(raw, value):
    assert ok("email", raw) == value


@pytest.mark.parametrize("raw", ["maria", "maria@", "@x.com", "a@b", "a..b@x.com",
                                 "a b@x.com", "a@x.c", "x" * 65 + "@x.com", "a@-x.com"])
def test_email_invalid(raw):
    bad("email", raw)


@pytest.mark.parametrize(("raw", "value"), [
    ("(11) 98765-4321", "+5511987654321"),
    ("11987654321", "+5511987654321"),
    ("+55 11 98765-4321", "+5511987654321"),
    ("5511987654321", "+5511987654321"),
    ("+55 (21) 3456-7890", "+552134567890"),
    ("2134567890", "+552134567890"),
    ("011 98765 4321", "+5511987654321"),
    ("55 81 9876.5432", "+558198765432"),
])
def test_phone(raw, value):
    assert ok("phone", raw) == value


@pytest.mark.parametrize("raw", ["12345", "+1 415 555 1234", "(11) 88765-4321",
                                 "(00) 98765-4321", "abc", "11 98765-4321 ramal 2",
                                 "551198765432100", "(10) 3456-7890"])
def test_phone_invalid(raw):
    bad("phone", raw)


@pytest.mark.parametrize(("raw", "value"), [
    ("25/12/2024", "2024-12-25"), ("1/2/2024", "2024-02-01"), ("25-12-2024", "2024-12-25"),
    ("25.12.2024", "2024-12-25"), ("2024-12-25", "2024-12-25"), ("29/02/2024", "2024-02-29"),
])
def test_date(raw, value):
    assert ok("date", raw) == value


@pytest.mark.parametrize("raw", ["31/02/2024", "29/02/2023", "25/13/2024", "12/25/24",
                                 "amanhã", "2024/12/25", "01/01/1800"])
def test_date_invalid(raw):
    bad("date", raw)


def test_choice():
    choices = ["Sim", "Não", "Talvez depois"]
    assert ok("choice", "sim", choices) == "Sim"
    assert ok("choice", "NAO!", choices) == "Não"
    assert ok("choice", " talvez   DEPOIS ", choices) == "Talvez depois"
    assert ok("choice", "2", choices) == "Não"
    bad("choice", "4", choices)
    bad("choice", "nunca", choices)
    bad("choice", "", choices)


def test_unknown_validator_rejects():
    bad("cpf", "123")


def test_default_retry_texts_are_portuguese():
    assert "e-mail" in retry_text("email")
    assert "Sim, Não" in retry_text("choice", ["Sim", "Não"])
    assert retry_text("whatever")


_FULL_DATE = re.compile(r"\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2}")
# Thursday 2026-12-03, the business's local date
_TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(("raw", "value"), [
    ("hoje", "2026-12-03"), ("amanhã", "2026-12-04"), ("Amanha", "2026-12-04"),
    ("pode ser amanhã às 14h?", "2026-12-04"), ("depois de amanhã", "2026-12-05"),
    ("sexta", "2026-12-04"), ("sexta-feira", "2026-12-04"), ("sábado", "2026-12-05"),
    ("sabado que vem", "2026-12-05"), ("na segunda", "2026-12-07"),
    ("quinta", "2026-12-10"),  # said on a Thursday: next week's ("hoje" is today)
    ("dia 15", "2026-12-15"), ("dia 2", "2027-01-02"), ("15/12", "2026-12-15"),
    ("02/01", "2027-01-02"), ("15/12/26", "2026-12-15"), ("25/12/2026", "2026-12-25"),
    ("20 de dezembro", "2026-12-20"), ("10 de janeiro", "2027-01-10"),
    ("5 de fev de 2027", "2027-02-05"), ("amanhã, dia 4", "2026-12-04"),
    ("1º de março", "2027-03-01"), ("dia 1° de abril", "2027-04-01"),
])
def test_date_said_in_a_chat(raw, value):
    assert validate_answer("date", raw, today=_TODAY).value == value


@pytest.mark.parametrize("raw", ["sexta ou sábado", "amanhã ou depois", "dia 15 ou 16",
                                 "31/02", "não sei", "semana que vem", "30 de fevereiro",
                                 "", "dia 45"])
def test_date_said_in_a_chat_that_names_no_one_day(raw):
    assert not validate_answer("date", raw, today=_TODAY).ok


def test_relative_dates_need_the_business_date():
    assert not validate_answer("date", "amanhã").ok  # the engine reads no clock of its own


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 1)))
def test_a_date_answer_never_raises_and_is_never_in_the_past(raw, today):
    answer = validate_answer("date", raw, today=today)
    if answer.ok and not _FULL_DATE.search(raw):
        # a relative or yearless date is the next such day, never one already gone
        assert date.fromisoformat(answer.value) >= today
