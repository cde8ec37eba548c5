"""Start triggers: which flow, if any, an inbound message opens.

Priority, first match wins (flows in the FlowSet's order within each rank):

1. ``button_payload`` equal to the message's payload (a template or old menu button);
2. ``referral`` (the user came from a click-to-WhatsApp ad; ``source_id`` narrows it);
3. ``keyword`` with ``match: "exact"`` (the whole message, folded, equals a keyword);
4. ``keyword`` with ``match: "contains"`` (a keyword appears as whole words);
5. ``any_message``.

While a session is active only ranks 1-3 apply: a user answering a question with
"meu pedido é 123" must not be yanked into the "pedido" flow, but typing exactly "menu"
should always work. ``any_message`` only opens a flow when no session is running.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ylada_app.engine.schema import Flow
from ylada_app.engine.text import contains_words, fold_loose


def match_trigger(
    flows: Mapping[str, Flow], event: Mapping[str, Any], text: str, *, session_active: bool
) -> tuple[str, str] | None:
    """(flow_id, trigger type) of the flow this message starts, or None."""
    starts = [(fid, f.start) for fid, f in flows.items() if isinstance(f, Flow) and f.start]
    payload = event.get("payload")
    referral = event.get("referral")
    folded = fold_loose(text) if text else ""

    if isinstance(payload, str) and payload:
        for fid, start in starts:
            if any(t.type == "button_payload" and t.payload == payload
                   for t in start.data.triggers):
                return fid, "button_payload"
    if isinstance(referral, Mapping):
        source_id = referral.get("source_id")
        for fid, start in starts:
            if any(t.type == "referral" and (not t.source_id or t.source_id == source_id)
                   for t in start.data.triggers):
                return fid, "referral"
    if folded:
        for fid, start in starts:
            for t in start.data.triggers:
                if t.type == "keyword" and t.match == "exact" and any(
                    fold_loose(k) == folded for k in t.keywords
                ):
                    return fid, "keyword"
    if session_active:
        return None
    if folded:
        for fid, start in starts:
            for t in start.data.triggers:
                if t.type == "keyword" and t.match == "contains" and any(
                    contains_words(text, k) for k in t.keywords
                ):
                    return fid, "keyword"
    for fid, start in starts:
        if any(t.type == "any_message" for t in start.data.triggers):
            return fid, "any_message"
    return None
