"""Text no database column can hold, refused before a view runs, on pages and in the API
alike:

- a NUL character, which PostgreSQL refuses in any text (SQLite takes it);
- a UTF-16 surrogate on its own ("\\ud800" in JSON, which Python decodes as it is, or the
  bytes of one, which it decodes with "surrogatepass"): no UTF-8 text can hold it, so the
  driver fails to send it to either database. A pair written as two escapes is decoded as
  the one character it stands for: any surrogate left in a str is unpaired.

Where:

- In the address (the path's values or the query string): 400, before any view
  (`refuse_unstorable_in_address`, for every request).
- In a page's form field: a field error (festival.core.forms.Form).
- In the API's JSON body: 400 naming the value (festival.api.guards).
"""
from __future__ import annotations

import re
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from festival.core.errors import DomainError

NUL = "\x00"
SURROGATE = re.compile("[\ud800-\udfff]")
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def flaw(text: str) -> str | None:
    """What no database can hold in this text: "nul", "surrogate", or None."""
    if NUL in text:
        return "nul"
    if SURROGATE.search(text):
        return "surrogate"
    return None


def without_flaws(text: str) -> str:
    """The text without its NUL characters and unpaired surrogates."""
    return UNSTORABLE.sub("", text)


def unstorable_in(value: Any, path: str) -> tuple[str, str] | None:
    """(path, flaw) of the first string (or key) no database can hold, if any."""
    if isinstance(value, str):
        found = flaw(value)
        return (path, found) if found else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found = flaw(str(key))
            if found:
                return where, found
            deeper = unstorable_in(item, where)
            if deeper:
                return deeper
    if isinstance(value, list):
        for index, item in enumerate(value):
            deeper = unstorable_in(item, f"{path}.{index}" if path else str(index))
            if deeper:
                return deeper
    return None


def refuse_unstorable(found: tuple[str, str] | None) -> None:
    """400 bad_request naming where the text no database can hold is."""
    if not found:
        return
    where, what = found
    if what == "nul":
        message = _l("Text may not contain NUL characters (%(where)s).", where=where)
    else:
        message = _l("Text may not contain unpaired surrogates (%(where)s).", where=where)
    raise DomainError("bad_request", message, status=400)


def refuse_unstorable_in_address() -> None:
    """Before every request: no NUL nor unpaired surrogate in the path's values or the
    query string."""
    refuse_unstorable(unstorable_in(request.view_args or {}, "")
                      or unstorable_in({k: request.args.getlist(k) for k in request.args}, ""))
