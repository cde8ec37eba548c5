"""A thin SMTP client for the e-mail job: one message per connection, from SMTP_URL.

`smtp://user:pass@host:587` (STARTTLS, required whenever there is a login), `smtps://…:465`
(TLS from the start), `smtp://host:25` without login (a local relay; STARTTLS when offered).
User and password are URL-encoded. A business's own server (`public_only`) is reached, in
production, only at the public address its name resolved to when connecting (core/net.py's
`public_address`); TLS still checks the certificate against the name.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

from ylada_app.core.net import public_address


class SmtpConfigError(ValueError):
    """SMTP_URL cannot be used."""


class SmtpSendError(RuntimeError):
    """The server refused the message or could not be reached. `permanent` when retrying
    cannot help (a 5xx refusal of the recipient or of the message)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    tls: bool
    username: str
    password: str
    public_only: bool = False  # a business's server: never one inside our network


class _PublicSMTP(smtplib.SMTP):
    """smtplib.SMTP connecting to the checked public address (the name stays the TLS name)."""

    def _get_socket(self, host, port, timeout):
        return socket.create_connection((public_address(host, port), port), timeout,
                                        self.source_address)


class _PublicSMTPSSL(smtplib.SMTP_SSL, _PublicSMTP):
    """SMTP_SSL wraps the socket _PublicSMTP opened (method order: SMTP_SSL, then it)."""


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SmtpConfigError("SMTP_URL must look like smtp://user:pass@host:587 or smtps://…")
    tls = parts.scheme == "smtps"
    return SmtpTarget(host=parts.hostname, port=parts.port or (465 if tls else 587), tls=tls,
                      username=unquote(parts.username or ""),
                      password=unquote(parts.password or ""))


def build_message(*, sender: str, to: str, subject: str, text: str, html: str,
                  reply_to: str = "") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Subject"] = " ".join(subject.split())
    domain = sender.rsplit("@", 1)[-1].strip(">") or "ylada.local"
    msg["Message-ID"] = make_msgid(domain=domain)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def send(url: str, msg: EmailMessage, *, timeout: float = 15.0) -> None:
    send_to(parse_smtp_url(url), msg, timeout=timeout)


def send_to(target: SmtpTarget, msg: EmailMessage, *, timeout: float = 15.0) -> None:
    """Deliver through `target` (SMTP_URL's server, or a business's own: white label)."""
    plain, secure = (_PublicSMTP, _PublicSMTPSSL) if target.public_only \
        else (smtplib.SMTP, smtplib.SMTP_SSL)
    try:
        if target.tls:
            client: smtplib.SMTP = secure(
                target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        else:
            client = plain(target.host, target.port, timeout=timeout)
        with client:
            client.ehlo()
            if not target.tls and client.has_extn("starttls"):
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            elif not target.tls and target.username:
                # Never send the password (nor the links) in clear: a server that offers no
                # STARTTLS here may be an attacker who stripped it.
                raise SmtpSendError("the server offered no STARTTLS; not logging in in clear")
            if target.username:
                client.login(target.username, target.password)
            client.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise SmtpSendError(f"recipient refused: {codes}",
                            permanent=all(500 <= c < 600 for c in codes)) from exc
    except smtplib.SMTPResponseException as exc:
        raise SmtpSendError(f"{exc.smtp_code} {exc.smtp_error!r}",
                            permanent=500 <= exc.smtp_code < 600
                            and exc.smtp_code not in (530, 535)) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise SmtpSendError(f"{type(exc).__name__}: {exc}") from exc
