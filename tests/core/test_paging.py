"""Every paginated page reads its page number through core.paging: bounded, so that no
OFFSET overflows the database's integers."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from festival.core.paging import MAX_PAGE, page_number

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("raw, page", [
    (None, 1), ("", 1), ("1", 1), ("7", 7), ("0", 1), ("-3", 1), ("+3", 1), (" 3", 1),
    ("3.0", 1), ("1_000", 1), ("١٢", 1), ("x", 1),
    (str(MAX_PAGE), MAX_PAGE), (str(MAX_PAGE + 1), MAX_PAGE),
    ("9223372036854775807", MAX_PAGE), ("1" + "0" * 400, MAX_PAGE),
])
def test_the_page_number_is_bounded(app, raw, page):
    query = {} if raw is None else {"page": raw}
    with app.test_request_context("/", query_string=query):
        assert page_number() == page


@pytest.mark.parametrize("url", ["/manage/outbox", "/manage/audit"])
@pytest.mark.parametrize("page", ["100000000000000000000", "9223372036854775807", "-1"])
def test_the_other_paginated_pages_take_any_page_number(client, auth, url, page):
    auth.login_as("organiser")
    assert client.get(url, query_string={"page": page}).status_code == 200


def test_every_page_number_is_read_through_the_helper():
    """A new paginated page that reads ?page= itself would be unbounded again."""
    readers = [path.relative_to(ROOT).as_posix()
               for path in sorted((ROOT / "festival").rglob("*.py"))
               if re.search(r"""args\.get\(\s*["']page["']""", path.read_text())]
    assert readers == []
