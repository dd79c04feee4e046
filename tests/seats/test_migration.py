"""Migration 0040 makes the seat reservations and the sessions' pre-registration flag as the
models describe them, and goes back down (SQLite, and PostgreSQL with TEST_DATABASE_URL)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from festival import MIGRATIONS
from festival.extensions import db


def _tables() -> set[str]:
    return set(sa.inspect(db.session.connection()).get_table_names())


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(db.session.connection()).get_columns(table)}


def test_0040_matches_the_models_and_goes_back_down(old_app):
    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0040")
        assert "seat_reservations" in _tables()
        assert "registration_required" in _columns("programme_sessions")
        context = MigrationContext.configure(db.session.connection(),
                                             opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, db.metadata)
                       if "seat_reservations" in repr(d) or "registration_required" in repr(d)]
        assert differences == []
        db.session.commit()
        downgrade(directory=str(MIGRATIONS), revision="0039")
        assert "seat_reservations" not in _tables()
        assert "registration_required" not in _columns("programme_sessions")
        db.session.commit()
