"""Past its cap the API refuses at once — 503 problem+json with Retry-After and a request
id — instead of queueing; requests in flight finish normally, the docs are never refused."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi import FastAPI

from ylada_app.api.v1 import problems
from ylada_app.core.settings import reset_settings_cache


def test_requests_over_the_cap_get_503_at_once(monkeypatch):
    monkeypatch.setenv("API_MAX_IN_FLIGHT", "2")
    reset_settings_cache()
    release = asyncio.Event()
    app = FastAPI()

    @app.get("/slow")
    async def slow() -> dict:
        await release.wait()
        return {"ok": True}

    @app.get("/docs")
    async def docs() -> dict:
        return {"docs": True}

    problems.install(app)

    async def run():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://t") as client:
            first = [asyncio.create_task(client.get("/slow")) for _ in range(2)]
            await asyncio.sleep(0.05)
            refused = await client.get("/slow", headers={"Accept-Language": "en"})
            free = await client.get("/docs")
            release.set()
            return [await t for t in first], refused, free

    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            served, refused, free = pool.submit(asyncio.run, run()).result()
    finally:
        monkeypatch.undo()
        reset_settings_cache()
    assert [r.status_code for r in served] == [200, 200]
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert refused.headers["content-type"].startswith("application/problem+json")
    body = refused.json()
    assert body["code"] == "api.error.busy" and "capacity" in body["detail"]
    assert body["request_id"] == refused.headers["x-request-id"]
    assert free.status_code == 200
