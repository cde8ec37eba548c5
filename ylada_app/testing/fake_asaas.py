"""A fake Asaas API v3 (the subset ylada uses) with a hosted payment page and webhooks.

    fake = FakeAsaas(webhook_token="tok").start()
    ... ASAAS_API_BASE=fake.api_base (…/v3), ASAAS_API_KEY=$aact_…, ASAAS_WEBHOOK_TOKEN=tok ...
    fake.webhook_url = "http://127.0.0.1:3000/webhooks/asaas"   # delivery on
    fake.stop()

httpx talks to it (JSON both ways, `access_token` header). Endpoints under /v3:
  POST /customers, /customers/{id}, /subscriptions, /subscriptions/{id} (update)
  GET  /subscriptions/{id}, /subscriptions/{id}/payments, /payments/{id},
       /payments/{id}/pixQrCode, /payments/{id}/identificationField
  DELETE /subscriptions/{id}
Pages: GET /i/{payment} (the invoice page: Pix QR, boleto line, card form) with a
"Pagar agora" button (POST /i/{payment}/pay marks the charge paid and posts the webhook);
GET /b/{payment}.pdf (a boleto "PDF").
Controls for tests: `pay(id)`, `overdue(id)`, `refund(id)`, `next_charge(sub_id)`; `down`
(every API call answers 500) and `fail_paths` (regexes of API paths answering 500).

Webhooks are posted like Asaas does (header `asaas-access-token`, body {id, event,
dateCreated, payment|subscription}) by one background thread, in order; events caused by an
API call are delivered after the call returned (as Asaas does), the control methods wait
until their events are delivered. Every event is kept in `events` so a test can re-send,
reorder or duplicate it with `deliver`. Event times strictly increase (one second apart).

Standalone (for `make run` demos): python -m ylada_app.testing.fake_asaas --port 12112
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import itertools
import json
import queue
import re
import secrets
import threading
import time
from datetime import UTC, date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

import httpx

from ylada_app.testing.loopback_http import LoopbackHttp

BRT = timezone(timedelta(hours=-3))


def _valid_tax_id(value: str) -> bool:
    from validate_docbr import CNPJ, CPF

    digits = "".join(ch for ch in value if ch.isdigit())
    return (len(digits) == 11 and CPF().validate(digits)) or \
        (len(digits) == 14 and CNPJ().validate(digits))


def _qr_png_base64(text: str) -> str:
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=5, border=2)
    return base64.b64encode(out.getvalue()).decode()


def _add_month(day: date) -> date:
    month = day.month % 12 + 1
    year = day.year + (day.month == 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    return day + timedelta(days=30)


class FakeAsaas(LoopbackHttp):
    thread_name = "fake-asaas"

    def __init__(self, *, webhook_token: str = "asaas_tok_test", host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.webhook_token = webhook_token
        self.webhook_url: str | None = None
        self.host, self.port = host, port
        self.base_url = ""
        self.customers: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.payments: dict[str, dict] = {}
        self.events: list[dict] = []
        self.requests: list[tuple[str, str, dict]] = []
        self.deliveries: list[tuple[str, int]] = []
        self.down = False
        self.fail_paths: list[str] = []
        self._ids = itertools.count(1)
        self._clock = 0
        self._lock = threading.RLock()
        self._queue: queue.Queue[dict | None] = queue.Queue()

    @property
    def api_base(self) -> str:
        return self.base_url + "/v3"

    # --- lifecycle ---------------------------------------------------------------------
    def start(self) -> FakeAsaas:
        super().start()
        threading.Thread(target=self._deliver_loop, daemon=True,
                         name="fake-asaas-webhooks").start()
        return self

    def stop(self) -> None:
        self._queue.put(None)
        super().stop()

    def reset(self) -> None:
        self.wait_delivered()
        with self._lock:
            for store in (self.customers, self.subscriptions, self.payments):
                store.clear()
            self.events.clear()
            self.requests.clear()
            self.deliveries.clear()
            self.down = False
            self.fail_paths = []

    # --- events ------------------------------------------------------------------------
    def _id(self, prefix: str) -> str:
        return f"{prefix}_{secrets.token_hex(6)}{next(self._ids)}"

    def _now(self) -> int:
        with self._lock:
            self._clock = max(int(time.time()), self._clock + 1)
            return self._clock

    @staticmethod
    def brt(ts: int) -> str:
        return datetime.fromtimestamp(ts, UTC).astimezone(BRT).strftime("%Y-%m-%d %H:%M:%S")

    def emit(self, etype: str, obj: dict) -> dict:
        key = "subscription" if etype.startswith("SUBSCRIPTION_") else "payment"
        event = {"id": self._id("evt"), "event": etype, "dateCreated": self.brt(self._now()),
                 key: json.loads(json.dumps(obj))}
        with self._lock:
            self.events.append(event)
        if self.webhook_url:
            self._queue.put(event)
        return event

    def _deliver_loop(self) -> None:
        while True:
            event = self._queue.get()
            try:
                if event is None:
                    return
                try:
                    self.deliver(event)
                except httpx.HTTPError:
                    with self._lock:
                        self.deliveries.append((event["event"], 0))
            finally:
                self._queue.task_done()

    def wait_delivered(self, timeout: float = 20.0) -> None:
        """Block until every queued webhook has been posted (and answered)."""
        deadline = time.time() + timeout
        while self._queue.unfinished_tasks and time.time() < deadline:
            time.sleep(0.02)

    def deliver(self, event: dict | str | bytes, *, url: str | None = None,
                token: str | None = None) -> int:
        """POST one event (a dict, or raw bytes/str for garbage tests); returns the status."""
        target = url or self.webhook_url
        if not target:
            raise RuntimeError("no webhook_url")
        body = event if isinstance(event, bytes | str) else json.dumps(event)
        response = httpx.post(target, content=body, timeout=15, headers={
            "asaas-access-token": self.webhook_token if token is None else token,
            "Content-Type": "application/json", "User-Agent": "Asaas_Hmlg_API"})
        name = event.get("event", "?") if isinstance(event, dict) else "raw"
        with self._lock:
            self.deliveries.append((name, response.status_code))
        return response.status_code

    def events_of(self, etype: str) -> list[dict]:
        return [e for e in self.events if e["event"] == etype]

    # --- domain ------------------------------------------------------------------------
    def _payment(self, sub: dict, due: date) -> dict:
        pay_id = self._id("pay")
        payment = {
            "object": "payment", "id": pay_id, "dateCreated": date.today().isoformat(),
            "customer": sub["customer"], "subscription": sub["id"], "value": sub["value"],
            "netValue": round(sub["value"] * 0.99, 2), "description": sub.get("description"),
            "billingType": sub["billingType"], "status": "PENDING",
            "dueDate": due.isoformat(), "originalDueDate": due.isoformat(),
            "paymentDate": None, "clientPaymentDate": None,
            "invoiceUrl": f"{self.base_url}/i/{pay_id}",
            "invoiceNumber": f"{next(self._ids):08d}",
            "externalReference": sub.get("externalReference"), "deleted": False,
            "bankSlipUrl": f"{self.base_url}/b/{pay_id}.pdf"
            if sub["billingType"] == "BOLETO" else None,
            "transactionReceiptUrl": None,
        }
        self.payments[pay_id] = payment
        self.emit("PAYMENT_CREATED", payment)
        return payment

    def _set_status(self, pay_id: str, status: str, etype: str, **extra: Any) -> dict:
        with self._lock:
            payment = self.payments[pay_id]
            payment.update(status=status, **extra)
            self.emit(etype, payment)
        self.wait_delivered()
        return payment

    def pay(self, pay_id: str) -> dict:
        """The customer pays (Pix/boleto: RECEIVED; card: CONFIRMED)."""
        card = self.payments[pay_id]["billingType"] == "CREDIT_CARD"
        return self._set_status(
            pay_id, "CONFIRMED" if card else "RECEIVED",
            "PAYMENT_CONFIRMED" if card else "PAYMENT_RECEIVED",
            paymentDate=date.today().isoformat(), clientPaymentDate=date.today().isoformat(),
            transactionReceiptUrl=f"{self.base_url}/r/{pay_id}")

    def overdue(self, pay_id: str) -> dict:
        return self._set_status(pay_id, "OVERDUE", "PAYMENT_OVERDUE")

    def refund(self, pay_id: str) -> dict:
        return self._set_status(pay_id, "REFUNDED", "PAYMENT_REFUNDED")

    def next_charge(self, sub_id: str) -> dict:
        """The monthly renewal: the next charge, due a month after the last one."""
        with self._lock:
            sub = self.subscriptions[sub_id]
            due = date.fromisoformat(sub["nextDueDate"])
            payment = self._payment(sub, due)
            sub["nextDueDate"] = _add_month(due).isoformat()
        self.wait_delivered()
        return payment

    def open_payment(self, sub_id: str) -> dict:
        return next(p for p in reversed(list(self.payments.values()))
                    if p["subscription"] == sub_id and p["status"] in ("PENDING", "OVERDUE"))

    # --- HTTP --------------------------------------------------------------------------
    def _dispatch(self, req: BaseHTTPRequestHandler, method: str) -> None:
        path = urlsplit(req.path).path
        length = int(req.headers.get("Content-Length") or 0)
        raw = req.rfile.read(length).decode() if length else ""
        try:
            body = json.loads(raw) if raw and path.startswith("/v3/") else {}
        except ValueError:
            return self._json(req, 400, {"errors": [{"code": "invalid_json",
                                                     "description": "JSON inválido"}]})
        with self._lock:
            self.requests.append((method, path, body if isinstance(body, dict) else {}))
        if path.startswith("/v3/"):
            if self.down or any(re.search(p, path) for p in self.fail_paths):
                return self._json(req, 500, {"errors": [{"code": "internal_error",
                                                         "description": "fake Asaas down"}]})
            if not (req.headers.get("access_token") or ""):
                return self._json(req, 401, {"errors": [{"code": "invalid_access_token",
                                                         "description": "Chave inválida"}]})
        try:
            with self._lock:
                self._route(req, method, path, body if isinstance(body, dict) else {})
        except KeyError:
            self._json(req, 404, {"errors": [{"code": "not_found",
                                              "description": "Não encontrado"}]})

    def _route(self, req: BaseHTTPRequestHandler, method: str, path: str,
               body: dict[str, Any]) -> None:
        if method == "POST" and path == "/v3/customers":
            if not _valid_tax_id(str(body.get("cpfCnpj") or "")):
                return self._json(req, 400, {"errors": [{
                    "code": "invalid_cpfCnpj",
                    "description": "O CPF/CNPJ informado é inválido."}]})
            cus = {"object": "customer", "id": self._id("cus"), "name": body.get("name"),
                   "email": body.get("email"), "cpfCnpj": body.get("cpfCnpj"),
                   "externalReference": body.get("externalReference"), "deleted": False}
            self.customers[cus["id"]] = cus
            return self._json(req, 200, cus)
        match = re.fullmatch(r"/v3/customers/(\w+)", path)
        if match and method == "POST":
            cus = self.customers[match.group(1)]
            if "cpfCnpj" in body and not _valid_tax_id(str(body["cpfCnpj"] or "")):
                return self._json(req, 400, {"errors": [{
                    "code": "invalid_cpfCnpj",
                    "description": "O CPF/CNPJ informado é inválido."}]})
            cus.update({k: v for k, v in body.items() if k in ("name", "email", "cpfCnpj")})
            return self._json(req, 200, cus)
        if method == "POST" and path == "/v3/subscriptions":
            if body.get("customer") not in self.customers:
                return self._json(req, 400, {"errors": [{
                    "code": "invalid_customer", "description": "Cliente inexistente."}]})
            due = date.fromisoformat(str(body.get("nextDueDate")))
            sub = {"object": "subscription", "id": self._id("sub"),
                   "customer": body["customer"], "billingType": body.get("billingType"),
                   "value": float(body.get("value") or 0), "cycle": body.get("cycle"),
                   "description": body.get("description"), "status": "ACTIVE",
                   "externalReference": body.get("externalReference"), "deleted": False,
                   "dateCreated": date.today().isoformat(), "nextDueDate": due.isoformat()}
            self.subscriptions[sub["id"]] = sub
            self._payment(sub, due)
            sub["nextDueDate"] = _add_month(due).isoformat()
            return self._json(req, 200, sub)
        match = re.fullmatch(r"/v3/subscriptions/(\w+)(/payments)?", path)
        if match:
            sub = self.subscriptions[match.group(1)]
            if match.group(2):
                rows = [p for p in self.payments.values() if p["subscription"] == sub["id"]]
                return self._json(req, 200, {"object": "list", "hasMore": False,
                                             "totalCount": len(rows), "limit": 10,
                                             "offset": 0, "data": rows})
            if method == "GET":
                return self._json(req, 200, sub)
            if method == "DELETE":
                sub.update(deleted=True, status="INACTIVE")
                for p in self.payments.values():
                    if p["subscription"] == sub["id"] and p["status"] == "PENDING":
                        p.update(status="DELETED", deleted=True)
                        self.emit("PAYMENT_DELETED", p)
                self.emit("SUBSCRIPTION_DELETED", sub)
                return self._json(req, 200, {"deleted": True, "id": sub["id"]})
            for key in ("value", "description", "externalReference", "billingType"):
                if key in body:
                    sub[key] = float(body[key]) if key == "value" else body[key]
            if body.get("updatePendingPayments"):
                for p in self.payments.values():
                    if p["subscription"] == sub["id"] and p["status"] == "PENDING":
                        p["value"] = sub["value"]
            self.emit("SUBSCRIPTION_UPDATED", sub)
            return self._json(req, 200, sub)
        match = re.fullmatch(r"/v3/payments/(\w+)(/pixQrCode|/identificationField)?", path)
        if match:
            payment = self.payments[match.group(1)]
            if match.group(2) == "/pixQrCode":
                payload = ("00020101021226820014br.gov.bcb.pix2560pix.fake-asaas.test/qr/"
                           f"{payment['id']}5204000053039865406{payment['value']:.2f}"
                           "5802BR5905YLADA6009SAO PAULO62070503***6304ABCD")
                return self._json(req, 200, {
                    "encodedImage": _qr_png_base64(payload), "payload": payload,
                    "expirationDate": f"{payment['dueDate']} 23:59:59"})
            if match.group(2) == "/identificationField":
                digits = f"{abs(hash(payment['id'])) % 10**47:047d}"
                return self._json(req, 200, {
                    "identificationField": digits, "nossoNumero": payment["id"][-8:],
                    "barCode": digits[:44]})
            return self._json(req, 200, payment)
        match = re.fullmatch(r"/i/(\w+)(/pay)?", path)
        if match:
            payment = self.payments[match.group(1)]
            if method == "POST" and match.group(2):
                if payment["status"] in ("PENDING", "OVERDUE"):
                    threading.Thread(target=self.pay, args=(payment["id"],),
                                     daemon=True).start()
                return self._html(req, "<p id='paid'>Pagamento de teste registrado.</p>"
                                  "<script>setTimeout(()=>history.back(),800)</script>")
            return self._html(req, self._invoice_page(payment))
        match = re.fullmatch(r"/[br]/(\w+)(\.pdf)?", path)
        if match:
            payment = self.payments[match.group(1)]
            return self._html(req, f"<h1>Documento de teste {html.escape(payment['id'])}</h1>")
        raise KeyError(path)

    def _invoice_page(self, payment: dict) -> str:
        value = f"R$ {payment['value']:.2f}".replace(".", ",")
        paid = payment["status"] not in ("PENDING", "OVERDUE")
        action = ("<p id='status'>Pago</p>" if paid else
                  f"<form method='post' action='/i/{payment['id']}/pay'>"
                  "<button id='pay' type='submit' style='padding:10px 24px'>Pagar agora "
                  "(teste)</button></form>")
        return ("<!doctype html><html lang='pt-BR'><head><meta charset='utf-8'>"
                "<title>Fatura (teste)</title></head>"
                "<body style='font-family:sans-serif;max-width:420px;margin:60px auto'>"
                "<h1>Fatura de teste</h1>"
                f"<p id='amount'>{html.escape(value)} — vencimento "
                f"{html.escape(payment['dueDate'])}</p>{action}</body></html>")


def main() -> None:  # pragma: no cover - manual tool
    parser = argparse.ArgumentParser(description="fake Asaas API v3")
    parser.add_argument("--port", type=int, default=12112)
    parser.add_argument("--webhook-url", default="")
    parser.add_argument("--webhook-token", default="asaas_tok_test")
    args = parser.parse_args()
    fake = FakeAsaas(webhook_token=args.webhook_token, port=args.port).start()
    fake.webhook_url = args.webhook_url or None
    print(f"fake Asaas on {fake.api_base}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
