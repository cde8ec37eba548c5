"""GET /exports/{id}/{token}: an analytics export file, only for a member of its tenant.

The browser's session cookie says who asks (the same one the UI uses); the export must belong
to that session's current tenant and the token must match, else 404 (nothing is revealed).
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse

from ylada_app.core.cookies import session_cookie_name
from ylada_app.core.db import session_scope
from ylada_app.services import analytics_export, auth
from ylada_app.services.errors import ServiceError

router = APIRouter()
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _lookup(token: str, export_id: str, file_token: str):
    with session_scope() as session:
        ctx = auth.resolve_session(session, token)
        if ctx is None or ctx.tenant_id is None:
            return None
        return analytics_export.export_file(session, tenant_id=ctx.tenant_id,
                                            export_id=export_id, token=file_token)


async def serve_file(request: Request, lookup, *args: str, media_type=None):
    """A download behind the session cookie: `lookup(session token, *args)` runs off the
    event loop and returns (path, file name), None when nobody is signed in, or raises a
    ServiceError (answered with its status; 404 reveals nothing)."""
    try:
        found = await asyncio.to_thread(lookup, request.cookies.get(session_cookie_name(), ""),
                                        *args)
    except ServiceError as exc:
        return JSONResponse(status_code=exc.status,
                            content={"error": exc.code, "message": exc.message()})
    if found is None:
        return JSONResponse(status_code=401, content={"error": "error.login_required",
                                                      "message": "Entre para baixar."})
    path, filename = found
    return FileResponse(path, filename=filename,
                        media_type=media_type or MEDIA.get(path.suffix[1:]))


@router.get("/exports/{export_id}/{file_token}")
async def download_export(export_id: str, file_token: str, request: Request):
    return await serve_file(request, _lookup, export_id, file_token)
