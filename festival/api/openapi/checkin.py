"""Check-in at the doors (festival/checkin/api.py, schemas.py and bundle.py)."""
from __future__ import annotations

from festival.api.openapi.common import (
                                         BEARER,
                                         BOOLEAN,
                                         DATE,
                                         DATETIME,
                                         ID,
                                         INTEGER,
                                         MAX_ID,
                                         STRING,
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
                                         query,
                                         ref,
                                         texts_of,
)
from festival.checkin.models import Direction, ScanResult
from festival.checkin.schemas import MAX_BATCH

TAG = "Check-in"
LIST_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID,
           "description": "The check-in list (see listCheckinLists). Required unless the "
                          "token is bound to a list (a paired device's, or one made by "
                          "`token create --role volunteer --list ID`), which scans at its own "
                          "list and ignores this one; without it another token is answered "
                          "422 `validation_failed` on `list_id`."}
SCAN_ID = {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$",
           "description": "The device's own id for this scan: a retry with the same id is "
                          "answered again, never counted twice."}

SCHEMAS = {
    "CheckinTicket": obj({"id": INTEGER, "attendee": STRING, "ticket_type": STRING,
                          "ticket_type_id": INTEGER, "order_code": STRING,
                          "valid_days": array(DATE)},
                         description="In a scan's answer, `attendee` and `order_code` are "
                                     "empty when the result is `revoked` or "
                                     "`not_on_this_list`: the door is not told who holds a "
                                     "ticket it may not admit."),
    "FirstScan": obj({"id": INTEGER, "scanned_at": DATETIME, "gate": STRING,
                      "device": STRING, "offline": BOOLEAN},
                     description="Where and when the ticket was first admitted (with "
                                 "`already_checked_in`)."),
    "CheckinResult": obj({
        "result": enum(ScanResult), "reason": STRING, "scan_id": nullable(INTEGER),
        "client_scan_id": nullable(STRING), "direction": enum(Direction),
        "scanned_at": DATETIME,
        "ticket": {**nullable(ref("CheckinTicket")),
                   "description": "The ticket scanned; null when the result is `invalid` "
                                  "(an unknown or forged ticket, or another edition's)."},
        "first_scan": ref("FirstScan"),
        "replayed": {"type": "boolean", "const": True,
                     "description": "The stored answer to a scan already received."},
    }, ["result", "reason", "scan_id", "client_scan_id", "direction", "scanned_at",
        "ticket"], description="A scan's answer; a refusal is a result, not an error."),
    "UndoneCheckIn": extends("CheckinResult", {"undoes_scan_id": nullable(INTEGER)},
                             description="The undoing scan, and the scan it undoes."),
    "CheckinList": obj({
        "id": INTEGER, "name": STRING, "texts": texts_of("name"),
        "days": array(DATE, description="Days it admits; empty: every day of the edition."),
        "gates": array(STRING, description="Gates of its devices (not revoked)."),
        "ticket_type_ids": array(INTEGER, description="Types it admits; empty: all."),
        "allow_reentry": BOOLEAN, "is_active": BOOLEAN,
    }, description="A door's rules; scans name it with `list_id`."),
    "CheckinItemError": obj({"client_scan_id": nullable(STRING), "error": STRING,
                             "message": STRING,
                             "fields": {"type": "object", "additionalProperties":
                                        array(STRING)}},
                            description="An item of a sync batch that was not understood."),
    "Bundle": obj({
        "version": INTEGER,
        "edition": obj({"id": INTEGER, "year": INTEGER,
                        "public_key": nullable({"type": "string", "description":
                                                "Ed25519 public key, base64url."}),
                        "days": array(DATE)}),
        "list": obj({"id": INTEGER, "name": STRING, "days": array(DATE),
                     "ticket_type_ids": array(INTEGER), "allow_reentry": BOOLEAN,
                     "admit_unpaid": BOOLEAN, "is_active": BOOLEAN}),
        "device": obj({"id": nullable(INTEGER), "name": nullable(STRING), "gate": STRING}),
        "ticket_types": array(obj({"id": INTEGER, "name": STRING, "valid_days": array(DATE)})),
        "tickets": array(array({"type": ["integer", "string"]}, minItems=5, maxItems=5,
                               description="[id, name to show, ticket type id, payment (0 "
                                           "paid, 1 bank transfer pending, 2 payment "
                                           "pending), order code]")),
        "revoked": array(INTEGER), "used": array(INTEGER),
    }, description="What a door needs to check tickets in offline."),
}

SCAN_FIELDS = {
    "token": {"type": "string", "description": "The text of the QR code."},
    "ticket_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID,
                  "description": "Instead of a token: a ticket found by search."},
    "direction": enum(Direction), "scan_id": SCAN_ID, "scanned_at": DATETIME,
}
ONE_OF_TOKEN = [{"required": ["token"], "not": {"required": ["ticket_id"]}},
                {"required": ["ticket_id"], "not": {"required": ["token"]}}]
