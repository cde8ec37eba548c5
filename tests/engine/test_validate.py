"""validate_flow: shapes, WhatsApp limits, graph rules, pt-BR messages naming node and field
— and every report again in English (the editor in English showed pt-BR problems): the same
problems, no Portuguese words outside what the owner typed."""

from __future__ import annotations

import copy
import re

import pytest

from tests.engine.builders import chain, edge, flow, kw, load_example, node, start
from ylada_app.engine import FlowValidationError, Issue, ValidationReport, parse_flow, validate_flow
from ylada_app.engine.schema import Flow

_validate_pt = validate_flow
# Portuguese words of the messages (quoted text is the owner's own and is left out)
_PT_WORDS = re.compile(
    r"\b(o|os|do|da|dos|das|de|não|está|tem|há|máximo|bloco|conexão|saída|caminho|"
    r"etiqueta|regra|opção|botão|seção|gatilho|deve|precisa|vazio|vazia|texto|valor|"
    r"recebido|fluxo|campo|inválido|inválida|número|ou|uma|um)\b", re.IGNORECASE)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


@pytest.fixture(autouse=True)
def _english_too(monkeypatch):
    def both(data, **kwargs):
        pt = _validate_pt(data, **kwargs)
        en = _validate_pt(data, lang="en", **kwargs)
        where = [(i.code, i.node_id, i.field) for i in pt.errors + pt.warnings]
        assert where == [(i.code, i.node_id, i.field) for i in en.errors + en.warnings]
        for issue in en.errors + en.warnings:
            if issue.code == "invalid_regex":  # (the pattern checker speaks pt-BR only)
                continue
            words = _PT_WORDS.findall(_QUOTED.sub(" ", issue.message))
            assert not words, (words, issue.message)
        return pt

    monkeypatch.setitem(globals(), "validate_flow", both)


def with_node(n: dict, *more_edges: dict) -> dict:
    """start → n, so the node is reachable and only its own problems show."""
    return flow([start(kw("oi")), n], [edge("start", n["id"]), *more_edges])


def codes(report: ValidationReport) -> list[str]:
    return [i.code for i in report.errors]


def only_error(report: ValidationReport, code: str) -> Issue:
    matching = [i for i in report.errors if i.code == code]
    assert matching, report.errors
    return matching[0]


def buttons(*titles: str) -> list[dict]:
    return [{"id": f"b{i}", "title": t} for i, t in enumerate(titles, 1)]


# --- the example and the happy path ---------------------------------------------------------


def test_example_menu_is_valid_without_warnings():
    report = validate_flow(load_example())
    assert report.ok, report.errors
    assert report.warnings == []
    assert isinstance(report.flow, Flow)
    assert report.to_dict()["ok"] is True


def test_parse_flow_returns_typed_flow_and_raises_with_report():
    parsed = parse_flow(load_example())
    assert parsed.start.id == "inicio"
    assert parsed.next("boas-vindas", "pedido") == "pergunta-email"
    with pytest.raises(FlowValidationError) as info:
        parse_flow({"nodes": []})
    assert info.value.report.errors[0].code == "missing_start"


def test_missing_source_handle_means_out():
    data = flow([start(kw("oi")), node("m", "message", text="x")],
                [{"id": "e", "source": "start", "target": "m"}])
    report = validate_flow(data)
    assert report.ok
    assert report.flow.next("start", "out") == "m"


# --- WhatsApp limits: each message names the node (id and label) and the field ----------


def test_button_title_too_long_message_names_node_and_field():
    data = with_node(node("boas-vindas", "message", text="Oi", buttons=buttons(
        "Ver catálogo", "Status do pedido e entrega")))
    issue = only_error(validate_flow(data), "button_title_too_long")
    assert issue.message == (
        'Mensagem “Oi”: o título do botão 2 tem 26 caracteres; '
        "o WhatsApp aceita no máximo 20."
    )
    assert issue.node_id == "boas-vindas"
    assert issue.field == "data.buttons[1].title"


