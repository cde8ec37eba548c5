"""E-mails: written in the transaction of the change they tell about, sent by a job after it.

`queue_email` renders the message and inserts an `email_message` row in the caller's session;
once that transaction commits, a send job is queued for it (a rolled-back change sends
nothing). The job (`jobs/email.py`) delivers through SMTP with retries and backoff; the
sweeper re-queues rows whose retry time came (a worker died, Redis lost the job). Without
SMTP_URL nothing leaves the machine: the row is kept as `caught`, printed to the log and
shown on the local mailbox page, so a newcomer on `make run` can click the links.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import event, update
from sqlmodel import Session, col, select

from ylada_app.core.settings import get_settings
from ylada_app.models import EmailMessage, utcnow
from ylada_app.services.email_templates import render

log = logging.getLogger(__name__)
SEND_JOB = "ylada_app.jobs.email.send_email"
# Seconds to wait before attempt n+1 (after n failures); then the message is given up.
BACKOFF_S = (30, 120, 600, 1800, 7200)
STUCK_SENDING = timedelta(minutes=5)
# A message queued this recently still has the job queued at commit: the sweeper leaves it.
SWEEP_GRACE = timedelta(seconds=10)
_PENDING_KEY = "ylada_pending_emails"


def public_link(path: str) -> str:
    return get_settings().public_base_url.rstrip("/") + path


def queue_email(
    session: Session,
    *,
    to: str,
    kind: str,
    lang: str = "pt-BR",
    link_path: str = "",
    user_id: int | None = None,
    tenant_id: int | None = None,
    **params: object,
) -> EmailMessage:
    """Write an e-mail of `kind` to `to`; it is sent after the caller's transaction commits."""
    mail = render(kind, lang, link=public_link(link_path) if link_path else "", **params)
    row = EmailMessage(to_email=to, kind=kind, subject=mail.subject, text_body=mail.text,
                       html_body=mail.html, user_id=user_id, tenant_id=tenant_id)
    session.add(row)
    session.flush()
    session.info.setdefault(_PENDING_KEY, []).append(row.id)
    if not event.contains(session, "after_commit", _after_commit):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _after_rollback)
    return row


def _after_commit(session: Session) -> None:
    for email_id in session.info.pop(_PENDING_KEY, []):
        enqueue_send(email_id)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def enqueue_send(email_id: int) -> None:
    from ylada_app.core.queue import enqueue

    try:
        enqueue(SEND_JOB, email_id)
    except Exception:  # the row is committed: the sweeper will queue it
        log.warning("could not queue e-mail %s; the sweeper will", email_id, exc_info=True)


# --- delivery (called by the job) ------------------------------------------------------------
def claim(session: Session, email_id: int) -> EmailMessage | None:
    """Take a queued message whose time has come; None if another run has it or it is done."""
    res = session.exec(
        update(EmailMessage)
        .where(EmailMessage.id == email_id, EmailMessage.status == "queued",
               EmailMessage.next_attempt_at <= utcnow())
        .values(status="sending", attempts=EmailMessage.attempts + 1)
    )
    session.commit()
    if not res.rowcount:
        return None
    return session.get(EmailMessage, email_id)


def mark_sent(session: Session, row: EmailMessage, *, caught: bool = False) -> None:
    row.status = "caught" if caught else "sent"
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


def local_mailbox_enabled() -> bool:
    settings = get_settings()
    return not settings.smtp_url and not settings.is_production


def local_mailbox(session: Session, *, to: str = "", limit: int = 50) -> list[MailboxItem]:
    """The latest e-mails kept on this machine (only without SMTP, never in production)."""
    if not local_mailbox_enabled():
        return []
    query = select(EmailMessage).order_by(col(EmailMessage.id).desc()).limit(limit)
    if to.strip():
        query = query.where(EmailMessage.to_email == to.strip().lower())
    return [
        MailboxItem(r.id, r.to_email, r.subject, r.text_body,
                    tuple(dict.fromkeys(_LINK.findall(r.text_body))), r.status, r.created_at)
        for r in session.exec(query).all()
    ]
