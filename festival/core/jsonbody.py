"""The one way the application reads JSON from a request.

A JSON document nested deeper than MAX_DEPTH levels is refused before any parser recurses
into it: Python's parser, and every walk over what it returns (the API's guards, the
contract's validator), recurse once per level, so a few kilobytes of brackets would end in
RecursionError (a 500, which `get_json(silent=True)` does not catch). The bound is a scan of
the brackets outside strings, made before parsing, rather than a RecursionError caught
after: that error comes at the interpreter's limit (about 1000 levels), which a body well
under it can still reach later in a walk, and catching it means trusting every recursive
walk to be caught too. No request of ours needs more than a few levels.

- The application's JSON provider refuses such a document as it refuses malformed JSON
  (ValueError), so every `request.get_json()` treats it as not JSON at all.
- `json_body` and `refuse_deep_body` (the API's first guard) answer 400 bad_request saying
  why. The Stripe webhook reads its raw body with its own parser: it checks too_deep itself.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l

from festival.core.errors import DomainError

MAX_DEPTH = 32
_OPENERS, _CLOSERS = frozenset(b"[{"), frozenset(b"]}")
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_NOT_BRACKETS_NOR_QUOTES = bytes(b for b in range(256) if b not in b'[]{}"')
_STRING = re.compile(rb'"[^"]*"')


class NestedTooDeep(ValueError):
    """A JSON document nested deeper than MAX_DEPTH."""


def too_deep(data: bytes | bytearray | str, limit: int = MAX_DEPTH) -> bool:
    """Whether this JSON text nests arrays and objects more than `limit` levels deep,
    counted from its brackets outside strings (no parsing: it is cheap and never
    recurses). Text that is not JSON may be counted wrongly: the parser refuses it anyway."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if data.count(b"[") + data.count(b"{") <= limit:  # most bodies: no need to look further
        return False
    # Escapes out (\" is no quote), then only brackets and quotes, then strings out: each
    # step is linear, whatever the text (no backtracking regular expression).
    marks = _ESCAPE.sub(b"", data).translate(None, _NOT_BRACKETS_NOR_QUOTES)
    depth = 0
    for byte in _STRING.sub(b"", marks):
        if byte in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif byte in _CLOSERS:
            depth -= 1
    return False


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing documents nested deeper than MAX_DEPTH as malformed."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if too_deep(s):
            raise NestedTooDeep(f"JSON nested more than {MAX_DEPTH} levels deep")
        return super().loads(s, **kwargs)


def init_app(app: Flask) -> None:
    app.json = JSONProvider(app)


def refuse_deep_body() -> None:
    """A JSON body nested too deep: 400 bad_request, before anything parses it."""
    if request.is_json and too_deep(request.get_data(cache=True)):
        raise DomainError("bad_request", _l("JSON nested more than %(n)s levels deep is not "
                                            "accepted.", n=MAX_DEPTH), status=400)


def json_body(*, optional: bool = False) -> dict[str, Any]:
    """The JSON object sent ({} when nothing was sent and the body is `optional`).
    Error: bad_request (400), for anything but a JSON object (one nested too deep
    included)."""
    if optional and not request.get_data(cache=True):
        return {}
    refuse_deep_body()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise DomainError("bad_request", _l("Send a JSON object (Content-Type: "
                                            "application/json)."), status=400)
    return body
