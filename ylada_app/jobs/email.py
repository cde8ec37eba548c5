"""Send one queued e-mail through SMTP (or keep it for the local mailbox without SMTP).

Claiming flips the row from queued to sending in one UPDATE, so two runs never send the same
message; a failure puts it back with a later retry time (see services/emails.BACKOFF_S).
The SMTP conversation happens outside any transaction. A business with its own SMTP (white
label) sends through it first; the platform's SMTP is the fallback.
"""

from __future__ import annotations

import logging

from sqlmodel import Session

from ylada_app.core.db import get_engine
from ylada_app.core.queue import clear_coalesced
from ylada_app.core.settings import get_settings
from ylada_app.integrations import smtp
from ylada_app.services import brand_email, emails

log = logging.getLogger(__name__)


def _message(row, sender: str):
    return smtp.build_message(sender=sender, to=row.to_email, subject=row.subject,
                              text=row.text_body, html=row.html_body, reply_to=row.reply_to)


def _try_business_smtp(session: Session, row) -> bool:
    """White label: through the business's own SMTP when it set one up. On failure the
    owners are told (brand_email.record_failure) and the platform's SMTP takes over."""
    sender = brand_email.business_sender(session, tenant_id=row.brand_tenant_id)
    session.commit()  # no transaction (not even a read) stays open during any SMTP talk
    if sender is None:
        return False
    try:
        smtp.send_to(sender.target, _message(row, brand_email.sender_header(
            row.from_name, sender.from_email)), timeout=get_settings().smtp_timeout_s)
    except Exception as exc:  # noqa: BLE001 - any failure falls back to the platform
        log.warning("e-mail %s: the business's SMTP failed, using the platform's: %s",
                    row.id, exc)
        brand_email.record_failure(session, tenant_id=row.brand_tenant_id,
                                   key=brand_email.failure_key(exc))
        session.commit()
        return False
    brand_email.record_success(session, tenant_id=row.brand_tenant_id)
    emails.mark_sent(session, row, via="business")
    return True


def send_email(email_id: int) -> str:
    clear_coalesced(f"email:{email_id}")
    settings = get_settings()
    with Session(get_engine(), expire_on_commit=False) as session:
        row = emails.claim(session, email_id)
        if row is None:
            return "skipped"
        if row.brand_tenant_id is not None and _try_business_smtp(session, row):
            return "sent"
        if not settings.smtp_url:
            emails.mark_sent(session, row, caught=True)
            links = emails.local_mailbox(session, limit=1)
            first = next((i.links[0] for i in links if i.id == row.id and i.links), "")
            log.warning("e-mail kept locally (no SMTP_URL) for %s: %s %s", row.to_email,
                        row.subject, first)
            return "caught"
        try:
            msg = _message(row, brand_email.sender_header(row.from_name, settings.mail_from))
            smtp.send(settings.smtp_url, msg, timeout=settings.smtp_timeout_s)
        except Exception as exc:  # noqa: BLE001 - every failure is retried or given up
            permanent = isinstance(exc, smtp.SmtpSendError) and exc.permanent
            log.warning("e-mail %s to %s failed (attempt %s): %s", row.id, row.to_email,
                        row.attempts, exc)
            emails.mark_failed(session, row, f"{type(exc).__name__}: {exc}",
                               permanent=permanent)
            return "failed" if row.status == "failed" else "retry"
        emails.mark_sent(session, row, via="platform")
        return "sent"


def password_reset_requested(email: str, client_ip: str = "", host: str = "") -> None:
    """The work behind "esqueci minha senha", off the request: the page answers in the same
    time whether or not the address has an account."""
    from ylada_app.core.db import session_scope
    from ylada_app.services import accounts

    with session_scope() as session:
        accounts.send_password_reset(session, email=email, client_ip=client_ip, host=host)