SCAN_BODY = obj({**SCAN_FIELDS, "list_id": LIST_ID}, [], oneOf=ONE_OF_TOKEN)
OFFLINE_SCAN = obj({**SCAN_FIELDS, "result": {**enum(ScanResult),
                                              "description": "What the device showed."}},
                   ["scan_id", "scanned_at"], oneOf=ONE_OF_TOKEN,
                   description="A scan made offline, as the device recorded it.")
# Inline, not a component: generated clients drop a component whose properties stand beside
# a oneOf (tests/api/test_generated_client.py).
SYNC_ITEM = {"anyOf": [OFFLINE_SCAN, {
    "description": "Anything else is answered with its error (CheckinItemError)."}]}
DOOR_ERRORS = {**errors(400, 403),
               "404": error("`list_not_found`: no such check-in list."),
               "422": error("Fields that do not fit (`validation_failed`, with `fields`; "
                            "among them `list_id`, missing for a token not bound to a list), "
                            "or `no_exits` (an exit on a list without re-entry).")}
CLOSED = {"409": error("`list_closed`: this check-in list is closed; `edition_archived`: its "
                       "edition is archived.")}
LIST_QUERY = query("list_id", LIST_ID, LIST_ID["description"])

PATHS = {
    "/api/v1/checkin": {"post": operation(
        "checkIn", "Scan a ticket at the door", tag=TAG, security=BEARER,
        body=json_body(SCAN_BODY),
        responses={"200": ok(ref("CheckinResult")), **DOOR_ERRORS, **CLOSED})},
    "/api/v1/checkin/sync": {"post": operation(
        "syncScans", "Send the scans a device made offline", tag=TAG, security=BEARER,
        description="One answer per scan, in order; an item that is not understood is "
                    "answered with its error and does not stop the batch.",
        # An item is checked alone, by the service: one that is not an offline scan is
        # answered with its error (CheckinItemError) and does not stop the batch.
        body=json_body(obj({"scans": array(SYNC_ITEM, minItems=1, maxItems=MAX_BATCH),
                            "list_id": LIST_ID}, ["scans"])),
        responses={"200": ok(obj({"results": array(
            {"anyOf": [ref("CheckinResult"), ref("CheckinItemError")]})})),
            **DOOR_ERRORS, **CLOSED})},
    "/api/v1/checkin/undo": {"post": operation(
        "undoCheckIn", "Undo this door's last check-in (a mistaken scan)", tag=TAG,
        security=BEARER,
        body=json_body(obj({"scan_id": {**ID, "description": "The scan to undo (default: "
                                                             "the last one)."},
                            "list_id": LIST_ID}, []), required=False),
        responses={"200": ok(ref("UndoneCheckIn")),
                   **errors(400, 403, 422),
                   "404": error("`nothing_to_undo` or `list_not_found`."),
                   "409": error("`not_last_check_in`, `undo_too_late` or "
                                "`already_undone`.")})},
    "/api/v1/editions/{year}/checkin-lists": {"get": operation(
        "listCheckinLists", "The check-in lists of an edition", tag=TAG, security=BEARER,
        parameters=[YEAR],
        description="For a volunteer or organiser token that is not bound to a list: the "
                    "`list_id` to give its scans.",
        responses={"200": ok(obj({"checkin_lists": array(ref("CheckinList"))})),
                   **errors(403, 404)})},
    "/api/v1/checkin/bundle": {"get": operation(
        "getBundle", "The offline bundle of this door", tag=TAG, security=BEARER,
        parameters=[LIST_QUERY,
                    {"name": "If-None-Match", "in": "header", "required": False,
                     "schema": STRING, "description": "The ETag of the bundle held."}],
        responses={"200": ok(ref("Bundle"), headers={"ETag": {"schema": STRING}}),
                   "304": {"description": "Not modified since the ETag given."},
                   **errors(403), **CLOSED, **{k: v for k, v in DOOR_ERRORS.items()
                                     if k in ("404", "422")}})},
    "/api/v1/checkin/search": {"get": operation(
        "searchTickets", "Find tickets by name, e-mail or order code", tag=TAG,
        security=BEARER,
        description="Only tickets this list may admit (not cancelled nor refunded, of a "
                    "ticket type on the list), and only on an open list of an edition "
                    "that is not archived.",
        parameters=[query("q", STRING, "A piece of a name (at least 2 characters: fewer "
                                       "find nothing), a whole order code or a whole e-mail "
                                       "address; only the first 100 characters are "
                                       "searched for."), LIST_QUERY],
        responses={"200": ok(obj({"results": array(obj({
            "ticket": ref("CheckinTicket"), "checked_in": BOOLEAN, "inside": BOOLEAN,
            "state": {"type": "string", "enum": ["not_in", "inside", "out"],
                      "description": "At this door: not in yet, inside, or gone out."},
            "attendee_name": {**STRING, "description": "The name on the ticket; empty when "
                              "it has none (the ticket's attendee is then the buyer)."},
            "buyer_name": STRING,
            "order_size": {**INTEGER, "description": "Tickets of its order among the "
                           "results."},
            "matched": array({"type": "string",
                              "enum": ["name", "buyer", "email", "order_code"]}),
        }))})),
            **errors(403, 429), **CLOSED, **{k: v for k, v in DOOR_ERRORS.items()
                                             if k in ("404", "422")}})},
}
