"""Condition rules: resolve the left side, compare it with the right side, combine AND/OR.

Comparison semantics, chosen to match what a tenant means rather than Python's:

* ``equals``/``not_equals``: numeric when both sides read as numbers ("10" equals 10.0),
  otherwise text compared case- and accent-insensitively ("São Paulo" equals "sao paulo").
* ``contains``: for ``tags`` (a list) tag membership, otherwise folded substring.
* ``gt``/``lt``/``gte``/``lte``: numeric, or ISO dates (as stored by the date validator);
  anything else is false.
* ``is_set``/``is_not_set``: a value that is not missing, None, "" or an empty list.
* ``has_tag``/``not_has_tag``: the contact's tags, whatever ``left`` says.
* ``regex``: ``re.search`` with the pattern taken literally (never rendered as a template,
  so users cannot inject patterns). `re` has no timeout, so patterns are capped in length,
  may hold at most a few unbounded quantifiers and no repeated group that itself repeats
  or alternates (the shapes behind catastrophic backtracking), and the input is cut to
  `REGEX_INPUT_MAX` characters. Unsafe or invalid patterns are reported by validation and
  evaluate to false.

The right side of non-regex rules may use placeholders (`{{vars.limite}}`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from ylada_app.engine.limits import (
    REGEX_INPUT_MAX,
    REGEX_PATTERN_MAX,
    REGEX_UNBOUNDED_QUANTIFIERS_MAX,
)
from ylada_app.engine.schema import Rule
from ylada_app.engine.text import fold
from ylada_app.engine.validators import parse_number

_VAR = r"[a-zA-Z_][a-zA-Z0-9_]{0,49}"
LEFT_PATTERN = re.compile(rf"vars\.{_VAR}|contact\.(?:name|wa_id)|contact\.fields\.{_VAR}|tags")
TAG_OPS = frozenset({"has_tag", "not_has_tag"})
UNARY_OPS = frozenset({"is_set", "is_not_set"})
_MISSING = object()


# --- regex safety ---------------------------------------------------------------------------


def _quantifier_at(pattern: str, i: int) -> tuple[bool, bool, bool]:
    """For a quantifier at index i: (may repeat more than once, its count varies, its count
    varies over a wide range — *, +, {m,} or {m,n} with n ≥ m + 2)."""
    if i >= len(pattern):
        return False, False, False
    ch = pattern[i]
    if ch in "*+":
        return True, True, True
    if ch == "?":
        return False, True, False
    if ch == "{":
        match = re.match(r"\{(\d*)(,?)(\d*)\}", pattern[i:])
        if match and (match.group(1) or match.group(3)):
            low_s, comma, high_s = match.groups()
            low = int(low_s or 0)
            high = None if comma and not high_s else int(high_s or low_s or 0)
            if high is None:
                return True, True, True
            return high > 1, high != low, high - low >= 2
    return False, False, False


def regex_problem(pattern: Any) -> str | None:
    """A pt-BR reason why `pattern` may not be used, or None when it is safe.

    Python's `re` backtracks: a group whose length varies (a repetition or alternatives
    inside) repeated more than once — (a+)+, but also (a+){20} or (a|aa){0,200} — or many
    wide repetitions in a row (\\d{0,300} six times) take exponential or high-polynomial
    time on a short customer answer, holding a worker. Those are refused; fixed counts
    like (\\d{3}\\.){2} are fine."""
    if not isinstance(pattern, str) or not pattern:
        return "a expressão regular está vazia"
    if len(pattern) > REGEX_PATTERN_MAX:
        return (
            f"a expressão regular tem {len(pattern)} caracteres; "
            f"o máximo é {REGEX_PATTERN_MAX}"
        )
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"a expressão regular é inválida ({exc})"
    stack: list[dict[str, bool]] = []
    wide = 0
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
            i += 1
            continue
        if ch == "[":
            in_class = True
            # A "]" right after "[" or "[^" is a literal member of the class.
            j = i + 1 + (pattern[i + 1: i + 2] == "^")
            i = j + 1 if pattern[j: j + 1] == "]" else j
            continue
        if ch == "(":
            stack.append({"varies": False})
        elif ch == ")" and stack:
            group = stack.pop()
            repeats, varies, is_wide = _quantifier_at(pattern, i + 1)
            if repeats and group["varies"]:
                return (
                    "a expressão regular repete um grupo que já contém repetição ou "
                    "alternativas (pode travar); simplifique-a"
                )
            wide += is_wide
            if stack and (group["varies"] or varies):
                stack[-1]["varies"] = True
        elif ch == "|" and stack:
            stack[-1]["varies"] = True
        else:
            _repeats, varies, is_wide = _quantifier_at(pattern, i)
            if varies and stack:
                stack[-1]["varies"] = True
            wide += is_wide
        i += 1
    if wide > REGEX_UNBOUNDED_QUANTIFIERS_MAX:
        return (
            f"a expressão regular usa {wide} repetições longas; o máximo é "
            f"{REGEX_UNBOUNDED_QUANTIFIERS_MAX}"
        )
    return None


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    if regex_problem(pattern) is not None:
        return None
    return re.compile(pattern)


# --- evaluation -----------------------------------------------------------------------------


def resolve_left(left: Any, contact: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
    """The value a rule's left side names; `_MISSING` when it names nothing."""
    if not isinstance(left, str):
        return _MISSING
    if left == "tags":
        return list(contact.get("tags") or [])
    if left == "contact.name":
        return contact.get("name", _MISSING)
    if left == "contact.wa_id":
        return contact.get("wa_id", _MISSING)
    if left.startswith("contact.fields."):
        return (contact.get("fields") or {}).get(left.removeprefix("contact.fields."), _MISSING)
    if left.startswith("vars."):
        return variables.get(left.removeprefix("vars."), _MISSING)
    return _MISSING


