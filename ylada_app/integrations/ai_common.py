"""What the model clients (openai_client, anthropic_client) share: the call's result and
error types, one cached SDK client per endpoint / key / timeout / retries (each keeps its
connection pool; a business's own endpoint's follows no redirects and, in production,
connects only to the public address it checked — integrations/public_http), the SDK
exceptions mapped to short AiCallError codes ("timeout", "connection", "auth",
"http_<status>", "error"), and the token count of a reply (estimated at ~4 characters a
token when the endpoint sends no usage). Both SDKs name their exceptions alike, so one
mapping serves both."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ylada_app.core.settings import get_settings
from ylada_app.integrations import public_http


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


class ClientCache:
    """`factory(api_key=, base_url=, timeout=, max_retries=)` → an SDK client, made once per
    set of those; timeout and retries come from settings unless given."""

    def __init__(self, factory: Callable[..., Any]) -> None:
        self._factory = factory
        self._clients: dict[tuple, Any] = {}
        self._lock = threading.Lock()

    def get(self, base_url: str, api_key: str, timeout_s: float | None,
            max_retries: int | None) -> Any:
        """The platform's own endpoints (AI_BASE_URL, ANTHROPIC_BASE_URL) are the operator's
        and may be on a private network; any other address is a business's: no redirects
        (a public address answering 307 to an internal one reached it) and only public
        addresses in production."""
        settings = get_settings()
        key = (base_url, api_key, float(timeout_s or settings.ai_timeout_s),
               settings.ai_max_retries if max_retries is None else max_retries)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                if len(self._clients) > 64:  # keys and endpoints change: do not grow forever
                    self._clients.clear()
                own = {u.rstrip("/") for u in (settings.ai_base_url,
                                               settings.anthropic_base_url) if u}
                # (a whole call within the timeout: a server answering a byte at a time
                # must not hold a thread past it)
                extra = {} if base_url.rstrip("/") in own else {
                    "http_client": public_http.client(follow_redirects=False,
                                                      total_timeout_s=key[2])}
                client = self._clients[key] = self._factory(
                    api_key=api_key or "none", base_url=base_url, timeout=key[2],
                    max_retries=key[3], **extra)
            return client


@contextmanager
def sdk_errors(sdk: ModuleType, base_error: type[Exception]) -> Iterator[None]:
    """The SDK's exceptions inside the block → AiCallError (never a library exception out)."""
    try:
        yield
    except sdk.APITimeoutError as exc:  # before APIConnectionError: it is a subclass of it
        raise AiCallError("timeout", str(exc)) from exc
    except sdk.APIConnectionError as exc:
        raise AiCallError("connection", str(exc)) from exc
    except sdk.AuthenticationError as exc:
        raise AiCallError("auth", str(exc)) from exc
    except sdk.APIStatusError as exc:
        raise AiCallError(f"http_{exc.status_code}", str(exc)) from exc
    except base_error as exc:
        raise AiCallError("error", str(exc)) from exc


def chat_result(text: str, usage: tuple[int, int, int] | None,
                prompt_chars: int) -> ChatResult:
    """The reply with its tokens: `usage` is (prompt, completion, total) as the endpoint
    reported them (total 0: their sum); without it they are estimated."""
    text = text.strip()
    if not text:
        raise AiCallError("empty", "the model returned no text")
    prompt, completion, total = usage if usage else (prompt_chars // 4, len(text) // 4, 0)
    return ChatResult(text, prompt, completion, total or prompt + completion)
