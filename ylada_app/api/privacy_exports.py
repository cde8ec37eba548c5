"""GET /privacy/exports/{id}/{token}: a contact's LGPD export ZIP, only for a member of its
business (owner or admin), with the request's token, before the link expires (7 days).

The browser's session cookie says who asks; anything else is a 404 that reveals nothing.
Each download is written to the audit log.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse

from ylada_app.core.cookies import session_cookie_name
from ylada_app.core.db import session_scope
from ylada_app.services import auth, privacy
from ylada_app.services.errors import NotFound, ServiceError

router = APIRouter()


def _lookup(token: str, request_id: str, file_token: str):
    with session_scope() as session:
        ctx = auth.resolve_session(session, token)
        if ctx is None or ctx.tenant_id is None:
            return None
        if ctx.role not in ("owner", "admin"):
            raise NotFound("error.not_found")
        found = privacy.export_file(session, tenant_id=ctx.tenant_id, request_id=request_id,
                                    token=file_token)
        privacy.record_download(session, tenant_id=ctx.tenant_id, request_id=int(request_id),
                                user_id=ctx.user_id)
        return found


@router.get("/privacy/exports/{request_id}/{file_token}")
async def download_privacy_export(request_id: str, file_token: str, request: Request):
    try:
        found = await asyncio.to_thread(_lookup, request.cookies.get(session_cookie_name(), ""),
                                        request_id, file_token)
    except ServiceError as exc:
        return JSONResponse(status_code=exc.status,
                            content={"error": exc.code, "message": exc.message()})
    if found is None:
        return JSONResponse(status_code=401, content={"error": "error.login_required",
                                                      "message": "Entre para baixar."})
    path, filename = found
    return FileResponse(path, filename=filename, media_type="application/zip")
