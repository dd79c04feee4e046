"""What every API request must pass before its view: values no database column can hold are
refused with a clear 4xx here, instead of failing deep inside a query.

- A number in the URL beyond a 32-bit integer (ids and years are 32-bit in the database)
  names nothing: 404.
- A JSON body nested more than 32 levels deep: 400, before anything parses it
  (festival.core.jsonbody).
- Text with a NUL character (which PostgreSQL refuses in any text) or an unpaired surrogate
  (which no UTF-8 text holds) in the JSON body: 400 (in the URL and the query string,
  festival.core.guards refuses them for every request).

And what JSON Schema allows is understood: a whole number written with a fraction (`58.0`,
`1e2`, as Jackson and PHP clients send them) is an `integer` there, so it is turned into an
int in the body before any view reads it. (The API takes no fractional numbers at all.)
"""
from __future__ import annotations

from typing import Any

from flask import abort, request

from festival.core.guards import refuse_unstorable, unstorable_in

MAX_NUMBER = 2**31 - 1


def refuse_huge_numbers(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and any(isinstance(v, int) and v > MAX_NUMBER for v in values.values()):
        abort(404)


def _body_may_hold_unstorable_text() -> bool:
    """In JSON, a NUL or a surrogate can only be written as an escape (\\u0000, \\ud800),
    or a surrogate as its bytes (which begin with 0xED): a body with neither holds none,
    and is not walked through."""
    if not request.is_json:
        return False
    data = request.get_data(cache=True)
    return b"\\u" in data or b"\xed" in data


def refuse_unstorable_text() -> None:
    if _body_may_hold_unstorable_text():
        refuse_unstorable(unstorable_in(request.get_json(silent=True), "body"))


def _whole_numbers(value: Any) -> Any:
    """The value with every integral float in it an int (lists and objects changed in
    place, so the request's cached body holds them)."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _whole_numbers(item)
    elif isinstance(value, list):
        value[:] = [_whole_numbers(item) for item in value]
    return value


def accept_integral_floats() -> None:
    # A body with no ".", "e" or "E" holds no float: most are not walked through.
    if not request.is_json or not any(mark in request.get_data(cache=True)
                                      for mark in (b".", b"e", b"E")):
        return
    _whole_numbers(request.get_json(silent=True))
