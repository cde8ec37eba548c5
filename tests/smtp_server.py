"""A real SMTP server on loopback (aiosmtpd) that keeps what arrives, for tests.

`server.refuse_with = "451 4.3.0 Try again later"` makes it refuse messages until reset;
`server.wait_for(to=…)` waits for a message to an address and returns it parsed.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from dataclasses import dataclass

from aiosmtpd.controller import Controller


@dataclass
class Received:
    to: list[str]
    sender: str
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == f"text/{subtype}":
                return part.get_content()
        return ""

    @property
    def text(self) -> str:
        return self.part("plain")

    @property
    def html(self) -> str:
        return self.part("html")

    def links(self) -> list[str]:
        return re.findall(r"https?://[^\s<>\"']+", self.text)


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.server.refuse_with:
            return self.server.refuse_with
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.lock:
            self.server.received.append(
                Received([r.lower() for r in envelope.rcpt_tos], envelope.mail_from, msg))
        return "250 OK"


class SmtpServer:
    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.received: list[Received] = []
        self.refuse_with = ""
        self.lock = threading.Lock()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
        self.refuse_with = ""

    def messages_to(self, to: str) -> list[Received]:
        with self.lock:
            return [m for m in self.received if to.lower() in m.to]

    def wait_for(self, to: str, *, subject: str = "", timeout: float = 20.0,
                 count: int = 1) -> Received:
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [m for m in self.messages_to(to) if subject.lower() in m.subject.lower()]
            if len(found) >= count:
                return found[count - 1]
            time.sleep(0.05)
        raise AssertionError(f"no e-mail to {to} ({subject!r}) within {timeout}s; "
                             f"got {[(m.to, m.subject) for m in self.received]}")
