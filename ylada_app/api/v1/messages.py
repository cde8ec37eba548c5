"""POST /api/v1/messages: a message to a contact, through the outbox like the inbox's replies
(services/api_messages.py). With `Idempotency-Key`, a retried POST sends once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse

from ylada_app.api.v1 import schemas
from ylada_app.api.v1.deps import caller
from ylada_app.services import api_messages, idempotency
from ylada_app.services.api_keys import ApiCaller

router = APIRouter(prefix="/messages", tags=["messages"])


def _payload(body: schemas.MessageIn) -> dict:
    out: dict = {"type": body.type}
    for name in ("text", "header", "footer", "button_label"):
        value = getattr(body, name)
        if value is not None:
            out[name] = value
    if body.buttons is not None:
        out["buttons"] = [b.model_dump() for b in body.buttons]
    if body.sections is not None:
        out["sections"] = [s.model_dump(exclude_none=True) for s in body.sections]
    if body.media is not None:
        out.update({k: v for k, v in body.media.model_dump().items() if v is not None})
    return out


@router.post("", status_code=202, response_model=schemas.MessageQueued,
             summary="Send a message to a contact",
             responses={409: {"description": "Idempotency-Key reused with another request"},
                        400: {"description": "outside the 24-hour window, opted out, or "
                                             "over the plan's monthly quota"}})
def send_message(body: schemas.MessageIn, who: ApiCaller = Depends(caller),
                 idempotency_key: Annotated[str | None, Header(max_length=200)] = None
                 ) -> JSONResponse:
    key = idempotency.clean_key(idempotency_key)
    status, answer = api_messages.send(
        tenant_id=who.tenant_id, contact_id=body.contact_id, payload=_payload(body), key=key,
        digest=idempotency.request_hash(body.model_dump()) if key else "")
    return JSONResponse(answer, status_code=status)
