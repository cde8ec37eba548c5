"""Retries at the transport: 429 and 503 (after their Retry-After), 502/504 and connection
failures, with exponential backoff and jitter. A request that may have changed something
(POST/PATCH/DELETE) is retried only when refused before any work (429 rate limit, 503 with
Retry-After: the API at capacity) or when it carries an Idempotency-Key (the server then
answers a repeat with the first answer)."""

from __future__ import annotations

import asyncio
import random
import time

import httpx

RETRY_STATUS = {429, 502, 503, 504}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MAX_WAIT_S = 30.0


def _may_retry(request: httpx.Request, status: int | None,
               response: httpx.Response | None = None) -> bool:
    if request.method in SAFE_METHODS or "idempotency-key" in request.headers:
        return True
    return status == 429 or (status == 503 and response is not None
                             and "retry-after" in response.headers)


def _wait(attempt: int, response: httpx.Response | None) -> float:
    if response is not None:
        after = response.headers.get("retry-after", "")
        if after.isdigit():
            return min(float(after), MAX_WAIT_S)
    return min(0.25 * 2 ** attempt + random.uniform(0, 0.1), MAX_WAIT_S)


class RetryTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, *, max_retries: int = 3) -> None:
        self._inner, self._max = inner, max_retries

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self._inner.handle_request(request)
            except (httpx.ConnectError, httpx.ConnectTimeout):
                if attempt >= self._max or not _may_retry(request, None):
                    raise
                time.sleep(_wait(attempt, None))
                attempt += 1
                continue
            if (response.status_code not in RETRY_STATUS or attempt >= self._max
                    or not _may_retry(request, response.status_code, response)):
                return response
            response.read()
            response.close()
            time.sleep(_wait(attempt, response))
            attempt += 1

    def close(self) -> None:
        self._inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, *, max_retries: int = 3) -> None:
        self._inner, self._max = inner, max_retries

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await self._inner.handle_async_request(request)
            except (httpx.ConnectError, httpx.ConnectTimeout):
                if attempt >= self._max or not _may_retry(request, None):
                    raise
                await asyncio.sleep(_wait(attempt, None))
                attempt += 1
                continue
            if (response.status_code not in RETRY_STATUS or attempt >= self._max
                    or not _may_retry(request, response.status_code, response)):
                return response
            await response.aread()
            await response.aclose()
            await asyncio.sleep(_wait(attempt, response))
            attempt += 1

    async def aclose(self) -> None:
        await self._inner.aclose()
