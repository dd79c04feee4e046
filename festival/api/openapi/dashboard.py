"""The figures of an edition for organisers' tools (festival/dashboard/api.py)."""
from __future__ import annotations

from festival.api.openapi.common import (
                                         BEARER,
                                         DATE,
                                         DATETIME,
                                         INTEGER,
                                         STRING,
                                         YEAR,
                                         array,
                                         errors,
                                         nullable,
                                         obj,
                                         ok,
                                         operation,
                                         ref,
)

TAG = "Dashboard"
COUNT = {"type": "integer", "minimum": 0}

SCHEMAS = {
    "Dashboard": obj({
        "tickets_sold": COUNT, "tickets_reserved": COUNT, "checked_in": COUNT,
        "inside": COUNT,
        "capacity": nullable(INTEGER | {"description": "The venue capacity: people admitted "
                                                      "per festival day (null: none set)."}),
        "capacity_per_day": array(
            obj({"day": DATE, "capacity": COUNT, "sold": COUNT, "reserved": COUNT}),
            description="Each festival day's venue capacity and the tickets sold and reserved "
                        "that admit on it (a pass for every day counts on every day)."),
        "revenue_cents": obj({"gross": INTEGER, "refunded": INTEGER, "net": INTEGER}),
        "by_ticket_type": array(obj({"id": INTEGER, "name": STRING, "sold": COUNT,
                                     "quota": nullable(INTEGER), "checked_in": COUNT})),
        "arrivals": array(obj({"start": DATETIME, "count": COUNT}),
                          description="Arrivals per quarter hour (Paris time, with offset)."),
        "refusals": {"type": "object", "additionalProperties": COUNT,
                     "description": "Refused scans per result code."},
    }),
}

PATHS = {
    "/api/v1/editions/{year}/dashboard": {"get": operation(
        "getDashboard", "An edition's figures: sales, attendance, revenue", tag=TAG,
        security=BEARER, parameters=[YEAR],
        responses={"200": ok(ref("Dashboard")), **errors(403, 404)})},
}