def test_label_is_named_in_the_message():
    data = with_node(node("n1", "message", label="Boas-vindas", text="Oi",
                          buttons=buttons("x" * 21)))
    issue = only_error(validate_flow(data), "button_title_too_long")
    assert issue.message.startswith('Mensagem “Boas-vindas”: ')


def test_too_many_buttons():
    data = with_node(node("m", "message", text="Oi", buttons=buttons("a", "b", "c", "d")))
    issue = only_error(validate_flow(data), "too_many_buttons")
    assert "4 botões" in issue.message and "no máximo 3" in issue.message
    assert issue.node_id == "m" and issue.field == "data.buttons"


def test_zero_buttons():
    issue = only_error(validate_flow(with_node(node("m", "message", text="Oi", buttons=[]))),
                       "no_buttons")
    assert issue.node_id == "m"


def test_duplicate_button_ids_and_titles():
    data = with_node(node("m", "message", text="Oi", buttons=[
        {"id": "a", "title": "Sim"}, {"id": "a", "title": "sim"}]))
    report = validate_flow(data)
    dup = only_error(report, "duplicate_option_id")
    assert '"a"' in dup.message and dup.field == "data.buttons[1].id"
    assert only_error(report, "duplicate_button_title").field == "data.buttons[1].title"


def test_reserved_other_id():
    data = with_node(node("m", "message", text="Oi", buttons=[{"id": "other", "title": "X"}]))
    assert only_error(validate_flow(data), "reserved_option_id").field == "data.buttons[0].id"


def list_node(rows: list[dict], **extra) -> dict:
    data = {"text": "Escolha", "button_label": "Ver opções",
            "sections": [{"title": "Produtos", "rows": rows}]}
    data.update(extra)
    return node("lista", "message", **data)


def rows(n: int, **extra) -> list[dict]:
    return [{"id": f"r{i}", "title": f"Opção {i}", **extra} for i in range(1, n + 1)]


def test_too_many_list_rows():
    issue = only_error(validate_flow(with_node(list_node(rows(11)))), "too_many_rows")
    assert issue.message == (
        'Mensagem “Escolha”: a lista tem 11 opções; o WhatsApp aceita no máximo 10.'
    )
    assert issue.field == "data.sections"


def test_list_rows_are_counted_across_sections():
    n = list_node([])
    n["data"]["sections"] = [
        {"title": "A", "rows": rows(6)},
        {"title": "B", "rows": [{"id": f"x{i}", "title": "t"} for i in range(5)]},
    ]
    assert "too_many_rows" in codes(validate_flow(with_node(n)))


def test_list_row_title_and_description_limits():
    r = [{"id": "r1", "title": "y" * 25, "description": "d" * 73}]
    report = validate_flow(with_node(list_node(r)))
    title = only_error(report, "row_title_too_long")
    assert "25 caracteres" in title.message and "no máximo 24" in title.message
    assert title.field == "data.sections[0].rows[0].title"
    desc = only_error(report, "row_description_too_long")
    assert "73 caracteres" in desc.message and "no máximo 72" in desc.message
    assert desc.field == "data.sections[0].rows[0].description"
    assert desc.node_id == "lista"


def test_list_button_label_and_section_title_limits():
    n = list_node(rows(2), button_label="b" * 21)
    n["data"]["sections"][0]["title"] = "s" * 25
    report = validate_flow(with_node(n))
    assert only_error(report, "button_label_too_long").field == "data.button_label"
    assert only_error(report, "section_title_too_long").field == "data.sections[0].title"


def test_list_needs_section_titles_when_several():
    n = list_node([])
    n["data"]["sections"] = [{"rows": rows(1)}, {"rows": [{"id": "z", "title": "z"}]}]
    assert "empty_section_title" in codes(validate_flow(with_node(n)))


def test_duplicate_row_ids():
    n = list_node([{"id": "r", "title": "a"}, {"id": "r", "title": "b"}])
    assert only_error(validate_flow(with_node(n)), "duplicate_option_id").node_id == "lista"


def test_interactive_body_limit():
    data = with_node(node("m", "message", text="x" * 1025, buttons=buttons("a")))
    issue = only_error(validate_flow(data), "body_too_long")
    assert "1025 caracteres" in issue.message and "no máximo 1024" in issue.message
    assert issue.field == "data.text"


