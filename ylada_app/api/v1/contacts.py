"""/api/v1/contacts: list (cursor pages, filters), get, upsert by phone, edit, delete —
through services/contacts.py, the same rules as the Contatos page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from ylada_app.api.v1 import schemas
from ylada_app.api.v1.deps import Cursor, Id, InstanceFilter, caller, decode_cursor, page_of
from ylada_app.api.v1.problems import ApiProblem
from ylada_app.core.db import session_scope
from ylada_app.services import consent, contacts
from ylada_app.services.api_keys import ApiCaller

router = APIRouter(prefix="/contacts", tags=["contacts"])


def _out(c) -> schemas.Contact:
    return schemas.Contact(id=c.id, instance_id=c.instance_id, phone=c.wa_id, name=c.name,
                           tags=list(c.tags or []), fields=dict(c.fields or {}),
                           opted_out=c.opted_out, opted_in_at=c.opted_in_at,
                           created_at=c.created_at,
                           updated_at=c.updated_at)


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if when.tzinfo is not None:
            when = when.astimezone(UTC).replace(tzinfo=None)  # stored as naive UTC
    except (ValueError, OverflowError):  # (year 1 or 9999 shifted past the calendar's end)
        raise ApiProblem(422, "api.error.date", field="updated_since") from None
    return when


@router.get("", response_model=schemas.ContactPage, summary="List contacts",
            description="Oldest first, in pages: pass `next_cursor` as `cursor`.")
def list_contacts(
    who: ApiCaller = Depends(caller),
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Cursor = None,
    tag: Annotated[str | None, Query(max_length=50, examples=["vip"])] = None,
    field: Annotated[str | None, Query(max_length=50, description="a field's name",
                                           examples=["cidade"])] = None,
    value: Annotated[str | None, Query(max_length=200, examples=["Campinas"],
                                       description="with `field`: its value")] = None,
    opted_out: bool | None = None,
    updated_since: Annotated[str | None, Query(max_length=40,
                                               examples=["2026-12-01T10:00:00Z"])] = None,
    instance_id: InstanceFilter = None,
) -> schemas.ContactPage:
    after = decode_cursor(cursor)
    since = _since(updated_since)
    with session_scope() as session:
        rows = contacts.page_after(session, tenant_id=who.tenant_id, after_id=after,
                                   limit=limit + 1, tag=tag or "", field_name=field or "",
                                   field_value=value or "", opted_out=opted_out,
                                   updated_since=since, instance_id=instance_id)
        page, next_cursor = page_of(rows, limit, lambda c: c.id)
        return schemas.ContactPage(data=[_out(c) for c in page], next_cursor=next_cursor)


@router.get("/{contact_id}", response_model=schemas.Contact, summary="One contact")
def get_contact(contact_id: Id, who: ApiCaller = Depends(caller)) -> schemas.Contact:
    with session_scope() as session:
        return _out(contacts.get_contact(session, tenant_id=who.tenant_id,
                                         contact_id=contact_id))


@router.get("/{contact_id}/consents", response_model=schemas.ConsentList,
            summary="A contact's consent history",
            description="Every grant and revocation (LGPD proof), newest first: purpose, "
                        "legal basis, source, the text shown and what backs it.")
def contact_consents(contact_id: Id, who: ApiCaller = Depends(caller)) -> schemas.ConsentList:
    with session_scope() as session:
        contact = contacts.get_contact(session, tenant_id=who.tenant_id, contact_id=contact_id)
        return schemas.ConsentList(data=[
            schemas.ConsentRecord(purpose=e.purpose, granted=e.granted,
                                  legal_basis=e.legal_basis, source=e.source,
                                  text_shown=e.text_shown, evidence=e.evidence,
                                  created_at=e.at)
            for e in consent.history(session, tenant_id=who.tenant_id, contact_id=contact.id)])


@router.post("", response_model=schemas.Contact, summary="Create or update by phone",
             responses={201: {"model": schemas.Contact, "description": "created"}},
             description="The number's contact with this phone is updated (200) or created "
                         "(201). Only what is sent changes; `fields` are merged.")
def upsert_contact(body: schemas.ContactUpsert, response: Response,
                   who: ApiCaller = Depends(caller)) -> schemas.Contact:
    with session_scope() as session:
        contact, created = contacts.upsert_contact(
            session, tenant_id=who.tenant_id, instance_id=body.instance_id, phone=body.phone,
            name=body.name, tags=body.tags, fields=body.fields, opted_out=body.opted_out,
            opted_in=body.opted_in, evidence={"api_key_id": who.key_id})
        response.status_code = 201 if created else 200
        return _out(contact)


@router.patch("/{contact_id}", response_model=schemas.Contact, summary="Edit a contact")
def patch_contact(contact_id: Id, body: schemas.ContactPatch,
                  who: ApiCaller = Depends(caller)) -> schemas.Contact:
    with session_scope() as session:
        return _out(contacts.patch_contact(
            session, tenant_id=who.tenant_id, contact_id=contact_id, name=body.name,
            tags=body.tags, fields=body.fields, opted_out=body.opted_out,
            opted_in=body.opted_in, evidence={"api_key_id": who.key_id}))


@router.delete("/{contact_id}", status_code=204, response_class=Response,
               summary="Delete a contact, its conversation and messages")
def delete_contact(contact_id: Id, who: ApiCaller = Depends(caller)) -> Response:
    with session_scope() as session:
        contacts.delete_contact(session, tenant_id=who.tenant_id, contact_id=contact_id)
    return Response(status_code=204)
