"""Conditional GETs: one way for every download that clients poll (the schedule exports,
calendars, the door's offline bundle) to answer 304 Not Modified when nothing changed."""
from __future__ import annotations

import hashlib

from flask import Response, request

PUBLIC_EXPORT = "public, max-age=60"
# For an authenticated device: no shared cache keeps it, and the device asks again each
# time (a 304 costs little) so that it never works from a list a minute out of date.
PRIVATE_REVALIDATE = "private, no-cache"


def body_etag(body: bytes) -> str:
    """A strong validator: the hash of the exact bytes sent (unquoted)."""
    return hashlib.sha256(body).hexdigest()[:32]


def conditional(response: Response, *, cache_control: str = PUBLIC_EXPORT) -> Response:
    """Give `response` a strong ETag from its body and `cache_control`, then turn it into a
    304 with no body when the request's If-None-Match matches (Werkzeug's rules, weak
    comparison as RFC 9110 wants for If-None-Match). No Last-Modified: what a body shows
    (a speaker's name, a room) can change without the rows' own timestamps, a hash cannot
    miss it."""
    response.set_etag(body_etag(response.get_data()))
    response.headers["Cache-Control"] = cache_control
    return response.make_conditional(request)
