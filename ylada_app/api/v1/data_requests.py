"""/api/v1 LGPD data subject requests: ask for a contact's export or erasure, follow it, and
download the export — through services/privacy.py, the same rules as the contact page. With
`Idempotency-Key`, a retried POST records one request (and an open request of the same
kind for the contact is answered instead of a second one)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy.exc import IntegrityError

from ylada_app.api.v1 import schemas
from ylada_app.api.v1.deps import Id, caller
from ylada_app.core.db import session_scope
from ylada_app.services import idempotency, privacy
from ylada_app.services.api_keys import ApiCaller

router = APIRouter(tags=["privacy"])


def _out(view: privacy.RequestView) -> schemas.DataRequest:
    return schemas.DataRequest(
        id=view.id, contact_id=view.contact_id, kind=view.kind, source=view.source,
        status=view.status, progress=view.progress, created_at=view.created_at,
        due_at=view.due_at, done_at=view.done_at, overdue=view.overdue,
        download_url=f"/api/v1/data-requests/{view.id}/download" if view.downloadable
        else None)


@router.post("/contacts/{contact_id}/data-requests", status_code=201,
             response_model=schemas.DataRequest, summary="Ask for an LGPD export or erasure",
             description="Records the request (15-day legal deadline) and starts it. 200 "
                         "with the open request when one of the same kind is already open "
                         "for the contact. An erasure is irreversible.",
             responses={200: {"model": schemas.DataRequest,
                              "description": "an open request of this kind already exists"},
                        409: {"description": "Idempotency-Key reused with another request"}})
def create_data_request(contact_id: Id, body: schemas.DataRequestIn,
                        who: ApiCaller = Depends(caller),
                        idempotency_key: Annotated[str | None, Header(
                            max_length=200, examples=["lgpd-ana-2026-12"])] = None
                        ) -> JSONResponse:
    key = idempotency.clean_key(idempotency_key)
    digest = idempotency.request_hash({"contact_id": contact_id, **body.model_dump()}) \
        if key else ""
    try:
        status, answer = _create(who.tenant_id, contact_id, body.kind, key, digest)
    except IntegrityError:  # the same key, at the same moment, won elsewhere
        if key is None:
            raise
        with session_scope() as session:
            earlier = idempotency.replay(session, tenant_id=who.tenant_id, key=key,
                                         digest=digest)
        if earlier is None:
            raise
        status, answer = earlier
    return JSONResponse(answer, status_code=status)


def _create(tenant_id: int, contact_id: int, kind: str, key: str | None,
            digest: str) -> tuple[int, dict]:
    with session_scope() as session:
        if key is not None:
            earlier = idempotency.replay(session, tenant_id=tenant_id, key=key, digest=digest)
            if earlier is not None:
                return earlier
        row, created = privacy.create_request(session, tenant_id=tenant_id,
                                              contact_id=contact_id, kind=kind, source="api")
        answer = _out(privacy.get_request(session, tenant_id=tenant_id, request_id=row.id)
                      ).model_dump(mode="json")
        status = 201 if created else 200
        if key is not None:  # in the same transaction as the request
            idempotency.record(session, tenant_id=tenant_id, key=key, digest=digest,
                               status_code=status, response=answer)
    return status, answer


@router.get("/data-requests/{request_id}", response_model=schemas.DataRequest,
            summary="One LGPD request", description="Its status and, for a built export, "
                                                    "the `download_url`.")
def get_data_request(request_id: Id, who: ApiCaller = Depends(caller)) -> schemas.DataRequest:
    with session_scope() as session:
        return _out(privacy.get_request(session, tenant_id=who.tenant_id,
                                        request_id=request_id))


@router.get("/data-requests/{request_id}/download", include_in_schema=False)
def download_data_request(request_id: Id, who: ApiCaller = Depends(caller)) -> FileResponse:
    """The export's ZIP (the `download_url` of a done export)."""
    with session_scope() as session:
        view = privacy.get_request(session, tenant_id=who.tenant_id, request_id=request_id)
        path, filename = privacy.export_file(session, tenant_id=who.tenant_id,
                                             request_id=request_id, token=view.file_token)
        privacy.record_download(session, tenant_id=who.tenant_id, request_id=request_id,
                                via="api")
    return FileResponse(path, filename=filename, media_type="application/zip")
