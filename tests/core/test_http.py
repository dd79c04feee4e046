"""core.http.conditional: a strong ETag from the body, Cache-Control, and 304 on a match."""
from __future__ import annotations

import pytest
from flask import Flask, Response

from festival.core.http import body_etag, conditional


@pytest.mark.parametrize("if_none_match, status", [
    (None, 200),
    ('"other"', 200),
    ('"{tag}"', 304),
    ('"other", "{tag}"', 304),
    ('W/"{tag}"', 304),   # If-None-Match compares weakly (RFC 9110 13.1.2)
    ("*", 304),
])
def test_a_matching_if_none_match_gives_a_304_without_body(if_none_match, status):
    app = Flask(__name__)
    tag = body_etag(b"hello")
    headers = {"If-None-Match": if_none_match.format(tag=tag)} if if_none_match else {}
    with app.test_request_context("/", headers=headers) as ctx:
        response = conditional(Response(b"hello"), cache_control="private, no-cache")
        sent = b"".join(response.get_app_iter(ctx.request.environ))  # what the server sends
    assert response.status_code == status
    assert response.headers["ETag"] == f'"{tag}"'
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert sent == (b"hello" if status == 200 else b"")


def test_the_etag_follows_the_body():
    assert body_etag(b"a") == body_etag(b"a") != body_etag(b"b")
