"""The platform's legal documents: the privacy notice and the data processing agreement
(DPA), in pt-BR markdown, with numbered versions.

Version 1 of each is the template shipped in `ylada_app/legal/*.md`; each save by the
platform admin appends the next version (`legal_document` rows are never changed), so an
acceptance always names the exact text the business agreed to. A business accepts the DPA
at sign-up; the acceptance (version, user, time) is kept on the tenant and in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from ylada_app.models import LegalDocument, Tenant, utcnow
from ylada_app.services import audit
from ylada_app.services.errors import FieldErrors, NotFound
from ylada_app.services.validation import as_text

KINDS = ("privacy", "dpa")
TEMPLATES = Path(__file__).resolve().parent.parent / "legal"
MAX_BODY = 100_000
MAX_TITLE = 120


@dataclass(frozen=True)
class Document:
    kind: str
    version: int
    title: str
    body: str
    published_at: datetime | None  # None: the shipped template


def _template(kind: str) -> Document:
    body = (TEMPLATES / f"{kind}.md").read_text(encoding="utf-8")
    first = body.splitlines()[0] if body else ""
    title = first.lstrip("# ").strip() or kind
    return Document(kind, 1, title, body, None)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound("error.not_found")
    return kind


def current(session: Session, kind: str) -> Document:
    _kind(kind)
    row = session.exec(select(LegalDocument).where(LegalDocument.kind == kind)
                       .order_by(col(LegalDocument.version).desc()).limit(1)).first()
    if row is None:
        return _template(kind)
    return Document(kind, row.version, row.title, row.body, row.created_at)


def publish(session: Session, *, kind: str, title: object, body: object,
            user_id: int) -> Document:
    """Platform admin only (the page checks it): a new version; field errors otherwise."""
    _kind(kind)
    errors: dict[str, str] = {}
    clean_title = " ".join(as_text(title).split())
    clean_body = as_text(body).replace("\r\n", "\n").strip()
    if not clean_title:
        errors["title"] = "error.required"
    elif len(clean_title) > MAX_TITLE:
        errors["title"] = "error.too_long"
    if len(clean_body) < 20:
        errors["body"] = "legal.error.body_short"
    elif len(clean_body) > MAX_BODY:
        errors["body"] = "error.too_long"
    if errors:
        raise FieldErrors(errors, {f: {"max": MAX_TITLE if f == "title" else MAX_BODY}
                                   for f in errors})
    version = current(session, kind).version + 1
    row = LegalDocument(kind=kind, version=version, title=clean_title, body=clean_body + "\n",
                        created_by_user_id=user_id)
    session.add(row)
    audit.record(session, action="admin.legal_published", actor_user_id=user_id,
                 target=kind, version=version)
    session.flush()
    return Document(kind, version, clean_title, row.body, row.created_at)


def accept_dpa(session: Session, *, tenant_id: int, user_id: int, version: int) -> None:
    """Record that the business accepted DPA `version` (in the sign-up's transaction)."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("error.not_found")
    tenant.dpa_version, tenant.dpa_accepted_at = version, utcnow()
    tenant.dpa_accepted_by_user_id = user_id
    session.add(tenant)
    audit.record(session, action="tenant.dpa_accepted", actor_user_id=user_id,
                 tenant_id=tenant_id, version=version)
    session.flush()
