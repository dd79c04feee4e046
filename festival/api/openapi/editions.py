"""Editions and their programme (festival/editions/api.py and api_json.py)."""
from __future__ import annotations

from festival.api.openapi.common import (
                                         BEARER,
                                         BOOLEAN,
                                         CLOCK,
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
                                         errors,
                                         extends,
                                         json_body,
                                         nullable,
                                         obj,
                                         ok,
                                         operation,
                                         path_id,
                                         query,
                                         ref,
                                         text,
                                         text_in_languages,
                                         texts_of,
                                         whole,
)
from festival.associations.models import Pole
from festival.editions.models import (
                                         EditionStatus,
                                         Language,
                                         OrganiserRole,
                                         SessionKind,
                                         SessionStatus,
)
from festival.editions.services.editions import MAX_DAYS, MAX_YEAR, MIN_YEAR

TAG = "Editions"
CAPACITY = whole(1, 100_000)
ASSOCIATION_REF = obj({"slug": STRING, "name": STRING})

_CUTOFF = {**CLOCK, "description": (
    "A festival day runs until this time the next morning, in Europe/Paris (05:00 unless "
    "changed): the door, the programme, the dashboards and the exports count an instant "
    "before it as part of the day before. A whole hour from 00:00 to 12:00.")}

SCHEMAS = {
    "Venue": obj({"id": INTEGER, "name": STRING, "address": STRING, "postcode": STRING,
                  "city": STRING, "capacity": nullable(INTEGER),
                  "texts": texts_of("transport", "access", required=[])}),
    "Edition": obj({
        "year": INTEGER, "title": STRING, "tagline": STRING, "description": STRING,
        "texts": texts_of("title", "tagline", "description"),
        "status": enum(EditionStatus), "days": array(DATE), "day_cutoff": _CUTOFF,
        "venues": array(ref("Venue")),
        "doors": array(obj({
            "day": DATE,
            "venue_id": {**nullable(INTEGER), "description": (
                "Where the day takes place: its own venue, else the edition's main one.")},
            "opens_at": nullable(DATETIME),
            "closes_at": {**nullable(DATETIME), "description": (
                "The next morning when the doors close after midnight.")}}),
            description="When the doors open and close on each festival day (null: not "
                        "announced yet), in Europe/Paris."),
        "organisers": array(obj({"association": ASSOCIATION_REF,
                                 "role": enum(OrganiserRole)})),
        "links": obj({"page": URL, "programme": URL, "schedule_xml": URL,
                      "schedule_json": URL, "ical": URL}),
    }),
    "Room": obj({"id": INTEGER, "guid": STRING, "name": STRING, "description": STRING,
                 "texts": texts_of("name", "description"),
                 "capacity": nullable(INTEGER), "opens_at": nullable(CLOCK),
                 "closes_at": nullable(CLOCK), "venue_id": nullable(INTEGER),
                 "position": INTEGER}),
    "Speaker": obj({"id": INTEGER, "guid": STRING, "name": STRING, "bio": STRING,
                    "texts": texts_of("bio"),
                    "photo_url": nullable(URL), "association": nullable(ASSOCIATION_REF)}),
    "Track": obj({"pole": nullable(enum(Pole)),
                  "theme": {**nullable(STRING), "description": (
                      "The theme's code: one of the registry's themes (as associations' "
                      "`themes`) or one of the edition's own (`x-…`).")},
                  "name": {**nullable(STRING), "description": "The pôle's or theme's name, in "
                                                              "the request's language."},
                  "texts": {**ref("Texts"), "description": "Its name in every language "
                                                           "({} when it has none)."}},
                 description="A session's track."),
    "RoomRef": obj({"id": INTEGER, "name": STRING, "texts": texts_of("name")},
                   description="The room of a session."),
    "Session": obj({
        "id": INTEGER, "guid": STRING, "title": STRING, "kind": enum(SessionKind),
        "abstract": STRING, "texts": texts_of("title", "abstract"),
        "languages": array(enum(Language)),
        "track": ref("Track"),
        "starts_at": DATETIME, "ends_at": DATETIME, "duration_minutes": INTEGER,
        "room": ref("RoomRef"), "speakers": array(ref("Speaker")),
        "status": enum(SessionStatus), "is_highlight": BOOLEAN,
        "registration_required": {**BOOLEAN, "description": "Free pre-registration: "
                                                            "attendees reserve a seat with "
                                                            "their ticket."},
        "url": URL,
    }),
    "SavedSession": extends("Session", {"clashes": array(
        STRING, description="The clashes it was saved with (confirmed).")}),
    "Programme": obj({"edition": obj({"year": INTEGER, "title": STRING}),
                      "time_zone": {"type": "string", "const": "Europe/Paris"},
                      "rooms": array(ref("Room")), "sessions": array(ref("Session"))}),
}

_DAYS = array(DATE, maxItems=MAX_DAYS, description="Days of the edition, in its year.")
EDITION_FIELDS = {"title": text_in_languages(200, required=True),
                  "tagline": text_in_languages(300),
                  "description": text_in_languages(10_000), "days": _DAYS}
VENUE_BODY = obj({"name": text(200, required=True), "address": text(300),
                  "postcode": text(10), "city": text(120), "capacity": nullable(CAPACITY)},
                 ["name"])
ROOM_FIELDS = {"name": text_in_languages(120, required=True),
               "description": text_in_languages(300),
               "capacity": nullable(CAPACITY), "opens_at": nullable(CLOCK),
               "closes_at": nullable(CLOCK), "venue_id": nullable(ID),
               "position": nullable(whole(0, 1000))}
