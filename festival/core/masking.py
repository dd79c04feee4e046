"""Secrets of our URLs, masked wherever they would be shown or kept: the outbox pages and the
request log.

A route whose path carries a secret names that argument `token` or `secret`
(SECRET_PARAMETERS): the reset and confirmation links, a door's pairing link. Order pages
carry their secret in the `secret` query parameter.

The request log keeps the path of every request: `masked_path` writes it with those
arguments masked, so whoever reads the logs cannot use a live link.

What organisers may see of a message: everything but its secrets. A password-reset link, or an order page link with the order's secret, gives whoever reads it
the account or the tickets. The outbox pages show messages to organisers, who must not be
able to take over the administrator's account by asking a reset for it and reading the link.
So every link of ours found in what the outbox shows has the values of its secret
parameters (SECRET_PARAMETERS, in the path or the query string) replaced by MASK, and so has
any other occurrence of those values in the same text. The sender still delivers the real
message: only the display is masked, and messages already stored are masked as well.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from flask import current_app
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

# The URL arguments that carry a secret: a reset or confirmation token, a door's pairing
# token (in the path), the order's secret (in the query string).
SECRET_PARAMETERS = frozenset({"token", "secret"})
MASK = "••••••••"
MIN_SECRET_LENGTH = 6  # shorter values are not secrets, and masking them would garble text

_URL = re.compile(r"https?://[^\s\"'<>()]+")
_QUERY_SECRET = re.compile(
    r"(?P<name>(?:^|[?&;])(?:%s)=)(?P<value>[^&#\s\"'<>]*)"
    % "|".join(sorted(SECRET_PARAMETERS)))


def secret_arguments(arguments: Mapping[str, Any] | None) -> set[str]:
    """The values of the secret arguments among a route's matched `arguments`."""
    return {str(value) for name, value in (arguments or {}).items()
            if name in SECRET_PARAMETERS and len(str(value)) >= MIN_SECRET_LENGTH}


def masked_path(path: str, arguments: Mapping[str, Any] | None) -> str:
    """`path` (a request's) with the values of its route's secret `arguments` masked."""
    return mask(path, secret_arguments(arguments)) or path


def _path_secrets(path: str) -> list[str]:
    """The values of the secret arguments of the route that `path` (on PUBLIC_URL, or at the
    root) leads to."""
    prefix = urlsplit(current_app.config.get("PUBLIC_URL") or "").path.rstrip("/")
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix):]
    try:
        _, arguments = current_app.url_map.bind("localhost").match(path, method="GET")
    except (HTTPException, RequestRedirect):  # not one of our pages
        return []
    return [str(value) for name, value in arguments.items() if name in SECRET_PARAMETERS]


def _url_secrets(url: str) -> list[str]:
    parts = urlsplit(url.replace("&amp;", "&"))
    found = _path_secrets(unquote(parts.path))
    found += [unquote(m.group("value")) for m in _QUERY_SECRET.finditer(parts.query)]
    return found


def secrets_in(*texts: str | None) -> set[str]:
    """The secret values that the links in `texts` carry."""
    found: set[str] = set()
    for text in texts:
        for match in _URL.finditer(text or ""):
            found.update(s for s in _url_secrets(match.group(0))
                         if len(s) >= MIN_SECRET_LENGTH)
    return found


def mask(text: str | None, secrets: set[str]) -> str | None:
    """`text` with each of `secrets` (as is, or percent-encoded) replaced by MASK."""
    if not text:
        return text
    for secret in sorted(secrets, key=len, reverse=True):
        for form in {secret, quote(secret, safe="")}:
            text = text.replace(form, MASK)
    return text


def mask_secrets(text: str | None) -> str | None:
    """`text` with the secrets of its own links masked."""
    return mask(text, secrets_in(text))
