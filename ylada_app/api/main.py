"""FastAPI application factory and error mapping."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ylada_app.api import (
    auth_session,
    brand_assets,
    exports,
    health,
    privacy_exports,
    webhooks_billing,
    webhooks_whatsapp,
)
from ylada_app.api.fast_lane import WhatsAppFastLane
from ylada_app.api.request_guard import BodyLimit, NulGuard
from ylada_app.api.v1 import create_v1
from ylada_app.core.gc_tuning import freeze_startup_heap
from ylada_app.core.logs import configure as configure_logging
from ylada_app.services.errors import ServiceError


class _Api(FastAPI):
    """FastAPI with POST /webhooks/whatsapp/{key} answered ahead of everything else, its
    middleware stack included (see fast_lane): Meta's traffic is most of the requests."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lane = WhatsAppFastLane(super().__call__)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self._lane(scope, receive, send)


def create_app() -> FastAPI:
    # The internal routes (webhooks in, exports, session helpers) are not a public contract:
    # no document or docs page for them; the public API documents itself under /api/v1.
    # No OpenTelemetry here: FastAPI's own asked the environment whether it was configured
    # on every request (~5 % of the API's CPU under webhook load).
    api = _Api(title="ylada API", version="1", docs_url=None, redoc_url=None,
               openapi_url=None, telemetry={"tracing": False, "metrics": False, "logs": False})
    api.include_router(health.router)
    api.include_router(webhooks_whatsapp.router)
    api.include_router(webhooks_billing.router)
    api.include_router(exports.router)
    api.include_router(privacy_exports.router)
    api.include_router(auth_session.router)
    api.include_router(brand_assets.router)
    api.mount("/api/v1", create_v1())
    api.add_middleware(BodyLimit)
    api.add_middleware(NulGuard)  # (the fast lane leaves requests with a NUL to it)

    @api.exception_handler(ServiceError)
    async def _service_error(_: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status,
            content={"error": exc.code, "message": exc.message(), "fields": exc.messages()},
        )

    @api.exception_handler(RequestValidationError)
    async def _bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            status_code=422,
            content={"error": "error.invalid_fields", "message": "Requisição inválida.",
                     "detail": [{"loc": e.get("loc"), "msg": e.get("msg")} for e in exc.errors()]},
        )

    return api


configure_logging()
app = create_app()
freeze_startup_heap()
