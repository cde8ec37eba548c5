"""Events whose arguments are not what the handler declares are dropped, not run.

A page sends `submit(form)` with a dict, `go(page)` with a number; anyone holding the
WebSocket can send a string or a list instead. Reflex converts what it can (a numeric string
for an `int`) and otherwise calls the handler with whatever came — `form.get` on a string
raised, the visitor saw the generic error toast and the log a traceback. `install` wraps
Reflex's `process_event`: after Reflex's own conversion, a value that does not fit the
handler's annotation (a dict or list that is not one, a number that is not one, a container
where text is expected; `| None` allowed where declared) means the event is logged as
refused and skipped. Annotations it cannot judge (Any, custom types) pass.

Half of a surrogate pair in any text of the payload ("\\ud800": JavaScript strings may hold
one, e.g. an emoji cut in two) becomes "\ufffd" before the handler sees it: stored as is, it
made every later update of the page that showed it impossible to encode. A NUL ("\\x00")
is dropped: PostgreSQL's text columns refuse it, so any handler storing it raised.
"""

from __future__ import annotations

import logging
import types
import typing
from functools import lru_cache
from typing import Any

log = logging.getLogger("ylada.events")

_SIMPLE = (dict, list, str, int, float, bool)


def _fits(value: Any, hint: Any) -> bool:
    """Whether `value` can be what `hint` declares; True when the hint is not judged."""
    if hint is Any or hint is None:
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    base = origin or hint
    if base not in _SIMPLE:
        return True
    if base in (int, float):
        return isinstance(value, int | float)
    if base in (str, bool):
        # a checkbox sends a bool, a number input a number, where handlers take text and
        # convert it themselves: only a container is surely not what the page sends
        return not isinstance(value, dict | list)
    return isinstance(value, base)


@lru_cache(maxsize=2048)
def _hints(fn: Any) -> dict[str, Any]:
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # unresolvable annotations: nothing to judge
        return {}
    hints.pop("return", None)
    return hints


def refused_argument(fn: Any, payload: dict[str, Any]) -> str | None:
    """The name of the first argument whose value does not fit `fn`'s annotation."""
    hints = _hints(fn)
    for name, value in payload.items():
        if name in hints and not _fits(value, hints[name]):
            return name
    return None


def well_formed(value: Any) -> Any:
    """`value` with every lone surrogate of its texts (dict keys too) replaced by U+FFFD
    and every NUL dropped; the same object when there is none (the common case costs one
    encode and one search per text)."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in value)
        return value
    if isinstance(value, dict):
        pairs = [(well_formed(k), well_formed(v)) for k, v in value.items()]
        changed = any(k2 is not k or v2 is not v
                      for (k, v), (k2, v2) in zip(value.items(), pairs, strict=True))
        return dict(pairs) if changed else value
    if isinstance(value, list):
        items = [well_formed(v) for v in value]
        return items if any(a is not b for a, b in zip(value, items, strict=True)) else value
    return value


def install() -> None:
    """Wrap Reflex's event runner once (idempotent)."""
    from reflex_base.event.processor import base_state_processor as bsp

    if getattr(bsp.process_event, "_ylada_guarded", False):
        return
    original = bsp.process_event
    prepare = bsp._prepare_event_payload

    async def guarded(*, handler, payload, state, root_state=None, **kwargs):
        payload = well_formed(payload or {})
        converted = prepare(handler, payload)
        bad = refused_argument(handler.fn, converted)
        if bad is not None:
            log.warning("event refused: %s got %s for %r", handler.fn.__qualname__,
                        type(converted[bad]).__name__, bad)
            return None
        return await original(handler=handler, payload=payload, state=state,
                              root_state=root_state, **kwargs)

    guarded._ylada_guarded = True  # type: ignore[attr-defined]
    bsp.process_event = guarded