def test_text_limit():
    issue = only_error(validate_flow(with_node(node("t", "message", text="x" * 4097))),
                       "text_too_long")
    assert issue.message == (
        'Mensagem “xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…”: o texto tem 4097 '
        'caracteres; o WhatsApp aceita no máximo 4096.'
    )
    assert validate_flow(with_node(node("t", "message", text="x" * 4096))).ok


def test_header_and_footer_limits():
    data = with_node(node("m", "message", text="Oi", buttons=buttons("a"),
                          header="h" * 61, footer="f" * 61))
    report = validate_flow(data)
    header = only_error(report, "header_too_long")
    assert "cabeçalho" in header.message and header.field == "data.header"
    footer = only_error(report, "footer_too_long")
    assert "rodapé" in footer.message and footer.field == "data.footer"


def test_media_checks():
    ok = with_node(node("m", "message", media={"kind": "image", "url": "https://x.y/a.png",
                                               "caption": "Veja"}))
    assert validate_flow(ok).ok
    bad = with_node(node("m", "message", media={"kind": "gif", "url": "ftp://x"}))
    report = validate_flow(bad)
    assert report.errors[0].field == "data.media.kind"
    bad_url = with_node(node("m", "message", media={"kind": "image", "url": "ftp://x"}))
    assert only_error(validate_flow(bad_url), "invalid_url").field == "data.media.url"
    long_caption = with_node(node("m", "message", media={
        "kind": "image", "url": "https://x.y", "caption": "c" * 1025}))
    assert "caption_too_long" in codes(validate_flow(long_caption))


def test_message_must_be_one_variant():
    data = with_node(node("m", "message", text="a", buttons=buttons("a"),
                          sections=[{"rows": rows(1)}]))
    assert "mixed_message" in codes(validate_flow(data))
    empty = with_node(node("m", "message"))
    assert only_error(validate_flow(empty), "empty_text").field == "data.text"


# --- other node rules -----------------------------------------------------------------------


def test_question_without_variable_and_bad_names():
    report = validate_flow(with_node(node("q", "question", text="Seu nome?")))
    issue = only_error(report, "variable_missing")
    assert issue.node_id == "q" and issue.field == "data.variable"
    bad = validate_flow(with_node(node("q", "question", text="?", variable="1nome")))
    assert only_error(bad, "invalid_variable_name").field == "data.variable"
    accented = validate_flow(with_node(node("q", "question", text="?", variable="endereço")))
    assert "invalid_variable_name" in codes(accented)
    assert validate_flow(with_node(node("q", "question", text="?", variable="_ok_1"))).ok


def test_question_choice_needs_choices_and_unknown_validator():
    report = validate_flow(with_node(node("q", "question", text="?", variable="x",
                                          validator="choice")))
    assert "no_choices" in codes(report)
    unknown = validate_flow(with_node(node("q", "question", text="?", variable="x",
                                           validator="cpf")))
    issue = unknown.errors[0]
    assert issue.field == "data.validator" and "use um destes" in issue.message


def test_invalid_regex_is_an_error():
    cond = node("c", "condition", rules=[{"left": "vars.x", "op": "regex", "right": "([a-z"}])
    issue = only_error(validate_flow(with_node(cond)), "invalid_regex")
    assert issue.node_id == "c" and issue.field == "data.rules[0].right"
    assert "inválida" in issue.message


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)*b", "x" * 201, ".*.*.*.*"])
def test_unsafe_regex_is_an_error(pattern):
    cond = node("c", "condition", rules=[{"left": "vars.x", "op": "regex", "right": pattern}])
    assert "invalid_regex" in codes(validate_flow(with_node(cond)))


