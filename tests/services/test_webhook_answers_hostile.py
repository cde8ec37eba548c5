"""What a webhook receiver or a flow's HTTP server answers cannot hurt the worker: a body
compressed into a bomb is inflated only as far as the excerpt (or the flow's cap), and a
body holding NUL bytes is still recorded (PostgreSQL stores no NUL: the delivery stayed
"sending" and was POSTed again every few minutes, forever)."""

from __future__ import annotations

import gzip
import threading
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from tests.pipeline.conftest import wait_for as _wait
from ylada_app.integrations import http_request, webhook_sender
from ylada_app.models import WebhookDelivery
from ylada_app.services import contacts, webhooks_out

EXPANDED = 64 * 1024 * 1024  # what the answer decodes to (kept modest for the test box)
BOMB = gzip.compress(gzip.compress(b"\0" * EXPANDED, 9), 9)  # ~ a few hundred bytes


@pytest.fixture
def bomb_url():
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers.get("content-length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip, gzip")
            self.send_header("Content-Length", str(len(BOMB)))
            self.end_headers()
            self.wfile.write(BOMB)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def test_a_compressed_answer_is_not_expanded_past_the_excerpt(bomb_url):
    assert len(BOMB) < 4096
    payload = webhook_sender.body(1, "webhook.test", __import__("datetime").datetime(2026, 1, 1),
                                  {})
    headers = webhook_sender.signed_headers(["whsec_" + "A" * 32], "evt_1", payload)
    tracemalloc.start()
    try:
        sent = webhook_sender.post(bomb_url, payload, headers)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sent.status == 200
    # reading a 1 kB excerpt must not allocate the whole decoded answer
    assert peak < 8 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB for a {len(BOMB)} B answer"


@pytest.fixture
def nul_receiver():
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers.get("content-length") or 0))
            hits.append(self.path)
            body = b'{"ok":true}\x00\x00 binary tail'
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", hits
    server.shutdown()
    server.server_close()


def test_an_answer_with_a_nul_byte_is_recorded_as_delivered(db, nul_receiver):
    url, hits = nul_receiver
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    endpoint, _ = webhooks_out.create_endpoint(db, tenant_id=owner.tenant_id, url=url,
                                               events=["contact.created"])
    db.commit()
    webhooks_out.forget()
    contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                            phone="11987650111", name="Ana")
    db.commit()

    _wait(lambda: hits)  # the in-process job POSTs at once; the receiver answers 200

    def settled():
        db.expire_all()
        row = db.exec(select(WebhookDelivery).where(
            WebhookDelivery.endpoint_id == endpoint.id)).one()
        return row if row.status != "sending" else None

    try:
        row = _wait(settled, timeout=10)
    except AssertionError:
        pytest.fail("the 200 answer was never recorded: the delivery is stuck in 'sending' "
                    "(and is POSTed again after STUCK_SENDING)")
    assert len(hits) == 1
    assert row.status == "delivered", row.status
    assert "\x00" not in row.response_excerpt


def _serve(body: bytes, encoding: str):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/x"


def test_a_flow_reads_a_gzipped_answer_and_stops_a_bomb_at_its_cap():
    server, url = _serve(gzip.compress(b'{"preco": "59,90"}'), "gzip")
    try:
        got = http_request.perform({"url": url, "method": "GET"})
    finally:
        server.shutdown()
        server.server_close()
    assert got["ok"] and got["json"] == {"preco": "59,90"}

    server, url = _serve(gzip.compress(b"{" + b" " * (40 << 20), 9), "gzip")
    tracemalloc.start()
    try:
        got = http_request.perform({"url": url, "method": "GET"})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        server.shutdown()
        server.server_close()
    assert got["status"] == 200 and got["json"] is None
    assert peak < 8 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB"

    server, url = _serve(BOMB, "gzip, gzip")  # compressed twice: not read at all
    try:
        got = http_request.perform({"url": url, "method": "GET"})
    finally:
        server.shutdown()
        server.server_close()
    assert got == {"ok": False, "status": 0, "error": "unreadable_body"}
