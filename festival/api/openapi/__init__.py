"""The OpenAPI 3.1 document of the JSON API, as Python data, one module per domain.

Served at GET /api/v1/openapi.json. tests/api/test_openapi.py keeps it true: every route
under /api/v1 is in it and every operation in it is a route, each operation's `security`
matches the view's access policy, and real answers validate against their schemas.
"""
from __future__ import annotations

from copy import deepcopy
from functools import cache
from typing import Any

from festival.api.openapi import (
    associations,
    checkin,
    dashboard,
    editions,
    proposals,
    ticketing,
)
from festival.api.openapi.common import (
    ERROR_SCHEMAS,
    PUBLIC,
    STRING,
    error_responses,
    obj,
    ok,
    operation,
)

DOMAINS = (associations, editions, ticketing, checkin, dashboard, proposals)

DESCRIPTION = """\
The JSON API of Almoggar, the festival of the Coordination N'Souss Massa: member associations,
editions and their programme, ticket sales, check-in at the doors and the organisers' figures.

Authenticate with `Authorization: Bearer <token>` (tokens are made by an administrator, or by
`flask --app festival token create --role organiser|volunteer`). The API never uses the
session cookie. Operations whose `security` is empty are public; a token given to them must
still be valid, and an organiser's token may see more (drafts, quotas).

Errors are JSON: `{"error": "<code>", "message": "...", "fields"?: {"<field>": ["..."]}}`;
422 carries the problems per field. Times are ISO 8601 with their offset; money is in cents
(EUR).
"""

_META = {
    "/api/v1/": {"get": operation(
        "apiIndex", "The API's name and version", tag="API", security=PUBLIC,
        responses={"200": ok(obj({"name": STRING, "version": {"type": "integer"}}))})},
    "/api/v1/openapi.json": {"get": operation(
        "getOpenApi", "This document", tag="API", security=PUBLIC,
        responses={"200": ok({"type": "object", "required": ["openapi", "paths"]})})},
}


@cache
def _build() -> dict[str, Any]:
    paths: dict[str, Any] = dict(_META)
    schemas: dict[str, Any] = dict(ERROR_SCHEMAS)
    for domain in DOMAINS:
        paths.update(domain.PATHS)
        schemas.update(domain.SCHEMAS)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Almoggar API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": "/", "description": "This server"}],
        "tags": [{"name": name} for name in ("API", associations.TAG, editions.TAG,
                                             ticketing.TAG, checkin.TAG, dashboard.TAG,
                                             proposals.TAG)],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer",
                "description": "An API token (organiser or volunteer; a paired door device "
                               "holds a volunteer token)."}},
            "schemas": dict(sorted(schemas.items())),
            "responses": error_responses(),
        },
    }


def document() -> dict[str, Any]:
    """The whole document (a fresh copy: callers may change it)."""
    return deepcopy(_build())
