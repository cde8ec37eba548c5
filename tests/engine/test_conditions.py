"""Condition rules: every operator, AND/OR, and regex safety."""

from __future__ import annotations

import time

import pytest

from ylada_app.engine.conditions import evaluate, evaluate_rule, regex_problem
from ylada_app.engine.schema import Rule

CONTACT = {"name": "João da Silva", "wa_id": "5511987654321", "tags": ["VIP", "cliente"],
           "fields": {"cidade": "São Paulo"}}
VARS = {"idade": "30", "total": 99.5, "vazio": "", "nada": None, "data": "2024-05-10",
        "cpf": "123.456.789-09", "nome": "Maria"}


def check(left, op, right=None):
    return evaluate_rule(Rule(left=left, op=op, right=right), CONTACT, VARS)


@pytest.mark.parametrize(("left", "op", "right", "expected"), [
    ("vars.idade", "equals", "30", True),
    ("vars.idade", "equals", 30, True),
    ("vars.idade", "equals", "30.0", True),
    ("contact.name", "equals", "joao da silva", True),
    ("contact.fields.cidade", "equals", "sao paulo", True),
    ("contact.wa_id", "equals", "5511987654321", True),
    ("vars.nome", "equals", "Ana", False),
    ("vars.ausente", "equals", "", False),
    ("vars.nome", "not_equals", "Ana", True),
    ("vars.nome", "not_equals", "maria", False),
    ("vars.ausente", "not_equals", "x", True),
    ("contact.name", "contains", "SILVA", True),
    ("contact.name", "contains", "souza", False),
    ("tags", "contains", "vip", True),
    ("tags", "contains", "novo", False),
    ("tags", "equals", "cliente", True),
    ("vars.idade", "gt", 18, True),
    ("vars.idade", "gt", "30", False),
    ("vars.idade", "gte", "30", True),
    ("vars.total", "lt", "100", True),
    ("vars.total", "lte", 99.5, True),
    ("vars.total", "gt", "1.000", False),
    ("vars.data", "gt", "2024-01-01", True),
    ("vars.data", "lt", "2024-01-01", False),
    ("vars.nome", "gt", 3, False),
    ("vars.ausente", "lt", 3, False),
    ("vars.nome", "is_set", None, True),
    ("vars.vazio", "is_set", None, False),
    ("vars.nada", "is_set", None, False),
    ("vars.ausente", "is_not_set", None, True),
    ("vars.nome", "is_not_set", None, False),
    ("vars.cpf", "regex", r"^\d{3}\.\d{3}\.\d{3}-\d{2}$", True),
    ("vars.nome", "regex", r"(?i)^maria$", True),
    ("vars.nome", "regex", r"^\d+$", False),
    ("vars.ausente", "regex", ".*", False),
    ("tags", "regex", "^cli", True),
    (None, "has_tag", "vip", True),
    ("tags", "has_tag", "Cliente", True),
    (None, "has_tag", "novo", False),
    (None, "not_has_tag", "novo", True),
    (None, "not_has_tag", "vip", False),
])
def test_operators(left, op, right, expected):
    assert check(left, op, right) is expected


def test_invalid_and_unsafe_regex_are_false_not_errors():
    assert check("vars.nome", "regex", "([") is False
    assert check("vars.nome", "regex", None) is False
    started = time.monotonic()
    evil = {"x": "a" * 5000 + "!"}
    assert evaluate_rule(Rule(left="vars.x", op="regex", right="(a+)+$"), CONTACT, evil) is False
    assert evaluate_rule(Rule(left="vars.x", op="regex", right="^(a|b)*c$"), CONTACT,
                         evil) is False
    assert time.monotonic() - started < 1


def test_regex_input_is_capped():
    long_value = {"x": "a" * 1000 + "FIM"}
    assert evaluate_rule(Rule(left="vars.x", op="regex", right="FIM"), CONTACT,
                         long_value) is False


def test_regex_problem():
    assert regex_problem(r"^\d{5}-?\d{3}$") is None
    assert regex_problem(r"(\d{3}\.){2}\d{3}-\d{2}") is None
    assert regex_problem("(a+)+") is not None
    assert regex_problem("(") is not None
    assert regex_problem("") is not None
    assert regex_problem(5) is not None


def test_and_or():
    yes = Rule(left="vars.nome", op="is_set")
    no = Rule(left="vars.ausente", op="is_set")
    assert evaluate([yes, yes], "and", CONTACT, VARS) is True
    assert evaluate([yes, no], "and", CONTACT, VARS) is False
    assert evaluate([yes, no], "or", CONTACT, VARS) is True
    assert evaluate([no, no], "or", CONTACT, VARS) is False
    assert evaluate([], "and", CONTACT, VARS) is False


def test_right_side_is_rendered_but_regex_is_not():
    rule = Rule(left="vars.idade", op="equals", right="{{vars.limite}}")
    assert evaluate([rule], "and", CONTACT, {"idade": "5", "limite": "5"},
                    lambda s: s.replace("{{vars.limite}}", "5")) is True
    seen = []
    regex = Rule(left="vars.idade", op="regex", right="{{vars.x}}")
    evaluate([regex], "and", CONTACT, VARS, lambda s: seen.append(s) or s)
    assert seen == []
