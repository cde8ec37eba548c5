"""Found by review and fixed; the test keeps it fixed.

A flow's http_request effect raises out of the worker instead of following the
block's "error" exit.

`integrations.http_request.perform` promises "never raises" but only catches httpx's
TimeoutException/HTTPError and ValueError from json.loads. It raises on:
* a header value that is not ASCII — `X-Cliente: {{contact.name}}` for "João";
* a URL with a control character — `…?q={{vars.busca}}` after a two-line answer — or a
  broken host (`urlsplit` ValueError before the try);
* a deeply nested JSON response (RecursionError is not a ValueError).
In the worker the exception escapes `run_event`: the whole batch (other tenants'
conversations too) rolls back and is redone one by one (their HTTP calls performed twice),
and this conversation is set aside — the customer gets no answer, every time.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlmodel import Session, select

from tests.factories import make_owner
from ylada_app.core.db import get_engine
from ylada_app.integrations import http_request
from ylada_app.jobs import drain
from ylada_app.models import Message
from ylada_app.services import flows, instances, simulator


@pytest.fixture
def deep_json_server():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = b"[" * 100_000
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("effect", [
    {"url": "http://127.0.0.1:9/", "headers": {"X-Cliente": "João"}},
    {"url": "http://127.0.0.1:9/busca?q=linha 1\nlinha 2"},
    {"url": "http://[::1/pedido"},
], ids=["non_ascii_header", "newline_in_url", "broken_host"])
def test_perform_never_raises(effect):
    out = http_request.perform({"method": "GET", "timeout_s": 2, **effect})
    assert out["ok"] is False and out["error"]


def test_perform_survives_deeply_nested_json(deep_json_server):
    out = http_request.perform({"method": "GET", "url": deep_json_server, "timeout_s": 5})
    assert out["status"] == 200 and out["json"] is None


FLOW = {"version": 1, "nodes": [
    {"id": "s", "type": "start", "data": {"triggers": [{"type": "keyword", "keywords": ["oi"]}]}},
    {"id": "h", "type": "http_request", "data": {
        "method": "GET", "url": "http://127.0.0.1:9/cliente",
        "headers": {"X-Cliente": "{{contact.name}}"}, "timeout_s": 2}},
    {"id": "ok", "type": "message", "data": {"text": "Achei seu cadastro."}},
    {"id": "err", "type": "message", "data": {"text": "Sistema fora do ar, tente depois."}},
], "edges": [
    {"source": "s", "target": "h"},
    {"source": "h", "sourceHandle": "ok", "target": "ok"},
    {"source": "h", "sourceHandle": "error", "target": "err"},
]}


def test_a_customer_named_joao_gets_the_error_path_answer(db):
    owner = make_owner(db)
    inst = instances.create_instance(db, tenant_id=owner.tenant_id, name="Loja", channel=None)
    flow = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id, name="API",
                             definition=FLOW)
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=flow.id)
    db.commit()
    conv = simulator.send(db, tenant_id=owner.tenant_id, instance_id=inst.id, user_id=1,
                          user_name="João", text="oi")
    db.commit()
    drain.process_batch([conv])
    with Session(get_engine()) as fresh:
        replies = [m.text for m in fresh.exec(select(Message).where(
            Message.conversation_id == conv, Message.direction == "out"))]
    assert replies == ["Sistema fora do ar, tente depois."]
