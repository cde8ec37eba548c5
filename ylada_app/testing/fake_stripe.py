"""A fake Stripe API (the subset ylada uses) with a hosted-checkout page and signed webhooks.

    stripe_fake = FakeStripe(webhook_secret="whsec_test"); stripe_fake.start()
    ... STRIPE_API_BASE=stripe_fake.base_url, STRIPE_SECRET_KEY=sk_test_… ...
    stripe_fake.webhook_url = "http://127.0.0.1:3000/webhooks/stripe"   # auto delivery
    stripe_fake.stop()

The real `stripe` library talks to it (form-encoded requests, JSON answers). Endpoints:
  POST /v1/customers, /v1/products, /v1/prices, /v1/checkout/sessions,
       /v1/checkout/sessions/{id}/expire, /v1/billing_portal/sessions, /v1/subscriptions/{id}
  GET  /v1/products/{id}, /v1/prices?lookup_keys[]=…, /v1/subscriptions/{id},
       /v1/checkout/sessions?customer=…&status=open
  DELETE /v1/subscriptions/{id}
Prices keep their `lookup_key` (unique: creating a second price under a key is refused
unless `transfer_lookup_key=true`, which moves it) and products may be created under an id
of the caller's choosing, as at Stripe.
  GET  /checkout/{session}  (a payment page)  POST /checkout/{session}/pay
  GET  /portal/{customer}
Lifecycle controls for tests: `fail_payment(sub_id)`, `pay_invoice(sub_id)`,
`end_period(sub_id)`. Every event is kept in `events` (signed payloads can be re-sent,
reordered or duplicated with `deliver`); with `webhook_url` set they are also delivered at
once, in order. Event `created` times strictly increase, like a real account's.

Standalone (for `make run` demos): python -m ylada_app.testing.fake_stripe --port 12111
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import html
import itertools
import json
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from ylada_app.testing.loopback_http import LoopbackHttp

MONTH_S = 30 * 86400


def parse_form(body: str) -> dict[str, Any]:
    """Stripe's form encoding (`a[b][0][c]=v`) back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    return node


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    ts = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{ts}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


