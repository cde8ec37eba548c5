"""A business's own brand (white label): name, logo, colour, texts and addresses.

One row per tenant. Images are kept in the database (already re-encoded by services/brand.py,
never as uploaded) so the embedded SQLite default and PostgreSQL behave alike and every app
process can serve them. Shapes only; the rules live in services/brand.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, Text
from sqlmodel import Field, SQLModel

from ylada_app.models.base import time_field


class DomainStatus:
    NONE = ""
    PENDING = "pending"
    VERIFIED = "verified"
    FAILED = "failed"


class Brand(SQLModel, table=True):
    __tablename__ = "brand"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", unique=True, index=True, ondelete="CASCADE")
    display_name: str = Field(default="", max_length=60)
    primary_color: str = Field(default="", max_length=7)  # "#rrggbb" or "" (platform colour)
    login_headline: str = Field(default="", max_length=120)
    support_email: str = Field(default="", max_length=254)
    support_whatsapp: str = Field(default="", max_length=20)  # E.164 digits with "+"
    hide_platform_name: bool = Field(default=False)
    # Images: PNG bytes produced by the server (re-encoded); the version changes the URL.
    logo_png: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    favicon_png: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    image_version: int = Field(default=0)
    # Addresses: `acme` of acme.<BASE_DOMAIN>, and a custom domain proven by a DNS TXT record.
    subdomain: str | None = Field(default=None, max_length=40, unique=True, index=True)
    custom_domain: str | None = Field(default=None, max_length=253, index=True)
    domain_status: str = Field(default=DomainStatus.NONE, max_length=10)
    domain_token: str = Field(default="", max_length=64)
    domain_checked_at: datetime | None = time_field(nullable=True)
    # The business's own e-mail sender (services/brand_email.py). The password is kept
    # encrypted (core/crypto, Fernet) and is never shown back; "" = none stored.
    smtp_enabled: bool = Field(default=False)
    smtp_host: str = Field(default="", max_length=253)
    smtp_port: int = Field(default=587)
    smtp_security: str = Field(default="starttls", max_length=10)  # starttls | ssl
    smtp_username: str = Field(default="", max_length=254)
    smtp_password_enc: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                               server_default=""))
    smtp_from_email: str = Field(default="", max_length=254)
    smtp_last_error: str = Field(default="", max_length=300)
    smtp_failed_at: datetime | None = time_field(nullable=True)  # last fallback notice
    updated_at: datetime = time_field(default_now=True)
