"""Flow validation: every problem in a flow as an `Issue` in the owner's words (pt-BR, or
English with `lang="en"`), never an exception.

`validate_flow(data)` checks, in order: the JSON shape (pydantic errors become Issues that
name the node and field), each node's data against WhatsApp's limits and the engine's own
rules, then the graph (duplicate ids, one start, dangling edges and handles, one edge per
handle). Errors block saving/activating a flow; warnings (unreachable nodes, unconnected
branches, placeholders that will not render, a start without triggers) do not.

`parse_flow(data)` returns the typed `Flow` of a valid flow or raises `FlowValidationError`
carrying the report; the runtime only ever sees flows that went through it.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from ylada_app.engine import limits as lim
from ylada_app.engine.conditions import LEFT_PATTERN, TAG_OPS, UNARY_OPS, regex_problem
from ylada_app.engine.jsonpath import parse_path
from ylada_app.engine.render import OWNER_WORD, has_placeholders, template_problem
from ylada_app.engine.schema import (
    DATA_MODELS,
    NODE_KINDS,
    OTHER,
    ConditionData,
    DelayData,
    Flow,
    GoalData,
    GotoFlowData,
    HandoffData,
    HttpRequestData,
    MessageData,
    NodeData,
    Position,
    QuestionData,
    RandomizerData,
    ReminderData,
    SetVariableData,
    StartData,
    TagData,
    TemplateData,
    Variable,
    branch_handles,
    node_handles,
)
from ylada_app.engine.text import fold_loose
from ylada_app.engine.validators import local_moment, parse_number

# Where a text sits in a block, in the owner's words (a field path is for the API).
_FIELD_WORDS = {
    "data.text": "do texto", "data.header": "do cabeçalho", "data.footer": "do rodapé",
    "data.media.caption": "da legenda", "data.retry_text": "da mensagem de nova tentativa",
    "data.value": "do valor", "data.url": "do endereço", "data.body": "do conteúdo enviado",
    "data.prompt": "das instruções", "data.header_link": "do link do cabeçalho",
    "data.date": "da data", "data.time": "do horário",
}
_FIELD_WORDS_EN = {
    "data.text": "in the text", "data.header": "in the header", "data.footer": "in the footer",
    "data.media.caption": "in the caption", "data.retry_text": "in the retry message",
    "data.value": "in the value", "data.url": "in the address", "data.body": "in the body sent",
    "data.prompt": "in the instructions", "data.header_link": "in the header link",
    "data.date": "in the date", "data.time": "in the time",
}
VARIABLE_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]{0,49}")
_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}")
_TRIGGER_TYPES = {"keyword", "any_message", "button_payload", "referral"}
# A branch id is a handle and an analytics key: plain and short (the editor uses a, b, c…).
_BRANCH_ID = re.compile(rf"[A-Za-z0-9_-]{{1,{lim.RANDOMIZER_BRANCH_ID_MAX}}}")
_TEMPLATE_NAME = re.compile(r"[a-z0-9_]+")
_TEMPLATE_LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2,4})?")
# How the editor labels a block's ways out (the owner never sees the internal handle ids).
_HANDLE_NAMES = {"ok": "válida / sucesso", "invalid": "inválida", "true": "sim",
                 "false": "não", "error": "erro", "later": "no horário do lembrete"}
_HANDLE_NAMES_EN = {"ok": "valid / success", "invalid": "invalid", "true": "yes",
                    "false": "no", "error": "error", "later": "at the reminder's time"}


def _handle_name(data: BaseModel, handle: str, en: bool = False) -> str:
    if isinstance(data, MessageData):
        titles = dict(data.options())
        if handle in titles:
            return str(titles[handle])
    return (_HANDLE_NAMES_EN if en else _HANDLE_NAMES).get(handle, handle)


# What the editor calls each field (its editor.f.* labels, pt-BR): a problem names these,
# never the format's path ("data.max_retries"). The engine imports nothing of the UI, so
# the words are repeated here.
_FIELD_LABELS = {  # (pt-BR, English)
    "label": ("Nome", "Name"),
    "text": ("Texto", "Text"),
    "triggers": ("Gatilhos", "Triggers"),
    "keywords": ("Palavras-chave", "Keywords"),
    "match": ("Correspondência", "Matching"),
    "payload": ("Conteúdo do botão", "Button content"),
    "source_id": ("Anúncio", "Ad"),
    "media": ("Mídia", "Media"),
    "kind": ("Tipo de mídia", "Media type"),
    "url": ("URL", "URL"),
    "caption": ("Legenda", "Caption"),
    "filename": ("Nome do arquivo", "File name"),
    "buttons": ("Botões", "Buttons"),
    "title": ("Título", "Title"),
    "button_label": ("Texto do botão da lista", "List button text"),
    "sections": ("Seções", "Sections"),
    "rows": ("Itens da lista", "List items"),
    "description": ("Descrição", "Description"),
    "header": ("Cabeçalho", "Header"),
    "footer": ("Rodapé", "Footer"),
    "retry_text": ("Texto ao repetir", "Retry text"),
    "max_retries": ("Tentativas", "Attempts"),
    "variable": ("Salvar na variável", "Save to variable"),
    "validator": ("Validar como", "Validate as"),
    "choices": ("Opções aceitas", "Accepted options"),
    "rules": ("Regras", "Rules"),
    "left": ("Dado comparado", "Compared data"),
    "op": ("Comparação", "Comparison"),
    "right": ("Valor", "Value"),
    "logic": ("Combinar regras com", "Combine rules with"),
    "value": ("Valor", "Value"),
    "mode": ("Modo", "Mode"),
    "add": ("Adicionar etiquetas", "Add tags"),
    "remove": ("Remover etiquetas", "Remove tags"),
    "method": ("Método", "Method"),
    "headers": ("Cabeçalhos", "Headers"),
    "body": ("Corpo", "Body"),
    "timeout_s": ("Tempo limite (s)", "Time limit (s)"),
    "response_map": ("Mapear resposta", "Map the response"),
    "prompt": ("Instruções para a IA", "Instructions for the AI"),
    "use_knowledge": ("Usar a base de conhecimento", "Use the knowledge base"),
    "note": ("Nota para a equipe", "Note for the team"),
    "amount": ("Quanto", "How long"),
    "unit": ("Unidade", "Unit"),
    "flow_id": ("Fluxo de destino", "Target flow"),
    "name": ("Nome", "Name"),
    "branches": ("Caminhos", "Paths"),
    "weight": ("Peso", "Weight"),
    "language": ("Idioma", "Language"),
    "variables": ("Variáveis", "Variables"),
    "header_link": ("Link do cabeçalho", "Header link"),
    "date": ("Data", "Date"),
    "time": ("Horário", "Time"),
    "before_amount": ("Quanto tempo antes", "How long before"),
    "before_unit": ("Unidade", "Unit"),
    "position": ("Posição", "Position"),
    "x": ("horizontal", "horizontal"),
    "y": ("vertical", "vertical"),
    "default": ("Valor padrão", "Default value"),
    "type": ("Tipo", "Type"),
    "id": ("Identificador", "Identifier"),
    "nodes": ("Blocos", "Blocks"),
    "edges": ("Ligações", "Connections"),
}
_LOC_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def field_label(field_path: str, en: bool = False) -> str | None:
    """The words for a field's path: "data.buttons[0].title" → "Botões 1 › Título";
    None when a part has no label (the problem then says "um campo")."""
    parts: list[str] = []
    for position, (index, name) in enumerate(_LOC_TOKEN.findall(field_path)):
        if index:
            if parts:
                parts[-1] += f" {int(index) + 1}"
            continue
        if name in ("data", "flow"):
            continue
        # the flow's own variables (a template block's "variables" are its values)
        words = _FIELD_LABELS.get(name)
        label = ("Variable" if en else "Variável") if (position, name) == (0, "variables") \
            else words[1 if en else 0] if words else None
        if label is None:
            return None
        parts.append(label)
    return " › ".join(parts) or None


_UNIT_NAMES = {"seconds": "segundos", "minutes": "minutos", "hours": "horas", "days": "dias"}
_UNIT_NAMES_EN = {"seconds": "seconds", "minutes": "minutes", "hours": "hours", "days": "days"}


@dataclass(frozen=True)
class Issue:
    """One problem. `code` is stable (for tests and UI logic); `message` is in the language
    `validate_flow` was asked for (pt-BR by default)."""

    code: str
    message: str
    node_id: str | None = None
    field: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "message": self.message,
            "node_id": self.node_id, "field": self.field,
        }


@dataclass
class ValidationReport:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    flow: Flow | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": [i.to_dict() for i in self.errors],
            "warnings": [i.to_dict() for i in self.warnings],
        }


class FlowValidationError(ValueError):
    """Raised by `parse_flow`; `.report` holds every issue."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        first = report.errors[0].message if report.errors else "fluxo inválido"
        super().__init__(f"{len(report.errors)} erro(s) no fluxo; o primeiro: {first}")


