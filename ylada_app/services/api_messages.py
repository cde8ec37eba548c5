"""Messages a business's program sends to a contact through the public API.

The API is one more sender on the outbox (services/outbox.py): the same 24-hour window,
opt-out and quota rule as the inbox, the same delivery. A message's shape is checked by the
channel's own builder before anything is written, so a malformed one is a 422, never a
failed send later. An approved template (services/message_templates) may also go outside
the 24-hour window, and to a contact who never wrote (its conversation is opened for it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from ylada_app.channels.whatsapp_cloud.payloads import PayloadError, build_payload
from ylada_app.core.db import session_scope
from ylada_app.models import Conversation, Instance
from ylada_app.services import contacts, idempotency, inbox, message_templates, outbox
from ylada_app.services.errors import FieldErrors, ServiceError


def check_shape(payload: dict[str, Any]) -> dict[str, Any]:
    """The engine message as the channel would send it; a 422 when it could not be."""
    try:
        build_payload("5500000000000", payload)
    except PayloadError as exc:
        raise FieldErrors({"message": "api.error.message_shape"},
                          {"message": {"why": str(exc)[:200]}}) from None
    return {**payload, "source": "api"}


def send(*, tenant_id: int, contact_id: int, payload: dict[str, Any],
         key: str | None = None, digest: str = "") -> tuple[int, dict[str, Any]]:
    """Queue `payload` for the contact; returns (HTTP status, body). With an idempotency
    `key`, a repeated call returns the first answer and sends nothing."""
    template = payload.get("type") == "template"
    message = payload if template else check_shape(payload)
    with session_scope() as session:
        if key is not None:
            earlier = idempotency.replay(session, tenant_id=tenant_id, key=key, digest=digest)
            if earlier is not None:
                return earlier
        contact = contacts.get_contact(session, tenant_id=tenant_id, contact_id=contact_id)
        if template:
            filled, _ = message_templates.template_payload(
                session, tenant_id=tenant_id, instance_id=contact.instance_id,
                name=payload.get("template", ""), language=payload.get("language", "pt_BR"),
                variables=payload.get("variables"),
                header_variables=payload.get("header_variables"),
                header_link=payload.get("header_media_link"), field="message")
            message = check_shape(filled)
        conv_id = session.exec(select(Conversation.id).where(
            Conversation.contact_id == contact.id)).first()
        if conv_id is None and template and not contact.opted_out:
            # a template may open the conversation with someone who never wrote
            conv_id = inbox.contact_and_conversation(
                session, instance=session.get(Instance, contact.instance_id),
                wa_id=contact.wa_id, name=None)[1].id
        elif conv_id is None:  # never wrote: no window is open (and nothing is created)
            raise ServiceError("outbound.opted_out" if contact.opted_out
                               else "outbound.window_closed", field="message")

    def remember(locked: outbox.Locked) -> None:
        if key is not None:
            idempotency.record(locked.session, tenant_id=tenant_id, key=key, digest=digest,
                               status_code=202, response=_body(locked.message.id, conv_id))

    try:
        message_id = outbox.queue_message(tenant_id=tenant_id, conversation_id=conv_id,
                                          payload=message, sender="api", field="message",
                                          also=remember, template=template)
    except IntegrityError:  # the same key, at the same moment, won elsewhere
        with session_scope() as session:
            earlier = idempotency.replay(session, tenant_id=tenant_id, key=key or "",
                                         digest=digest)
        if earlier is None:
            raise
        return earlier
    return 202, _body(message_id, conv_id)


def _body(message_id: int, conversation_id: int) -> dict[str, Any]:
    return {"id": message_id, "conversation_id": conversation_id, "status": "queued"}