SESSION_FIELDS = {
    "kind": enum(SessionKind), "title": text_in_languages(250, required=True),
    "abstract": text_in_languages(10_000),
    "languages": array(enum(Language), minItems=1), "pole": nullable(enum(Pole)),
    "theme": text(80, description=(
        "A theme's code (the registry's, or the edition's own `x-…`), or its French name; "
        "another name makes a new theme of the edition, named in French. Empty: none.")),
    "room_id": ID, "starts_at": DATETIME, "ends_at": DATETIME,
    "speaker_ids": array(ID), "status": enum(SessionStatus), "is_highlight": BOOLEAN,
    "registration_required": {**BOOLEAN, "description": "Free pre-registration: attendees "
                                                         "reserve a seat with their ticket."},
    "confirm_clashes": {"type": "boolean",
                        "description": "Save even though it clashes (the clashes are "
                                       "returned)."},
}
SPEAKER_FIELDS = {"name": text(200, required=True), "bio": text_in_languages(3000),
                  "association_id": nullable(ID)}

ROOM_ID = path_id("room_id", "A room of this edition.")
SESSION_ID = path_id("session_id", "A session of this edition.")
CLASH = {"409": {"description": "`clash`: the session clashes with another (room, speaker, "
                                "days, opening hours) and `confirm_clashes` was not true; "
                                "or `edition_archived`.",
                 "content": {"application/json": {"schema": ref("Error")}}}}
WRITE = errors(400, 403, 404, 409, 422)

PATHS = {
    "/api/v1/editions": {
        "get": operation("listEditions", "Editions, newest first", tag=TAG, security=PUBLIC,
                         description="Public editions; an organiser's token also sees drafts.",
                         responses={"200": ok(obj({"editions": array(ref("Edition"))}))}),
        "post": operation(
            "createEdition", "Create an edition (as a draft)", tag=TAG, security=BEARER,
            body=json_body(obj({"year": whole(MIN_YEAR, MAX_YEAR), **EDITION_FIELDS},
                               ["year", "title"])),
            responses={"201": ok(ref("Edition"), "Created"), **errors(403, 409, 422)}),
    },
    "/api/v1/editions/{year}": {
        "get": operation("getEdition", "One edition", tag=TAG, security=PUBLIC,
                         parameters=[YEAR],
                         responses={"200": ok(ref("Edition")), **errors(404)}),
        "patch": operation(
            "updateEdition", "Change an edition, or move it along its statuses", tag=TAG,
            security=BEARER, parameters=[YEAR],
            description="`status` moves it (draft → published → on_sale → closed → "
                        "archived); closing and archiving need `confirm: true`.",
            body=json_body(obj({**EDITION_FIELDS, "day_cutoff": _CUTOFF,
                                "status": enum(EditionStatus),
                                "note": text(2000), "confirm": BOOLEAN}, [], closed=True)),
            responses={"200": ok(ref("Edition")), **WRITE}),
    },
    "/api/v1/editions/{year}/programme": {"get": operation(
        "getProgramme", "The programme: rooms and published sessions", tag=TAG,
        security=PUBLIC,
        parameters=[YEAR, query("drafts", {"type": "string", "enum": ["0", "1"]},
                                "`1` adds the draft sessions (organiser token)."),
                    query("language", {"type": "string", "enum": ["fr", "ar", "tzm", "en"]},
                          "Only the sessions held in this language.")],
        responses={"200": ok(ref("Programme")), **errors(404, 422)})},
    "/api/v1/editions/{year}/venues": {"post": operation(
        "addVenue", "Add a venue", tag=TAG, security=BEARER, parameters=[YEAR],
        body=json_body(VENUE_BODY), responses={"201": ok(ref("Venue"), "Created"), **WRITE})},
    "/api/v1/editions/{year}/rooms": {"post": operation(
        "createRoom", "Add a room or stage", tag=TAG, security=BEARER, parameters=[YEAR],
        body=json_body(obj(ROOM_FIELDS, ["name"], closed=True)),
        responses={"201": ok(ref("Room"), "Created"), **WRITE})},
    "/api/v1/editions/{year}/rooms/{room_id}": {"patch": operation(
        "updateRoom", "Change a room", tag=TAG, security=BEARER, parameters=[YEAR, ROOM_ID],
        body=json_body(obj(ROOM_FIELDS, [], closed=True)),
        responses={"200": ok(ref("Room")), **WRITE})},
    "/api/v1/editions/{year}/sessions": {"post": operation(
        "createSession", "Add a session to the programme", tag=TAG, security=BEARER,
        parameters=[YEAR],
        body=json_body(obj(SESSION_FIELDS, ["kind", "title", "languages", "room_id",
                                            "starts_at", "ends_at"], closed=True)),
        responses={"201": ok(ref("SavedSession"), "Created"), **WRITE, **CLASH})},
    "/api/v1/editions/{year}/sessions/{session_id}": {"patch": operation(
        "updateSession", "Change a session", tag=TAG, security=BEARER,
        parameters=[YEAR, SESSION_ID], body=json_body(obj(SESSION_FIELDS, [], closed=True)),
        responses={"200": ok(ref("SavedSession")), **WRITE, **CLASH})},
    "/api/v1/speakers": {"post": operation(
        "createSpeaker", "Add a speaker", tag=TAG, security=BEARER,
        body=json_body(obj(SPEAKER_FIELDS, ["name"], closed=True)),
        responses={"201": ok(ref("Speaker"), "Created"), **errors(400, 403, 422)})},
    "/api/v1/speakers/{speaker_id}": {"patch": operation(
        "updateSpeaker", "Change a speaker", tag=TAG, security=BEARER,
        parameters=[path_id("speaker_id", "The speaker.")],
        body=json_body(obj(SPEAKER_FIELDS, [], closed=True)),
        responses={"200": ok(ref("Speaker")), **errors(400, 403, 404, 422)})},
}
