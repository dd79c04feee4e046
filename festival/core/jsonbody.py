"""The one way the JSON API reads a request's body."""
from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from festival.core.errors import DomainError


def json_body(*, optional: bool = False) -> dict[str, Any]:
    """The JSON object sent ({} when nothing was sent and the body is `optional`).
    Error: bad_request (400), for anything but a JSON object."""
    if optional and not request.get_data(cache=True):
        return {}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise DomainError("bad_request", _l("Send a JSON object (Content-Type: "
                                            "application/json)."), status=400)
    return body