def validate_flow(data: Any, *, flow_ids: Collection[str] | None = None,
                  lang: str = "pt-BR") -> ValidationReport:
    """Check a flow. `flow_ids`, when given, are the flows `goto_flow` may point to; `lang`
    ("pt-BR" or "en") is the language of the messages."""
    checker = _Checker(flow_ids, lang)
    try:
        checker.run(data)
    except Exception as exc:  # a validator must answer, even about input nobody foresaw
        checker.error("internal_error", checker.say(
            f"Não foi possível validar o fluxo ({type(exc).__name__}).",
            f"The flow could not be checked ({type(exc).__name__})."))
    if checker.report.errors:
        checker.report.flow = None
    return checker.report


def parse_flow(data: Any, *, flow_ids: Collection[str] | None = None) -> Flow:
    """The typed Flow of valid `data`; raises FlowValidationError otherwise."""
    report = validate_flow(data, flow_ids=flow_ids)
    if not report.ok or report.flow is None:
        raise FlowValidationError(report)
    return report.flow


# --- pydantic errors → words -----------------------------------------------------------------

_REASONS = {  # (pt-BR, English)
    "missing": ("é obrigatório", "is required"),
    "string_type": ("deve ser um texto", "must be text"),
    "int_type": ("deve ser um número inteiro", "must be a whole number"),
    "int_parsing": ("deve ser um número inteiro", "must be a whole number"),
    "int_from_float": ("deve ser um número inteiro", "must be a whole number"),
    "float_type": ("deve ser um número", "must be a number"),
    "float_parsing": ("deve ser um número", "must be a number"),
    "finite_number": ("deve ser um número finito", "must be a finite number"),
    "bool_type": ("deve ser verdadeiro ou falso", "must be true or false"),
    "bool_parsing": ("deve ser verdadeiro ou falso", "must be true or false"),
    "list_type": ("deve ser uma lista", "must be a list"),
    "dict_type": ("deve ser um objeto", "must be an object"),
    "model_type": ("deve ser um objeto", "must be an object"),
    "model_attributes_type": ("deve ser um objeto", "must be an object"),
    "union_tag_not_found": ("precisa do campo \"type\"", "needs the \"type\" field"),
}


def _loc_path(loc: Iterable[Any]) -> str:
    parts: list[str] = []
    previous: Any = None
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif isinstance(previous, int) and item in _TRIGGER_TYPES:
            pass  # pydantic names the union member it tried; users never wrote it
        else:
            parts.append(("." if parts else "") + str(item))
        previous = item
    return "".join(parts)


def _reason(err: dict[str, Any], en: bool = False) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind in _REASONS:
        return _REASONS[kind][1 if en else 0]
    if kind == "literal_error":
        return (f"has an invalid value; use one of: {ctx.get('expected', '')}" if en else
                f"tem um valor inválido; use um destes: {ctx.get('expected', '')}")
    if kind == "union_tag_invalid":
        return (
            f"has an unknown type ({ctx.get('tag', '')}); "
            f"use one of: {ctx.get('expected_tags', '')}" if en else
            f"tem um tipo desconhecido ({ctx.get('tag', '')}); "
            f"use um destes: {ctx.get('expected_tags', '')}"
        )
    if kind == "value_error" and ctx.get("error"):
        said = str(ctx["error"])
        return _VALUE_ERRORS_EN.get(said, "has an invalid value") if en else said
    return "has an invalid value" if en else "tem um valor inválido"


# the schema's own checks (engine/schema.py), as they read in English
_VALUE_ERRORS_EN = {
    "deve ser um texto, um número, verdadeiro/falso ou vazio":
        "must be text, a number, true/false or empty",
}


# --- the checker ----------------------------------------------------------------------------