class FakeStripe(LoopbackHttp):
    thread_name = "fake-stripe"

    def __init__(self, *, webhook_secret: str = "whsec_test_ylada", host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.webhook_secret = webhook_secret
        self.webhook_url: str | None = None
        self.host, self.port = host, port
        self.base_url = ""
        self.customers: dict[str, dict] = {}
        self.products: dict[str, dict] = {}
        self.prices: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.invoices: dict[str, dict] = {}
        self.events: list[dict] = []
        self.requests: list[tuple[str, str, dict]] = []
        self.deliveries: list[tuple[str, int]] = []
        self.down = False
        self._ids = itertools.count(1)
        self._clock = 0
        self._lock = threading.RLock()

    # --- lifecycle ---------------------------------------------------------------------
    def reset(self) -> None:
        with self._lock:
            for store in (self.customers, self.products, self.prices, self.sessions,
                          self.subscriptions, self.invoices):
                store.clear()
            self.events.clear()
            self.requests.clear()
            self.deliveries.clear()
            self.down = False

    # --- helpers -----------------------------------------------------------------------
    def _id(self, prefix: str) -> str:
        return f"{prefix}_{secrets.token_hex(6)}{next(self._ids)}"

    def _now(self) -> int:
        with self._lock:
            self._clock = max(int(time.time()), self._clock + 1)
            return self._clock

    def emit(self, etype: str, obj: dict) -> dict:
        event = {"id": self._id("evt"), "object": "event", "api_version": "2025-01-27.acacia",
                 "created": self._now(), "type": etype, "livemode": False,
                 "data": {"object": json.loads(json.dumps(obj))}}
        with self._lock:
            self.events.append(event)
        if self.webhook_url:
            self.deliver(event)
        return event

    def signed(self, event: dict, *, timestamp: int | None = None,
               secret: str | None = None) -> tuple[str, str]:
        payload = json.dumps(event)
        return payload, sign(payload, secret or self.webhook_secret, timestamp)

    def deliver(self, event: dict, *, url: str | None = None, timestamp: int | None = None,
                secret: str | None = None) -> int:
        payload, header = self.signed(event, timestamp=timestamp, secret=secret)
        target = url or self.webhook_url
        if not target:
            raise RuntimeError("no webhook_url")
        response = httpx.post(target, content=payload, timeout=15,
                              headers={"Stripe-Signature": header,
                                       "Content-Type": "application/json"})
        with self._lock:
            self.deliveries.append((event["type"], response.status_code))
        return response.status_code

    def events_of(self, etype: str) -> list[dict]:
        return [e for e in self.events if e["type"] == etype]

    # --- domain ------------------------------------------------------------------------
    def _price_obj(self, price_id: str) -> dict:
        price = self.prices.get(price_id)
        if price is None:  # an id configured by hand in the admin: accept it
            price = {"id": price_id, "object": "price", "unit_amount": 0, "currency": "brl",
                     "recurring": {"interval": "month"}, "metadata": {}, "product": None}
            self.prices[price_id] = price
        return price

    def _list_prices(self, params: dict[str, Any]) -> dict:
        """GET /v1/prices: filtered by lookup_keys (and active), newest first, like Stripe."""
        keys = params.get("lookup_keys")
        keys = [keys] if isinstance(keys, str) else list(keys or [])
        rows = [p for p in reversed(list(self.prices.values()))
                if (not keys or p.get("lookup_key") in keys)
                and (params.get("active") is None
                     or str(p.get("active", True)).lower() == params["active"])]
        limit = int(params.get("limit") or 10)
        return {"object": "list", "url": "/v1/prices", "data": rows[:limit],
                "has_more": len(rows) > limit}

    def _invoice_number(self, customer: str) -> str:
        """Stripe numbers invoices per customer: a prefix of the customer, then 0001, 0002…"""
        count = 1 + sum(1 for inv in self.invoices.values() if inv["customer"] == customer)
        prefix = hashlib.sha1(customer.encode()).hexdigest()[:8].upper()
        return f"{prefix}-{count:04d}"

    def _invoice(self, sub: dict, status: str, amount: int, *, reason: str) -> dict:
        now = self._now()
        inv_id = self._id("in")
        item = sub["items"]["data"][0]
        invoice = {
            "id": inv_id, "object": "invoice", "customer": sub["customer"],
            "subscription": sub["id"], "status": status, "billing_reason": reason,
            "amount_due": amount, "amount_paid": amount if status == "paid" else 0,
            "total": amount, "currency": "brl", "number": self._invoice_number(sub["customer"]),
            "hosted_invoice_url": f"{self.base_url}/invoices/{inv_id}",
            "invoice_pdf": f"{self.base_url}/invoices/{inv_id}.pdf",
            "period_start": item["current_period_start"],
            "period_end": item["current_period_end"], "created": now,
            "lines": {"object": "list", "data": [{"period": {
                "start": item["current_period_start"], "end": item["current_period_end"]}}]},
        }
        self.invoices[inv_id] = invoice
        return invoice

    def _complete_checkout(self, cs: dict) -> dict:
        now = self._now()
        line = (cs.get("line_items") or [{}])[0]
        price = self._price_obj(line.get("price", ""))
        sub_data = cs.get("subscription_data") or {}
        sub_meta = sub_data.get("metadata") or {}
        # Like Stripe: a trial_end starts the subscription trialing until then, with a
        # zero invoice today; the first real charge is when the trial ends.
        trial_end = int(sub_data["trial_end"]) if sub_data.get("trial_end") else None
        period_end = trial_end or now + MONTH_S
        sub = {
            "id": self._id("sub"), "object": "subscription", "customer": cs["customer"],
            "status": "trialing" if trial_end else "active", "cancel_at_period_end": False,
            "canceled_at": None, "created": now, "metadata": sub_meta, "trial_end": trial_end,
            "current_period_end": period_end,
            "items": {"object": "list", "data": [{
                "id": self._id("si"), "object": "subscription_item", "price": price,
                "quantity": 1, "current_period_start": now,
                "current_period_end": period_end}]},
        }
        self.subscriptions[sub["id"]] = sub
        cs.update(status="complete", payment_status="no_payment_required" if trial_end
                  else "paid", subscription=sub["id"])
        self.emit("customer.subscription.created", sub)
        invoice = self._invoice(sub, "paid", 0 if trial_end else int(price.get("unit_amount") or 0),
                                reason="subscription_create")
        self.emit("invoice.paid", invoice)
        self.emit("checkout.session.completed", cs)
        return sub

    def end_trial(self, sub_id: str) -> dict:
        """The trial's last day: the first real charge is paid, the subscription active."""
        sub = self.subscriptions[sub_id]
        now = self._now()
        item = sub["items"]["data"][0]
        item.update(current_period_start=now, current_period_end=now + MONTH_S)
        sub.update(status="active", current_period_end=now + MONTH_S)
        invoice = self._invoice(sub, "paid", int(item["price"].get("unit_amount") or 0),
                                reason="subscription_cycle")
        self.emit("invoice.paid", invoice)
        self.emit("customer.subscription.updated", sub)
        return invoice

    def fail_payment(self, sub_id: str) -> dict:
        sub = self.subscriptions[sub_id]
        price = sub["items"]["data"][0]["price"]
        invoice = self._invoice(sub, "open", int(price.get("unit_amount") or 0),
                                reason="subscription_cycle")
        self.emit("invoice.payment_failed", invoice)
        sub["status"] = "past_due"
        self.emit("customer.subscription.updated", sub)
        return invoice

    def pay_invoice(self, sub_id: str) -> dict:
        sub = self.subscriptions[sub_id]
        invoice = next(i for i in reversed(list(self.invoices.values()))
                       if i["subscription"] == sub_id and i["status"] == "open")
        invoice.update(status="paid", amount_paid=invoice["amount_due"])
        self.emit("invoice.paid", invoice)
        sub["status"] = "active"
        self.emit("customer.subscription.updated", sub)
        return invoice

    def end_period(self, sub_id: str) -> dict:
        sub = self.subscriptions[sub_id]
        if sub["cancel_at_period_end"]:
            sub.update(status="canceled", canceled_at=self._now())
            self.emit("customer.subscription.deleted", sub)
        return sub

    # --- HTTP --------------------------------------------------------------------------
    def _dispatch(self, req: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(req.path)
        path = parts.path
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length).decode() if length else ""
        params = parse_form(body) if body else {}
        if method in ("GET", "DELETE") and parts.query:  # the library sends these in the URL
            params = {**parse_form(parts.query), **params}
            # a list as `k[]=a&k[]=b` or `k[0]=a&k[1]=b` (stripe-python sends the latter)
            lookup = [v for k, v in parse_qsl(parts.query)
                      if re.fullmatch(r"lookup_keys\[\d*\]", k)]
            if lookup:
                params["lookup_keys"] = lookup
        with self._lock:
            self.requests.append((method, path, params))
        if self.down and path.startswith("/v1/"):
            return self._json(req, 500, {"error": {"type": "api_error",
                                                   "message": "fake Stripe is down"}})
        if path.startswith("/v1/") and not (req.headers.get("Authorization") or "").startswith(
                "Bearer sk_"):
            return self._json(req, 401, {"error": {"type": "invalid_request_error",
                                                   "message": "Invalid API Key provided"}})
        try:
            with self._lock:
                self._route(req, method, path, params)
        except KeyError:
            self._json(req, 404, {"error": {"type": "invalid_request_error",
                                            "message": "No such object"}})

    def _route(self, req: BaseHTTPRequestHandler, method: str, path: str,
               params: dict[str, Any]) -> None:
        if method == "POST" and path == "/v1/customers":
            cus = {"id": self._id("cus"), "object": "customer", "email": params.get("email"),
                   "name": params.get("name"), "metadata": params.get("metadata") or {}}
            self.customers[cus["id"]] = cus
            return self._json(req, 200, cus)
        if method == "POST" and path == "/v1/products":
            prod_id = params.get("id") or self._id("prod")
            if prod_id in self.products:
                return self._json(req, 400, {"error": {
                    "type": "invalid_request_error", "code": "resource_already_exists",
                    "message": "Product already exists."}})
            prod = {"id": prod_id, "object": "product", "name": params.get("name"),
                    "metadata": params.get("metadata") or {}}
            self.products[prod["id"]] = prod
            return self._json(req, 200, prod)
        match = re.fullmatch(r"/v1/products/([\w-]+)", path)
        if match and method == "GET":
            return self._json(req, 200, self.products[match.group(1)])
        if method == "GET" and path == "/v1/prices":
            return self._json(req, 200, self._list_prices(params))
        if method == "POST" and path == "/v1/prices":
            key = params.get("lookup_key") or None
            holder = next((p for p in self.prices.values()
                           if key and p.get("lookup_key") == key), None)
            if holder is not None and params.get("transfer_lookup_key") != "true":
                return self._json(req, 400, {"error": {
                    "type": "invalid_request_error", "param": "lookup_key",
                    "message": f"A price (`{holder['id']}`) already uses that lookup key."}})
            if holder is not None:
                holder["lookup_key"] = None
            price = {"id": self._id("price"), "object": "price", "active": True,
                     "unit_amount": int(params.get("unit_amount") or 0),
                     "currency": params.get("currency") or "brl",
                     "recurring": params.get("recurring") or {"interval": "month"},
                     "product": params.get("product"), "lookup_key": key,
                     "metadata": params.get("metadata") or {}}
            self.prices[price["id"]] = price
            return self._json(req, 200, price)
        if method == "POST" and path == "/v1/checkout/sessions":
            if params.get("customer") not in self.customers:
                return self._json(req, 400, {"error": {"type": "invalid_request_error",
                                                       "message": "No such customer"}})
            trial_end = (params.get("subscription_data") or {}).get("trial_end")
            if trial_end and int(trial_end) < self._now() + 48 * 3600:
                return self._json(req, 400, {"error": {
                    "type": "invalid_request_error", "param": "subscription_data[trial_end]",
                    "message": "The `trial_end` date has to be at least 2 days in the future."}})
            cs_id = self._id("cs_test")
            cs = {"id": cs_id, "object": "checkout.session", "mode": params.get("mode"),
                  "customer": params.get("customer"), "status": "open",
                  "client_reference_id": params.get("client_reference_id"),
                  "metadata": params.get("metadata") or {}, "subscription": None,
                  "success_url": params.get("success_url"),
                  "cancel_url": params.get("cancel_url"),
                  "url": f"{self.base_url}/checkout/{cs_id}"}
            self.sessions[cs_id] = {**cs, "line_items": params.get("line_items") or [],
                                    "subscription_data": params.get("subscription_data") or {}}
            return self._json(req, 200, cs)
        if method == "GET" and path == "/v1/checkout/sessions":
            rows = [{k: v for k, v in cs.items()
                     if k not in ("line_items", "subscription_data")}
                    for cs in reversed(list(self.sessions.values()))
                    if (not params.get("customer") or cs["customer"] == params["customer"])
                    and (not params.get("status") or cs["status"] == params["status"])]
            limit = int(params.get("limit") or 10)
            return self._json(req, 200, {"object": "list", "url": "/v1/checkout/sessions",
                                         "data": rows[:limit], "has_more": len(rows) > limit})
        match = re.fullmatch(r"/v1/checkout/sessions/([\w]+)/expire", path)
        if match and method == "POST":
            cs = self.sessions[match.group(1)]
            if cs["status"] != "open":  # as at Stripe: only an open session expires
                return self._json(req, 400, {"error": {
                    "type": "invalid_request_error",
                    "message": f"Only Checkout Sessions with a status of `open` can be "
                               f"expired. This session has a status of `{cs['status']}`."}})
            cs["status"] = "expired"
            self.emit("checkout.session.expired", cs)
            return self._json(req, 200, {k: v for k, v in cs.items()
                                         if k not in ("line_items", "subscription_data")})
        if method == "POST" and path == "/v1/billing_portal/sessions":
            cus = params.get("customer")
            if cus not in self.customers:
                raise KeyError(cus)
            return self._json(req, 200, {"id": self._id("bps"),
                                         "object": "billing_portal.session",
                                         "customer": cus, "return_url": params.get("return_url"),
                                         "url": f"{self.base_url}/portal/{cus}"})
        match = re.fullmatch(r"/v1/subscriptions/([\w]+)", path)
        if match:
            sub = self.subscriptions[match.group(1)]
            if method == "GET":
                return self._json(req, 200, sub)
            if method == "DELETE":
                sub.update(status="canceled", canceled_at=self._now())
                self.emit("customer.subscription.deleted", sub)
                return self._json(req, 200, sub)
            return self._json(req, 200, self._update_subscription(sub, params))
        match = re.fullmatch(r"/checkout/([\w]+)(/pay)?", path)
        if match:
            cs = self.sessions[match.group(1)]
            if method == "POST" and match.group(2):
                if cs["status"] == "open":
                    self._complete_checkout(cs)
                return self._redirect(req, cs["success_url"])
            return self._html(req, self._checkout_page(cs))
        match = re.fullmatch(r"/portal/([\w]+)", path)
        if match:
            return self._html(req, "<h1>Portal do cliente (fake)</h1>")
        raise KeyError(path)

    def _update_subscription(self, sub: dict, params: dict[str, Any]) -> dict:
        if "cancel_at_period_end" in params:
            sub["cancel_at_period_end"] = params["cancel_at_period_end"] == "true"
        items = params.get("items") or []
        if items and items[0].get("price"):
            old = sub["items"]["data"][0]["price"]
            new = self._price_obj(items[0]["price"])
            sub["items"]["data"][0]["price"] = new
            if params.get("metadata"):
                sub["metadata"] = {**sub.get("metadata", {}), **params["metadata"]}
            diff = int(new.get("unit_amount") or 0) - int(old.get("unit_amount") or 0)
            self.emit("customer.subscription.updated", sub)
            if diff > 0 and params.get("proration_behavior") != "none":
                self.emit("invoice.paid", self._invoice(sub, "paid", diff,
                                                        reason="subscription_update"))
            return sub
        self.emit("customer.subscription.updated", sub)
        return sub

    def _checkout_page(self, cs: dict) -> str:
        line = (cs.get("line_items") or [{}])[0]
        price = self._price_obj(line.get("price", ""))
        amount = int(price.get("unit_amount") or 0)
        value = f"R$ {amount // 100},{amount % 100:02d}"
        return (
            "<!doctype html><html lang='pt-BR'><head><meta charset='utf-8'>"
            "<title>Checkout (teste)</title></head>"
            "<body style='font-family:sans-serif;max-width:420px;margin:60px auto'>"
            "<h1>Pagamento de teste</h1>"
            f"<p id='amount'>Assinatura: {html.escape(value)} por mês</p>"
            f"<form method='post' action='/checkout/{cs['id']}/pay'>"
            "<button id='pay' type='submit' style='padding:10px 24px'>Pagar</button></form>"
            f"<p><a id='cancel' href='{html.escape(cs.get('cancel_url') or '/')}'>Voltar</a></p>"
            "</body></html>")

    @staticmethod
    def _json(req: BaseHTTPRequestHandler, status: int, data: Any,
              headers: dict[str, str] | None = None) -> None:
        LoopbackHttp._json(req, status, data, {"Request-Id": "req_fake", **(headers or {})})

    @staticmethod
    def _redirect(req: BaseHTTPRequestHandler, url: str) -> None:
        req.send_response(303)
        req.send_header("Location", url)
        req.send_header("Content-Length", "0")
        req.end_headers()


def main() -> None:  # pragma: no cover - manual tool
    parser = argparse.ArgumentParser(description="fake Stripe API")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--webhook-url", default="")
    parser.add_argument("--webhook-secret", default="whsec_test_ylada")
    args = parser.parse_args()
    fake = FakeStripe(webhook_secret=args.webhook_secret, port=args.port).start()
    fake.webhook_url = args.webhook_url or None
    print(f"fake Stripe on {fake.base_url}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
