"""The API's routes and the OpenAPI document's operations, keyed alike: (METHOD, path)."""
from __future__ import annotations

import re

PREFIX = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
CONVERTER = re.compile(r"<(?:(?P<converter>[^:<>]+):)?(?P<name>[^<>]+)>")


def api_routes(app) -> dict[tuple[str, str], object]:
    """(METHOD, /api/v1/{param} path) → the URL rule, for every API route."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX):
            continue
        path = CONVERTER.sub(lambda m: "{" + m["name"] + "}", rule.rule)
        for method in sorted(rule.methods - IGNORED_METHODS):
            routes[(method, path)] = rule
    return routes


def documented(doc) -> dict[tuple[str, str], dict]:
    """(METHOD, path) → the operation, for every operation of the document."""
    return {(method.upper(), path): op for path, item in doc["paths"].items()
            for method, op in item.items()}
