"""A local stand-in for the parts of the Stripe API the festival uses, over real HTTP.

The official SDK talks to it through `STRIPE_API_BASE`, so tests exercise the very requests
production sends: form-encoded bodies, bearer key, Idempotency-Key, retries. It answers like
Stripe (objects, error shapes and status codes), records every request, and signs webhook
events exactly as Stripe does.

    double = StripeDouble().start()
    client = stripe.StripeClient(double.secret_key, base_addresses={"api": double.base_url})
    ...
    session = double.mark_paid(session_id)
    body, headers = double.signed_event("checkout.session.completed", session)
"""
from __future__ import annotations

import copy
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

API_VERSION = stripe.api_version
_KEY_PART = re.compile(r"\[([^\]]*)\]")
_INT_FIELDS = {"unit_amount", "quantity", "expires_at", "amount"}
STRIPE_LOCALES = {"auto", "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et",
                  "fi", "fil", "fr", "fr-CA", "hi-IN", "hr", "hu", "id", "it", "ja", "ko",
                  "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk",
                  "sl", "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW"}
MINIMUM_CHARGE = 50  # cents: Stripe's smallest charge in euros


def stripe_id(prefix: str, length: int = 24) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


def parse_form(body: str) -> dict[str, Any]:
    """Stripe's form encoding back into nested data.

    `line_items[0][price_data][unit_amount]=1500&metadata[order_code]=AB` becomes
    {"line_items": [{"price_data": {"unit_amount": "1500"}}], "metadata": {"order_code": "AB"}}.
    Values stay strings, as Stripe receives them.
    """
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True, strict_parsing=False):
        head = key.split("[", 1)[0]
        parts = [head] + _KEY_PART.findall(key[len(head):])
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"conflicting form keys at {key!r}")
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    """Dicts keyed "0", "1", … are lists in Stripe's encoding."""
    if not isinstance(node, dict):
        return node
    converted = {key: _lists(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def _typed(node: Any, name: str = "") -> Any:
    if isinstance(node, dict):
        return {key: _typed(value, key) for key, value in node.items()}
    if isinstance(node, list):
        return [_typed(value, name) for value in node]
    if name in _INT_FIELDS:
        return int(node)
    return node


class StripeFailure(Exception):
    """An error answer, shaped as Stripe shapes them."""

    def __init__(self, status: int, message: str, *, type_: str = "invalid_request_error",
                 code: str | None = None, param: str | None = None):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type_, "message": message,
                               **({"code": code} if code else {}),
                               **({"param": param} if param else {})}}


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    raw_body: str
    form: dict[str, Any]
    status: int = 0

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")


@dataclass
class _State:
    sessions: dict[str, dict] = field(default_factory=dict)
    payments: dict[str, dict] = field(default_factory=dict)  # payment intent id → facts
    refunds: dict[str, dict] = field(default_factory=dict)
    idempotent: dict[str, tuple[str, str, dict, int, dict]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)


