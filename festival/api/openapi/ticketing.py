"""Orders, ticket types and vouchers (festival/ticketing/api.py and schemas.py)."""
from __future__ import annotations

from festival.api.openapi.common import (
                                         BEARER,
                                         BOOLEAN,
                                         CENTS,
                                         DATE,
                                         DATETIME,
                                         ID,
                                         INTEGER,
                                         PUBLIC,
                                         STRING,
                                         URL,
                                         YEAR,
                                         array,
                                         enum,
                                         error,
                                         errors,
                                         extends,
                                         json_body,
                                         nullable,
                                         obj,
                                         ok,
                                         operation,
                                         path_id,
                                         path_text,
                                         ref,
                                         text,
                                         text_in_languages,
                                         texts,
                                         whole,
)
from festival.config import LANGUAGES
from festival.ticketing.models import OrderStatus, PaymentMethod, TicketStatus
from festival.ticketing.orders import MAX_DONATION_CENTS, MAX_TICKETS_PER_ORDER

TAG = "Tickets"
PRICE = whole(0, 100_000)
LANGUAGE = {"type": "string", "enum": list(LANGUAGES)}

TICKET_TYPE = {
    "id": INTEGER,
    "name": {**STRING, "description": "In the request's language (`Accept-Language`), else "
                                      "French; every language in `texts`."},
    "description": STRING,
    "texts": {**ref("TicketTypeTexts"),
              "description": "The name and description in every language written."},
    "price_cents": CENTS,
    "is_pay_what_you_want": BOOLEAN, "suggested_price_cents": nullable(INTEGER),
    "sales_open_at": nullable(DATETIME), "sales_close_at": nullable(DATETIME),
    "valid_days": array(DATE, description="Empty: every day of the edition."),
    "max_per_order": INTEGER, "requires_attendee_name": BOOLEAN,
    "available": nullable({"type": "integer", "minimum": 0,
                           "description": "Seats left in its quota."}),
}

