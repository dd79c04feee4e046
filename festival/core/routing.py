"""The `<int:…>` of every route holds at most the largest id column's integer (PostgreSQL's
INTEGER; every `<int:…>` is an id or a year): a larger number in an address matches no route
(404), where looking it up would fail in the database driver (a 500: SQLite "Python int too
large to convert to SQLite INTEGER", PostgreSQL "integer out of range")."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**31 - 1  # PostgreSQL INTEGER


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = None, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, LARGEST_ID if max is None else max, signed)


def init_routing(app: Flask) -> None:
    """Before any route is added: they take their converters when they are."""
    app.url_map.converters["int"] = BoundedIntegerConverter
