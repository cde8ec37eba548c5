"""White label e-mail: whose brand an e-mail carries, and a business's own SMTP sender.

- An e-mail about a business (an invitation, a team notice, a disabled webhook) carries that
  business's brand; an e-mail about a person (reset, verification, security notices) carries
  the brand of the business the person belongs to — the one of the address they asked from
  when they belong to several, else only when they belong to exactly one. Never another
  business's: the brand comes from the rows, never from what a visitor typed.
- The brand gives the sender's display name, the Reply-To (its support e-mail), the logo
  (served from the brand's own address, like its links) and the colour.
- A business may send through its own SMTP server. The password is encrypted at rest
  (core/crypto, Fernet keyed from SECRET_KEY) and never shown back. When that server fails,
  the message goes out through the platform's SMTP and the owners are told (at most once
  every few hours), so a broken setting never loses a password reset.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import insert
from sqlmodel import Session, select

from ylada_app.core.crypto import SecretDecryptError, decrypt_secret, encrypt_secret
from ylada_app.core.i18n import translate
from ylada_app.core.settings import get_settings
from ylada_app.integrations import smtp
from ylada_app.models import Brand, Membership, Notification, User, utcnow
from ylada_app.models.brand import DomainStatus
from ylada_app.models.tenant import Role
from ylada_app.services import brand as brands
from ylada_app.services.email_templates import PLATFORM_MAIL, MailBrand
from ylada_app.services.errors import FieldErrors

log = logging.getLogger(__name__)

SECURITIES = ("starttls", "ssl")
NOTICE_EVERY = timedelta(hours=6)


# --- whose brand ------------------------------------------------------------------------------

@dataclass(frozen=True)
class MailIdentity:
    """How an e-mail presents itself: brand, where its links point, sender name, Reply-To."""

    brand_tenant_id: int | None
    mail: MailBrand
    base_url: str
    from_name: str = ""
    reply_to: str = ""


def platform_identity() -> MailIdentity:
    return MailIdentity(None, PLATFORM_MAIL, get_settings().public_base_url.rstrip("/"))


def brand_base_url(row: Brand, *, custom_domain: bool = True) -> str:
    """The brand's own address (verified custom domain, else its subdomain) with the scheme
    and port of PUBLIC_BASE_URL; the platform's address when it has neither.
    `custom_domain=False`: never the custom domain (its DNS is the business's to point)."""
    base = get_settings().public_base_url.rstrip("/")
    parts = urlsplit(base)
    if custom_domain and row.custom_domain and row.domain_status == DomainStatus.VERIFIED:
        host = row.custom_domain
    elif row.subdomain:
        host = f"{row.subdomain}.{brands.base_domain()}"
    else:
        return base
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme or 'https'}://{host}{port}"


def _tenants_of(session: Session, user_id: int) -> list[int]:
    return list(session.exec(select(Membership.tenant_id)
                             .where(Membership.user_id == user_id)).all())


def _brand_tenant_among(tenants: list[int], host_tenant_id: int | None) -> int | None:
    if host_tenant_id is not None and host_tenant_id in tenants:
        return host_tenant_id
    return tenants[0] if len(tenants) == 1 else None


def identity_for(session: Session, *, tenant_id: int | None = None, user_id: int | None = None,
                 host_tenant_id: int | None = None, credential: bool = False) -> MailIdentity:
    """The identity of an e-mail about `tenant_id` (a business) or else `user_id` (a person;
    `host_tenant_id`: the brand of the address they asked from, used only if theirs).

    `credential`: the e-mail carries a secret of the person's account (a password reset or
    address confirmation link). It keeps the brand's look but is never the business's to
    carry: no brand tenant (so not through its own SMTP, whose server it controls), and its
    link on the custom domain (whose DNS it controls) only for someone who belongs to that
    business alone — anyone else's on the brand's subdomain. Otherwise a business that
    invited someone could ask a reset of their account from its own address and read the
    link, and that account may own other businesses."""
    candidate = tenant_id
    needs_tenants = user_id is not None and (candidate is None or credential)
    tenants = _tenants_of(session, user_id) if needs_tenants else []  # (read once)
    if candidate is None and user_id is not None:
        candidate = _brand_tenant_among(tenants, host_tenant_id)
    if candidate is None:
        return platform_identity()
    view = brands.brand_for_tenant(session, tenant_id=candidate)
    row = brands.get_brand(session, tenant_id=candidate)
    if view.is_platform or row is None:
        return platform_identity()
    base = brand_base_url(row, custom_domain=not credential or set(tenants) == {candidate})
    mail = MailBrand(name=view.name, color=view.color,
                     logo_url=base + view.logo_url if view.logo_url else "",
                     support_email=view.support_email,
                     hide_platform_name=view.hide_platform_name, custom=True)
    return MailIdentity(None if credential else candidate, mail, base,
                        " ".join(view.name.split())[:80], view.support_email)