SCHEMAS = {
    "TicketType": obj(TICKET_TYPE),
    "TicketTypeTexts": obj({"name": ref("Texts"), "description": ref("Texts")}),
    "ManagedTicketType": extends("TicketType", {
        "is_hidden": BOOLEAN, "is_active": BOOLEAN, "position": INTEGER,
        "quota": nullable(INTEGER), "reserved_or_sold": nullable(INTEGER)},
        description="A ticket type as organisers see it."),
    "Voucher": obj({"id": INTEGER, "code": STRING, "ticket_type_id": INTEGER,
                    "max_uses": INTEGER, "used": INTEGER,
                    "price_override_cents": nullable(INTEGER),
                    "valid_from": nullable(DATETIME), "valid_until": nullable(DATETIME),
                    "note": STRING}),
    "Ticket": obj({"id": INTEGER, "ticket_type_id": INTEGER, "ticket_type": STRING,
                   "attendee_name": STRING, "price_cents": INTEGER,
                   "status": enum(TicketStatus),
                   "token": nullable({"type": "string", "description": "The exact text of the "
                                      "ticket's QR code (once the order is paid)."})}),
    "Order": obj({
        "code": STRING, "status": enum(OrderStatus), "edition": INTEGER, "name": STRING,
        "email": STRING, "language": STRING, "tickets_cents": INTEGER,
        "donation_cents": INTEGER, "total_cents": INTEGER, "refunded_cents": INTEGER,
        "payment_method": nullable(enum(PaymentMethod)), "created_at": DATETIME,
        "expires_at": nullable(DATETIME), "paid_at": nullable(DATETIME), "order_url": URL,
        "tickets": array(ref("Ticket")),
    }),
    "SigningKey": obj({
        "kty": {"type": "string", "const": "OKP"}, "crv": {"type": "string", "const": "Ed25519"},
        "x": {"type": "string", "pattern": "^[A-Za-z0-9_-]{43}$",
              "description": "The 32-byte public key, base64url without padding."},
        "kid": {"type": "string", "description": "The key's RFC 7638 thumbprint."},
        "alg": {"type": "string", "const": "EdDSA"}, "use": {"type": "string", "const": "sig"},
        "edition": INTEGER,
        "public_key": {"type": "string", "pattern": "^[A-Za-z0-9_-]{43}$",
                       "description": "The raw key again (as `x`), base64url."},
    }, description="An edition's ticket-signing public key, a JWK (RFC 8037). A ticket's "
                   "token is base64url(payload ‖ signature): the 11-byte payload (version 1, "
                   "year as 2 bytes, ticket id as 8 bytes, big-endian) is what the 64-byte "
                   "Ed25519 signature signs."),
    "CheckedInTicket": obj({
        "ticket_id": INTEGER, "attendee": STRING, "list": STRING, "gate": STRING,
        "scanned_at": DATETIME}, description="A ticket to be refunded that a door has let in "
                                             "already: revoking it takes no one out."),
    "ReceiptAddress": obj({
        "street": text(200, required=True), "postal_code": text(20, required=True),
        "city": text(100, required=True),
        "country": {**text(100), "description": "France when left out."}},
        ["street", "postal_code", "city"],
        description="The donor's postal address printed on the tax receipt."),
    "Receipt": obj({
        "status": {"type": "string", "enum": ["requested", "issued", "cancelled"],
                   "description": "`requested`: issued with the payment; `cancelled`: the "
                                  "donation went back (the number stays used)."},
        "number": nullable({"type": "string", "description": "2027-000001: unbroken per "
                                                             "civil year."}),
        "pdf_url": nullable(URL)},
        description="An order's tax receipt (reçu fiscal, Cerfa 11580) for its donation."),
    "RefundPlan": obj({
        "amount_cents": INTEGER, "is_full": BOOLEAN, "tickets": array(ref("Ticket")),
        "checked_in": array(ref("CheckedInTicket"))},
        description="What the refund would do: the tickets it revokes, the amount paid back."),
    "RefundConflict": obj({
        "error": {"type": "string", "description": "`confirmation_required`, "
                  "`not_refundable` or `refund_unavailable`."},
        "message": STRING,
        "plan": {**ref("RefundPlan"), "description": "With `confirmation_required` only."}},
        ["error", "message"]),
    "Question": obj({
        "id": ID, "scope": {"type": "string", "enum": ["order", "ticket"]},
        "kind": {"type": "string", "enum": ["text", "choice", "yes_no"]},
        "required": BOOLEAN,
        "personal": {**BOOLEAN, "description": "About health or access: kept for a short "
                                               "time only."},
        "texts": ref("Texts"), "help": ref("Texts"),
        "options": array(ref("QuestionOption")),
        "ticket_type_ids": array(ID, description="Empty: asked for every type."),
    }, ["id", "scope", "kind", "required", "personal", "texts", "help", "options",
        "ticket_type_ids"]),
    "QuestionOption": obj({"key": STRING, "label": ref("Texts")}, ["key", "label"]),
    "Texts": texts(description="A text per language, in the languages it is written in "
                               "(French always, but for an empty text)."),
    "CreatedOrder": obj({
        "code": STRING, "status": enum(OrderStatus), "total_cents": INTEGER,
        "checkout_url": nullable({**URL, "description": "Where the buyer pays; null when "
                                  "there is nothing to pay."}),
        "expires_at": nullable(DATETIME), "order_url": URL,
    }),
}

ANSWERS = {"type": "object", "maxProperties": 50,
           "propertyNames": {"type": "string", "pattern": "^[0-9]{1,9}$"},
           "additionalProperties": text(1000),
           "description": "Answers to the edition's questions (listQuestions) by question id: "
                          "the text, an option's `key`, or `yes`/`no`. Required questions "
                          "must be answered; see the errors `answers.<id>`."}
ORDER_ITEM = obj({
    "ticket_type_id": ID, "quantity": whole(1, MAX_TICKETS_PER_ORDER),
    "attendees": array(text(200), description="One name per ticket where the type needs it."),
    "price_cents": {**PRICE, "description": "Pay-what-you-want types only."},
    "answers": array(ANSWERS, maxItems=MAX_TICKETS_PER_ORDER,
                     description="Per ticket, in order: the answers to the questions asked "
                                 "per ticket (errors `items.<i>.answers.<n>.<id>`, n from 1)."),
}, ["ticket_type_id", "quantity"])
ORDER_BODY = obj({
    "email": {"type": "string", "format": "email"}, "name": text(200, required=True),
    "items": array(ORDER_ITEM, minItems=1, maxItems=20),
    "voucher": nullable(STRING), "donation_cents": whole(0, MAX_DONATION_CENTS),
    "language": LANGUAGE, "marketing_consent": BOOLEAN,
    "answers": {**ANSWERS, "description": "The answers to the questions asked once per order, "
                                          "by question id."},
    "receipt": nullable({**ref("ReceiptAddress"), "description": "A tax receipt for the "
                         "donation, made out to `name` at this address (only when the "
                         "association issues receipts and `donation_cents` > 0; errors "
                         "`receipt`, `receipt.<field>`). Issued and e-mailed with the "
                         "payment."}),
    "accept_terms": {"type": "boolean", "enum": [True],
                     "description": "The buyer has read and accepts the terms of sale "
                                    "(`/terms-of-sale`): required, and only `true` orders. The "
                                    "order keeps the terms' version and the moment."},
}, ["email", "name", "items", "accept_terms"])

