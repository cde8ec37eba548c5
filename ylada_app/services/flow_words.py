"""Placeholders as the business owner reads and types them in the flow editor.

A flow stores placeholders the engine renders (`{{contact.name}}`, `{{vars.numero_pedido}}`,
`{{vars.data|data}}`); the owner sees and types words in braces — `{nome do cliente}`,
`{número pedido}`, `{data}`. The translation back is lossless for what the owner did not
touch: a word that stood for a placeholder in the stored text becomes that very placeholder
again (its filters and defaults kept); other words become the flow's known answers or the
customer's built-in data. A `{…}` that names nothing known stays exactly as typed, and
anything already written the engine's way (`{{…}}`) is left alone, so power users and
imported flows lose nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ylada_app.engine.render import OWNER_WORD
from ylada_app.services import knowledge_text as kt
from ylada_app.services.template_preview import variable_words

# The customer's own data any text may use, in the owner's words.
BUILTINS: dict[str, str] = {
    "contact.name": "nome do cliente",
    "contact.first_name": "primeiro nome do cliente",
    "contact.wa_id": "telefone do cliente",
}
# A placeholder the owner can read as one word: a path with optional filters.
_STORED = re.compile(r"\{\{\s*((?:vars|contact)(?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*(\|[^{}]*)?\}\}")


def word_for(path: str) -> str:
    """The owner's word for a placeholder path: "vars.numero_pedido" → "número pedido"."""
    path = (path or "").strip()
    return BUILTINS.get(path) or variable_words(path)


def stored(path: str) -> str:
    """The placeholder the engine renders for a path: "vars.email" → "{{vars.email}}"."""
    return "{{" + path + "}}"


def _key(words: str) -> str:
    return kt.fold((words or "").replace("_", " "))


def to_owner(text: str | None) -> str:
    """Stored text as the owner reads it: `Olá {{contact.name}}` → `Olá {nome do cliente}`."""
    if not text or "{{" not in text:
        return text or ""
    return _STORED.sub(lambda m: "{" + word_for(m.group(1)) + "}", text)


def known_words(variables: Iterable[str]) -> dict[str, str]:
    """Folded owner word → the placeholder it stands for (answers, then built-in data)."""
    known: dict[str, str] = {}
    for name in variables:
        if name:
            known.setdefault(_key(word_for(f"vars.{name}")), stored(f"vars.{name}"))
            known.setdefault(_key(name), stored(f"vars.{name}"))
    for path, words in BUILTINS.items():
        known.setdefault(_key(words), stored(path))
    return known


def to_stored(text: str | None, *, previous: str | None = "",
              variables: Iterable[str] = ()) -> str:
    """The owner's text the way the flow stores it. `previous` is the stored text being
    replaced: its placeholders come back exactly as they were."""
    if not text or "{" not in text:
        return text or ""
    known = known_words(variables)
    for m in _STORED.finditer(previous or ""):
        known[_key(word_for(m.group(1)))] = m.group(0)

    def back(m: re.Match[str]) -> str:
        return known.get(_key(m.group(1)), m.group(0))

    return OWNER_WORD.sub(back, text)

