"""Gzip for text responses, when the application answers browsers with no proxy in front
(behind nginx, deploy/nginx.conf.example compresses and this finds the work done).

Compressed: HTML, JSON, CSS, JavaScript, SVG, XML, iCal and plain text of at least
MIN_SIZE bytes, to a client that accepts gzip. Left alone: streamed bodies (CSV exports),
partial and empty responses, and anything already encoded. The compressed variant gets a
weak ETag (what nginx does too): its bytes differ, its meaning does not, and a conditional
request with it still gets a 304, since If-None-Match compares weakly.
"""
from __future__ import annotations

import gzip
from functools import lru_cache

from flask import Flask, Response, request

MIN_SIZE = 1024
LEVEL = 6
TEXT_TYPES = frozenset({
    "text/html", "text/css", "text/javascript", "application/javascript", "text/plain",
    "application/json", "application/manifest+json", "application/problem+json",
    "image/svg+xml", "application/xml", "text/xml", "application/rss+xml", "text/calendar",
})


def is_compressible(mimetype: str | None) -> bool:
    return bool(mimetype) and (mimetype in TEXT_TYPES or mimetype.endswith(("+json", "+xml")))


@lru_cache(maxsize=256)
def _compress_static(body: bytes) -> bytes:
    # Static files are asked for again and again: compressed once per content. Keyed by the
    # bytes themselves, hashed by Python; the cache holds at most 256 small files.
    return gzip.compress(body, LEVEL, mtime=0)


def _weaken_etag(response: Response) -> None:
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)


def compress(response: Response) -> Response:
    if not is_compressible(response.mimetype):
        return response
    response.vary.add("Accept-Encoding")
    if (request.accept_encodings["gzip"] <= 0 or "Content-Encoding" in response.headers
            or request.method == "HEAD" or response.cache_control.no_transform):
        return response
    if response.status_code == 304:
        _weaken_etag(response)  # the tag of the variant this client holds
        return response
    if response.status_code != 200 or response.headers.get("Content-Range"):
        return response
    if response.is_streamed:
        if not response.direct_passthrough or response.content_length is None:
            return response  # a generator: its length is unknown until it has run
        response.direct_passthrough = False  # a file (send_file) of known size: read it
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    compressed = (_compress_static(body) if request.endpoint == "static"
                  else gzip.compress(body, LEVEL, mtime=0))
    if len(compressed) >= len(body):
        return response
    response.set_data(compressed)
    response.headers["Content-Encoding"] = "gzip"
    _weaken_etag(response)
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress)
