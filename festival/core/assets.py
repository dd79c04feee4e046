"""Static files under versioned URLs, cached for a year by browsers and proxies.

`url_for("static", filename=…)` adds `?v=<hash of the file's content>`. A request carrying
the file's current hash is answered `immutable`: the URL names these exact bytes, and a new
version of the file gets a new URL. Any other request for a static file (no version, or an
old page asking for an older one) keeps Flask's `no-cache`, revalidated by its ETag, so a
browser never keeps a stale file for a year. ES modules imported by a relative path (the
scanner's) are fetched without a version and revalidated that way.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"


@lru_cache(maxsize=1024)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def static_hash(filename: str, static_folder: str | None = None) -> str | None:
    """The content hash of a file under the static folder, read once per version of the
    file (its modification time and size are the cache key); None when there is no file."""
    path = safe_join(static_folder or current_app.static_folder, filename)
    try:
        stat = os.stat(path) if path else None
    except OSError:
        return None
    if stat is None or not os.path.isfile(path):
        return None
    return _digest(path, stat.st_mtime_ns, stat.st_size)


def _add_version(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "v" not in values and values.get("filename"):
        version = static_hash(values["filename"])
        if version:
            values["v"] = version


def _cache_versioned(response: Response) -> Response:
    if (request.endpoint == "static" and response.status_code in (200, 304)
            and request.args.get("v")
            and request.args["v"] == static_hash(request.view_args.get("filename", ""))):
        response.headers["Cache-Control"] = IMMUTABLE
    return response


def init_app(app: Flask) -> None:
    app.url_defaults(_add_version)
    app.after_request(_cache_versioned)