def test_condition_rule_checks():
    cond = node("c", "condition", rules=[
        {"left": "vars.1x", "op": "equals", "right": "a"},
        {"left": "vars.x", "op": "gt"},
        {"op": "has_tag"},
        {"left": "contact.email", "op": "is_set"},
    ])
    report = validate_flow(with_node(cond))
    fields = {i.field for i in report.errors}
    assert {"data.rules[0].left", "data.rules[1].right", "data.rules[2].right",
            "data.rules[3].left"} <= fields
    assert "no_rules" in codes(validate_flow(with_node(node("c", "condition", rules=[]))))
    bad_op = validate_flow(with_node(node("c", "condition",
                                          rules=[{"left": "tags", "op": "like"}])))
    assert bad_op.errors[0].field == "data.rules[0].op"


@pytest.mark.parametrize(("amount", "unit", "ok"), [
    (1, "seconds", True), (30, "days", True), (0, "seconds", False),
    (31, "days", False), (721, "hours", False), (-5, "minutes", False),
])
def test_delay_range(amount, unit, ok):
    report = validate_flow(with_node(node("d", "delay", amount=amount, unit=unit)))
    assert report.ok is ok
    if not ok:
        assert only_error(report, "invalid_delay").field == "data.amount"


def test_delay_unknown_unit():
    report = validate_flow(with_node(node("d", "delay", amount=1, unit="weeks")))
    assert report.errors[0].field == "data.unit"


def test_goto_flow_needs_flow_id_and_known_flow():
    report = validate_flow(with_node(node("g", "goto_flow")))
    assert only_error(report, "missing_flow_id").field == "data.flow_id"
    data = with_node(node("g", "goto_flow", flow_id="outro"))
    assert validate_flow(data).ok
    assert "unknown_flow" in codes(validate_flow(data, flow_ids=["este"]))
    assert validate_flow(data, flow_ids=["este", "outro"]).ok


def test_http_request_checks():
    data = with_node(node("h", "http_request", method="FETCH", url="ftp://x", timeout_s=60,
                          headers={"Bad Header": "x"},
                          response_map={"ok_var": "a.b[0]", "1bad": "x", "v": "a..b"}))
    report = validate_flow(data)
    found = set(codes(report))
    assert {"invalid_method", "invalid_url", "invalid_timeout", "invalid_header",
            "invalid_variable_name", "invalid_json_path"} <= found
    good = with_node(node("h", "http_request", url="https://api.x/{{vars.id}}",
                          response_map={"status": "$.pedido.status"}))
    assert validate_flow(good).ok


def test_other_node_checks():
    assert "no_tags" in codes(validate_flow(with_node(node("t", "tag"))))
    assert "missing_goal_name" in codes(validate_flow(with_node(node("g", "goal"))))
    assert "variable_missing" in codes(validate_flow(with_node(node("s", "set_variable",
                                                                    value="1"))))
    inc = node("s", "set_variable", variable="n", value="abc", mode="increment")
    assert "invalid_increment" in codes(validate_flow(with_node(inc)))
    assert validate_flow(with_node(node("a", "ai_reply", prompt="Responda"))).ok
    assert validate_flow(with_node(node("h", "handoff", text="Já chamo alguém"))).ok


def test_keyword_trigger_checks():
    data = flow([start({"type": "keyword", "keywords": ["  ", "ok"]}), node("e", "end")],
                [edge("start", "e")])
    issue = only_error(validate_flow(data), "empty_keyword")
    assert issue.field == "data.triggers[0].keywords[0]"
    unknown = flow([start({"type": "schedule"})])
    report = validate_flow(unknown)
    assert report.errors[0].field == "data.triggers[0]"
    assert "tipo desconhecido" in report.errors[0].message


# --- graph rules ----------------------------------------------------------------------------


def test_unknown_node_kind():
    report = validate_flow(with_node(node("x", "carousel", text="a")))
    issue = only_error(report, "unknown_node_type")
    assert issue.node_id == "x" and '"carousel"' in issue.message


def test_duplicate_node_ids():
    data = flow([start(kw("oi")), node("m", "message", text="a"), node("m", "end")],
                [edge("start", "m")])
    issue = only_error(validate_flow(data), "duplicate_node_id")
    assert issue.node_id == "m"


def test_missing_and_multiple_starts():
    assert codes(validate_flow(flow([node("m", "message", text="a")]))) == ["missing_start"]
    two = flow([start(kw("a")), start(kw("b"), node_id="s2")])
    issue = only_error(validate_flow(two), "multiple_starts")
    assert issue.node_id == "s2"


