"""What every API request must pass before its view: values no database column can hold are
refused with a clear 4xx here, instead of failing deep inside a query.

- A number in the URL beyond a 32-bit integer (ids and years are 32-bit in the database)
  names nothing: 404.
- Text with a NUL character (which PostgreSQL refuses in any text) in the JSON body: 400
  (in the URL and the query string, festival.core.guards refuses it for every request).
"""
from __future__ import annotations

from typing import Any

from flask import abort, request

from festival.core.guards import nul_in, refuse_nul

MAX_NUMBER = 2**31 - 1


def refuse_huge_numbers(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and any(isinstance(v, int) and v > MAX_NUMBER for v in values.values()):
        abort(404)


def _body_may_hold_nul() -> bool:
    """In JSON, a NUL can only be written as the escape \\u0000: a body without it holds
    none, and is not walked through."""
    return request.is_json and b"\\u0000" in request.get_data(cache=True)


def refuse_nul_characters() -> None:
    if _body_may_hold_nul():
        refuse_nul(nul_in(request.get_json(silent=True), "body"))
