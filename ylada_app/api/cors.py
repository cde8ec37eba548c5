"""CORS for the whole backend, answering only the origins services/origins.py allows.

Reflex adds Starlette's CORSMiddleware with its `cors_allowed_origins` setting, a fixed
list; "*" (its default) echoed every site's Origin with credentials allowed. White-label
domains come and go with DNS proofs, so the list cannot be fixed: api/edge.py makes Reflex
add this middleware instead and gives the pages' Socket.IO server the same check. An
allowed Origin gets Starlette's usual answer; any other gets no CORS headers, and its
preflight a 400.
"""

from __future__ import annotations

from typing import Any

from starlette.middleware.cors import CORSMiddleware

from ylada_app.services import origins

_OPTIONS = {"allow_methods": ["*"], "allow_headers": ["*"]}


class OriginCheckedCors:
    def __init__(self, app: Any) -> None:
        self.app = app
        self._open = CORSMiddleware(app, allow_origin_regex=r".*", allow_credentials=True,
                                    **_OPTIONS)
        self._closed = CORSMiddleware(app, allow_origins=(), **_OPTIONS)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = next((v for k, v in scope.get("headers", ()) if k == b"origin"), None)
        if origin is None:
            await self.app(scope, receive, send)
            return
        ok = origins.allowed(origin.decode("latin-1"))
        await (self._open if ok else self._closed)(scope, receive, send)
