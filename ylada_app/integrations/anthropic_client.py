"""Thin client for Anthropic's messages API (the official `anthropic` package).

`chat()` takes the same OpenAI-shaped messages as integrations.openai_client.chat (the
service builds one prompt for every provider) and returns the same ChatResult; errors are
the same AiCallError codes ("timeout", "connection", "auth", "http_429", "http_529", …),
so the service treats both providers alike. What differs is only the wire format: the
system prompt is a parameter of its own, and the turns must alternate user / assistant
starting with the user (consecutive turns of one side are joined). The messages API of the
pinned package takes no `temperature` (the instance's setting applies to OpenAI-compatible
endpoints only; tone and rules steer both). The error mapping, client cache and token
count are the OpenAI client's (integrations/ai_common.py).
"""

from __future__ import annotations

import anthropic

from ylada_app.integrations.ai_common import (
    AiCallError,
    ChatResult,
    ClientCache,
    chat_result,
    sdk_errors,
)

DEFAULT_BASE_URL = "https://api.anthropic.com"

_clients = ClientCache(anthropic.Anthropic)


def to_anthropic(messages: list[dict]) -> tuple[str, list[dict[str, str]]]:
    """OpenAI-shaped messages → (system, alternating turns starting with the user)."""
    system = "\n\n".join(str(m.get("content") or "") for m in messages
                         if m.get("role") == "system")
    turns: list[dict[str, str]] = []
    for m in messages:
        role = "assistant" if m.get("role") == "assistant" else "user"
        if m.get("role") == "system":
            continue
        text = str(m.get("content") or "").strip()
        if not text:
            continue
        if not turns and role == "assistant":
            continue  # the API wants the customer first; the bot's opener adds nothing
        if turns and turns[-1]["role"] == role:
            turns[-1] = {"role": role, "content": turns[-1]["content"] + "\n" + text}
        else:
            turns.append({"role": role, "content": text})
    return system, turns


def chat(*, base_url: str, api_key: str, model: str, messages: list[dict],
         temperature: float = 0.3, timeout_s: float | None = None,
         max_retries: int | None = None, max_tokens: int = 500) -> ChatResult:
    if not api_key:
        raise AiCallError("not_configured", "no Anthropic API key configured")
    client = _clients.get((base_url or DEFAULT_BASE_URL).rstrip("/"), api_key, timeout_s,
                          max_retries)
    system, turns = to_anthropic(messages)
    with sdk_errors(anthropic, anthropic.AnthropicError):
        resp = client.messages.create(model=model, system=system, messages=turns,
                                      max_tokens=max_tokens)
    usage = resp.usage
    return chat_result(
        "".join(getattr(block, "text", "") or "" for block in (resp.content or [])
                if getattr(block, "type", "") == "text"),
        (int(getattr(usage, "input_tokens", 0) or 0),
         int(getattr(usage, "output_tokens", 0) or 0), 0) if usage else None,
        len(system) + sum(len(t["content"]) for t in turns))