class _Checker:
    def __init__(self, flow_ids: Collection[str] | None, lang: str = "pt-BR") -> None:
        self.en = lang == "en"
        self.flow_ids = set(flow_ids) if flow_ids is not None else None
        self.report = ValidationReport()
        self.refs: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        self.parsed: dict[str, NodeData] = {}

    # reporting

    def say(self, pt: str, en: str) -> str:
        return en if self.en else pt

    def w(self, words: tuple[str, str]) -> str:
        """A fragment ("o texto", "the text") in the report's language."""
        return words[1] if self.en else words[0]

    def error(self, code: str, message: str, node_id: str | None = None,
              field: str | None = None) -> None:
        self.report.errors.append(Issue(code, message, node_id, field))

    def warn(self, code: str, message: str, node_id: str | None = None,
             field: str | None = None) -> None:
        self.report.warnings.append(Issue(code, message, node_id, field))

    def ref(self, node_id: str) -> str:
        return self.refs.get(node_id, self.say(f'Bloco "{node_id[:40]}"',
                                               f'Block "{node_id[:40]}"'))

    def node_error(self, node_id: str, code: str, text: str, field: str | None) -> None:
        self.error(code, f"{self.ref(node_id)}: {text}", node_id, field)

    def node_warn(self, node_id: str, code: str, text: str, field: str | None) -> None:
        self.warn(code, f"{self.ref(node_id)}: {text}", node_id, field)

    def pydantic_errors(self, exc: ValidationError, node_id: str | None, prefix: str) -> None:
        seen: set[str] = set()
        for err in exc.errors():
            path = _loc_path(err.get("loc", ()))
            field_path = f"{prefix}.{path}" if path else prefix
            if field_path in seen:
                continue
            seen.add(field_path)
            label = field_label(field_path, self.en)
            reason = _reason(err, self.en)
            text = (self.say(f'o campo "{label}" {reason}.', f'the field "{label}" {reason}.')
                    if label else self.say(f"um campo {reason}.", f"a field {reason}."))
            if node_id is None:
                self.error("invalid_shape", text[0].upper() + text[1:], None, field_path)
            else:
                self.node_error(node_id, "invalid_shape", text, field_path)

    def length(self, node_id: str, value: str | None, limit: int, what: tuple[str, str],
               code: str, field: str, whatsapp: bool = True) -> None:
        if value is not None and len(value) > limit:
            if self.en:
                tail = f"WhatsApp accepts at most {limit}." if whatsapp else \
                    f"the most is {limit}."
                text = f"{what[1]} has {len(value)} characters; {tail}"
            else:
                tail = f"o WhatsApp aceita no máximo {limit}." if whatsapp else \
                    f"o máximo é {limit}."
                text = f"{what[0]} tem {len(value)} caracteres; {tail}"
            self.node_error(node_id, code, text, field)

    def required_text(self, node_id: str, value: str | None, what: tuple[str, str], code: str,
                      field: str) -> bool:
        if value is None or not value.strip():
            self.node_error(node_id, code, self.say(f"{what[0]} está vazio.",
                                                    f"{what[1]} is empty."), field)
            return False
        return True

    def template(self, node_id: str, value: str | None, field: str) -> None:
        # `{words}` the editor could not match to an answer or the customer's data (its
        # placeholders are `{{…}}`); an HTTP call's URL and JSON body use braces of their own.
        if value and field not in ("data.url", "data.body") and (
                typed := OWNER_WORD.search(value)):
            self.node_warn(
                node_id, "unknown_placeholder", self.say(
                    f"“{typed.group(0)[:60]}” não é uma resposta deste fluxo nem um dado do "
                    "cliente: será enviado assim. Use os dados de “Inserir no texto”.",
                    f"“{typed.group(0)[:60]}” is no answer of this flow nor a customer's "
                    "detail: it will be sent as it is. Use the data in “Insert in text”."),
                field)
        if value and template_problem(value):
            self.node_warn(
                node_id, "template_not_rendered", self.say(
                    f"os dados entre chaves {_FIELD_WORDS.get(field, 'deste campo')} estão "
                    "incompletos ou usam algo não permitido; o texto será enviado sem "
                    "substituição. Use dados entre chaves, como {nome do cliente} ou uma "
                    "resposta guardada no fluxo.",
                    f"the data in braces {_FIELD_WORDS_EN.get(field, 'in this field')} is "
                    "incomplete or uses something not allowed; the text will be sent without "
                    "filling it in. Use data in braces, such as {customer name} or an answer "
                    "saved in the flow."),
                field,
            )

    def variable_name(self, node_id: str, name: str | None, field: str) -> None:
        if name is None or not name.strip():
            self.node_error(node_id, "variable_missing",
                            self.say("escolha a variável.", "choose the variable."), field)
        elif not VARIABLE_NAME.fullmatch(name):
            self.node_error(
                node_id, "invalid_variable_name", self.say(
                    f'o nome de variável "{name[:60]}" é inválido; use letras sem acento, '
                    "números e _ (até 50 caracteres, sem começar com número).",
                    f'the variable name "{name[:60]}" is invalid; use letters without '
                    "accents, digits and _ (up to 50 characters, not starting with a digit)."),
                field,
            )

    # top level

    def run(self, data: Any) -> None:
        if not isinstance(data, dict):
            self.error("invalid_shape", self.say("O fluxo deve ser um objeto JSON.",
                                                 "The flow must be a JSON object."))
            return
        if data.get("version", 1) != 1:
            self.error(
                "unsupported_version",
                self.say(f"Versão de fluxo {data.get('version')!r} não suportada; use 1.",
                         f"Flow version {data.get('version')!r} is not supported; use 1."),
                None, "version",
            )
        nodes, edges = data.get("nodes"), data.get("edges", [])
        variables = data.get("variables", [])
        if not isinstance(nodes, list):
            self.error("invalid_shape", self.say('O campo "nodes" deve ser uma lista de blocos.',
                                                 'The field "nodes" must be a list of blocks.'),
                       None, "nodes")
            return
        if not isinstance(edges, list):
            self.error("invalid_shape", self.say('O campo "edges" deve ser uma lista.',
                                                 'The field "edges" must be a list.'),
                       None, "edges")
            return
        if len(nodes) > lim.MAX_NODES:
            self.error(
                "too_many_nodes",
                self.say(f"O fluxo tem {len(nodes)} blocos; o máximo é {lim.MAX_NODES}.",
                         f"The flow has {len(nodes)} blocks; the most is {lim.MAX_NODES}."),
                None, "nodes",
            )
            return
        if len(edges) > lim.MAX_EDGES:
            self.error(
                "too_many_edges",
                self.say(f"O fluxo tem {len(edges)} conexões; o máximo é {lim.MAX_EDGES}.",
                         f"The flow has {len(edges)} connections; the most is "
                         f"{lim.MAX_EDGES}."),
                None, "edges",
            )
            return
        self.check_variables(variables)
        for index, raw in enumerate(nodes):
            self.check_node(index, raw)
        self.check_starts()
        targets = self.check_edges(edges)
        self.check_reachability(targets)
        if self.report.errors:
            return
        try:
            self.report.flow = Flow.model_validate(data)
        except ValidationError as exc:
            self.pydantic_errors(exc, None, "flow")

    def check_variables(self, variables: Any) -> None:
        if not isinstance(variables, list):
            self.error("invalid_shape", self.say('O campo "variables" deve ser uma lista.',
                                                 'The field "variables" must be a list.'),
                       None, "variables")
            return
        if len(variables) > lim.MAX_VARIABLES:
            self.error("too_many_variables", self.say(
                f"O fluxo declara {len(variables)} variáveis; o máximo é {lim.MAX_VARIABLES}.",
                f"The flow declares {len(variables)} variables; the most is "
                f"{lim.MAX_VARIABLES}."), None, "variables")
            return
        seen: set[str] = set()
        for i, raw in enumerate(variables):
            path = f"variables[{i}]"
            try:
                var = Variable.model_validate(raw)
            except ValidationError as exc:
                self.pydantic_errors(exc, None, path)
                continue
            if not VARIABLE_NAME.fullmatch(var.name):
                self.error("invalid_variable_name", self.say(
                    f'Variável "{var.name[:60]}": nome inválido; use letras sem acento, '
                    "números e _ (até 50 caracteres, sem começar com número).",
                    f'Variable "{var.name[:60]}": invalid name; use letters without accents, '
                    "digits and _ (up to 50 characters, not starting with a digit)."),
                    None, f"{path}.name")
            elif var.name in seen:
                self.error("duplicate_variable", self.say(
                    f'A variável "{var.name}" foi declarada duas vezes.',
                    f'The variable "{var.name}" is declared twice.'), None, f"{path}.name")
            seen.add(var.name)
            if isinstance(var.default, float) and var.default != var.default:
                self.error("invalid_shape", self.say(
                    f'Variável "{var.name}": valor padrão inválido.',
                    f'Variable "{var.name}": invalid default value.'), None, f"{path}.default")

    # nodes

    def check_node(self, index: int, raw: Any) -> None:
        where = f"nodes[{index}]"
        if not isinstance(raw, dict):
            self.error("invalid_shape", self.say(f"O bloco {index + 1} deve ser um objeto.",
                                                 f"Block {index + 1} must be an object."),
                       None, where)
            return
        node_id, kind, data = raw.get("id"), raw.get("type"), raw.get("data", {})
        if not isinstance(node_id, str) or not node_id.strip():
            self.error("invalid_node_id", self.say(
                f'O bloco {index + 1} precisa de um "id" (texto).',
                f'Block {index + 1} needs an "id" (text).'), None, f"{where}.id")
            return
        if len(node_id) > lim.MAX_ID_LEN:
            self.error("invalid_node_id", self.say(
                f"O id do bloco {index + 1} tem {len(node_id)} caracteres; o máximo é "
                f"{lim.MAX_ID_LEN}.",
                f"The id of block {index + 1} has {len(node_id)} characters; the most is "
                f"{lim.MAX_ID_LEN}."), None, f"{where}.id")
            return
        if node_id in self.kinds:
            self.error("duplicate_node_id", self.say(
                f'{self.ref(node_id)}: o id "{node_id}" é usado por mais de um bloco.',
                f'{self.ref(node_id)}: the id "{node_id}" is used by more than one block.'),
                node_id, f"{where}.id")
            return
        self.refs[node_id] = node_ref(kind, data, index, self.en)
        if not isinstance(kind, str) or kind not in NODE_KINDS:
            self.kinds[node_id] = "?"
            self.node_error(
                node_id, "unknown_node_type",
                # (a business owner reads this when importing a file: no list of the
                # format's internal names, which the API's documentation gives)
                self.say(f'é de um tipo de bloco que o ylada não conhece ("{str(kind)[:40]}"): '
                         "o arquivo não é de um fluxo do ylada, ou foi alterado à mão.",
                         f'is a kind of block ylada does not know ("{str(kind)[:40]}"): the '
                         "file is not a ylada flow, or it was changed by hand."),
                f"{where}.type",
            )
            return
        self.kinds[node_id] = kind
        if "position" in raw:
            try:
                Position.model_validate(raw["position"])
            except ValidationError as exc:
                self.pydantic_errors(exc, node_id, "position")
        if not isinstance(data, dict):
            self.node_error(node_id, "invalid_shape", self.say(
                'o campo "data" deve ser um objeto.', 'the field "data" must be an object.'),
                "data")
            return
        try:
            parsed = DATA_MODELS[kind].model_validate(data)
        except ValidationError as exc:
            self.pydantic_errors(exc, node_id, "data")
            return
        self.parsed[node_id] = parsed
        if parsed.label is not None:
            self.length(node_id, parsed.label, lim.MAX_LABEL_LEN, ("o rótulo", "the name"),
                        "label_too_long",
                        "data.label", whatsapp=False)
        getattr(self, f"check_{kind}")(node_id, parsed)

    def check_start(self, node_id: str, data: StartData) -> None:
        if not data.triggers:
            self.node_warn(node_id, "no_triggers", self.say(
                "o início não tem gatilhos; este fluxo só pode ser aberto por outro fluxo "
                "(bloco “Ir para outro fluxo”).",
                "the start has no triggers; this flow can only be opened by another flow "
                "(a “Go to another flow” block)."), "data.triggers")
        if len(data.triggers) > lim.MAX_TRIGGERS:
            self.node_error(node_id, "too_many_triggers", self.say(
                f"há {len(data.triggers)} gatilhos; o máximo é {lim.MAX_TRIGGERS}.",
                f"there are {len(data.triggers)} triggers; the most is {lim.MAX_TRIGGERS}."),
                "data.triggers")
        for i, trigger in enumerate(data.triggers):
            path = f"data.triggers[{i}]"
            if trigger.type == "keyword":
                if not trigger.keywords:
                    self.node_error(node_id, "empty_keywords", self.say(
                        f"o gatilho {i + 1} não tem palavras-chave.",
                        f"trigger {i + 1} has no keywords."), f"{path}.keywords")
                if len(trigger.keywords) > lim.MAX_KEYWORDS:
                    self.node_error(node_id, "too_many_keywords", self.say(
                        f"o gatilho {i + 1} tem {len(trigger.keywords)} palavras-chave; o "
                        f"máximo é {lim.MAX_KEYWORDS}.",
                        f"trigger {i + 1} has {len(trigger.keywords)} keywords; the most is "
                        f"{lim.MAX_KEYWORDS}."), f"{path}.keywords")
                for j, word in enumerate(trigger.keywords):
                    if not fold_loose(word):
                        self.node_error(node_id, "empty_keyword", self.say(
                            f"a palavra-chave {j + 1} do gatilho {i + 1} está vazia.",
                            f"keyword {j + 1} of trigger {i + 1} is empty."),
                            f"{path}.keywords[{j}]")
                    self.length(node_id, word, lim.MAX_KEYWORD_LEN,
                                (f"a palavra-chave {j + 1} do gatilho {i + 1}",
                                 f"keyword {j + 1} of trigger {i + 1}"), "keyword_too_long",
                                f"{path}.keywords[{j}]", whatsapp=False)
            elif trigger.type == "button_payload" and self.required_text(
                node_id, trigger.payload, (f"o conteúdo do botão do gatilho {i + 1}",
                                           f"the button content of trigger {i + 1}"),
                "empty_payload", f"{path}.payload",
            ):
                self.length(node_id, trigger.payload, lim.BUTTON_ID_MAX,
                            (f"o conteúdo do botão do gatilho {i + 1}",
                             f"the button content of trigger {i + 1}"), "payload_too_long",
                            f"{path}.payload")

    def check_message(self, node_id: str, data: MessageData) -> None:
        kinds = [k for k in ("media", "buttons", "sections") if getattr(data, k) is not None]
        if len(kinds) > 1 or (data.media is not None and data.text is not None):
            self.node_error(node_id, "mixed_message", self.say(
                "uma mensagem é texto, mídia, botões ou lista; escolha só um tipo (o texto de "
                "uma mídia vai na legenda).",
                "a message is text, media, buttons or a list; choose one kind only (a media's "
                "text goes in its caption)."), "data")
            return
        variant = data.variant
        if variant == "text":
            if self.required_text(node_id, data.text, ("o texto", "the text"), "empty_text",
                                  "data.text"):
                self.length(node_id, data.text, lim.TEXT_MAX, ("o texto", "the text"),
                            "text_too_long", "data.text")
                self.template(node_id, data.text, "data.text")
            return
        if variant == "media":
            self.check_media(node_id, data)
            return
        if self.required_text(node_id, data.text, ("o texto da mensagem", "the message text"),
                              "empty_text", "data.text"):
            self.length(node_id, data.text, lim.INTERACTIVE_BODY_MAX,
                        ("o texto da mensagem interativa", "the interactive message's text"),
                        "body_too_long", "data.text")
            self.template(node_id, data.text, "data.text")
        self.length(node_id, data.header, lim.HEADER_MAX, ("o cabeçalho", "the header"),
                    "header_too_long", "data.header")
        self.length(node_id, data.footer, lim.FOOTER_MAX, ("o rodapé", "the footer"),
                    "footer_too_long", "data.footer")
        self.template(node_id, data.header, "data.header")
        self.template(node_id, data.footer, "data.footer")
        if data.retry_text is not None:
            self.length(node_id, data.retry_text, lim.TEXT_MAX,
                        ("o texto de nova tentativa", "the retry text"), "text_too_long",
                        "data.retry_text")
        if not 0 <= data.max_retries <= lim.QUESTION_MAX_RETRIES:
            self.node_error(node_id, "invalid_max_retries", self.say(
                f"o número de novas tentativas deve ficar entre 0 e "
                f"{lim.QUESTION_MAX_RETRIES}.",
                f"the number of attempts must be between 0 and {lim.QUESTION_MAX_RETRIES}."),
                "data.max_retries")
        if variant == "buttons":
            self.check_buttons(node_id, data)
        else:
            self.check_list(node_id, data)

    def check_media(self, node_id: str, data: MessageData) -> None:
        media = data.media
        assert media is not None
        where = ("o endereço (URL) da mídia", "the media's address (URL)")
        if self.required_text(node_id, media.url, where, "empty_url", "data.media.url"):
            self.length(node_id, media.url, lim.MEDIA_URL_MAX, where,
                        "url_too_long", "data.media.url", whatsapp=False)
            if not has_placeholders(media.url) and not media.url.strip().lower().startswith(
                ("https://", "http://")
            ):
                self.node_error(node_id, "invalid_url", self.say(
                    "o endereço da mídia deve começar com https://.",
                    "the media's address must start with https://."), "data.media.url")
        self.length(node_id, media.caption, lim.CAPTION_MAX, ("a legenda", "the caption"),
                    "caption_too_long", "data.media.caption")
        self.template(node_id, media.caption, "data.media.caption")
        self.length(node_id, media.filename, lim.FILENAME_MAX, ("o nome do arquivo",
                                                                "the file name"),
                    "filename_too_long", "data.media.filename", whatsapp=False)

    def _option_id(self, node_id: str, option_id: str, what: tuple[str, str], limit: int,
                   field: str, seen: set[str]) -> None:
        pt, en = what
        if not option_id.strip():
            self.node_error(node_id, "empty_option_id", self.say(
                f"o identificador {pt} está vazio.", f"the identifier of {en} is empty."),
                field)
        elif option_id == OTHER:
            self.node_error(node_id, "reserved_option_id", self.say(
                f'o identificador {pt} não pode ser "{OTHER}" (é a saída para respostas fora '
                "das opções).",
                f'the identifier of {en} cannot be "{OTHER}" (it is the way out for answers '
                "that are none of the options)."), field)
        elif option_id in seen:
            self.node_error(node_id, "duplicate_option_id", self.say(
                f'o identificador "{option_id[:60]}" aparece em mais de uma opção ({pt}).',
                f'the identifier "{option_id[:60]}" is in more than one option ({en}).'),
                field)
        self.length(node_id, option_id, limit, (f"o identificador {pt}",
                                                f"the identifier of {en}"),
                    "option_id_too_long", field)
        seen.add(option_id)

    def check_buttons(self, node_id: str, data: MessageData) -> None:
        buttons = data.buttons or []
        if not buttons:
            self.node_error(node_id, "no_buttons", self.say(
                "adicione pelo menos 1 botão.", "add at least 1 button."), "data.buttons")
        if len(buttons) > lim.BUTTONS_MAX:
            self.node_error(node_id, "too_many_buttons", self.say(
                f"há {len(buttons)} botões; o WhatsApp aceita no máximo {lim.BUTTONS_MAX}.",
                f"there are {len(buttons)} buttons; WhatsApp accepts at most "
                f"{lim.BUTTONS_MAX}."), "data.buttons")
        seen_ids: set[str] = set()
        seen_titles: set[str] = set()
        for i, button in enumerate(buttons):
            path = f"data.buttons[{i}]"
            what = (f"do botão {i + 1}", f"button {i + 1}")
            self._option_id(node_id, button.id, what, lim.BUTTON_ID_MAX, f"{path}.id", seen_ids)
            title = (f"o título {what[0]}", f"the title of {what[1]}")
            if self.required_text(node_id, button.title, title, "empty_title",
                                  f"{path}.title"):
                self.length(node_id, button.title, lim.BUTTON_TITLE_MAX, title,
                            "button_title_too_long", f"{path}.title")
                folded = fold_loose(button.title) or button.title
                if folded in seen_titles:
                    self.node_error(node_id, "duplicate_button_title", self.say(
                        f'o título "{button.title}" se repete; o WhatsApp exige títulos '
                        "diferentes.",
                        f'the title "{button.title}" is repeated; WhatsApp needs different '
                        "titles."), f"{path}.title")
                seen_titles.add(folded)

    def check_list(self, node_id: str, data: MessageData) -> None:
        sections = data.sections or []
        label = ("o texto do botão da lista", "the list button's text")
        if self.required_text(node_id, data.button_label, label,
                              "empty_button_label", "data.button_label"):
            self.length(node_id, data.button_label, lim.LIST_BUTTON_LABEL_MAX,
                        label, "button_label_too_long", "data.button_label")
        if not sections:
            self.node_error(node_id, "no_sections", self.say(
                "a lista precisa de pelo menos 1 seção com opções.",
                "the list needs at least 1 section with options."), "data.sections")
        if len(sections) > lim.LIST_SECTIONS_MAX:
            self.node_error(node_id, "too_many_sections", self.say(
                f"a lista tem {len(sections)} seções; o WhatsApp aceita no máximo "
                f"{lim.LIST_SECTIONS_MAX}.",
                f"the list has {len(sections)} sections; WhatsApp accepts at most "
                f"{lim.LIST_SECTIONS_MAX}."), "data.sections")
        total = sum(len(s.rows) for s in sections)
        if sections and total == 0:
            self.node_error(node_id, "no_rows", self.say(
                "a lista não tem opções.", "the list has no options."), "data.sections")
        if total > lim.LIST_ROWS_MAX:
            self.node_error(node_id, "too_many_rows", self.say(
                f"a lista tem {total} opções; o WhatsApp aceita no máximo {lim.LIST_ROWS_MAX}.",
                f"the list has {total} options; WhatsApp accepts at most "
                f"{lim.LIST_ROWS_MAX}."), "data.sections")
        seen: set[str] = set()
        for si, section in enumerate(sections):
            spath = f"data.sections[{si}]"
            if len(sections) > 1 and not (section.title or "").strip():
                self.node_error(node_id, "empty_section_title", self.say(
                    f"a seção {si + 1} precisa de um título (obrigatório quando há mais de uma "
                    "seção).",
                    f"section {si + 1} needs a title (required when there is more than one "
                    "section)."), f"{spath}.title")
            self.length(node_id, section.title, lim.LIST_SECTION_TITLE_MAX,
                        (f"o título da seção {si + 1}", f"the title of section {si + 1}"),
                        "section_title_too_long", f"{spath}.title")
            if not section.rows:
                self.node_error(node_id, "empty_section", self.say(
                    f"a seção {si + 1} não tem opções.", f"section {si + 1} has no options."),
                    f"{spath}.rows")
            for ri, row in enumerate(section.rows):
                rpath = f"{spath}.rows[{ri}]"
                what = (f"da opção {ri + 1} da seção {si + 1}",
                        f"option {ri + 1} of section {si + 1}")
                self._option_id(node_id, row.id, what, lim.LIST_ROW_ID_MAX, f"{rpath}.id", seen)
                title = (f"o título {what[0]}", f"the title of {what[1]}")
                if self.required_text(node_id, row.title, title, "empty_title",
                                      f"{rpath}.title"):
                    self.length(node_id, row.title, lim.LIST_ROW_TITLE_MAX, title,
                                "row_title_too_long", f"{rpath}.title")
                self.length(node_id, row.description, lim.LIST_ROW_DESCRIPTION_MAX,
                            (f"a descrição {what[0]}", f"the description of {what[1]}"),
                            "row_description_too_long", f"{rpath}.description")

    def check_question(self, node_id: str, data: QuestionData) -> None:
        text = ("o texto da pergunta", "the question's text")
        if self.required_text(node_id, data.text, text, "empty_text", "data.text"):
            self.length(node_id, data.text, lim.TEXT_MAX, text, "text_too_long", "data.text")
            self.template(node_id, data.text, "data.text")
        self.variable_name(node_id, data.variable, "data.variable")
        if data.retry_text is not None:
            self.length(node_id, data.retry_text, lim.TEXT_MAX,
                        ("o texto de nova tentativa", "the retry text"), "text_too_long",
                        "data.retry_text")
            self.template(node_id, data.retry_text, "data.retry_text")
        if not 0 <= data.max_retries <= lim.QUESTION_MAX_RETRIES:
            self.node_error(node_id, "invalid_max_retries", self.say(
                f"o número de novas tentativas deve ficar entre 0 e "
                f"{lim.QUESTION_MAX_RETRIES}.",
                f"the number of attempts must be between 0 and {lim.QUESTION_MAX_RETRIES}."),
                "data.max_retries")
        if data.validator != "choice":
            return
        if not data.choices:
            self.node_error(node_id, "no_choices", self.say(
                "uma pergunta de escolha precisa de opções.",
                "a choice question needs options."), "data.choices")
        if len(data.choices) > lim.MAX_CHOICES:
            self.node_error(node_id, "too_many_choices", self.say(
                f"há {len(data.choices)} opções; o máximo é {lim.MAX_CHOICES}.",
                f"there are {len(data.choices)} options; the most is {lim.MAX_CHOICES}."),
                "data.choices")
        seen: set[str] = set()
        for i, choice in enumerate(data.choices):
            folded = fold_loose(choice)
            if not folded:
                self.node_error(node_id, "empty_choice", self.say(
                    f"a opção {i + 1} está vazia.", f"option {i + 1} is empty."),
                    f"data.choices[{i}]")
            elif folded in seen:
                self.node_error(node_id, "duplicate_choice", self.say(
                    f'a opção "{choice[:40]}" se repete.',
                    f'the option "{choice[:40]}" is repeated.'), f"data.choices[{i}]")
            seen.add(folded)
            self.length(node_id, choice, 100, (f"a opção {i + 1}", f"option {i + 1}"),
                        "choice_too_long", f"data.choices[{i}]", whatsapp=False)

    def check_condition(self, node_id: str, data: ConditionData) -> None:
        if not data.rules:
            self.node_error(node_id, "no_rules", self.say(
                "adicione pelo menos uma regra.", "add at least one rule."), "data.rules")
        if len(data.rules) > lim.MAX_RULES:
            self.node_error(node_id, "too_many_rules", self.say(
                f"há {len(data.rules)} regras; o máximo é {lim.MAX_RULES}.",
                f"there are {len(data.rules)} rules; the most is {lim.MAX_RULES}."),
                "data.rules")
        for i, rule in enumerate(data.rules):
            path = f"data.rules[{i}]"
            what = self.say(f"a regra {i + 1}", f"rule {i + 1}")
            if rule.op in TAG_OPS:
                if not isinstance(rule.right, str) or not rule.right.strip():
                    self.node_error(node_id, "missing_right", self.say(
                        f"{what} precisa da etiqueta.", f"{what} needs the tag."),
                        f"{path}.right")
                continue
            if not isinstance(rule.left, str) or not LEFT_PATTERN.fullmatch(rule.left):
                self.node_error(node_id, "invalid_left", self.say(
                    f"{what} não diz qual dado comparar; escolha uma resposta do fluxo ou um "
                    "dado do cliente.",
                    f"{what} does not say what to compare; choose an answer of the flow or a "
                    "customer's detail."), f"{path}.left")
            if rule.op in UNARY_OPS:
                continue
            if rule.right is None:
                self.node_error(node_id, "missing_right", self.say(
                    f"{what} precisa de um valor para comparar.",
                    f"{what} needs a value to compare with."), f"{path}.right")
            elif rule.op == "regex":
                if problem := regex_problem(rule.right):
                    self.node_error(node_id, "invalid_regex", f"{what}: {problem}.",
                                    f"{path}.right")
            elif isinstance(rule.right, str):
                self.length(node_id, rule.right, lim.VAR_VALUE_MAX,
                            (f"o valor da regra {i + 1}", f"the value of rule {i + 1}"),
                            "value_too_long", f"{path}.right", whatsapp=False)
                self.template(node_id, rule.right, f"{path}.right")

    def check_set_variable(self, node_id: str, data: SetVariableData) -> None:
        self.variable_name(node_id, data.variable, "data.variable")
        value = data.value
        if isinstance(value, float) and value != value:
            self.node_error(node_id, "invalid_value", self.say(
                "o valor é inválido.", "the value is invalid."), "data.value")
        if isinstance(value, str):
            self.length(node_id, value, lim.VAR_VALUE_MAX, ("o valor", "the value"),
                        "value_too_long", "data.value", whatsapp=False)
            self.template(node_id, value, "data.value")
        if (
            data.mode == "increment"
            and value not in (None, "")
            and not (isinstance(value, str) and has_placeholders(value))
            and parse_number(value) is None
        ):
            self.node_error(node_id, "invalid_increment", self.say(
                f'para somar, o valor deve ser um número (recebido "{str(value)[:40]}").',
                f'to add, the value must be a number (got "{str(value)[:40]}").'),
                "data.value")

    def check_tag(self, node_id: str, data: TagData) -> None:
        if not data.add and not data.remove:
            self.node_error(node_id, "no_tags", self.say(
                "escolha pelo menos uma etiqueta para adicionar ou remover.",
                "choose at least one tag to add or remove."), "data.add")
        for key in ("add", "remove"):
            tags = getattr(data, key)
            where = {"add": ("a adicionar", "to add"),
                     "remove": ("a remover", "to remove")}[key]
            if len(tags) > lim.MAX_TAGS_PER_NODE:
                self.node_error(node_id, "too_many_tags", self.say(
                    f"há {len(tags)} etiquetas {where[0]}; o máximo é "
                    f"{lim.MAX_TAGS_PER_NODE}.",
                    f"there are {len(tags)} tags {where[1]}; the most is "
                    f"{lim.MAX_TAGS_PER_NODE}."), f"data.{key}")
            for i, tag in enumerate(tags):
                what = (f"a etiqueta {i + 1} {where[0]}", f"tag {i + 1} {where[1]}")
                if not tag.strip():
                    self.node_error(node_id, "empty_tag", self.say(
                        f"{what[0]} está vazia.", f"{what[1]} is empty."), f"data.{key}[{i}]")
                self.length(node_id, tag, lim.TAG_MAX_LEN, what,
                            "tag_too_long", f"data.{key}[{i}]", whatsapp=False)

    def check_http_request(self, node_id: str, data: HttpRequestData) -> None:
        if data.method not in lim.HTTP_METHODS:
            self.node_error(node_id, "invalid_method", self.say(
                f'o método "{data.method[:20]}" não é aceito; use '
                f"{', '.join(lim.HTTP_METHODS)}.",
                f'the method "{data.method[:20]}" is not accepted; use '
                f"{', '.join(lim.HTTP_METHODS)}."), "data.method")
        where = ("o endereço (URL)", "the address (URL)")
        if self.required_text(node_id, data.url, where, "empty_url", "data.url"):
            self.length(node_id, data.url, lim.HTTP_URL_MAX, where, "url_too_long",
                        "data.url", whatsapp=False)
            url = data.url.strip().lower()
            if not url.startswith(("https://", "http://", "{{")):
                self.node_error(node_id, "invalid_url", self.say(
                    "o endereço deve começar com https:// ou http://.",
                    "the address must start with https:// or http://."), "data.url")
            self.template(node_id, data.url, "data.url")
        if len(data.headers) > lim.HTTP_HEADERS_MAX:
            self.node_error(node_id, "too_many_headers", self.say(
                f"há {len(data.headers)} cabeçalhos; o máximo é {lim.HTTP_HEADERS_MAX}.",
                f"there are {len(data.headers)} headers; the most is {lim.HTTP_HEADERS_MAX}."),
                "data.headers")
        for name, value in data.headers.items():
            path = f"data.headers.{name[:40]}"
            if not _HEADER_NAME.fullmatch(name):
                self.node_error(node_id, "invalid_header", self.say(
                    f'o cabeçalho "{name[:40]}" tem um nome inválido.',
                    f'the header "{name[:40]}" has an invalid name.'), path)
            self.length(node_id, value, lim.HTTP_HEADER_VALUE_MAX,
                        (f'o cabeçalho "{name[:40]}"', f'the header "{name[:40]}"'),
                        "header_value_too_long", path, whatsapp=False)
            self.template(node_id, value, path)
        if data.body is not None:
            self.length(node_id, data.body, lim.HTTP_BODY_MAX,
                        ("o corpo da requisição", "the request body"),
                        "body_too_long", "data.body", whatsapp=False)
            self.template(node_id, data.body, "data.body")
        if not 1 <= data.timeout_s <= lim.HTTP_TIMEOUT_MAX:
            self.node_error(node_id, "invalid_timeout", self.say(
                f"o tempo limite deve ficar entre 1 e {lim.HTTP_TIMEOUT_MAX} segundos.",
                f"the time limit must be between 1 and {lim.HTTP_TIMEOUT_MAX} seconds."),
                "data.timeout_s")
        if len(data.response_map) > lim.RESPONSE_MAP_MAX:
            self.node_error(node_id, "too_many_mappings", self.say(
                f"há {len(data.response_map)} mapeamentos; o máximo é "
                f"{lim.RESPONSE_MAP_MAX}.",
                f"there are {len(data.response_map)} mappings; the most is "
                f"{lim.RESPONSE_MAP_MAX}."), "data.response_map")
        for var, path in data.response_map.items():
            field = f"data.response_map.{var[:50]}"
            self.variable_name(node_id, var, field)
            if parse_path(path) is None:
                self.node_error(node_id, "invalid_json_path", self.say(
                    f'o caminho "{str(path)[:60]}" da variável "{var[:50]}" é inválido; use '
                    "algo como pedido.status ou itens[0].nome.",
                    f'the path "{str(path)[:60]}" of the variable "{var[:50]}" is invalid; '
                    "use something like order.status or items[0].name."), field)

    def check_ai_reply(self, node_id: str, data: Any) -> None:
        if data.prompt is not None:
            self.length(node_id, data.prompt, lim.PROMPT_MAX,
                        ("as instruções", "the instructions"), "prompt_too_long",
                        "data.prompt", whatsapp=False)
            self.template(node_id, data.prompt, "data.prompt")

    def check_handoff(self, node_id: str, data: HandoffData) -> None:
        self.length(node_id, data.text, lim.TEXT_MAX, ("o texto", "the text"), "text_too_long",
                    "data.text")
        self.template(node_id, data.text, "data.text")
        self.length(node_id, data.note, lim.NOTE_MAX, ("a nota", "the note"), "note_too_long",
                    "data.note", whatsapp=False)

    def check_delay(self, node_id: str, data: DelayData) -> None:
        if data.amount < 1 or not (
            lim.DELAY_MIN_SECONDS <= data.seconds <= lim.DELAY_MAX_SECONDS
        ):
            unit = (_UNIT_NAMES_EN if self.en else _UNIT_NAMES).get(data.unit, data.unit)
            self.node_error(node_id, "invalid_delay", self.say(
                f"a espera deve ficar entre 1 segundo e 30 dias (recebido: {data.amount} "
                f"{unit}).",
                f"the wait must be between 1 second and 30 days (got: {data.amount} {unit})."),
                "data.amount")

    def check_goto_flow(self, node_id: str, data: GotoFlowData) -> None:
        if data.flow_id is None or not data.flow_id.strip():
            self.node_error(node_id, "missing_flow_id", self.say(
                "escolha o fluxo de destino.", "choose the target flow."), "data.flow_id")
        elif self.flow_ids is not None and data.flow_id not in self.flow_ids:
            self.node_error(node_id, "unknown_flow", self.say(
                f'o fluxo de destino "{data.flow_id[:60]}" não existe.',
                f'the target flow "{data.flow_id[:60]}" does not exist.'), "data.flow_id")

    def check_goal(self, node_id: str, data: GoalData) -> None:
        name = ("o nome da meta", "the goal's name")
        if self.required_text(node_id, data.name, name, "missing_goal_name", "data.name"):
            self.length(node_id, data.name, lim.GOAL_NAME_MAX, name,
                        "goal_name_too_long", "data.name", whatsapp=False)

    def check_randomizer(self, node_id: str, data: RandomizerData) -> None:
        branches = data.branches
        if len(branches) < lim.RANDOMIZER_BRANCHES_MIN:
            self.node_error(node_id, "randomizer_too_few", self.say(
                f"um teste A/B precisa de pelo menos {lim.RANDOMIZER_BRANCHES_MIN} caminhos.",
                f"an A/B test needs at least {lim.RANDOMIZER_BRANCHES_MIN} paths."),
                "data.branches")
        if len(branches) > lim.RANDOMIZER_BRANCHES_MAX:
            self.node_error(node_id, "randomizer_too_many", self.say(
                f"há {len(branches)} caminhos; um teste A/B aceita no máximo "
                f"{lim.RANDOMIZER_BRANCHES_MAX}.",
                f"there are {len(branches)} paths; an A/B test accepts at most "
                f"{lim.RANDOMIZER_BRANCHES_MAX}."), "data.branches")
        seen: set[str] = set()
        for i, branch in enumerate(branches):
            path, what = f"data.branches[{i}]", branch_name(i, branch.label, self.en)
            # The id is the branch's way out (its edge's sourceHandle), never shown: a bad one
            # is fixed by deleting the branch and adding a new one in the editor.
            if not _BRANCH_ID.fullmatch(branch.id):
                self.node_error(node_id, "invalid_branch_id", self.say(
                    f"{what} tem um identificador inválido; apague-o e adicione outro caminho.",
                    f"{what} has an invalid identifier; delete it and add another path."),
                    f"{path}.id")
            elif branch.id in seen:
                self.node_error(node_id, "duplicate_branch_id", self.say(
                    f"{what} repete o identificador de outro caminho; apague-o e adicione "
                    "outro.",
                    f"{what} repeats another path's identifier; delete it and add another."),
                    f"{path}.id")
            seen.add(branch.id)
            if branch_weight(branch.weight) is None:
                self.node_error(
                    node_id, "invalid_weight", self.say(
                        f"o peso do {what[2:]} deve ser um número inteiro de "
                        f"{lim.RANDOMIZER_WEIGHT_MIN} a {lim.RANDOMIZER_WEIGHT_MAX} (recebido: "
                        f"{_said(branch.weight)}).",
                        f"the weight of {what} must be a whole number from "
                        f"{lim.RANDOMIZER_WEIGHT_MIN} to {lim.RANDOMIZER_WEIGHT_MAX} (got: "
                        f"{_said(branch.weight, True)})."), f"{path}.weight")
            self.length(node_id, branch.label, lim.RANDOMIZER_LABEL_MAX,
                        (f"o nome do {what[2:]}", f"the name of {what}"),
                        "branch_label_too_long", f"{path}.label", whatsapp=False)

    def check_template(self, node_id: str, data: TemplateData) -> None:
        name = (data.name or "").strip()
        if not name:
            self.node_error(node_id, "missing_template_name", self.say(
                "escolha o modelo de mensagem a enviar.",
                "choose the message template to send."), "data.name")
        elif len(name) > lim.TEMPLATE_NAME_MAX or not _TEMPLATE_NAME.fullmatch(name):
            self.node_error(node_id, "invalid_template_name", self.say(
                f'o nome do modelo "{name[:60]}" é inválido; use só letras minúsculas, '
                "números e _.",
                f'the template name "{name[:60]}" is invalid; use lower-case letters, digits '
                "and _ only."), "data.name")
        if not _TEMPLATE_LANGUAGE.fullmatch(data.language or ""):
            self.node_error(node_id, "invalid_template_language", self.say(
                "o idioma do modelo é inválido (use, por exemplo, pt_BR).",
                "the template's language is invalid (use, for example, pt_BR)."),
                "data.language")
        if len(data.variables) > lim.TEMPLATE_VARIABLES_MAX:
            self.node_error(node_id, "too_many_template_variables", self.say(
                f"há {len(data.variables)} variáveis; o máximo é "
                f"{lim.TEMPLATE_VARIABLES_MAX}.",
                f"there are {len(data.variables)} variables; the most is "
                f"{lim.TEMPLATE_VARIABLES_MAX}."), "data.variables")
        for i, value in enumerate(data.variables):
            path = f"data.variables[{i}]"
            what = (f"o valor de {{{{{i + 1}}}}}", f"the value of {{{{{i + 1}}}}}")
            # WhatsApp refuses a template with a blank value.
            if self.required_text(node_id, value, what, "empty_template_variable", path):
                self.length(node_id, value, lim.TEMPLATE_PARAM_MAX, what,
                            "template_variable_too_long", path)
                self.template(node_id, value, path)
        link = (data.header_link or "").strip()
        if link:  # the file of a media header (whether the template has one: at send time)
            self.length(node_id, link, lim.MEDIA_URL_MAX,
                        ("o endereço do arquivo do cabeçalho", "the header file's address"),
                        "url_too_long", "data.header_link", whatsapp=False)
            if not has_placeholders(link) and not link.lower().startswith("https://"):
                self.node_error(node_id, "invalid_url", self.say(
                    "o endereço do arquivo do cabeçalho deve começar com https://.",
                    "the header file's address must start with https://."),
                    "data.header_link")
            self.template(node_id, link, "data.header_link")

    def check_consent(self, node_id: str, data: BaseModel) -> None:
        pass  # nothing to fill in: the block only records the contact's "yes"

    def check_reminder(self, node_id: str, data: ReminderData) -> None:
        if self.required_text(node_id, data.date, ("a data do compromisso",
                                                   "the appointment's date"), "missing_date",
                              "data.date"):
            self.template(node_id, data.date, "data.date")
            if "{{" not in data.date and local_moment(data.date) is None:
                self.node_error(node_id, "invalid_date", self.say(
                    "a data deve ser dd/mm/aaaa ou vir de uma pergunta de data.",
                    "the date must be dd/mm/yyyy or come from a date question."), "data.date")
        if data.time.strip():
            self.template(node_id, data.time, "data.time")
            if "{{" not in data.time and local_moment("2000-01-01", data.time) is None:
                self.node_error(node_id, "invalid_time", self.say(
                    "o horário deve ser HH:MM, por exemplo 14:30.",
                    "the time must be HH:MM, for example 14:30."), "data.time")
        if not 0 <= data.before_seconds <= lim.DELAY_MAX_SECONDS:
            unit = (_UNIT_NAMES_EN if self.en else _UNIT_NAMES).get(data.before_unit,
                                                                     data.before_unit)
            self.node_error(node_id, "invalid_reminder_offset", self.say(
                f"a antecedência deve ficar entre 0 e 30 dias (recebido: {data.before_amount} "
                f"{unit}).",
                f"how long before must be between 0 and 30 days (got: {data.before_amount} "
                f"{unit})."), "data.before_amount")

    def check_end(self, node_id: str, data: BaseModel) -> None:
        pass

    # graph

    def check_starts(self) -> None:
        starts = [nid for nid, kind in self.kinds.items() if kind == "start"]
        if not starts:
            self.error("missing_start", self.say("O fluxo precisa de um bloco de início.",
                                                 "The flow needs a start block."), None,
                       "nodes")
        for extra in starts[1:]:
            self.node_error(extra, "multiple_starts", self.say(
                "o fluxo só pode ter um bloco de início.",
                "a flow can only have one start block."), "type")

    def check_edges(self, edges: list[Any]) -> dict[str, list[str]]:
        """Validate edges; returns source → targets of the good ones (for reachability)."""
        graph: dict[str, list[str]] = {}
        used: dict[tuple[str, str], str] = {}
        edge_ids: set[str] = set()
        for index, raw in enumerate(edges):
            where = f"edges[{index}]"
            if not isinstance(raw, dict):
                self.error("invalid_shape", self.say(
                    f"A conexão {index + 1} deve ser um objeto.",
                    f"Connection {index + 1} must be an object."), None, where)
                continue
            edge_id, source, target = raw.get("id", ""), raw.get("source"), raw.get("target")
            handle = raw.get("sourceHandle")
            name = (self.say(f'A conexão "{edge_id}"', f'Connection "{edge_id}"')
                    if isinstance(edge_id, str) and edge_id else
                    self.say(f"A conexão {index + 1}", f"Connection {index + 1}"))
            if not isinstance(edge_id, str) or not isinstance(source, str) or not isinstance(
                target, str
            ) or not (handle is None or isinstance(handle, str)):
                self.error("invalid_shape", self.say(
                    f'{name} precisa de "source" e "target" (texto), e "id"/"sourceHandle" '
                    "devem ser texto.",
                    f'{name} needs "source" and "target" (text), and "id"/"sourceHandle" must '
                    "be text."), None, where)
                continue
            if edge_id:
                if edge_id in edge_ids:
                    self.warn("duplicate_edge_id", self.say(f"{name}: o id se repete.",
                                                            f"{name}: the id is repeated."),
                              None, f"{where}.id")
                edge_ids.add(edge_id)
            bad = False
            if source not in self.kinds:
                self.error("dangling_edge", self.say(
                    f'{name} sai de "{source[:60]}", um bloco que não existe.',
                    f'{name} leaves "{source[:60]}", a block that does not exist.'),
                    None, f"{where}.source")
                bad = True
            if target not in self.kinds:
                self.error("dangling_edge", self.say(
                    f'{name} chega em "{target[:60]}", um bloco que não existe.',
                    f'{name} reaches "{target[:60]}", a block that does not exist.'),
                    source if source in self.kinds else None, f"{where}.target")
                bad = True
            if bad:
                continue
            handle = handle or "out"
            if source in self.parsed:
                valid = tuple(dict.fromkeys(node_handles(self.kinds[source],
                                                         self.parsed[source])))
                if handle not in valid:
                    if valid:
                        options = ", ".join(f'"{h}"' for h in valid)
                        text = self.say(
                            f'a conexão sai pela saída "{handle[:60]}", que não existe; '
                            f"saídas válidas: {options}.",
                            f'the connection leaves by the way out "{handle[:60]}", which '
                            f"does not exist; valid ways out: {options}.")
                    else:
                        text = self.say("este tipo de bloco não tem saídas "
                                        f"(conexão {edge_id or index + 1}).",
                                        "this kind of block has no ways out "
                                        f"(connection {edge_id or index + 1}).")
                    self.node_error(source, "unknown_handle", text, f"{where}.sourceHandle")
                    continue
            if (source, handle) in used:
                self.node_error(source, "duplicate_handle_edge", self.say(
                    f'a saída "{handle[:60]}" está ligada a mais de um bloco; ligue cada saída a '
                    "um só bloco.",
                    f'the way out "{handle[:60]}" is connected to more than one block; connect '
                    "each way out to one block only."), f"{where}.sourceHandle")
                continue
            used[(source, handle)] = target
            graph.setdefault(source, []).append(target)
        self.check_randomizer_edges(used)
        for node_id, data in self.parsed.items():
            for handle in dict.fromkeys(branch_handles(self.kinds[node_id], data)):
                if (node_id, handle) not in used:
                    name = _handle_name(data, handle, self.en)
                    self.node_warn(node_id, "unconnected_branch", self.say(
                        f'a saída "{name[:60]}" não está ligada a nenhum bloco; quem for por ela '
                        "encerra a conversa.",
                        f'the way out "{name[:60]}" is connected to no block; whoever takes it '
                        "ends the conversation."), "sourceHandle")
        return graph

    def check_randomizer_edges(self, used: dict[tuple[str, str], str]) -> None:
        """Every branch of an A/B split must lead somewhere: a share of the contacts would
        otherwise silently end there."""
        for node_id, data in self.parsed.items():
            if self.kinds[node_id] != "randomizer" or not isinstance(data, RandomizerData):
                continue
            for i, branch in enumerate(data.branches):
                if branch.id.strip() and (node_id, branch.id) not in used:
                    what = branch_name(i, branch.label, self.en)
                    self.node_error(node_id, "randomizer_unconnected", self.say(
                        f"{what} não está ligado a nenhum bloco; ligue cada caminho do teste "
                        "A/B.",
                        f"{what} is connected to no block; connect every path of the A/B "
                        "test."), f"data.branches[{i}]")

    def check_reachability(self, graph: dict[str, list[str]]) -> None:
        starts = [nid for nid, kind in self.kinds.items() if kind == "start"]
        if len(starts) != 1:
            return
        seen = {starts[0]}
        queue = deque(starts)
        while queue:
            for target in graph.get(queue.popleft(), []):
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        for node_id in self.kinds:
            if node_id not in seen:
                self.node_warn(node_id, "unreachable", self.say(
                    "este bloco não está ligado ao início: nenhuma conversa chega até ele.",
                    "this block is not connected to the start: no conversation reaches it."),
                    None)


