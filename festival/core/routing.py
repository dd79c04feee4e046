"""The `<int:…>` of every route holds at most the largest id column's integer (PostgreSQL's
INTEGER; every `<int:…>` is an id or a year): a larger number in an address is not found
(404, for any method), where looking it up would fail in the database driver (a 500: SQLite
"Python int too large to convert to SQLite INTEGER", PostgreSQL "integer out of range")."""
from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**31 - 1  # PostgreSQL INTEGER


class BoundedIntegerConverter(IntegerConverter):
    def to_python(self, value: str) -> Any:
        number = super().to_python(value)
        if number > LARGEST_ID:
            raise NotFound()  # not "no such route": no other route's method answers 405
        return number


def init_routing(app: Flask) -> None:
    """Before any route is added: they take their converters when they are."""
    app.url_map.converters["int"] = BoundedIntegerConverter