def test_dangling_edges():
    data = flow([start(kw("oi")), node("m", "message", text="a")],
                [edge("start", "m"), edge("m", "ghost"), edge("nobody", "m")])
    report = validate_flow(data)
    dangling = [i for i in report.errors if i.code == "dangling_edge"]
    assert len(dangling) == 2
    assert any('"ghost"' in i.message for i in dangling)
    assert any('"nobody"' in i.message for i in dangling)


def test_unknown_source_handle():
    data = flow([start(kw("oi")), node("m", "message", text="a", buttons=buttons("Sim")),
                 node("e", "end")],
                [edge("start", "m"), edge("m", "e", "b9")])
    issue = only_error(validate_flow(data), "unknown_handle")
    assert issue.node_id == "m" and '"b9"' in issue.message and '"b1"' in issue.message
    from_end = flow([start(kw("oi")), node("e", "end"), node("m", "message", text="a")],
                    [edge("start", "e"), edge("e", "m")])
    assert "unknown_handle" in codes(validate_flow(from_end))


def test_one_edge_per_handle():
    data = flow([start(kw("oi")), node("a", "message", text="a"), node("b", "end")],
                [edge("start", "a"), {"id": "x", "source": "start", "target": "b"}])
    assert only_error(validate_flow(data), "duplicate_handle_edge").node_id == "start"


def test_size_caps():
    many = flow([start(kw("oi"))] + [node(f"n{i}", "end") for i in range(2000)])
    assert codes(validate_flow(many)) == ["too_many_nodes"]
    edges = [edge("start", "e")] * 5001
    assert codes(validate_flow(flow([start(kw("oi")), node("e", "end")], edges))) == [
        "too_many_edges"
    ]


def test_variables_section():
    data = chain(start(kw("oi")), node("e", "end"),
                 variables=[{"name": "ok"}, {"name": "ok"}, {"name": "não"},
                            {"name": "x", "default": {"a": 1}}])
    found = codes(validate_flow(data))
    assert "duplicate_variable" in found and "invalid_variable_name" in found
    assert "invalid_shape" in found


# --- warnings -------------------------------------------------------------------------------


def test_unreachable_node_warning():
    data = flow([start(kw("oi")), node("a", "message", text="a"), node("ilha", "end")],
                [edge("start", "a")])
    report = validate_flow(data)
    assert report.ok
    warning = next(w for w in report.warnings if w.code == "unreachable")
    assert warning.node_id == "ilha" and warning.message.startswith("Fim (bloco 3)")


def test_problems_call_the_parts_blocks_as_the_editor_does():
    """The editor's palette and counter say "blocos": a problem speaking of "nós" (graph
    jargon) reads to a business owner as a different thing."""
    broken = flow([start(kw("oi")), start(kw("b"), node_id="s2"), node("m", "message", text="a")],
                  [edge("start", "m"), edge("m", "ghost")])
    island = flow([start(kw("oi")), node("a", "message", text="a"), node("ilha", "end")],
                  [edge("start", "a")])
    issues = [*validate_flow(broken).errors, *validate_flow(island).warnings]
    assert {"multiple_starts", "dangling_edge", "unreachable"} <= {i.code for i in issues}
    messages = [i.message for i in issues]
    assert not [m for m in messages if " nó" in m or " nós" in m], messages
    unreachable = next(i for i in issues if i.code == "unreachable")
    assert "este bloco não está ligado ao início" in unreachable.message


def test_unconnected_branch_warning():
    data = flow([start(kw("oi")), node("m", "message", text="a", buttons=buttons("Sim", "Não")),
                 node("e", "end")],
                [edge("start", "m"), edge("m", "e", "b1")])
    report = validate_flow(data)
    assert report.ok
    warned = [w for w in report.warnings if w.code == "unconnected_branch"]
    # the button is named as the owner wrote it, not by its internal id
    assert [w.node_id for w in warned] == ["m"] and '"Não"' in warned[0].message
    assert '"b2"' not in warned[0].message


