"""A fake Mercado Pago API (the subset ylada uses): preapprovals, their authorized payments,
the payer's authorization page and signed notifications.

    fake = FakeMercadoPago(webhook_secret="s").start()
    ... MERCADOPAGO_API_BASE=fake.base_url, MERCADOPAGO_ACCESS_TOKEN=TEST-…,
        MERCADOPAGO_WEBHOOK_SECRET=s ...
    fake.webhook_url = "http://127.0.0.1:3000/webhooks/mercadopago"

Endpoints (Bearer token): POST /preapproval, GET/PUT /preapproval/{id},
GET /authorized_payments/{id}. Pages: GET /subscriptions/checkout?preapproval_id=… with
"Assinar" (POST …/pay authorizes it, charges the first month and redirects to back_url).
Controls for tests: `authorize(id)`, `charge(id, approved=True)`, `pause(id)`; `down`.
Notifications are POSTed to `webhook_url?data.id=…&type=…` with `x-signature` and
`x-request-id`, like Mercado Pago; each is kept in `notifications` (re-send with `deliver`).

Standalone (for demos): python -m ylada_app.testing.fake_mercadopago --port 12113
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import re
import secrets
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from ylada_app.integrations.payments.mercadopago_gateway import sign
from ylada_app.testing.loopback_http import LoopbackHttp


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")


class FakeMercadoPago(LoopbackHttp):
    thread_name = "fake-mercadopago"

    def __init__(self, *, webhook_secret: str = "mp_secret_test", host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.webhook_secret = webhook_secret
        self.webhook_url: str | None = None
        self.host, self.port = host, port
        self.base_url = ""
        self.preapprovals: dict[str, dict] = {}
        self.payments: dict[str, dict] = {}
        self.notifications: list[dict] = []
        self.requests: list[tuple[str, str, dict]] = []
        self.deliveries: list[tuple[str, int]] = []
        self.down = False
        self._ids = itertools.count(1)
        self._clock = 0
        self._lock = threading.RLock()
        self._threads: list[threading.Thread] = []

    def wait_delivered(self, timeout: float = 20.0) -> None:
        for thread in list(self._threads):
            thread.join(timeout)
        self._threads.clear()

    def reset(self) -> None:
        self.wait_delivered()
        with self._lock:
            self.preapprovals.clear()
            self.payments.clear()
            self.notifications.clear()
            self.requests.clear()
            self.deliveries.clear()
            self.down = False

    def _now(self) -> int:
        with self._lock:
            self._clock = max(int(time.time()), self._clock + 1)
            return self._clock

    # --- notifications -----------------------------------------------------------------
    def notify(self, ntype: str, data_id: str) -> dict:
        note = {"id": next(self._ids) + 10**9, "type": ntype, "action": "updated",
                "live_mode": False, "api_version": "v1", "date_created": _iso(time.time()),
                "data": {"id": data_id}}
        with self._lock:
            self.notifications.append(note)
        if self.webhook_url:
            self.deliver(note)
        return note

    def deliver(self, note: dict, *, secret: str | None = None, ts: int | None = None,
                data_id: str | None = None, request_id: str | None = None) -> int:
        target = self.webhook_url
        if not target:
            raise RuntimeError("no webhook_url")
        did = data_id if data_id is not None else str(note["data"]["id"])
        rid = request_id or str(uuid.uuid4())
        stamp = int(time.time()) if ts is None else ts
        response = httpx.post(
            target + "?" + urlencode({"data.id": did, "type": note["type"]}),
            content=json.dumps(note), timeout=15,
            headers={"Content-Type": "application/json", "x-request-id": rid,
                     "x-signature": sign(secret or self.webhook_secret, data_id=did.lower(),
                                         request_id=rid, ts=stamp)})
        with self._lock:
            self.deliveries.append((note["type"], response.status_code))
        return response.status_code

    # --- domain ------------------------------------------------------------------------
    def _touch(self, pre: dict) -> None:
        pre["last_modified"] = _iso(self._now())

    def authorize(self, pre_id: str) -> dict:
        with self._lock:
            pre = self.preapprovals[pre_id]
            pre["status"] = "authorized"
            self._touch(pre)
        self.notify("subscription_preapproval", pre_id)
        self.charge(pre_id)
        return pre

    def charge(self, pre_id: str, *, approved: bool = True) -> dict:
        """The monthly charge of an authorized preapproval."""
        with self._lock:
            pre = self.preapprovals[pre_id]
            pay_id = str(next(self._ids) + 7 * 10**9)
            auth = {"id": str(next(self._ids) + 6 * 10**9), "preapproval_id": pre_id,
                    "type": "recurring", "status": "processed" if approved else "recycling",
                    "transaction_amount": pre["auto_recurring"]["transaction_amount"],
                    "currency_id": pre["auto_recurring"]["currency_id"],
                    "external_reference": pre.get("external_reference"),
                    "date_created": _iso(time.time()), "last_modified": _iso(self._now()),
                    "payment": {"id": int(pay_id),
                                "status": "approved" if approved else "rejected",
                                "status_detail": "accredited" if approved
                                else "cc_rejected_insufficient_amount"}}
            self.payments[auth["id"]] = auth
            nxt = datetime.now(UTC) + timedelta(days=30)
            pre["next_payment_date"] = nxt.isoformat(timespec="milliseconds")
        self.notify("subscription_authorized_payment", auth["id"])
        return auth

    def refund(self, auth_id: str) -> dict:
        """The business refunded a monthly charge (or the buyer charged it back)."""
        with self._lock:
            auth = self.payments[auth_id]
            auth["payment"] = {**auth["payment"], "status": "refunded",
                               "status_detail": "refunded"}
            auth["last_modified"] = _iso(self._now())
        self.notify("subscription_authorized_payment", auth_id)
        return auth

    def pause(self, pre_id: str) -> dict:
        with self._lock:
            pre = self.preapprovals[pre_id]
            pre["status"] = "paused"
            self._touch(pre)
        self.notify("subscription_preapproval", pre_id)
        return pre

    # --- HTTP --------------------------------------------------------------------------
    def _dispatch(self, req: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(req.path)
        path, query = parts.path, parse_qs(parts.query)
        length = int(req.headers.get("Content-Length") or 0)
        raw = req.rfile.read(length).decode() if length else ""
        try:
            body = json.loads(raw) if raw and not path.startswith("/subscriptions/") else {}
        except ValueError:
            return self._json(req, 400, {"message": "invalid json", "status": 400})
        with self._lock:
            self.requests.append((method, path, body if isinstance(body, dict) else {}))
        api = not path.startswith("/subscriptions/")
        if api and self.down:
            return self._json(req, 500, {"message": "fake Mercado Pago down", "status": 500})
        if api and not (req.headers.get("Authorization") or "").startswith("Bearer "):
            return self._json(req, 401, {"message": "unauthorized", "status": 401})
        try:
            self._route(req, method, path, query, body if isinstance(body, dict) else {})
        except KeyError:
            self._json(req, 404, {"message": "not found", "status": 404})

    def _route(self, req, method: str, path: str, query: dict, body: dict[str, Any]) -> None:
        if method == "POST" and path == "/preapproval":
            pre_id = secrets.token_hex(16)
            now = self._now()
            pre = {"id": pre_id, "status": "pending", "reason": body.get("reason"),
                   "payer_email": body.get("payer_email"),
                   "external_reference": body.get("external_reference"),
                   "back_url": body.get("back_url"),
                   "auto_recurring": dict(body.get("auto_recurring") or {}),
                   "date_created": _iso(now), "last_modified": _iso(now),
                   "next_payment_date": None,
                   "init_point": f"{self.base_url}/subscriptions/checkout?preapproval_id={pre_id}"}
            with self._lock:
                self.preapprovals[pre_id] = pre
            return self._json(req, 201, pre)
        match = re.fullmatch(r"/preapproval/(\w+)", path)
        if match:
            pre = self.preapprovals[match.group(1)]
            if method == "PUT":
                with self._lock:
                    if "auto_recurring" in body:
                        pre["auto_recurring"].update(body["auto_recurring"])
                    for key in ("reason", "external_reference", "status"):
                        if key in body:
                            pre[key] = body[key]
                    self._touch(pre)
                # delivered after this call returned (the app's transaction is still open)
                thread = threading.Thread(target=self.notify, daemon=True,
                                          args=("subscription_preapproval", pre["id"]))
                self._threads.append(thread)
                thread.start()
            return self._json(req, 200, pre)
        match = re.fullmatch(r"/authorized_payments/(\w+)", path)
        if match:
            return self._json(req, 200, self.payments[match.group(1)])
        if path.startswith("/subscriptions/checkout"):
            pre = self.preapprovals[(query.get("preapproval_id") or [""])[0]]
            if method == "POST" and path.endswith("/pay"):
                if pre["status"] == "pending":
                    self.authorize(pre["id"])
                req.send_response(303)
                req.send_header("Location", pre.get("back_url") or "/")
                req.send_header("Content-Length", "0")
                req.end_headers()
                return None
            amount = f"R$ {float(pre['auto_recurring'].get('transaction_amount') or 0):.2f}"
            return self._html(req, (
                "<!doctype html><html lang='pt-BR'><head><meta charset='utf-8'>"
                "<title>Mercado Pago (teste)</title></head><body style='font-family:sans-serif;"
                "max-width:420px;margin:60px auto'><h1>Assinatura de teste</h1>"
                f"<p id='amount'>{html.escape(amount.replace('.', ','))} por mês</p>"
                f"<form method='post' action='/subscriptions/checkout/pay?preapproval_id="
                f"{pre['id']}'><button id='pay' type='submit'>Assinar</button></form>"
                "</body></html>"))
        raise KeyError(path)


def main() -> None:  # pragma: no cover - manual tool
    parser = argparse.ArgumentParser(description="fake Mercado Pago API")
    parser.add_argument("--port", type=int, default=12113)
    parser.add_argument("--webhook-url", default="")
    parser.add_argument("--webhook-secret", default="mp_secret_test")
    args = parser.parse_args()
    fake = FakeMercadoPago(webhook_secret=args.webhook_secret, port=args.port).start()
    fake.webhook_url = args.webhook_url or None
    print(f"fake Mercado Pago on {fake.base_url}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
