"""A business's URL whose name answers a public address to the check and a loopback one to
the connection (DNS rebinding) reaches nothing in production: the connection resolves once,
checks what it resolved and connects to exactly that address."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import httpcore
import pytest

from ylada_app.core.settings import reset_settings_cache
from ylada_app.integrations import http_request, public_http, webhook_sender

PUBLIC = "93.184.216.34"


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("YLADA_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    reset_settings_cache()
    yield
    monkeypatch.undo()
    reset_settings_cache()


def _rebinding(monkeypatch, name: str) -> list[str]:
    """`name` answers PUBLIC the first time it is asked, then 127.0.0.1 (a 0 s TTL)."""
    real, asked = socket.getaddrinfo, []

    def fake(host, port, *args, **kwargs):
        if host != name:
            return real(host, port, *args, **kwargs)
        asked.append(host)
        ip = PUBLIC if len(asked) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port or 0))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return asked


def test_a_rebinding_name_reaches_no_internal_receiver(production, receiver, monkeypatch):
    port = urlsplit(receiver.url).port
    asked = _rebinding(monkeypatch, "rebind.exemplo.com.br")
    sent = webhook_sender.post(f"http://rebind.exemplo.com.br:{port}/h", "{}", {})
    assert len(asked) == 2  # checked by name, then resolved again by the connection
    assert (sent.ok, sent.error) == (False, "blocked_address")
    asked.clear()
    done = http_request.perform({"url": f"http://rebind.exemplo.com.br:{port}/x"})
    assert (done["ok"], done["error"]) == (False, "blocked_address")
    assert receiver.requests == []


def test_the_connection_goes_to_the_address_it_checked(production, monkeypatch):
    connected: list[str] = []

    def record(self, host, port, *args, **kwargs):
        connected.append(host)
        raise httpcore.ConnectError("offline test")

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", record)
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port or 0))])
    with public_http.client() as client, pytest.raises(Exception) as err:
        client.get("https://crm.exemplo.com.br/h")
    assert connected == [PUBLIC]
    assert not public_http.blocked(err.value)


def test_loopback_is_allowed_outside_production(receiver):
    sent = webhook_sender.post(receiver.url, "{}", {"content-type": "application/json"})
    assert sent.ok and len(receiver.requests) == 1


def test_a_business_model_address_follows_no_redirect(receiver, monkeypatch):
    """A business's own AI address answering 307 towards another address (inside our
    network, in the probe) does not take the question there; the platform's own may."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from ylada_app.integrations import openai_client
    from ylada_app.integrations.ai_common import AiCallError

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            self.send_response(307)
            self.send_header("Location", receiver.url + "/internal")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/v1"
        with pytest.raises(AiCallError) as err:
            openai_client.chat(base_url=url, api_key="sk-x", model="m", max_retries=0,
                               messages=[{"role": "user", "content": "oi"}])
        assert err.value.code == "http_307"
        assert receiver.requests == []
    finally:
        server.shutdown()


def test_a_business_smtp_server_is_reached_only_at_a_public_address(monkeypatch):
    """The business's SMTP host is checked when saved and before use; the connection itself
    goes to the address it checked (a rebinding name reaches no local mail server)."""
    from email.message import EmailMessage

    from tests.smtp_server import SmtpServer
    from ylada_app.integrations import smtp

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@ylada.test", "b@ylada.test", "oi"
    msg.set_content("oi")
    server = SmtpServer()
    server.start()
    try:
        asked = _rebinding(monkeypatch, "mail.rebind.exemplo.com.br")
        target = smtp.SmtpTarget("mail.rebind.exemplo.com.br", server.port, False, "", "",
                                 public_only=True)
        asked.append("the check before sending")  # the name answered public to it
        with pytest.raises(smtp.SmtpSendError) as err:
            smtp.send_to(target, msg, timeout=5)
        assert "internal" in str(err.value)
        assert server.received == []
        # the platform's own relay (no public_only) may be local
        smtp.send_to(smtp.SmtpTarget("127.0.0.1", server.port, False, "", ""), msg)
        assert len(server.received) == 1
    finally:
        server.stop()


def test_ipv4_inside_ipv6_is_judged_by_its_ipv4():
    """NAT64 and 6to4 addresses reach the IPv4 they carry on a host that routes them
    (64:ff9b::a9fe:a9fe is the cloud metadata address 169.254.169.254)."""
    import ipaddress

    from ylada_app.core.net import internal_address

    for inside in ("64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1", "2002:7f00:1::1", "2002:a00:1::",
                   "::ffff:10.0.0.1"):
        assert internal_address(ipaddress.ip_address(inside)), inside
    for outside in ("64:ff9b::808:808", "2002:808:808::1", "2001:4860:4860::8888"):
        assert not internal_address(ipaddress.ip_address(outside)), outside


def test_a_flow_request_stops_reading_at_its_cap():
    """A server streaming without end was read whole until the call's 35 s limit (and the
    worker's memory ran out first with a fast one); now the body is cut at the cap."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    stop = threading.Event()

    class Endless(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            self.send_response(200)
            self.send_header("content-type", "text/plain")
            self.end_headers()
            chunk = b"a" * 65536
            while not stop.is_set():
                try:
                    self.wfile.write(chunk)
                except OSError:
                    return

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endless)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        started = time.monotonic()
        done = http_request.perform({"url": f"http://127.0.0.1:{server.server_port}/"})
        assert time.monotonic() - started < 10
        assert done["ok"] and done["status"] == 200 and done["text"] == "a" * 4096
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
