"""GET /healthz: database (and Redis, when configured) reachability."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from ylada_app.core.db import get_engine
from ylada_app.core.settings import get_settings

router = APIRouter()


def _check_db() -> str:
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # report, never raise: this is a probe
        return f"error: {type(exc).__name__}"


def _check_redis() -> str:
    url = get_settings().redis_url
    if not url:
        return "not_configured"
    try:
        from ylada_app.core.queue import redis_connection

        redis_connection(url).ping()
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


@router.get("/healthz")
async def healthz() -> JSONResponse:
    db, redis = await asyncio.gather(asyncio.to_thread(_check_db), asyncio.to_thread(_check_redis))
    healthy = db == "ok" and redis in ("ok", "not_configured")
    return JSONResponse(
        status_code=200 if healthy else 503,
        content={"status": "ok" if healthy else "degraded", "database": db, "redis": redis},
    )
