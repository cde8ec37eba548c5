"""GET /brand/{id}/logo-{v}.png and /brand/{id}/favicon-{v}.png: a brand's images; and
GET /brand/tls-allowed?domain=…, the question Caddy's on-demand TLS asks before getting a
certificate (200 only for a verified custom domain or a subdomain in use; README).

Public (login pages show them before anyone logs in). The bytes are the server's own PNG
re-encoding, never the upload; the version in the URL changes with every new logo, so the
answer can be cached for a long time. A wrong id or version answers 404.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response

from ylada_app.core.db import session_scope
from ylada_app.services import brand
from ylada_app.services.validation import parse_id

router = APIRouter()
HEADERS = {"Cache-Control": "public, max-age=31536000, immutable",
           "X-Content-Type-Options": "nosniff",
           "Content-Security-Policy": "default-src 'none'; sandbox",
           "Content-Disposition": "inline"}


def _load(brand_id: int, kind: str, version: int) -> bytes | None:
    with session_scope() as session:
        return brand.image_bytes(session, brand_id=brand_id, kind=kind, version=version)


@router.get("/brand/{brand_id}/{kind}-{version}.png", include_in_schema=False)
async def brand_image(brand_id: int, kind: str, version: int) -> Response:
    # (ids beyond the database's integer columns are no brand's, not a database error)
    if kind not in ("logo", "favicon") or parse_id(brand_id) is None or parse_id(version) is None:
        return Response(status_code=404)
    data = await asyncio.to_thread(_load, brand_id, kind, version)
    if not data:
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    return Response(content=data, media_type="image/png", headers=HEADERS)


def _tls_allowed(domain: str) -> bool:
    with session_scope() as session:
        return brand.tls_allowed(session, domain)


@router.get("/brand/tls-allowed", include_in_schema=False)
async def tls_allowed(domain: str = "") -> Response:
    ok = await asyncio.to_thread(_tls_allowed, domain)
    return Response(status_code=200 if ok else 404, headers={"Cache-Control": "no-store"})
