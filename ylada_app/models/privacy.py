"""LGPD records: each consent a contact gave or took back, as proof that outlives the choice.

`consent_record` is append-only: a grant and a later revocation are two rows, and the current
state of a purpose is its newest row. Rows keep the text that was shown and where the choice
came from, so the business can prove consent even after an opt-out. Shapes only; the rules
live in services/consent.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class ConsentPurpose:
    SERVICE = "service"      # answering the customer (the conversation itself)
    MARKETING = "marketing"  # broadcasts and promotional templates

    ALL = (SERVICE, MARKETING)


class LegalBasis:
    """LGPD art. 7 bases a business may declare."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGITIMATE_INTEREST = "legitimate_interest"
    LEGAL_OBLIGATION = "legal_obligation"

    ALL = (CONSENT, CONTRACT, LEGITIMATE_INTEREST, LEGAL_OBLIGATION)


class ConsentRecord(SQLModel, table=True):
    __tablename__ = "consent_record"
    __table_args__ = (
        Index("ix_consent_record_contact", "tenant_id", "contact_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")
    # SET NULL: a proof row survives the contact's erasure, anonymised (see services/privacy).
    contact_id: int | None = Field(default=None, foreign_key="contact.id", ondelete="SET NULL")
    instance_id: int | None = Field(default=None, foreign_key="instance.id",
                                    ondelete="SET NULL")
    purpose: str = Field(max_length=20)
    granted: bool
    legal_basis: str = Field(default=LegalBasis.CONSENT, max_length=30)
    # keyword · flow · import · api · manual (a person on the contact page) · broadcast
    source: str = Field(max_length=40)
    text_shown: str = Field(default="", max_length=1000)
    # what backs it: the message's wamid, the user who changed it, the import's file name…
    evidence: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = time_field(default_now=True, index=True)


class DataRequestKind:
    EXPORT = "export"
    ERASE = "erase"
    CORRECT = "correct"

    ALL = (EXPORT, ERASE, CORRECT)


class DataRequest(SQLModel, table=True):
    """One data subject request (LGPD art. 18): who asked, when, what, and when it was done.

    The row names the contact by id only (SET NULL if the contact row ever goes): after an
    erasure it still proves the request was answered, without any personal data."""

    __tablename__ = "data_request"
    __table_args__ = (
        Index("ix_data_request_tenant", "tenant_id", "status", "due_at"),
        Index("ix_data_request_contact", "contact_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", ondelete="CASCADE")
    contact_id: int | None = Field(default=None, foreign_key="contact.id", ondelete="SET NULL")
    kind: str = Field(max_length=10)  # export | erase | correct
    source: str = Field(max_length=20)  # contact_page | api | whatsapp
    requested_by_user_id: int | None = Field(default=None, foreign_key="user_account.id",
                                             ondelete="SET NULL")
    status: str = Field(default="pending", max_length=10)  # pending|running|done|failed
    progress: int = Field(default=0)  # 0–100, for the page's bar
    # the export's file: DATA_DIR/exports/<tenant>/lgpd-<id>-<token>.zip ("" until built)
    file_token: str = Field(default="", max_length=64)
    # what a correction changed (field names only, never values); while an export or erasure
    # runs, {"claimed_at": …}: its last sign of life, for the sweeper to find a lost job
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str | None = Field(default=None, max_length=300)
    created_at: datetime = time_field(default_now=True)
    due_at: datetime = time_field()  # created + 15 days (the legal deadline)
    done_at: datetime | None = time_field(nullable=True)
    reminded_at: datetime | None = time_field(nullable=True)  # the owner was told (once)