def _is_set(value: Any) -> bool:
    return value is not _MISSING and value is not None and value != "" and value != []


def _as_text(value: Any) -> str:
    if value is _MISSING or value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _as_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _equals(left: Any, right: Any) -> bool:
    if isinstance(left, list):
        return any(_equals(item, right) for item in left)
    a, b = parse_number(left), parse_number(right)
    if a is not None and b is not None:
        return a == b
    return fold(_as_text(left)) == fold(_as_text(right))


def _compare(left: Any, right: Any, op: str) -> bool:
    a: Any = parse_number(left)
    b: Any = parse_number(right)
    if a is None or b is None:
        a, b = _as_date(left), _as_date(right)
        if a is None or b is None:
            return False
    return {"gt": a > b, "lt": a < b, "gte": a >= b, "lte": a <= b}[op]


def _regex(left: Any, pattern: Any) -> bool:
    compiled = _compiled(pattern) if isinstance(pattern, str) else None
    if compiled is None:
        return False
    items = left if isinstance(left, list) else [left]
    return any(
        compiled.search(_as_text(item)[:REGEX_INPUT_MAX]) is not None
        for item in items
        if item is not _MISSING and item is not None
    )


def evaluate_rule(
    rule: Rule,
    contact: Mapping[str, Any],
    variables: Mapping[str, Any],
    render_right: Callable[[str], str] | None = None,
) -> bool:
    op = rule.op
    if op in TAG_OPS:
        tags = {fold(_as_text(t)) for t in contact.get("tags") or []}
        has = fold(_as_text(rule.right)) in tags
        return has if op == "has_tag" else not has
    left = resolve_left(rule.left, contact, variables)
    if op == "is_set":
        return _is_set(left)
    if op == "is_not_set":
        return not _is_set(left)
    if op == "regex":
        return _regex(left, rule.right)
    right: Any = rule.right
    if isinstance(right, str) and render_right is not None:
        right = render_right(right)
    if op == "equals":
        return _is_set(left) and _equals(left, right)
    if op == "not_equals":
        return not (_is_set(left) and _equals(left, right))
    if op == "contains":
        if isinstance(left, list):
            return any(fold(_as_text(item)) == fold(_as_text(right)) for item in left)
        needle = fold(_as_text(right))
        return _is_set(left) and bool(needle) and needle in fold(_as_text(left))
    if op in ("gt", "lt", "gte", "lte"):
        return _is_set(left) and _compare(left, right, op)
    return False


def evaluate(
    rules: Sequence[Rule],
    logic: str,
    contact: Mapping[str, Any],
    variables: Mapping[str, Any],
    render_right: Callable[[str], str] | None = None,
) -> bool:
    """AND/OR of the rules. An empty rule list is false (validation forbids it anyway)."""
    if not rules:
        return False
    results = (evaluate_rule(r, contact, variables, render_right) for r in rules)
    return any(results) if logic == "or" else all(results)
