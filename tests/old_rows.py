"""Rows written at an older revision of the schema, for the migrations' tests: the models
describe the newest schema, so these tests write through the tables as the database has them."""
from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa

from festival.extensions import db

WHEN = datetime(2027, 4, 1, 12, 0, tzinfo=timezone.utc)
FILLERS = ((sa.Boolean, False), (sa.Integer, 0), (sa.DateTime, WHEN),
           (sa.Date, date(2027, 5, 15)))


def insert_row(table_name: str, **values) -> int:
    """A row of the table as it is now, with the given values and every other required column
    filled with a neutral one (0, false, '', a fixed date); returns its id."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=db.session.connection())
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key \
                or column.server_default is not None:
            continue
        values[column.name] = next((v for kind, v in FILLERS
                                    if isinstance(column.type, kind)), "")
    return db.session.execute(table.insert().values(**values)).inserted_primary_key[0]
