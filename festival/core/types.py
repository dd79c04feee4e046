"""Column types shared by every domain."""
from __future__ import annotations

import enum
from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A UTC instant: stored without zone (SQLite keeps none), always read back aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC instant is expected")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def str_enum(cls: type[enum.Enum], name: str, *, length: int) -> Enum:
    """An enum stored as its values in a VARCHAR of `length`, on SQLite and PostgreSQL alike
    (no native type). Changing `length` or `name` of an existing column needs a migration."""
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e],
                native_enum=False, length=length)