# --- the business's own SMTP ----------------------------------------------------------------------

SMTP_FIELDS = ("smtp_host", "smtp_port", "smtp_security", "smtp_username", "smtp_from_email")


def validate_smtp(data: dict[str, Any]) -> dict[str, Any]:
    """The SMTP form's values, cleaned (FieldErrors with pt-BR keys when any is wrong)."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    host = brands.normalize_host(str(data.get("smtp_host") or ""))
    if host is None or "." not in host and host != "localhost":
        errors["smtp_host"] = "brand.err.smtp_host"
    elif get_settings().is_production:
        from ylada_app.core.net import internal_host

        if internal_host(host):  # never a door into our own network
            errors["smtp_host"] = "brand.err.smtp_internal"
    out["smtp_host"] = host or ""
    try:
        port = int(str(data.get("smtp_port") or "").strip())
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        errors["smtp_port"] = "brand.err.smtp_port"
    out["smtp_port"] = port
    security = str(data.get("smtp_security") or "starttls")
    out["smtp_security"] = security if security in SECURITIES else "starttls"
    user = str(data.get("smtp_username") or "").strip()
    if len(user) > 254 or any(c in user for c in "\r\n"):
        errors["smtp_username"] = "brand.err.smtp_username"
    out["smtp_username"] = user
    sender = str(data.get("smtp_from_email") or "").strip().lower()
    if not sender or len(sender) > 254 or not brands._EMAIL.match(sender):
        errors["smtp_from_email"] = "brand.err.email"
    out["smtp_from_email"] = sender
    password = str(data.get("smtp_password") or "")
    if len(password) > 200 or any(c in password for c in "\r\n"):
        errors["smtp_password"] = "brand.err.smtp_password"
    out["smtp_password"] = password
    if errors:
        raise FieldErrors(errors)
    return out


def save_smtp(session: Session, *, tenant_id: int, data: dict[str, Any]) -> Brand:
    """Turn the business's own sender on with these values. An empty password keeps the one
    stored (the form never shows it back)."""
    brands.require_white_label(session, tenant_id=tenant_id)
    clean = validate_smtp(data)
    row = brands._row_for_update(session, tenant_id)
    for key in SMTP_FIELDS:
        setattr(row, key, clean[key])
    if clean["smtp_password"]:
        row.smtp_password_enc = encrypt_secret(clean["smtp_password"])
    row.smtp_enabled = True
    row.smtp_last_error = ""
    row.updated_at = utcnow()
    session.flush()
    return row


def remove_smtp(session: Session, *, tenant_id: int) -> None:
    """Back to the platform's sender; the stored password is erased."""
    row = brands.get_brand(session, tenant_id=tenant_id)
    if row is None:
        return
    row.smtp_enabled = False
    row.smtp_host = row.smtp_username = row.smtp_password_enc = row.smtp_from_email = ""
    row.smtp_last_error = ""
    session.flush()


def smtp_form(session: Session, *, tenant_id: int) -> dict[str, Any]:
    """What the settings page shows: the values but never the password (only whether one
    is stored), and the last failure in words."""
    row = brands.get_brand(session, tenant_id=tenant_id)
    out: dict[str, Any] = {"enabled": False, "has_password": False, "last_error": "",
                           "form": {"smtp_host": "", "smtp_port": "587",
                                    "smtp_security": "starttls", "smtp_username": "",
                                    "smtp_from_email": ""}}
    if row is None or not row.smtp_enabled:
        return out
    out["enabled"] = True
    out["has_password"] = bool(row.smtp_password_enc)
    out["last_error"] = row.smtp_last_error
    out["form"] = {k: str(getattr(row, k)) for k in SMTP_FIELDS}
    return out


@dataclass(frozen=True)
class BusinessSender:
    target: smtp.SmtpTarget
    from_email: str


def business_sender(session: Session, *, tenant_id: int | None) -> BusinessSender | None:
    """The business's own SMTP, if it set one up and its plan still includes white label."""
    if tenant_id is None:
        return None
    row = brands.get_brand(session, tenant_id=tenant_id)
    if row is None or not row.smtp_enabled or not row.smtp_host:
        return None
    if brands.brand_for_tenant(session, tenant_id=tenant_id).is_platform:
        return None
    if get_settings().is_production:
        from ylada_app.core.net import internal_host

        if internal_host(row.smtp_host):  # a name that resolves inward since it was saved
            log.warning("the SMTP host of business %s points inward: not used", tenant_id)
            return None
    password = ""
    if row.smtp_password_enc:
        try:
            password = decrypt_secret(row.smtp_password_enc)
        except SecretDecryptError:
            log.warning("the SMTP password of business %s cannot be decrypted", tenant_id)
            return None
    target = smtp.SmtpTarget(row.smtp_host, row.smtp_port, row.smtp_security == "ssl",
                             row.smtp_username, password,
                             public_only=get_settings().is_production)
    return BusinessSender(target, row.smtp_from_email)


