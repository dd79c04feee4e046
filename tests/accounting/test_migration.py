"""Migration 0039 makes the accounting tables as the models describe them, and goes back
down (SQLite, and PostgreSQL with TEST_DATABASE_URL)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from festival import MIGRATIONS
from festival.extensions import db

TABLES = {"document_counters", "receipt_requests", "donation_receipts", "invoices"}


def _tables() -> set[str]:
    return set(sa.inspect(db.session.connection()).get_table_names())


def test_0039_matches_the_models_and_goes_back_down(old_app):
    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0039")
        assert TABLES <= _tables()
        context = MigrationContext.configure(db.session.connection(),
                                             opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, db.metadata)
                       if any(name in repr(d) for name in TABLES)]
        assert differences == []
        db.session.commit()
        downgrade(directory=str(MIGRATIONS), revision="0038")
        assert not TABLES & _tables()
        db.session.commit()