TYPE_FIELDS = {
    "name": text_in_languages(120, required=True), "description": text_in_languages(5000),
    "price_cents": PRICE,
    "is_pay_what_you_want": BOOLEAN, "suggested_price_cents": nullable(PRICE),
    "sales_open_at": nullable(DATETIME), "sales_close_at": nullable(DATETIME),
    "valid_days": array(DATE, description="Days of the edition."),
    "max_per_order": whole(1, 20), "requires_attendee_name": BOOLEAN, "is_hidden": BOOLEAN,
    "is_active": BOOLEAN, "position": whole(0, 1000), "quota": whole(0, 100_000),
}
VOUCHER_BODY = obj({
    "code": {"type": "string", "pattern": "^[A-Za-z0-9-]{4,40}$"}, "ticket_type_id": ID,
    "max_uses": whole(1, 10_000), "price_override_cents": nullable(PRICE),
    "valid_from": nullable(DATETIME), "valid_until": nullable(DATETIME), "note": text(200),
}, ["code", "ticket_type_id"])

CODE = path_text("code", "The order's code (case, spaces and dashes are ignored).")
TYPE_ID = path_id("type_id", "A ticket type of this edition.")
SECRET = {"name": "X-Order-Secret", "in": "header", "required": False,
          "description": "The order's secret (from its link); not needed with an organiser "
                         "token.", "schema": STRING}
NOT_FOUND_ORDER = error("`order_not_found`: no order with this code and secret (the same "
                        "answer whether the code exists or not).")
STAFF_WRITE = errors(400, 403, 404, 422)

