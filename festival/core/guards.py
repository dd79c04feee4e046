"""Text no database column can hold: a NUL character, which PostgreSQL refuses in any text
(SQLite takes it), is refused before a view runs, on pages and in the API alike.

- In the address (the path's values or the query string): 400, before any view
  (`refuse_nul_in_address`, for every request).
- In a page's form field: a field error (festival.core.forms.Form).
- In the API's JSON body: 400 naming the value (festival.api.guards).
"""
from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from festival.core.errors import DomainError

NUL = "\x00"


def nul_in(value: Any, path: str) -> str | None:
    """The path of the first string (or key) holding a NUL character, if any."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return where
            found = nul_in(item, where)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_in(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def refuse_nul(where: str | None) -> None:
    if where:
        raise DomainError("bad_request", _l("Text may not contain NUL characters (%(where)s).",
                                            where=where), status=400)


def refuse_nul_in_address() -> None:
    """Before every request: no NUL in the path's values or the query string."""
    refuse_nul(nul_in(request.view_args or {}, "")
               or nul_in({k: request.args.getlist(k) for k in request.args}, ""))
