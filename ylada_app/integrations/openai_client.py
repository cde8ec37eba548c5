"""Thin client for any OpenAI-compatible endpoint (the `openai` library with `base_url`).

`chat()` and `embed()` never leak library exceptions: they raise AiCallError with a short
code ("timeout", "connection", "http_500", "auth", "empty", "not_configured") that the
service records for the tenant. Timeouts and retries (with the library's backoff on
connection errors, 408/409/429/5xx) come from settings unless given.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import openai

from ylada_app.core.settings import get_settings


class AiCallError(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail[:200]
        super().__init__(f"{code}: {detail}"[:250])


@dataclass
class ChatResult:
    text: str
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


_clients: dict[tuple, openai.OpenAI] = {}
_lock = threading.Lock()


def _client(base_url: str, api_key: str, timeout_s: float, retries: int) -> openai.OpenAI:
    key = (base_url, api_key, timeout_s, retries)
    with _lock:
        client = _clients.get(key)
        if client is None:
            if len(_clients) > 64:
                _clients.clear()
            client = _clients[key] = openai.OpenAI(api_key=api_key or "none",
                                                   base_url=base_url, timeout=timeout_s,
                                                   max_retries=retries)
        return client


def _call(fn):
    try:
        return fn()
    except openai.APITimeoutError as exc:
        raise AiCallError("timeout", str(exc)) from exc
    except openai.APIConnectionError as exc:
        raise AiCallError("connection", str(exc)) from exc
    except openai.AuthenticationError as exc:
        raise AiCallError("auth", str(exc)) from exc
    except openai.APIStatusError as exc:
        raise AiCallError(f"http_{exc.status_code}", str(exc)) from exc
    except openai.OpenAIError as exc:
        raise AiCallError("error", str(exc)) from exc


def chat(*, base_url: str, api_key: str, model: str, messages: list[dict],
         temperature: float = 0.3, timeout_s: float | None = None,
         max_retries: int | None = None, max_tokens: int = 500) -> ChatResult:
    if not base_url:
        raise AiCallError("not_configured", "no AI endpoint configured")
    settings = get_settings()
    client = _client(base_url, api_key, float(timeout_s or settings.ai_timeout_s),
                     settings.ai_max_retries if max_retries is None else max_retries)
    resp = _call(lambda: client.chat.completions.create(
        model=model, messages=messages, temperature=temperature,  # type: ignore[arg-type]
        max_tokens=max_tokens))
    choice = resp.choices[0] if resp.choices else None
    text = (choice.message.content or "").strip() if choice and choice.message else ""
    if not text:
        raise AiCallError("empty", "the model returned no text")
    usage = resp.usage
    estimate = sum(len(str(m.get("content"))) for m in messages) // 4
    prompt = usage.prompt_tokens if usage else estimate
    completion = usage.completion_tokens if usage else len(text) // 4
    total = usage.total_tokens if usage and usage.total_tokens else prompt + completion
    return ChatResult(text, prompt, completion, total)


def embed(*, base_url: str, api_key: str, model: str, inputs: list[str],
          timeout_s: float | None = None) -> tuple[list[list[float]], int]:
    if not base_url:
        raise AiCallError("not_configured", "no AI endpoint configured")
    settings = get_settings()
    client = _client(base_url, api_key, float(timeout_s or settings.ai_timeout_s),
                     settings.ai_max_retries)
    resp = _call(lambda: client.embeddings.create(model=model, input=inputs))
    vectors = [list(d.embedding) for d in sorted(resp.data, key=lambda d: d.index)]
    tokens = resp.usage.total_tokens if resp.usage else 0
    return vectors, tokens
