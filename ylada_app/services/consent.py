"""Consent records (LGPD): every grant and revocation of a contact, per purpose, as proof.

Invariant: rows are only ever added — a revocation is a new row, never an edit of the grant —
so the history shows what the contact agreed to, when, where and with which text, even after
they opted out. Callers write the record in the same transaction as the change of the
contact's flags (`opted_out`, `opted_in_at`), so the proof and the state never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from ylada_app.models import Contact, utcnow
from ylada_app.models.bulk import insert_rows
from ylada_app.models.privacy import ConsentPurpose, ConsentRecord, LegalBasis
from ylada_app.services.errors import FieldErrors, NotFound


def record(
    session: Session,
    *,
    tenant_id: int,
    contact_id: int,
    purpose: str,
    granted: bool,
    source: str,
    legal_basis: str = LegalBasis.CONSENT,
    text_shown: str = "",
    evidence: dict[str, Any] | None = None,
) -> ConsentRecord:
    """Add one grant or revocation of `purpose` for a contact of this business."""
    if purpose not in ConsentPurpose.ALL:
        raise FieldErrors({"purpose": "consent.error.purpose"})
    if legal_basis not in LegalBasis.ALL:
        raise FieldErrors({"legal_basis": "consent.error.legal_basis"})
    contact = session.get(Contact, contact_id)
    if contact is None or contact.tenant_id != tenant_id:
        raise NotFound("error.not_found")
    row = ConsentRecord(tenant_id=tenant_id, contact_id=contact_id,
                        instance_id=contact.instance_id, purpose=purpose, granted=granted,
                        legal_basis=legal_basis, source=source[:40],
                        text_shown=(text_shown or "")[:1000],
                        evidence={k: _plain(v) for k, v in (evidence or {}).items()})
    session.add(row)
    session.flush()
    return row


def proof_row(contact: Contact, *, purpose: str, granted: bool, source: str,
              legal_basis: str = LegalBasis.CONSENT, text_shown: str = "",
              evidence: dict[str, Any] | None = None) -> dict[str, Any]:
    """One record as a plain row, for callers that write many at once (the bot's batches,
    an import) with `add_rows` — the contact is already known to be the business's."""
    return {"tenant_id": contact.tenant_id, "contact_id": contact.id,
            "instance_id": contact.instance_id, "purpose": purpose, "granted": granted,
            "legal_basis": legal_basis, "source": source[:40],
            "text_shown": (text_shown or "")[:1000],
            "evidence": {k: _plain(v) for k, v in (evidence or {}).items()},
            "created_at": utcnow()}


def add_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert `proof_row`s (one statement; nothing when empty)."""
    insert_rows(session.connection(), ConsentRecord.__table__, rows)


def changes(before: tuple[bool, bool], contact: Contact) -> list[tuple[str, bool]]:
    """What a change of the contact's flags means as consent records: `before` is
    (opted_out, has marketing consent) as it was. Marketing counts only while the contact
    is not opted out; an opt-out with no marketing consent is still recorded as a
    revocation (proof that they asked to stop), and coming back without one is recorded as
    agreeing to be served again."""
    was_out, had_consent = before
    now_out, has_consent = contact.opted_out, contact.opted_in_at is not None
    marketing_before = had_consent and not was_out
    marketing_now = has_consent and not now_out
    if marketing_before != marketing_now:
        return [(ConsentPurpose.MARKETING, marketing_now)]
    if now_out and not was_out:
        return [(ConsentPurpose.MARKETING, False)]
    if was_out and not now_out:
        return [(ConsentPurpose.SERVICE, True)]
    return []


def flags(contact: Contact) -> tuple[bool, bool]:
    """The `before` of `changes`."""
    return bool(contact.opted_out), contact.opted_in_at is not None


def _plain(value: object) -> object:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


@dataclass(frozen=True)
class ConsentEntry:
    purpose: str
    granted: bool
    legal_basis: str
    source: str
    text_shown: str
    evidence: dict
    at: datetime


def history(session: Session, *, tenant_id: int, contact_id: int) -> list[ConsentEntry]:
    """All records of one contact, newest first (empty for another business's contact)."""
    rows = session.exec(
        select(ConsentRecord)
        .where(ConsentRecord.tenant_id == tenant_id, ConsentRecord.contact_id == contact_id)
        .order_by(col(ConsentRecord.created_at).desc(), col(ConsentRecord.id).desc())
    ).all()
    return [ConsentEntry(r.purpose, r.granted, r.legal_basis, r.source, r.text_shown,
                         dict(r.evidence or {}), r.created_at) for r in rows]


def current(session: Session, *, tenant_id: int, contact_id: int) -> dict[str, bool | None]:
    """The standing choice per purpose (None: never recorded)."""
    state: dict[str, bool | None] = dict.fromkeys(ConsentPurpose.ALL)
    for entry in reversed(history(session, tenant_id=tenant_id, contact_id=contact_id)):
        state[entry.purpose] = entry.granted
    return state


# Revocations the customer made themself: a "SAIR", WhatsApp's own "stop" button, a number
# that changed hands. Only the customer (an opt-in word) undoes them, never a business's sync.
CUSTOMER_SOURCES = frozenset({"keyword", "whatsapp_stop", "number_changed"})


def revoked_by_the_customer(session: Session, *, tenant_id: int, contact_id: int) -> bool:
    """Whether the contact's latest marketing revocation came from the customer."""
    row = session.exec(
        select(ConsentRecord.source)
        .where(ConsentRecord.tenant_id == tenant_id, ConsentRecord.contact_id == contact_id,
               ConsentRecord.purpose == ConsentPurpose.MARKETING,
               ConsentRecord.granted == False)  # noqa: E712
        .order_by(col(ConsentRecord.created_at).desc(), col(ConsentRecord.id).desc())
        .limit(1)).first()
    return row in CUSTOMER_SOURCES
