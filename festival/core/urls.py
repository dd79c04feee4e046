"""Absolute addresses: the one place links leaving the site (e-mails, Stripe's return URLs,
the API's and the exports' links, the door's pairing link) are made.

They start with PUBLIC_URL, never with the request's Host, which a client chooses: a reset
link built from `Host: evil.example` would hand a valid token to that site. Production
requires PUBLIC_URL (festival/config.py). In development without it, the request's own root
is used; its Host has then been checked against ALLOWED_HOSTS (core/security.py).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

DEVELOPMENT_URL = "http://127.0.0.1:5000"  # for the command line, when PORT is not set


def public_base() -> str:
    """PUBLIC_URL; in development without it, this request's root, or outside a request
    the local server on its PORT (config DEVELOPMENT_URL)."""
    base = current_app.config.get("PUBLIC_URL") or ""
    if not base:
        base = (request.url_root if has_request_context()
                else current_app.config.get("DEVELOPMENT_URL") or DEVELOPMENT_URL)
    return base.rstrip("/")


def absolute_url(endpoint: str, **values: Any) -> str:
    """The absolute address of `endpoint` with `values` (path arguments, and the others as
    the query string, as url_for does), on public_base()."""
    anchor = values.pop("_anchor", None)
    current_app.inject_url_defaults(endpoint, values)
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return public_base() + path + (f"#{anchor}" if anchor else "")


# The marks, embeddings, overrides and isolates of text direction (and the Arabic letter mark).
_DIRECTION_MARKS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"
                             "\u2066\u2067\u2068\u2069")


def is_web_address(url: str) -> bool:
    """Whether `url` is a link people may follow from our pages: http or https, a host name
    with a dot, no space, control character or direction mark (an association's website, a
    venue's map, a room's stream). A real address writes those percent-encoded: typed as
    they are, a direction override makes a link read otherwise than where it goes."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    return (parts.scheme.lower() in ("http", "https") and "." in host.strip(".")
            and not host.startswith(".") and not host.endswith(".")
            and not any(c.isspace() or ord(c) < 32 or 127 <= ord(c) < 160
                        or c in _DIRECTION_MARKS for c in url))