def sender_header(from_name: str, address: str) -> str:
    """`Name <address>`; the name alone changes, the platform's address stays its own."""
    _, addr = parseaddr(address)
    return formataddr((from_name, addr or address)) if from_name else address


def failure_key(exc: BaseException) -> str:
    """A failed SMTP conversation, told in words a business owner can act on."""
    text = str(exc).lower()
    if "starttls" in text:
        return "brand.smtp.err_starttls"
    if any(code in text for code in ("535", "534", "530", "authentication")):
        return "brand.smtp.err_auth"
    if "recipient refused" in text:
        return "brand.smtp.err_recipient"
    if any(word in text for word in ("timed out", "timeout")):
        return "brand.smtp.err_timeout"
    if any(word in text for word in ("refused", "gaierror", "name or service", "unreachable",
                                     "no route", "oserror", "connectionerror")):
        return "brand.smtp.err_connect"
    if "ssl" in text or "certificate" in text or "wrong version" in text:
        return "brand.smtp.err_tls"
    if text[:3].isdigit() and text[0] == "5":
        return "brand.smtp.err_refused"
    return "brand.smtp.err_other"


def record_failure(session: Session, *, tenant_id: int, key: str,
                   now: datetime | None = None) -> bool:
    """Remember the failure (the page shows it) and tell the owners — at most once every
    NOTICE_EVERY. Returns whether a notice was written."""
    now = now or utcnow()
    row = brands.get_brand(session, tenant_id=tenant_id)
    if row is None:
        return False
    row.smtp_last_error = key
    if row.smtp_failed_at is not None and row.smtp_failed_at > now - NOTICE_EVERY:
        session.flush()
        return False
    row.smtp_failed_at = now
    owners = session.exec(select(User.id, User.locale)
                          .join(Membership, Membership.user_id == User.id)
                          .where(Membership.tenant_id == tenant_id,
                                 Membership.role == Role.OWNER)).all()
    rows = []
    for user_id, locale in owners:
        lang = "en" if locale == "en" else "pt-BR"
        rows.append({"tenant_id": tenant_id, "user_id": user_id, "kind": "smtp_failed",
                     "conversation_id": None,
                     "title": translate("brand.smtp.notice_title", lang)[:200],
                     "body": (translate("brand.smtp.notice_body", lang) + " "
                              + translate(key, lang))[:300],
                     "read_at": None, "created_at": now})
    if rows:
        session.connection().execute(insert(Notification.__table__), rows)
    session.flush()
    return bool(rows)


def record_success(session: Session, *, tenant_id: int) -> None:
    row = brands.get_brand(session, tenant_id=tenant_id)
    if row is not None and row.smtp_last_error:
        row.smtp_last_error = ""
        session.flush()


def test_message(identity: MailIdentity, *, sender: BusinessSender, to: str,
                 lang: str) -> EmailMessage:
    """The "testar envio" e-mail: from the business's sender, to the owner."""
    name = identity.mail.name
    body = translate("brand.smtp.test_body", lang)
    return smtp.build_message(
        sender=sender_header(identity.from_name, sender.from_email), to=to,
        subject=translate("brand.smtp.test_subject", lang).replace("{name}", name),
        text=body.replace("{name}", name),
        html="<p>" + body.replace("{name}", _esc(name)) + "</p>",
        reply_to=identity.reply_to)


def _esc(value: str) -> str:
    from markupsafe import escape

    return str(escape(value))


def send_test(session_factory, *, tenant_id: int, to: str, lang: str) -> tuple[bool, str]:
    """Send the test e-mail through the business's own SMTP now. (ok, text key). The SMTP
    conversation happens outside any transaction; `session_factory()` opens a session."""
    with session_factory() as session:
        brands.require_white_label(session, tenant_id=tenant_id)
        sender = business_sender(session, tenant_id=tenant_id)
        identity = identity_for(session, tenant_id=tenant_id)
    if sender is None:
        return False, "brand.smtp.err_not_set"
    try:
        smtp.send_to(sender.target, test_message(identity, sender=sender, to=to, lang=lang),
                     timeout=get_settings().smtp_timeout_s)
    except Exception as exc:  # noqa: BLE001 - every failure is told in words
        key = failure_key(exc)
        log.info("SMTP test of business %s failed: %s", tenant_id, exc)
        with session_factory() as session:
            row = brands.get_brand(session, tenant_id=tenant_id)
            if row is not None:
                row.smtp_last_error = key
                session.commit()
        return False, key
    with session_factory() as session:
        record_success(session, tenant_id=tenant_id)
        session.commit()
    return True, "brand.smtp.test_ok"