PATHS = {
    "/api/v1/editions/{year}/orders": {"post": operation(
        "createOrder", "Order tickets", tag=TAG, security=PUBLIC, parameters=[YEAR],
        description="Reserves the tickets for 30 minutes while the buyer pays at "
                    "`checkout_url`; a free order is paid at once.",
        body=json_body(ORDER_BODY),
        responses={"201": ok(ref("CreatedOrder"), "Created"), **errors(400, 422, 429),
                   "404": error("`edition_not_found`: no edition this year, or a draft (a "
                                "draft is not public, even to an organiser's token here)."),
                   "409": error("`sold_out` (a quota cannot hold the order) or "
                                "`sales_closed` (the edition is published but not or no "
                                "longer on sale).")})},
    "/api/v1/orders/{code}": {"get": operation(
        "getOrder", "An order with its tickets", tag=TAG, security=PUBLIC,
        description="With `X-Order-Secret`, or an organiser token.",
        parameters=[CODE, SECRET],
        responses={"200": ok(ref("Order")), "404": NOT_FOUND_ORDER, **errors(429)})},
    "/api/v1/orders/{code}/receipt": {
        "get": operation(
            "getOrderReceipt", "The tax receipt of an order's donation", tag=TAG,
            security=PUBLIC, parameters=[CODE, SECRET],
            description="With `X-Order-Secret`, or an organiser token.",
            responses={"200": ok(ref("Receipt")), **errors(429),
                       "404": error("`order_not_found`, or `no_receipt` (none was asked "
                                    "for).")}),
        "post": operation(
            "askOrderReceipt", "Ask for the tax receipt of an order's donation", tag=TAG,
            security=PUBLIC, parameters=[CODE, SECRET],
            description="A pending order gets it with its payment; a paid one at once (until "
                        "the end of the gift's civil year), e-mailed to the buyer.",
            body=json_body(ref("ReceiptAddress")),
            responses={"201": ok(ref("Receipt"), "Created"), **errors(400, 422, 429),
                       "404": NOT_FOUND_ORDER,
                       "409": error("`receipts_unavailable` (the association issues none), "
                                    "`no_donation`, `receipt_exists` or `receipt_too_late` "
                                    "(the gift's year is over, the donation went back, or "
                                    "the order was not paid).")})},
    "/api/v1/orders/{code}/refund": {"post": operation(
        "refundOrder", "Refund an order, or some of its tickets", tag=TAG, security=BEARER,
        parameters=[CODE],
        description="Nothing is refunded blind: without `\"confirm\": true` the answer is a "
                    "409 `confirmation_required` with the plan (the amount, the tickets, "
                    "those already let in at a door) and nothing changes; ask again with "
                    "`\"confirm\": true` to refund.",
        body=json_body(obj({"ticket_ids": array(ID, minItems=1),
                            "reason": {"type": "string", "minLength": 1, "maxLength": 500,
                                       "description": "Why: kept in the order's history."},
                            "confirm": {**BOOLEAN, "description": "true: the plan was seen, "
                                        "refund."}},
                           ["reason"])),
        responses={"200": ok(obj({"code": STRING, "status": enum(OrderStatus),
                                  "refunded_cents": INTEGER,
                                  "checked_in": array(ref("CheckedInTicket"))})),
                   **errors(400, 403, 422), "404": NOT_FOUND_ORDER,
                   "409": error("`confirmation_required` (no `\"confirm\": true`: the plan "
                                "is in `plan`, nothing changed), `not_refundable` (not paid) "
                                "or `refund_unavailable` (Stripe is not configured).",
                                "RefundConflict"),
                   "502": error("`refund_failed`: Stripe refused the refund.")})},
    "/api/v1/orders/{code}/cancel": {"post": operation(
        "cancelOrder", "Cancel an order (frees its seats, revokes its tickets)", tag=TAG,
        security=BEARER, parameters=[CODE],
        body=json_body(obj({"reason": STRING}, []), required=False),
        responses={"200": ok(obj({"code": STRING, "status": enum(OrderStatus)})),
                   **errors(400, 403), "404": NOT_FOUND_ORDER,
                   "409": error("`invalid_transition` or `refund_instead` (paid online: "
                                "refund it).")})},
    "/api/v1/editions/{year}/signing-key": {"get": operation(
        "getSigningKey", "The key that verifies the edition's tickets", tag=TAG,
        security=PUBLIC, parameters=[YEAR],
        description="Anyone may verify a ticket's QR code offline with it.",
        responses={"200": ok(ref("SigningKey")), **errors(404)})},
    "/api/v1/editions/{year}/questions": {"get": operation(
        "listQuestions", "The questions asked at checkout", tag=TAG, security=PUBLIC,
        parameters=[YEAR],
        description="Asked once per order (`scope` order) or once per ticket, of every type "
                    "or only of `ticket_type_ids`; texts per language.",
        responses={"200": ok(obj({"questions": array(ref("Question"))})), **errors(404)})},
    "/api/v1/editions/{year}/ticket-types": {
        "get": operation(
            "listTicketTypes", "Ticket types on sale", tag=TAG, security=PUBLIC,
            parameters=[YEAR],
            description="Public: active, visible types. An organiser token sees every type "
                        "with its quota (ManagedTicketType).",
            responses={"200": ok(obj({"ticket_types": array(ref("TicketType"))})),
                       **errors(404)}),
        "post": operation(
            "createTicketType", "Create a ticket type with its quota", tag=TAG,
            security=BEARER, parameters=[YEAR],
            body=json_body(obj(TYPE_FIELDS, ["name", "price_cents", "quota"])),
            responses={"201": ok(ref("ManagedTicketType"), "Created"), **STAFF_WRITE}),
    },
    "/api/v1/editions/{year}/ticket-types/{type_id}": {
        "get": operation("getTicketType", "One ticket type", tag=TAG, security=BEARER,
                         parameters=[YEAR, TYPE_ID],
                         responses={"200": ok(ref("ManagedTicketType")), **errors(403, 404)}),
        "patch": operation(
            "updateTicketType", "Change a ticket type (a quota never shrinks below what is "
            "held)", tag=TAG, security=BEARER, parameters=[YEAR, TYPE_ID],
            body=json_body(obj(TYPE_FIELDS, [])),
            responses={"200": ok(ref("ManagedTicketType")), **STAFF_WRITE}),
        "delete": operation(
            "deleteTicketType", "Delete a ticket type never sold", tag=TAG, security=BEARER,
            parameters=[YEAR, TYPE_ID],
            responses={"204": {"description": "Deleted"}, **errors(403, 404),
                       "422": error("Tickets of this type exist: deactivate it instead.",
                                    "ValidationError")}),
    },
    "/api/v1/editions/{year}/vouchers": {
        "get": operation("listVouchers", "Vouchers of an edition", tag=TAG, security=BEARER,
                         parameters=[YEAR],
                         responses={"200": ok(obj({"vouchers": array(ref("Voucher"))})),
                                    **errors(403, 404)}),
        "post": operation("createVoucher", "Create a voucher", tag=TAG, security=BEARER,
                          parameters=[YEAR], body=json_body(VOUCHER_BODY),
                          responses={"201": ok(ref("Voucher"), "Created"), **STAFF_WRITE}),
    },
}