class StripeDouble:
    """The fake Stripe API on 127.0.0.1 (a free port), in a background thread."""

    def __init__(self, secret_key: str | None = None, webhook_secret: str | None = None):
        self.secret_key = secret_key or stripe_id("sk_test_double_")
        self.webhook_secret = webhook_secret or stripe_id("whsec_", 32)
        self._lock = threading.RLock()
        self._state = _State()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> StripeDouble:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="stripe-double", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def reset(self) -> None:
        with self._lock:
            self._state = _State()

    @property
    def base_url(self) -> str:
        assert self._server, "start() the double first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- what tests look at ----------------------------------------------------------------

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._state.requests)

    def requests_to(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]

    @property
    def sessions(self) -> dict[str, dict]:
        with self._lock:
            return copy.deepcopy(self._state.sessions)

    @property
    def refunds(self) -> dict[str, dict]:
        with self._lock:
            return copy.deepcopy(self._state.refunds)

    def session(self, session_id: str) -> dict:
        with self._lock:
            return copy.deepcopy(self._state.sessions[session_id])

    def fail_next(self, status: int = 503, times: int = 1) -> None:
        """Answer the next `times` API requests with a server error (the SDK retries them)."""
        with self._lock:
            self._state.failures.extend([status] * times)

    # -- what Stripe does on its side ------------------------------------------------------

    def mark_paid(self, session_id: str) -> dict:
        """The buyer paid by card: the session completes, paid, with a PaymentIntent."""
        return self.complete(session_id, paid=True)

    def complete(self, session_id: str, *, paid: bool = True) -> dict:
        """The buyer finished Checkout; `paid=False` is a delayed method (SEPA debit)."""
        with self._lock:
            session = self._state.sessions[session_id]
            if session["status"] != "open":
                raise ValueError(f"session {session_id} is {session['status']}, not open")
            intent = stripe_id("pi_")
            session.update(status="complete", payment_intent=intent,
                           payment_status="paid" if paid else "unpaid")
            self._state.payments[intent] = {
                "id": intent, "charge": stripe_id("ch_"), "session": session_id,
                "amount": session["amount_total"], "currency": session["currency"],
                "metadata": dict(session["metadata"]), "succeeded": paid, "refunded": 0}
            return copy.deepcopy(session)

    def settle(self, session_id: str) -> dict:
        """A delayed payment of a completed session succeeds."""
        with self._lock:
            session = self._state.sessions[session_id]
            session["payment_status"] = "paid"
            self._state.payments[session["payment_intent"]]["succeeded"] = True
            return copy.deepcopy(session)

    def expire(self, session_id: str) -> dict:
        with self._lock:
            session = self._state.sessions[session_id]
            session["status"] = "expired"
            session["url"] = None
            return copy.deepcopy(session)

    def charge(self, payment_intent: str) -> dict:
        """The Charge object of a payment, as `charge.refunded` events carry it."""
        with self._lock:
            payment = self._state.payments[payment_intent]
            refunded = payment["refunded"]
            return {"id": payment["charge"], "object": "charge", "amount": payment["amount"],
                    "amount_captured": payment["amount"], "amount_refunded": refunded,
                    "currency": payment["currency"], "livemode": False,
                    "metadata": dict(payment["metadata"]), "paid": payment["succeeded"],
                    "payment_intent": payment_intent, "refunded": refunded >= payment["amount"],
                    "status": "succeeded" if payment["succeeded"] else "pending"}

    def fee(self, amount: int) -> int:
        """What Stripe keeps of a European card payment: 1.5 % + 0.25 €, rounded."""
        return round(amount * 0.015) + 25

    def _payment_intent(self, intent: str, form: dict) -> dict:
        """A PaymentIntent, its latest charge expanded with its balance transaction (the
        fee) when the request asks for it, as `expand[]=latest_charge.balance_transaction`."""
        payment = self._state.payments.get(intent)
        if payment is None:
            raise StripeFailure(404, f"No such payment_intent: '{intent}'",
                                code="resource_missing")
        asked = form.get("expand") or []
        expand = set(asked.values() if isinstance(asked, dict) else asked)
        charge: Any = payment["charge"]
        if expand & {"latest_charge", "latest_charge.balance_transaction"}:
            charge = self.charge(intent)
            balance = None
            if payment["succeeded"]:
                fee = self.fee(payment["amount"])
                balance = {"id": "txn_" + payment["charge"][3:], "object": "balance_transaction",
                           "amount": payment["amount"], "currency": payment["currency"],
                           "fee": fee, "net": payment["amount"] - fee, "status": "pending",
                           "fee_details": [{"amount": fee, "currency": payment["currency"],
                                            "type": "stripe_fee",
                                            "description": "Stripe processing fees"}]}
            charge["balance_transaction"] = (
                balance if "latest_charge.balance_transaction" in expand
                else balance and balance["id"])
        return {"id": intent, "object": "payment_intent", "amount": payment["amount"],
                "currency": payment["currency"], "latest_charge": charge,
                "metadata": dict(payment["metadata"]), "livemode": False,
                "status": "succeeded" if payment["succeeded"] else "processing"}

    # -- webhooks --------------------------------------------------------------------------

    def event(self, type_: str, obj: dict, *, event_id: str | None = None,
              created: int | None = None) -> dict:
        """An event as Stripe sends it to a webhook endpoint."""
        return {"id": event_id or stripe_id("evt_"), "object": "event",
                "api_version": API_VERSION, "created": created or int(time.time()),
                "data": {"object": copy.deepcopy(obj)}, "livemode": False,
                "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
                "type": type_}

    def sign(self, payload: bytes | str, *, secret: str | None = None, age: int = 0,
             timestamp: int | None = None) -> dict[str, str]:
        """Headers of a webhook delivery of `payload`, signed as Stripe signs it.

        `age` seconds in the past makes a stale signature (Stripe's SDK refuses > 300 s)."""
        text = payload.decode("utf-8") if isinstance(payload, bytes) else payload
        when = timestamp if timestamp is not None else int(time.time()) - age
        header = stripe.WebhookSignature.generate_signature_header(
            text, secret or self.webhook_secret, timestamp=when)
        return {"Stripe-Signature": header, "Content-Type": "application/json; charset=utf-8"}

    def signed_event(self, type_: str, obj: dict, **options) -> tuple[bytes, dict[str, str]]:
        """(raw body, headers) of a signed event; options go to `event()` and `sign()`."""
        event_options = {k: options.pop(k) for k in ("event_id", "created") if k in options}
        body = json.dumps(self.event(type_, obj, **event_options), indent=2).encode("utf-8")
        return body, self.sign(body, **options)

    # -- the API ---------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str],
               raw_body: str) -> tuple[int, dict]:
        url = urlsplit(target)
        path = url.path
        form = {}
        record = Recorded(method, path, headers, raw_body, form)
        with self._lock:
            self._state.requests.append(record)
        try:
            form.update(parse_form(raw_body if method == "POST" else url.query))
        except ValueError as error:
            record.status = 400
            return 400, StripeFailure(400, str(error)).body
        status, body = self._answer(method, path, headers, form)
        record.status = status
        return status, body

    def _answer(self, method: str, path: str, headers: dict[str, str],
                form: dict) -> tuple[int, dict]:
        with self._lock:
            if self._state.failures:
                status = self._state.failures.pop(0)
                return status, StripeFailure(status, "An unexpected error occurred.",
                                             type_="api_error").body
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return 401, StripeFailure(401, "You did not provide an API key.").body
        if auth[len("Bearer "):] != self.secret_key:
            return 401, StripeFailure(401, "Invalid API Key provided: "
                                      + auth[len("Bearer "):][:12] + "****").body
        key = headers.get("idempotency-key")
        if method == "POST" and key:
            with self._lock:
                kept = self._state.idempotent.get(key)
                if kept:
                    if (kept[0], kept[1], kept[2]) != (method, path, form):
                        return 400, StripeFailure(
                            400, "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with.",
                            type_="idempotency_error").body
                    return kept[3], copy.deepcopy(kept[4])
                status, body = self._route(method, path, form)
                if status == 200:  # as Stripe: a refused request is not kept
                    self._state.idempotent[key] = (method, path, copy.deepcopy(form), status,
                                                   copy.deepcopy(body))
                return status, body
        with self._lock:
            return self._route(method, path, form)

    def _route(self, method: str, path: str, form: dict) -> tuple[int, dict]:
        parts = [p for p in path.split("/") if p]
        try:
            if method == "POST" and parts == ["v1", "checkout", "sessions"]:
                return 200, self._create_session(_typed(form))
            if method == "GET" and parts[:3] == ["v1", "checkout", "sessions"] and len(parts) == 4:
                return 200, copy.deepcopy(self._find_session(parts[3]))
            if (method == "POST" and parts[:3] == ["v1", "checkout", "sessions"]
                    and len(parts) == 5 and parts[4] == "expire"):
                return 200, self._expire_session(parts[3])
            if method == "POST" and parts == ["v1", "refunds"]:
                return 200, self._create_refund(_typed(form))
            if method == "GET" and parts[:2] == ["v1", "payment_intents"] and len(parts) == 3:
                return 200, self._payment_intent(parts[2], form)
            raise StripeFailure(404, f"Unrecognized request URL ({method}: {path}).")
        except StripeFailure as failure:
            return failure.status, failure.body
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            return 400, StripeFailure(400, f"Invalid request: {error}").body

    def _create_session(self, form: dict) -> dict:
        for name in ("success_url", "line_items"):
            if not form.get(name):
                raise StripeFailure(400, f"Missing required param: {name}.", param=name,
                                    code="parameter_missing")
        if form.get("mode") != "payment":
            raise StripeFailure(400, "This double only knows mode=payment.", param="mode")
        now = int(time.time())
        expires_at = form.get("expires_at", now + 24 * 3600)
        if not now + 30 * 60 <= expires_at <= now + 24 * 3600:
            raise StripeFailure(400, "The `expires_at` timestamp must be between 30 minutes "
                                "and 24 hours from Checkout Session creation.",
                                param="expires_at", code="parameter_invalid_integer")
        if form.get("locale", "auto") not in STRIPE_LOCALES:
            raise StripeFailure(400, f"Invalid locale: {form['locale']}", param="locale")
        total = 0
        for index, item in enumerate(form["line_items"]):
            price = item["price_data"]
            if price.get("currency") != "eur":
                raise StripeFailure(400, "This double only knows euros.",
                                    param=f"line_items[{index}][price_data][currency]")
            if not price.get("product_data", {}).get("name"):
                raise StripeFailure(400, "Missing required param: product_data[name].",
                                    param=f"line_items[{index}][price_data][product_data][name]")
            total += price["unit_amount"] * item["quantity"]
        if total < MINIMUM_CHARGE:
            raise StripeFailure(400, "The Checkout Session's total amount due must add up to "
                                "at least €0.50 eur", code="amount_too_small")
        session_id = stripe_id("cs_test_", 58)
        session = {
            "id": session_id, "object": "checkout.session", "mode": "payment",
            "amount_subtotal": total, "amount_total": total, "currency": "eur",
            "cancel_url": form.get("cancel_url"), "success_url": form["success_url"],
            "client_reference_id": form.get("client_reference_id"),
            "customer_email": form.get("customer_email"), "customer_details": None,
            "created": now, "expires_at": expires_at, "livemode": False,
            "locale": form.get("locale"), "metadata": form.get("metadata", {}),
            "payment_intent": None, "payment_status": "unpaid", "status": "open",
            "url": f"{self.base_url}/pay/{session_id}",
        }
        self._state.sessions[session_id] = session
        return copy.deepcopy(session)

    def _find_session(self, session_id: str) -> dict:
        if session_id not in self._state.sessions:
            raise StripeFailure(404, f"No such checkout.session: '{session_id}'",
                                code="resource_missing", param="session")
        return self._state.sessions[session_id]

    def _expire_session(self, session_id: str) -> dict:
        session = self._find_session(session_id)
        if session["status"] != "open":
            raise StripeFailure(400, f"Only Checkout Sessions with a status in [\"open\"] can be "
                                f"expired. This Checkout Session has a status of "
                                f"\"{session['status']}\".")
        session.update(status="expired", url=None)
        return copy.deepcopy(session)

    def _create_refund(self, form: dict) -> dict:
        intent = form.get("payment_intent")
        payment = self._state.payments.get(intent or "")
        if payment is None:
            raise StripeFailure(404, f"No such payment_intent: '{intent}'",
                                code="resource_missing", param="payment_intent")
        if not payment["succeeded"]:
            raise StripeFailure(400, "This PaymentIntent has not succeeded: nothing to refund.")
        left = payment["amount"] - payment["refunded"]
        amount = form.get("amount", left)
        if left <= 0:
            raise StripeFailure(400, f"Charge {payment['charge']} has already been refunded.",
                                code="charge_already_refunded")
        if not 0 < amount <= left:
            raise StripeFailure(400, f"Refund amount ({amount / 100:.2f} €) is greater than "
                                f"unrefunded amount on charge ({left / 100:.2f} €)",
                                param="amount")
        payment["refunded"] += amount
        refund = {"id": stripe_id("re_"), "object": "refund", "amount": amount,
                  "charge": payment["charge"], "created": int(time.time()),
                  "currency": payment["currency"], "metadata": form.get("metadata", {}),
                  "payment_intent": intent, "reason": form.get("reason"),
                  "status": "succeeded"}
        self._state.refunds[refund["id"]] = refund
        return copy.deepcopy(refund)

    # -- the Checkout page -----------------------------------------------------------------

    def pay_page(self, session_id: str) -> tuple[int, dict[str, str]]:
        """GET <session url>: pays at once and sends the browser to success_url, as a buyer
        who completes Checkout would be sent. Webhooks are the test's to deliver."""
        with self._lock:
            session = self._state.sessions.get(session_id)
            if session is None or session["status"] != "open":
                return 404, {}
            self.complete(session_id, paid=True)
            target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
        return 303, {"Location": target}


def _handler_for(double: StripeDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8") if length else ""
            if method == "GET" and self.path.startswith("/pay/"):
                status, headers = double.pay_page(self.path[len("/pay/"):].split("?")[0])
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, body = double.handle(method, self.path, headers, raw)
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", stripe_id("req_", 14))
            self.send_header("Stripe-Version", API_VERSION)
            if status >= 500:
                self.send_header("Stripe-Should-Retry", "true")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # http.server's naming
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the recorded requests say more, and tests stay quiet

    return Handler