# How a problem names a block to a business owner: by the name given to it or what it says,
# never by its id or kind ("Pergunta “Qual é o seu e-mail?”"); one with neither by its place.
KIND_NAMES = {  # (pt-BR, English)
    "start": ("Início", "Start"),
    "message": ("Mensagem", "Message"),
    "question": ("Pergunta", "Question"),
    "condition": ("Condição", "Condition"),
    "set_variable": ("Guardar dado", "Save data"),
    "tag": ("Etiqueta", "Tag"),
    "http_request": ("Integração (HTTP)", "Integration (HTTP)"),
    "ai_reply": ("Resposta da IA", "AI answer"),
    "handoff": ("Atendente humano", "Human agent"),
    "delay": ("Espera", "Wait"),
    "goto_flow": ("Ir para outro fluxo", "Go to another flow"),
    "goal": ("Meta", "Goal"),
    "randomizer": ("Teste A/B", "A/B test"),
    "template": ("Modelo de mensagem", "Message template"),
    "consent": ("Registrar consentimento", "Record consent"),
    "reminder": ("Lembrete agendado", "Scheduled reminder"),
    "end": ("Fim", "End"),
}


def node_ref(kind: Any, data: Any, index: int, en: bool = False) -> str:
    block = "Block" if en else "Bloco"
    words = KIND_NAMES.get(kind) if isinstance(kind, str) else None
    name = words[1 if en else 0] if words else block
    data = data if isinstance(data, dict) else {}
    for key in ("label", "text", "prompt", "name", "tag", "url"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            said = " ".join(value.split())
            said = said if len(said) <= 50 else said[:49].rstrip() + "…"
            return f"{name} “{said}”"
    return f"{name} ({'block' if en else 'bloco'} {index + 1})"


def branch_name(index: int, label: str | None, en: bool = False) -> str:
    """A randomizer branch as a business owner knows it: by its name, else its place."""
    said = " ".join((label or "").split())
    if en:
        return f"the path “{said[:40]}”" if said else f"path {index + 1}"
    return f"o caminho “{said[:40]}”" if said else f"o caminho {index + 1}"


def branch_weight(value: Any) -> int | None:
    """The branch's weight as an int, or None when it is not a whole number in range."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    weight = int(value)
    return weight if lim.RANDOMIZER_WEIGHT_MIN <= weight <= lim.RANDOMIZER_WEIGHT_MAX else None


def _said(value: Any, en: bool = False) -> str:
    """A value the owner typed, as a problem quotes it back."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "empty" if en else "vazio"
    if isinstance(value, bool):
        return ("yes" if value else "no") if en else ("sim" if value else "não")
    return str(value)[:20]
