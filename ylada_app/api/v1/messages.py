"""POST /api/v1/messages: a message to a contact, through the outbox like the inbox's replies
(services/api_messages.py). With `Idempotency-Key`, a retried POST sends once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ylada_app.api.v1 import schemas
from ylada_app.api.v1.deps import caller
from ylada_app.services import api_messages, idempotency
from ylada_app.services.api_keys import ApiCaller

router = APIRouter(prefix="/messages", tags=["messages"])


def _payload(body: BaseModel) -> dict:
    out = body.model_dump(exclude_none=True, exclude={"contact_id", "media"})
    media = getattr(body, "media", None)
    if media is not None:
        out.update(media.model_dump(exclude_none=True))
    return out


@router.post("", status_code=202, response_model=schemas.MessageQueued,
             summary="Send a message to a contact",
             responses={409: {"description": "Idempotency-Key reused with another request"},
                        400: {"description": "outside the 24-hour window, opted out, or "
                                             "over the plan's monthly quota"}})
def send_message(body: Annotated[schemas.MessageIn, Body(openapi_examples={
                     "text": {"value": {"contact_id": 4821, "type": "text",
                                        "text": "Seu pedido saiu para entrega 🚚"}},
                     "buttons": {"value": {"contact_id": 4821, "type": "buttons",
                                           "text": "Confirma a entrega amanhã?",
                                           "buttons": [{"id": "sim", "title": "Sim"},
                                                       {"id": "nao", "title": "Não"}]}},
                     "list": {"value": {"contact_id": 4821, "type": "list",
                                        "text": "Escolha o melhor horário",
                                        "button_label": "Ver horários",
                                        "sections": [{"title": "Amanhã", "rows": [
                                            {"id": "manha", "title": "Manhã"},
                                            {"id": "tarde", "title": "Tarde"}]}]}},
                     "media": {"value": {"contact_id": 4821, "type": "media", "media": {
                         "kind": "document", "url": "https://loja.example/nota-1234.pdf",
                         "filename": "Nota fiscal 1234.pdf"}}},
                     "template": {"value": {"contact_id": 4821, "type": "template",
                                            "template": "pedido_enviado", "language": "pt_BR",
                                            "variables": ["Ana", "#1234"]}}})],
                 who: ApiCaller = Depends(caller),
                 idempotency_key: Annotated[str | None, Header(
                     max_length=200, examples=["pedido-123-saiu"])] = None
                 ) -> JSONResponse:
    key = idempotency.clean_key(idempotency_key)
    status, answer = api_messages.send(
        tenant_id=who.tenant_id, contact_id=body.contact_id, payload=_payload(body), key=key,
        digest=idempotency.request_hash(body.model_dump()) if key else "")
    return JSONResponse(answer, status_code=status)
