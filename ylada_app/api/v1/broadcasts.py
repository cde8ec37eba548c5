"""/api/v1/broadcasts: plan a broadcast (an approved template to an audience of a number's
consenting contacts, now or at a time), list and follow them, cancel one, page through its
recipients, and estimate an audience's size and cost — through services/broadcasts.py, the
same rules as the Transmissões page. With `Idempotency-Key`, a retried POST plans one
broadcast."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from ylada_app.api.v1 import schemas
from ylada_app.api.v1.deps import Cursor, Id, caller, decode_cursor, page_of, reader
from ylada_app.core import live
from ylada_app.core.db import session_scope
from ylada_app.models import utcnow
from ylada_app.services import broadcasts, idempotency
from ylada_app.services.api_keys import ApiCaller
from ylada_app.services.broadcasts import Draft
from ylada_app.services.errors import FieldErrors

router = APIRouter(prefix="/broadcasts", tags=["broadcasts"])
# ":int" so that /broadcasts/estimate is never taken for an id (a GET there is a 405)
BY_ID = "/{broadcast_id:int}"
# the service's field names → the request's, so a 422 names what the caller sent
_NAMES = {"send_at": "scheduled_at", "tags": "audience.tags",
          "active_days": "audience.active_days", "field": "audience.fields"}


def _name(key: str) -> str:
    if key.startswith("var") and key[3:].isdigit():  # the page's blanks: var1, var2…
        return f"variables.{int(key[3:]) - 1}"
    return _NAMES.get(key, key)


@contextmanager
def _request_names() -> Iterator[None]:
    try:
        yield
    except FieldErrors as exc:
        raise FieldErrors({_name(k): v for k, v in exc.errors.items()},
                          {_name(k): v for k, v in exc.field_params.items()}) from None


def _audience(body: schemas.BroadcastAudience) -> broadcasts.Audience:
    return broadcasts.clean_audience(body.tags, body.active_days,
                                     [f.model_dump() for f in body.fields])


def _template(body: schemas.BroadcastEstimateIn) -> str:
    return f"{body.template}|{body.language}"


def _out(session, b) -> schemas.Broadcast:
    progress = broadcasts.progress(session, b)
    wait = broadcasts.tier_wait(session, b)
    return schemas.Broadcast(
        id=b.id, instance_id=b.instance_id, name=b.name, template=b.template_name,
        language=b.language, category=b.category, status=b.status,
        stop_reason=b.stop_reason or None, resumes_at=wait.frees_at if wait else None,
        scheduled_at=b.send_at,
        variables=[schemas.BroadcastVariable.model_validate(v) for v in b.variables or []],
        header_media_link=b.header_link or None,
        audience=schemas.BroadcastAudience.model_validate(
            broadcasts.Audience.from_json(b.audience).as_json()),
        progress=schemas.BroadcastProgress(**progress),
        estimated_cost_cents=round(b.price_cents * progress["total"]),
        created_at=b.created_at, started_at=b.started_at, finished_at=b.finished_at)


@router.get("", response_model=schemas.BroadcastPage, summary="List broadcasts",
            description="Newest first, in pages: pass `next_cursor` as `cursor`.")
def list_broadcasts(who: ApiCaller = Depends(caller),
                    limit: Annotated[int, Query(ge=1, le=100)] = 20,
                    cursor: Cursor = None) -> schemas.BroadcastPage:
    with session_scope() as session:
        rows = broadcasts.page_before(session, tenant_id=who.tenant_id,
                                      before_id=decode_cursor(cursor), limit=limit + 1)
        page, next_cursor = page_of(rows, limit, lambda b: b.id)
        return schemas.BroadcastPage(data=[_out(session, b) for b in page],
                                     next_cursor=next_cursor)


@router.post("", status_code=201, response_model=schemas.Broadcast, summary="Plan a broadcast",
             description="Only contacts of the number who consented to marketing messages "
                         "and did not opt out are reached, each once. Refused (422, nothing "
                         "saved) when the template is not approved, a {{n}} has no source, "
                         "nobody is in the audience, or the audience is bigger than the "
                         "messages the plan still allows this month (unless `up_to_quota`).",
             responses={409: {"description": "Idempotency-Key reused with another request"}})
def create_broadcast(body: schemas.BroadcastIn, who: ApiCaller = Depends(caller),
                     idempotency_key: Annotated[str | None, Header(
                         max_length=200, examples=["natal-2026"])] = None
                     ) -> JSONResponse:
    key = idempotency.clean_key(idempotency_key)
    digest = idempotency.request_hash(body.model_dump(mode="json")) if key else ""
    try:
        status, answer, due = _create(who.tenant_id, body, key, digest)
    except IntegrityError:  # the same key, at the same moment, won elsewhere
        if key is None:
            raise
        with session_scope() as session:
            earlier = idempotency.replay(session, tenant_id=who.tenant_id, key=key,
                                         digest=digest)
        if earlier is None:
            raise
        (status, answer), due = earlier, None
    if due is not None:
        broadcasts.start_soon(due)
    live.bump([who.tenant_id])
    return JSONResponse(answer, status_code=status)


def _create(tenant_id: int, body: schemas.BroadcastIn, key: str | None,
            digest: str) -> tuple[int, dict, int | None]:
    """(status, body, the id to start now — None when scheduled or replayed)."""
    with _request_names(), session_scope() as session:
        if key is not None:
            earlier = idempotency.replay(session, tenant_id=tenant_id, key=key, digest=digest)
            if earlier is not None:
                return earlier[0], earlier[1], None
        draft = Draft(instance_id=body.instance_id, name=body.name, template=_template(body),
                      variables=[v.model_dump() for v in body.variables],
                      audience=_audience(body.audience),
                      header_link=body.header_media_link or "",
                      send_at=broadcasts.parse_send_at(session, tenant_id=tenant_id,
                                                       value=body.scheduled_at))
        b = broadcasts.create(session, tenant_id=tenant_id, user_id=None, draft=draft,
                              up_to_quota=body.up_to_quota)
        answer = _out(session, b).model_dump(mode="json")
        if key is not None:  # in the same transaction as the broadcast
            idempotency.record(session, tenant_id=tenant_id, key=key, digest=digest,
                               status_code=201, response=answer)
        due = b.id if b.send_at <= utcnow() else None
    return 201, answer, due


@router.post("/estimate", response_model=schemas.BroadcastEstimate,
             summary="Count an audience and its cost",
             description="Nothing is sent or saved (a read-only key may ask).")
def estimate_broadcast(body: schemas.BroadcastEstimateIn,
                       who: ApiCaller = Depends(reader)) -> schemas.BroadcastEstimate:
    with _request_names(), session_scope() as session:
        est = broadcasts.estimate(session, tenant_id=who.tenant_id,
                                  instance_id=body.instance_id, template=_template(body),
                                  audience=_audience(body.audience))
    cents = (Decimal(est.cost_brl) * 100).to_integral_value(ROUND_HALF_UP)
    return schemas.BroadcastEstimate(recipients=est.recipients, category=est.category,
                                     cost_cents=int(cents), messages_left=est.quota_left)


def _own(session, who: ApiCaller, broadcast_id: int):
    return broadcasts.get_broadcast(session, tenant_id=who.tenant_id,
                                    broadcast_id=broadcast_id)


@router.get(BY_ID, response_model=schemas.Broadcast, summary="One broadcast and its progress")
def get_broadcast(broadcast_id: Id, who: ApiCaller = Depends(caller)) -> schemas.Broadcast:
    with session_scope() as session:
        return _out(session, _own(session, who, broadcast_id))


@router.post(BY_ID + "/cancel", response_model=schemas.Broadcast, summary="Cancel a broadcast",
             description="Nothing more is sent: what still waits to go out is withdrawn; "
                         "who already got it keeps it. 400 when it has already finished.")
def cancel_broadcast(broadcast_id: Id, who: ApiCaller = Depends(caller)) -> schemas.Broadcast:
    with session_scope() as session:
        b = _own(session, who, broadcast_id)
        broadcasts.cancel(session, tenant_id=who.tenant_id, broadcast_id=b.id)
        session.refresh(b)
        out = _out(session, b)
    live.bump([who.tenant_id])  # open Transmissões pages show it
    return out


@router.get(BY_ID + "/recipients", response_model=schemas.BroadcastRecipientPage,
            summary="A broadcast's recipients",
            description="In the order they were taken, in pages: pass `next_cursor` as "
                        "`cursor`. Each with its message's status, or why it was skipped.")
def list_broadcast_recipients(broadcast_id: Id, who: ApiCaller = Depends(caller),
                              limit: Annotated[int, Query(ge=1, le=500)] = 100,
                              cursor: Cursor = None) -> schemas.BroadcastRecipientPage:
    with session_scope() as session:
        b = _own(session, who, broadcast_id)
        rows = broadcasts.recipients_after(session, tenant_id=who.tenant_id,
                                           broadcast_id=b.id,
                                           after_id=decode_cursor(cursor), limit=limit + 1)
    page, next_cursor = page_of(rows, limit, lambda r: r["id"])
    return schemas.BroadcastRecipientPage(
        data=[schemas.BroadcastRecipient(contact_id=r["contact_id"], phone=r["wa_id"],
                                         name=r["name"] or "", status=r["status"],
                                         reason=r["reason"] or None) for r in page],
        next_cursor=next_cursor)
