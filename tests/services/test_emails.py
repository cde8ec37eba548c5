"""E-mail delivery: after commit only, through real SMTP, retried, caught locally without SMTP."""

from __future__ import annotations

import time
from datetime import timedelta

from tests.factories import make_owner
from ylada_app.core.settings import reset_settings_cache
from ylada_app.jobs.email import send_email
from ylada_app.jobs.sweeper import sweep_once
from ylada_app.models import EmailMessage, utcnow
from ylada_app.services import emails
from ylada_app.services.email_templates import render


def _queue(db, to: str, **kw) -> EmailMessage:
    return emails.queue_email(db, to=to, kind="reset_password", link_path="/reset?token=x",
                              name=kw.pop("name", "Ana"), minutes=60, **kw)


def _wait(db, row_id: int, done, timeout: float = 10.0) -> EmailMessage:
    deadline = time.time() + timeout
    while True:
        db.expire_all()
        row = db.get(EmailMessage, row_id)
        if done(row) or time.time() > deadline:
            return row
        time.sleep(0.05)


def test_a_rolled_back_change_sends_nothing_and_a_committed_one_sends_once(db, smtp, unique):
    to = f"rb.{unique}@exemplo.com.br"
    row = _queue(db, to)
    db.rollback()
    assert db.get(EmailMessage, row.id) is None
    row = _queue(db, to)
    db.commit()
    got = smtp.wait_for(to)
    assert got.subject == "Redefinir sua senha do ylada"
    assert got.sender == "nao-responda@ylada.test"
    assert "http://localhost:3000/reset?token=x" in got.text and got.html.startswith("<!doctype")
    assert send_email(row.id) == "skipped"  # a second run of the job sends nothing
    # the server has the mail a moment before the sender records it
    row = _wait(db, row.id, lambda r: r.status != "sending")
    assert row.status == "sent" and row.attempts == 1 and len(smtp.messages_to(to)) == 1


def test_a_temporary_refusal_is_retried_with_backoff_then_delivered(db, smtp, unique):
    to = f"retry.{unique}@exemplo.com.br"
    smtp.refuse_with = "451 4.3.0 Try again later"
    row = _queue(db, to)
    db.commit()
    row_id = row.id
    row = _wait(db, row_id, lambda r: r.attempts >= 1 and r.status == "queued")
    assert row.status == "queued" and "451" in row.last_error
    # ~30 s after the attempt (a loaded machine may take a few seconds to get here)
    assert timedelta(seconds=10) < row.next_attempt_at - utcnow() <= timedelta(seconds=30)
    smtp.refuse_with = ""
    assert send_email(row_id) == "skipped"  # not before its time
    row.next_attempt_at = utcnow() - timedelta(seconds=30)
    db.add(row)
    db.commit()
    assert sweep_once()["emails"] >= 1  # the sweeper queues it again
    smtp.wait_for(to)
    # the server has it before the job writes down "sent"
    assert _wait(db, row_id, lambda r: r.status == "sent").status == "sent"


def test_a_permanent_refusal_is_not_retried(db, smtp, unique):
    to = f"perm.{unique}@exemplo.com.br"
    smtp.refuse_with = "550 5.1.1 No such user"
    row = _queue(db, to)
    db.commit()
    row = _wait(db, row.id, lambda r: r.status == "failed")
    assert row.status == "failed" and "550" in row.last_error


def test_an_unreachable_server_is_retried(db, unique, monkeypatch):
    monkeypatch.setenv("SMTP_URL", "smtp://127.0.0.1:9")
    reset_settings_cache()
    row = _queue(db, f"down.{unique}@exemplo.com.br")
    db.commit()
    row = _wait(db, row.id, lambda r: r.attempts >= 1 and r.status != "sending")
    assert row.status == "queued" and "refused" in row.last_error.lower()
    reset_settings_cache()


def test_without_smtp_mails_are_kept_for_the_local_mailbox(db, unique, monkeypatch):
    monkeypatch.delenv("SMTP_URL", raising=False)
    reset_settings_cache()
    owner = make_owner(db)
    to = f"local.{unique}@exemplo.com.br"
    _queue(db, to, user_id=owner.user_id)
    db.commit()
    for _ in range(200):
        box = emails.local_mailbox(db, to=to)
        if box and box[0].status == "caught":
            break
        time.sleep(0.05)
    assert box[0].status == "caught" and box[0].links == ("http://localhost:3000/reset?token=x",)
    monkeypatch.setenv("YLADA_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    reset_settings_cache()
    assert emails.local_mailbox(db, to=to) == []  # never shown in production
    reset_settings_cache()


def test_html_escapes_recipient_data_and_text_keeps_it_plain():
    mail = render("invite", "pt-BR", link="http://x/invite/t", inviter="<script>x</script>",
                  tenant="Pão & Cia", role="membro", days=7)
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html
    assert "Pão &amp; Cia" in mail.html and "Pão & Cia" in mail.text
    assert "\n" not in mail.subject
    en = render("invite", "en", link="http://x", inviter="Ana", tenant="T", role="agent", days=7)
    assert en.subject == "Ana invited you to T on ylada"