def test_template_warning_and_no_trigger_warning():
    data = chain(start(), node("m", "message", text="{% for x in y %}{{x}}{% endfor %}"))
    report = validate_flow(data)
    assert report.ok
    assert {"template_not_rendered", "no_triggers"} <= {w.code for w in report.warnings}


# --- never raises on garbage ----------------------------------------------------------------


@pytest.mark.parametrize("garbage", [
    None, 42, "flow", [], {}, {"nodes": None}, {"nodes": [None, 1, "x"]},
    {"nodes": [{"id": 5, "type": "start"}]}, {"nodes": [{"id": "a", "type": "start",
                                                           "data": "x"}]},
    {"nodes": [{"id": "a", "type": "start", "position": "here"}]},
    {"nodes": [], "edges": {}}, {"nodes": [], "edges": [1, {"source": 1}]},
    {"version": 2, "nodes": []}, {"nodes": [], "variables": "x"},
])
def test_garbage_is_reported_not_raised(garbage):
    report = validate_flow(garbage)
    assert not report.ok
    assert all(isinstance(i.message, str) and i.message for i in report.errors)
    assert "internal_error" not in codes(report)


def test_pydantic_errors_are_translated_to_portuguese():
    data = with_node(node("m", "message", text=5))
    issue = validate_flow(data).errors[0]
    assert issue.message == 'Mensagem (bloco 2): o campo "Texto" deve ser um texto.'
    assert issue.field == "data.text"


def test_validation_does_not_mutate_input():
    data = load_example()
    before = copy.deepcopy(data)
    validate_flow(data)
    assert data == before


LIMIT_CASES = [
    ("button_title_too_long", {"text": "Oi", "buttons": buttons("t" * 21)},
     "data.buttons[0].title", "o título do botão 1 tem 21 caracteres", 20),
    ("too_many_buttons", {"text": "Oi", "buttons": buttons("a", "b", "c", "d")},
     "data.buttons", "há 4 botões", 3),
    ("body_too_long", {"text": "x" * 1025, "buttons": buttons("a")},
     "data.text", "o texto da mensagem interativa tem 1025 caracteres", 1024),
    ("header_too_long", {"text": "Oi", "buttons": buttons("a"), "header": "h" * 61},
     "data.header", "o cabeçalho tem 61 caracteres", 60),
    ("footer_too_long", {"text": "Oi", "buttons": buttons("a"), "footer": "f" * 61},
     "data.footer", "o rodapé tem 61 caracteres", 60),
    ("text_too_long", {"text": "x" * 4097}, "data.text", "o texto tem 4097 caracteres", 4096),
    ("too_many_rows", list_node(rows(11))["data"], "data.sections",
     "a lista tem 11 opções", 10),
    ("row_title_too_long", list_node([{"id": "r", "title": "t" * 25}])["data"],
     "data.sections[0].rows[0].title", "o título da opção 1 da seção 1 tem 25 caracteres", 24),
    ("row_description_too_long",
     list_node([{"id": "r", "title": "t", "description": "d" * 73}])["data"],
     "data.sections[0].rows[0].description",
     "a descrição da opção 1 da seção 1 tem 73 caracteres", 72),
    ("button_label_too_long", list_node(rows(1), button_label="b" * 21)["data"],
     "data.button_label", "o texto do botão da lista tem 21 caracteres", 20),
    ("caption_too_long", {"media": {"kind": "image", "url": "https://x.y/a.png",
                                    "caption": "c" * 1025}},
     "data.media.caption", "a legenda tem 1025 caracteres", 1024),
]


@pytest.mark.parametrize(("code", "data", "field", "what", "limit"), LIMIT_CASES,
                         ids=[case[0] for case in LIMIT_CASES])
def test_every_whatsapp_limit_names_node_field_and_limit(code, data, field, what, limit):
    report = validate_flow(with_node(node("promo", "message", label="Promoção", **data)))
    issue = only_error(report, code)
    assert issue.node_id == "promo" and issue.field == field
    assert issue.message.startswith('Mensagem “Promoção”: ')
    assert what in issue.message
    assert f"o WhatsApp aceita no máximo {limit}." in issue.message
