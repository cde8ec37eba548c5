"""Placeholder rendering: `{{contact.name}}`, `{{vars.x}}`, `{{contact.fields.x}}`.

Flow texts are written by tenants, and variables hold whatever end users or HTTP APIs sent,
so rendering is defensive in depth:

* Jinja2's `ImmutableSandboxedEnvironment`, autoescape off (WhatsApp is plain text);
* only *placeholders* are allowed: names `contact`/`vars`, attribute/index lookups with
  constant keys and a few harmless filters (`default`, `upper`, `lower`, `title`,
  `capitalize`, `trim`, `urlencode` for URLs, `tojson` for JSON bodies, `data` to show a
  stored date the Brazilian way: `{{vars.data|data}}` → 10/12/2026). Any statement
  (`{% for %}`), call, operator or other name makes the whole template fall back to its
  raw text, so loops and `'a' * 10**9` never execute;
* lookups only reach dict keys and list items, never Python attributes
  (`''.__class__` is simply empty);
* undefined values render as the empty string; any error returns the raw text; templates
  longer than `TEMPLATE_MAX` are not rendered; output is cut to the field's limit.

Rendering never raises.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import Template, nodes
from jinja2.runtime import Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ylada_app.engine.limits import TEMPLATE_MAX, TEXT_MAX

_ALLOWED_NAMES = frozenset({"contact", "vars"})
_ALLOWED_FILTERS = frozenset(
    {"default", "d", "upper", "lower", "title", "capitalize", "trim", "urlencode", "tojson",
     "data"}
)
_ALLOWED_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Getattr,
    nodes.Getitem, nodes.Const, nodes.Filter, nodes.Keyword,
)
_MARKERS = ("{{", "{%", "{#")
# A `{word}` in the owner's own syntax (services/flow_words), not part of a `{{…}}` nor a
# JSON object: the editor stores it as a placeholder when it names an answer.
OWNER_WORD = re.compile(r"(?<!\{)\{([^{}\n\"':]{1,60})\}(?!\})")


def _finalize(value: Any) -> Any:
    if value is None or isinstance(value, Undefined):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else str(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(_finalize(v)) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, default=str)[:TEXT_MAX]
    return value


class _PlaceholderEnvironment(ImmutableSandboxedEnvironment):
    """Sandbox whose lookups see only mapping keys and sequence items."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        return self.getitem(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, Mapping) and isinstance(argument, str) and argument in obj:
            return obj[argument]
        if (
            isinstance(obj, list | tuple)
            and isinstance(argument, int)
            and not isinstance(argument, bool)
            and -len(obj) <= argument < len(obj)
        ):
            return obj[argument]
        return self.undefined(obj=obj, name=str(argument)[:50])


# optimized=False: Jinja's constant folding took seconds on a chain of filters
# ("{{vars.a|d|d|d…}}", 370 characters: 3 s), and a placeholder has nothing to fold.
_ENV = _PlaceholderEnvironment(autoescape=False, finalize=_finalize, undefined=Undefined,
                               optimized=False)
_ARGUMENT_FILTERS = frozenset({"default", "d"})  # the fallback value; others take none
_MAX_FILTERS = 20  # per text: a few per placeholder is all a message needs


def _date_br(value: Any) -> Any:
    """aaaa-mm-dd (how a date question stores its answer) as dd/mm/aaaa; anything else as is."""
    text = str(value) if isinstance(value, str) else value
    if isinstance(text, str) and len(text) == 10 and text[4] == text[7] == "-" \
            and text.replace("-", "").isdigit():
        return f"{text[8:10]}/{text[5:7]}/{text[0:4]}"
    return value


_ENV.filters["data"] = _date_br


def _disallowed(tree: nodes.Node) -> str | None:
    """Why a parsed template is not a plain placeholder template, or None if it is."""
    filters = 0
    for node in [tree, *tree.find_all(nodes.Node)]:
        if not isinstance(node, _ALLOWED_NODES):
            return type(node).__name__
        if isinstance(node, nodes.Name) and (node.name not in _ALLOWED_NAMES or node.ctx != "load"):
            return f"name {node.name}"
        if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
            return "computed index"
        if isinstance(node, nodes.Filter):
            if node.name not in _ALLOWED_FILTERS:
                return f"filter {node.name}"
            if node.dyn_args is not None or node.dyn_kwargs is not None:
                return "dynamic filter arguments"
            args = [*node.args, *(kw.value for kw in node.kwargs)]
            if any(not isinstance(arg, nodes.Const) for arg in args):
                return "computed filter argument"
            if args and node.name not in _ARGUMENT_FILTERS:
                # e.g. tojson(indent=3000000): megabytes of spaces before any cut
                return f"arguments of filter {node.name}"
            filters += 1
            if filters > _MAX_FILTERS:
                return "too many filters"
    return None


@lru_cache(maxsize=512)
def _compile(source: str) -> Template | str:
    """A compiled template, or a short reason (str) why `source` is not rendered."""
    try:
        tree = _ENV.parse(source)
        problem = _disallowed(tree)  # (a 1,500-deep vars.a.a.a… recurses: RecursionError)
    except Exception as exc:  # any parse failure means "leave the text raw"
        return f"syntax: {str(exc)[:100]}"
    if problem:
        return f"not allowed: {problem}"
    try:
        return _ENV.from_string(tree)
    except Exception as exc:
        return f"compile: {str(exc)[:100]}"


def has_placeholders(text: str) -> bool:
    return any(marker in text for marker in _MARKERS)


def template_problem(text: str) -> str | None:
    """Why `text` would be sent unrendered (for validation warnings), or None."""
    if not has_placeholders(text):
        return None
    if len(text) > TEMPLATE_MAX:
        return f"too long ({len(text)} > {TEMPLATE_MAX})"
    compiled = _compile(text)
    return compiled if isinstance(compiled, str) else None


def build_context(contact: Mapping[str, Any], variables: Mapping[str, Any]) -> dict[str, Any]:
    """The names a template can see."""
    name = contact.get("name") or ""
    first_name = name.split()[0] if isinstance(name, str) and name.split() else ""
    return {
        "contact": {
            "name": name,
            "first_name": first_name,
            "wa_id": contact.get("wa_id") or "",
            "fields": dict(contact.get("fields") or {}),
            "tags": list(contact.get("tags") or []),
        },
        "vars": dict(variables),
    }


def render(text: Any, context: Mapping[str, Any], limit: int = TEXT_MAX) -> str:
    """`text` with placeholders filled in, cut to `limit` characters. Never raises."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if not has_placeholders(text) or len(text) > TEMPLATE_MAX:
        return text[:limit]
    compiled = _compile(text)
    if isinstance(compiled, str):
        return text[:limit]
    try:
        out = compiled.render(dict(context))
    except Exception:  # a broken placeholder must not stop the conversation
        return text[:limit]
    return out[:limit]
