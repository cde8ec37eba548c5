"""E-mails: written in the transaction of the change they tell about, sent by a job after it.

`queue_email` renders the message and inserts an `email_message` row in the caller's session;
once that transaction commits, a send job is queued for it (a rolled-back change sends
nothing). The job (`jobs/email.py`) delivers through SMTP with retries and backoff; the
sweeper re-queues rows whose retry time came (a worker died, Redis lost the job). Without
SMTP_URL nothing leaves the machine: the row is kept as `caught`, printed to the log and
shown on the local mailbox page, so a newcomer on `make run` can click the links.
White label (services/brand_email.py): an e-mail carries its business's brand, sender name and
Reply-To, and goes through the business's own SMTP when it set one up.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from ylada_app.core.db import after_commit
from ylada_app.core.settings import get_settings
from ylada_app.models import EmailMessage, utcnow
from ylada_app.services.brand_email import identity_for
from ylada_app.services.email_templates import render

log = logging.getLogger(__name__)
SEND_JOB = "ylada_app.jobs.email.send_email"
# Seconds to wait before attempt n+1 (after n failures); then the message is given up.
BACKOFF_S = (30, 120, 600, 1800, 7200)
STUCK_SENDING = timedelta(minutes=5)
# A message queued this recently still has the job queued at commit: the sweeper leaves it.
SWEEP_GRACE = timedelta(seconds=10)


def public_link(path: str) -> str:
    return get_settings().public_base_url.rstrip("/") + path


# E-mails that carry a secret of the person's account: always through the platform's SMTP,
# linked off the business's custom domain (brand_email.identity_for).
CREDENTIAL_KINDS = frozenset({"reset_password", "verify_email"})


def queue_email(
    session: Session,
    *,
    to: str,
    kind: str,
    lang: str = "pt-BR",
    link_path: str = "",
    user_id: int | None = None,
    tenant_id: int | None = None,
    host_tenant_id: int | None = None,
    **params: object,
) -> EmailMessage:
    """Write an e-mail of `kind` to `to`; it is sent after the caller's transaction commits.
    White label: it carries the brand of `tenant_id`'s business, else of the person's own
    (`host_tenant_id`: the brand of the address they asked from; see brand_email), and its
    link then points at that brand's address."""
    who = identity_for(session, tenant_id=tenant_id, user_id=user_id,
                       host_tenant_id=host_tenant_id, credential=kind in CREDENTIAL_KINDS)
    link = who.base_url + link_path if link_path else ""
    mail = render(kind, lang, link=link, brand=who.mail, **params)
    row = EmailMessage(to_email=to, kind=kind, subject=mail.subject, text_body=mail.text,
                       html_body=mail.html, user_id=user_id, tenant_id=tenant_id,
                       brand_tenant_id=who.brand_tenant_id, from_name=who.from_name,
                       reply_to=who.reply_to)
    session.add(row)
    session.flush()
    email_id = row.id
    after_commit(session, lambda: enqueue_send(email_id))
    return row


def enqueue_send(email_id: int) -> None:
    from ylada_app.core.queue import enqueue

    try:
        enqueue(SEND_JOB, email_id)
    except Exception:  # the row is committed: the sweeper will queue it
        log.warning("could not queue e-mail %s; the sweeper will", email_id, exc_info=True)


# --- delivery (called by the job) ------------------------------------------------------------
def claim(session: Session, email_id: int) -> EmailMessage | None:
    """Take a queued message whose time has come; None if another run has it or it is done.
    The claim time is kept in `next_attempt_at` (a lease): the sweeper takes a message back
    only when a send has held it for STUCK_SENDING."""
    now = utcnow()
    res = session.exec(
        update(EmailMessage)
        .where(EmailMessage.id == email_id, EmailMessage.status == "queued",
               EmailMessage.next_attempt_at <= now)
        .values(status="sending", attempts=EmailMessage.attempts + 1, next_attempt_at=now)
    )
    session.commit()
    if not res.rowcount:
        return None
    row = session.get(EmailMessage, email_id)
    if row is not None and row.attempts > len(BACKOFF_S) + 1:  # a send that kept dying
        mark_failed(session, row, row.last_error or "gave up", permanent=True)
        return None
    return row


def mark_sent(session: Session, row: EmailMessage, *, caught: bool = False,
              via: str = "") -> None:
    row.status = "caught" if caught else "sent"
    row.sent_via = via
    row.sent_at = utcnow()
    row.last_error = ""
    session.add(row)
    session.commit()


def mark_failed(session: Session, row: EmailMessage, error: str, *, permanent: bool) -> None:
    """Retry later with backoff, or give up after the last attempt (or a permanent refusal)."""
    row.last_error = error[:500]
    if permanent or row.attempts > len(BACKOFF_S):
        row.status = "failed"
    else:
        row.status = "queued"
        row.next_attempt_at = utcnow() + timedelta(seconds=BACKOFF_S[row.attempts - 1])
    session.add(row)
    session.commit()


def due_for_sending(session: Session, limit: int = 200) -> list[int]:
    """Messages whose (re)try time has come, and sends that a dead worker left half-done."""
    now = utcnow()
    session.exec(
        update(EmailMessage)
        .where(EmailMessage.status == "sending",
               EmailMessage.next_attempt_at < now - STUCK_SENDING)
        .values(status="queued")
    )
    return list(session.exec(
        select(EmailMessage.id)
        .where(EmailMessage.status == "queued",
               EmailMessage.next_attempt_at <= now - SWEEP_GRACE)
        .order_by(EmailMessage.id).limit(limit)
    ).all())


# --- the local mailbox (no SMTP configured) -----------------------------------------------------
_LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class MailboxItem:
    id: int
    to: str
    subject: str
    text: str
    links: tuple[str, ...]
    status: str
    created_at: datetime


def local_mailbox_enabled(client_ip: str | None = None) -> bool:
    """Only without SMTP, never in production, and (for a page) only to a browser on this
    machine: the mailbox holds every link the app sent, log-in and reset links among them."""
    settings = get_settings()
    if settings.smtp_url or settings.is_production:
        return False
    return client_ip is None or _is_loopback(client_ip)


def _is_loopback(address: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def local_mailbox(session: Session, *, to: str = "", limit: int = 50,
                  client_ip: str | None = None) -> list[MailboxItem]:
    """The latest e-mails kept on this machine (see local_mailbox_enabled)."""
    if not local_mailbox_enabled(client_ip):
        return []
    query = select(EmailMessage).order_by(col(EmailMessage.id).desc()).limit(limit)
    if to.strip():
        query = query.where(EmailMessage.to_email == to.strip().lower())
    return [
        MailboxItem(r.id, r.to_email, r.subject, r.text_body,
                    tuple(dict.fromkeys(_LINK.findall(r.text_body))), r.status, r.created_at)
        for r in session.exec(query).all()
    ]
