"""The page number of a paginated list, read from the request and bounded: every number
that reaches the database from a request is (an OFFSET beyond its integers is a 500)."""
from __future__ import annotations

from flask import request

# 100,000 pages of 50 rows: more than any list here holds, far below what an OFFSET takes.
MAX_PAGE = 100_000


def page_number(name: str = "page", *, maximum: int = MAX_PAGE) -> int:
    """The page the query string asks for, from 1 to `maximum`: absent or not a whole
    number, the first; beyond the bound, the last one allowed (an empty page)."""
    raw = request.args.get(name, "")
    if not (raw.isascii() and raw.isdigit()):  # no sign, no spaces, no other digits
        return 1
    if len(raw) > len(str(maximum)):
        return maximum
    return min(max(int(raw), 1), maximum)
