"""GET /privacy/exports/{id}/{token}: a contact's LGPD export ZIP, only for a member of its
business (owner or admin), with the request's token, before the link expires (7 days).

The browser's session cookie says who asks; anything else is a 404 that reveals nothing.
Each download is written to the audit log.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from ylada_app.api.exports import serve_file
from ylada_app.core.db import session_scope
from ylada_app.services import auth, privacy
from ylada_app.services.errors import NotFound

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
    return await serve_file(request, _lookup, request_id, file_token,
                            media_type="application/zip")
