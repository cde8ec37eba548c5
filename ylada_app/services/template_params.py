"""Template parameters: their declaration, the tenant's values, and applying them to a flow.

A template flow names its parameters as ``{{param.business_name}}`` inside JSON strings.
At install time they are substituted as plain text:

* only inside string values of the parsed JSON (never keys, never by re-parsing text), so a
  value cannot change the flow's structure;
* values are strings; braces that would open a runtime placeholder (``{{``, ``{%``, ``{#``)
  are broken apart, so a value is never evaluated by the runtime renderer;
* runtime placeholders (``{{vars.x}}``, ``{{contact.name}}``) are left as they are;
* ``{{param.key|number}}`` gives a money/number value as a plain decimal ("12.5"), for
  conditions that compare numbers.

Parameter declaration: ``{"key", "type", "label", "default"?, "required"?, "help"?,
"choices"?}`` with type one of PARAM_TYPES.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ylada_app.engine.validators import validate_phone
from ylada_app.services.validation import Validator

PARAM_TYPES = ("text", "long_text", "url", "money", "phone", "choice", "number")
MAX_LEN = {"text": 120, "long_text": 1000, "url": 300, "phone": 40, "choice": 80,
           "money": 20, "number": 20}
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
PLACEHOLDER = re.compile(r"\{\{\s*param\.([a-zA-Z0-9_]+)\s*(?:\|\s*(number)\s*)?\}\}")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # (+ lone surrogates)
MAX_PARAMS = 30


# --- money ----------------------------------------------------------------------------------


def parse_money(raw: str) -> int | None:
    """'1.234,56', 'R$ 12,50', '12.5', '40' → centavos; None if unreadable or negative."""
    s = (raw or "").strip().replace("R$", "").replace(" ", "")
    if not s:
        return None
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    elif s.count(".") > 1 or (s.count(".") == 1 and len(s.split(".")[1]) == 3):
        s = s.replace(".", "")  # '1.234' is a thousands separator in pt-BR
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > Decimal("10000000"):
        return None
    return int((value * 100).quantize(Decimal("1")))


def format_brl(cents: int) -> str:
    """12345 → 'R$ 123,45'; 123456 → 'R$ 1.234,56'."""
    sign = "-" if cents < 0 else ""
    reais, cent = divmod(abs(int(cents)), 100)
    return f"{sign}R$ {reais:,}".replace(",", ".") + f",{cent:02d}"


# --- declarations ---------------------------------------------------------------------------


def check_declarations(params: Any) -> list[str]:
    """pt-BR problems with a parameter list as the admin typed it (empty list: fine)."""
    if not isinstance(params, list):
        return ["Os parâmetros devem ser uma lista JSON: [{\"key\": ..., \"type\": ...}]."]
    problems: list[str] = []
    if len(params) > MAX_PARAMS:
        problems.append(f"No máximo {MAX_PARAMS} parâmetros.")
    seen: set[str] = set()
    for i, p in enumerate(params, 1):
        where = f"Parâmetro {i}"
        if not isinstance(p, dict):
            problems.append(f"{where}: deve ser um objeto.")
            continue
        key = p.get("key")
        if not isinstance(key, str) or not KEY_RE.match(key):
            problems.append(f"{where}: a chave deve ter letras minúsculas, números e _ "
                            "(ex.: nome_empresa).")
        elif key in seen:
            problems.append(f"{where}: a chave \"{key}\" se repete.")
        else:
            seen.add(key)
            where = f"Parâmetro \"{key}\""
        if p.get("type") not in PARAM_TYPES:
            problems.append(f"{where}: tipo deve ser um de {', '.join(PARAM_TYPES)}.")
        if not isinstance(p.get("label"), str) or not p["label"].strip():
            problems.append(f"{where}: falta o rótulo (label).")
        if p.get("type") == "choice" and not (
            isinstance(p.get("choices"), list) and p["choices"]
            and all(isinstance(c, str) and c for c in p["choices"])
        ):
            problems.append(f"{where}: o tipo choice precisa de uma lista choices.")
        default = p.get("default")
        if default is not None and not isinstance(default, str):
            problems.append(f"{where}: o valor padrão deve ser um texto.")
        elif default and p.get("type") in PARAM_TYPES:
            v = Validator()
            clean_value(v, p, default)
            if v.errors:
                problems.append(f"{where}: o valor padrão \"{default}\" não é válido.")
    return problems


def placeholders(flow: Any) -> set[str]:
    """Every parameter key the flow names as {{param.key}}."""
    found: set[str] = set()
    for text in _strings(flow):
        found.update(m.group(1) for m in PLACEHOLDER.finditer(text))
    return found


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


# --- values ---------------------------------------------------------------------------------


def clean_value(v: Validator, spec: dict, raw: Any) -> str:
    """One value, cleaned and stored as text; problems go into `v` under the key."""
    key, kind = spec["key"], spec.get("type", "text")
    text = "" if raw is None else str(raw)
    text = _CONTROL.sub(" ", text)
    text = text.strip() if kind == "long_text" else " ".join(text.split())
    if not text:
        if spec.get("required"):
            v.fail(key, "error.required")
        return ""
    limit = MAX_LEN.get(kind, 120)
    if len(text) > limit:
        v.fail(key, "error.too_long", max=limit)
        return text
    if kind == "url" and not _URL.match(text):
        v.fail(key, "error.param_url")
    elif kind == "money":
        cents = parse_money(text)
        if cents is None:
            v.fail(key, "error.param_money")
        else:
            return format_brl(cents)
    elif kind == "number":
        cents = parse_money(text)
        if cents is None:
            v.fail(key, "error.param_number")
        else:
            return _decimal_text(cents).replace(".", ",")
    elif kind == "phone":
        answer = validate_phone(text)
        if not answer.ok:
            v.fail(key, "error.param_phone")
        else:
            return str(answer.value)
    elif kind == "choice":
        choices = [str(c) for c in spec.get("choices") or []]
        if text not in choices:
            v.fail(key, "error.param_choice")
    return text


def validate_values(specs: list[dict], values: dict[str, Any] | None) -> dict[str, str]:
    """The tenant's values for every declared parameter (defaults where none was sent).
    Raises FieldErrors keyed by parameter key; nothing else is accepted."""
    values = values or {}
    v = Validator()
    clean = {}
    for spec in specs:
        key = spec["key"]
        raw = values.get(key)
        if raw is None:
            raw = spec.get("default") or ""
        clean[key] = clean_value(v, spec, raw)
    v.raise_if_any()
    return clean


def default_values(specs: list[dict]) -> dict[str, str]:
    return {s["key"]: str(s.get("default") or "") for s in specs}


def _decimal_text(cents: int) -> str:
    reais, cent = divmod(cents, 100)
    return f"{reais}" if cent == 0 else f"{reais}.{cent:02d}".rstrip("0")


def _as_number(value: str) -> str:
    cents = parse_money(value)
    return _decimal_text(cents) if cents is not None else "0"


def _inert(value: str) -> str:
    return value.replace("{{", "{ {").replace("{%", "{ %").replace("{#", "{ #").replace(
        "}}", "} }")


def apply_params(flow: Any, values: dict[str, str]) -> Any:
    """A copy of `flow` with every {{param.x}} replaced by its value (see module doc)."""

    def sub(match: re.Match) -> str:
        key, fmt = match.group(1), match.group(2)
        value = str(values.get(key, ""))
        return _as_number(value) if fmt == "number" else _inert(value)

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return PLACEHOLDER.sub(sub, value) if "param." in value else value
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return walk(flow)


def flow_hash(definition: Any) -> str:
    """sha256 of the flow's content (editor-only keys such as positions ignored)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items()
                    if k not in ("position", "selected", "measured", "dragging")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    canonical = json.dumps(strip(definition), sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
