"""Thin client for any OpenAI-compatible endpoint (the `openai` library with `base_url`).

`chat()` and `embed()` never leak library exceptions: they raise AiCallError with a short
code ("timeout", "connection", "http_500", "auth", "empty", "not_configured") that the
service records for the tenant. Timeouts and retries (with the library's backoff on
connection errors, 408/409/429/5xx) come from settings unless given. The error mapping,
client cache and token count are shared with anthropic_client (integrations/ai_common.py).
"""

from __future__ import annotations

import openai

from ylada_app.integrations.ai_common import (
    AiCallError,
    ChatResult,
    ClientCache,
    chat_result,
    sdk_errors,
)

__all__ = ["AiCallError", "ChatResult", "chat", "embed"]

_clients = ClientCache(openai.OpenAI)


def chat(*, base_url: str, api_key: str, model: str, messages: list[dict],
         temperature: float = 0.3, timeout_s: float | None = None,
         max_retries: int | None = None, max_tokens: int = 500) -> ChatResult:
    if not base_url:
        raise AiCallError("not_configured", "no AI endpoint configured")
    client = _clients.get(base_url, api_key, timeout_s, max_retries)
    with sdk_errors(openai, openai.OpenAIError):
        resp = client.chat.completions.create(
            model=model, messages=messages, temperature=temperature, max_tokens=max_tokens)
    choice = resp.choices[0] if resp.choices else None
    usage = resp.usage
    return chat_result(
        (choice.message.content or "") if choice and choice.message else "",
        (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) if usage else None,
        sum(len(str(m.get("content"))) for m in messages))


def embed(*, base_url: str, api_key: str, model: str, inputs: list[str],
          timeout_s: float | None = None) -> tuple[list[list[float]], int]:
    if not base_url:
        raise AiCallError("not_configured", "no AI endpoint configured")
    client = _clients.get(base_url, api_key, timeout_s, None)
    with sdk_errors(openai, openai.OpenAIError):
        resp = client.embeddings.create(model=model, input=inputs)
    vectors = [list(d.embedding) for d in sorted(resp.data, key=lambda d: d.index)]
    tokens = resp.usage.total_tokens if resp.usage else 0
    return vectors, tokens
