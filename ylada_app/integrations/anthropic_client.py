"""Thin client for Anthropic's messages API (the official `anthropic` package).

`chat()` takes the same OpenAI-shaped messages as integrations.openai_client.chat (the
service builds one prompt for every provider) and returns the same ChatResult; errors are
the same AiCallError codes ("timeout", "connection", "auth", "http_429", "http_529", …),
so the service treats both providers alike. What differs is only the wire format: the
system prompt is a parameter of its own, and the turns must alternate user / assistant
starting with the user (consecutive turns of one side are joined). The messages API of the
pinned package takes no `temperature` (the instance's setting applies to OpenAI-compatible
endpoints only; tone and rules steer both).
"""

from __future__ import annotations

import threading

import anthropic

from ylada_app.core.settings import get_settings
from ylada_app.integrations.openai_client import AiCallError, ChatResult

DEFAULT_BASE_URL = "https://api.anthropic.com"

_clients: dict[tuple, anthropic.Anthropic] = {}
_lock = threading.Lock()


def _client(base_url: str, api_key: str, timeout_s: float, retries: int) -> anthropic.Anthropic:
    key = (base_url, api_key, timeout_s, retries)
    with _lock:
        client = _clients.get(key)
        if client is None:
            if len(_clients) > 64:
                _clients.clear()
            client = _clients[key] = anthropic.Anthropic(
                api_key=api_key or "none", base_url=base_url, timeout=timeout_s,
                max_retries=retries)
        return client


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
    settings = get_settings()
    client = _client((base_url or DEFAULT_BASE_URL).rstrip("/"), api_key,
                     float(timeout_s or settings.ai_timeout_s),
                     settings.ai_max_retries if max_retries is None else max_retries)
    system, turns = to_anthropic(messages)
    try:
        resp = client.messages.create(model=model, system=system, messages=turns,  # type: ignore[arg-type]
                                      max_tokens=max_tokens)
    except anthropic.APITimeoutError as exc:
        raise AiCallError("timeout", str(exc)) from exc
    except anthropic.APIConnectionError as exc:
        raise AiCallError("connection", str(exc)) from exc
    except anthropic.AuthenticationError as exc:
        raise AiCallError("auth", str(exc)) from exc
    except anthropic.APIStatusError as exc:
        raise AiCallError(f"http_{exc.status_code}", str(exc)) from exc
    except anthropic.AnthropicError as exc:
        raise AiCallError("error", str(exc)) from exc
    text = "".join(getattr(block, "text", "") or "" for block in (resp.content or [])
                   if getattr(block, "type", "") == "text").strip()
    if not text:
        raise AiCallError("empty", "the model returned no text")
    usage = resp.usage
    prompt = int(getattr(usage, "input_tokens", 0) or 0) if usage else 0
    completion = int(getattr(usage, "output_tokens", 0) or 0) if usage else 0
    if not usage:
        prompt = (len(system) + sum(len(t["content"]) for t in turns)) // 4
        completion = len(text) // 4
    return ChatResult(text, prompt, completion, prompt + completion)
