"""Past its capacity the API says so at once — 503 with Retry-After — instead of queueing.

Under an open-loop flood, requests over what a process can serve only wait (the bench saw
45 s); refusing them in a millisecond keeps the accepted ones fast, and callers (the SDKs
among them) come back after Retry-After. The cap counts this process's requests in flight
(`API_MAX_IN_FLIGHT`); the docs and the OpenAPI document are never refused."""

from __future__ import annotations

from fastapi import Request

from ylada_app.api.v1.problems import problem
from ylada_app.core.settings import get_settings

_FREE = ("/docs", "/openapi.json")


class AdmissionLimit:
    def __init__(self, app) -> None:
        self.app = app
        self.in_flight = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or (
                scope.get("path", "").endswith(_FREE) or "/docs-assets/" in scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        if self.in_flight >= get_settings().api_max_in_flight:
            response = problem(Request(scope), 503, "api.error.busy",
                               headers={"Retry-After": "1"})
            await response(scope, receive, send)
            return
        self.in_flight += 1  # one event loop per process: no lock needed
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
