"""Placeholder rendering: values, undefined, caps, and hostile templates that must not run."""

from __future__ import annotations

import time

import pytest

from ylada_app.engine.render import build_context, render, template_problem

CONTACT = {"name": "Ana Souza", "wa_id": "5511987654321", "fields": {"cidade": "Recife"},
           "tags": ["vip", "cliente"]}
CTX = build_context(CONTACT, {"x": 3.0, "n": 7, "email": "a+b@x.com", "lista": [1, 2],
                              "obj": {"k": "v"}, "nada": None, "sim": True})


@pytest.mark.parametrize(("template", "expected"), [
    ("Olá {{contact.name}}!", "Olá Ana Souza!"),
    ("{{ contact.first_name }}", "Ana"),
    ("{{contact.wa_id}}", "5511987654321"),
    ("{{contact.fields.cidade}}", "Recife"),
    ("{{contact.tags}}", "vip, cliente"),
    ("{{vars.x}} {{vars.n}}", "3 7"),
    ("{{vars.lista[1]}} {{vars.obj.k}} {{vars.obj['k']}}", "2 v v"),
    ("[{{vars.nada}}][{{vars.missing}}][{{vars.missing.deep.er}}][{{contact.fields.x}}]",
     "[][][][]"),
    ("{{vars.sim}}", "true"),
    ("{{ vars.missing | default('amigo') | upper }}", "AMIGO"),
    ("{{ contact.name | lower }}", "ana souza"),
    ("?e={{vars.email | urlencode}}", "?e=a%2Bb%40x.com"),
    ('{"e": {{vars.email | tojson}}}', '{"e": "a+b@x.com"}'),
    ("sem marcadores", "sem marcadores"),
])
def test_placeholders(template, expected):
    assert render(template, CTX) == expected


@pytest.mark.parametrize("template", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ contact.__class__ }}",
    "{{ vars.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
    "{{ config }}",
    "{{ lipsum.__globals__ }}",
    "{{ range(10) }}",
    "{{ 'a' * 1000000000 }}",
    "{{ 9 ** 9 ** 9 }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "{% set x = 'a' * 100000000 %}{{ x }}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{{ vars.x.__class__.__base__.__subclasses__() }}",
    "{{ vars[vars.x] }}",
    "{{ contact.name | attr('__class__') }}",
    "{{ contact.name | format('%s') }}",
    "{% include 'x' %}",
    "{{ oops",
    "{% if %}",
])
def test_hostile_templates_do_not_execute(template):
    started = time.monotonic()
    out = render(template, CTX, 200)
    assert time.monotonic() - started < 1
    assert len(out) <= 200
    for leak in ("class", "subclasses", "uid=", "built-in", "method", "Undefined", "xxxx"):
        assert leak not in out.replace(template[:200], "")
    if "__" not in template:
        assert out == template[:200]  # left raw: not rendered at all


@pytest.mark.parametrize("template", [
    "[{{ ''.__class__ }}]", "[{{ contact.name.upper }}]", "[{{ vars.items }}]",
    "[{{ vars.lista.append }}]", "[{{ contact.tags.pop }}]",
])
def test_python_attributes_are_invisible(template):
    assert render(template, CTX) == "[]"


def test_output_is_capped_to_the_field_limit():
    ctx = build_context({"name": "N" * 5000}, {})
    assert render("Oi {{contact.name}}", ctx, 60) == "Oi " + "N" * 57
    assert render("x" * 5000, ctx, 4096) == "x" * 4096


def test_overlong_template_is_not_rendered():
    template = "{{contact.name}}" + "x" * 9000
    assert render(template, CTX, 20000) == template


def test_non_string_input_and_bad_context_never_raise():
    assert render(None, CTX) == ""
    assert render(12, CTX) == "12"
    assert render("{{contact.name}}", {}) == ""
    assert render("{{vars.a}}", {"vars": None}) == ""


def test_template_problem_reports_what_would_stay_raw():
    assert template_problem("Oi {{contact.name}}") is None
    assert template_problem("sem nada") is None
    assert "not allowed" in template_problem("{% for x in y %}{% endfor %}")
    assert "syntax" in template_problem("{{ x")
