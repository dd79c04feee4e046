"""Migration 0046 makes the terms' versions as the model describes them, keeps the orders'
recorded versions, and goes back down (SQLite, and PostgreSQL with TEST_DATABASE_URL)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from festival import MIGRATIONS
from festival.extensions import db


def _tables() -> set[str]:
    return set(sa.inspect(db.session.connection()).get_table_names())


def test_0046_matches_the_model_and_goes_back_down(old_app):
    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0046")
        assert "terms_versions" in _tables()
        context = MigrationContext.configure(db.session.connection(),
                                             opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, db.metadata)
                       if "terms_versions" in repr(d)]
        assert differences == []
        db.session.commit()
        downgrade(directory=str(MIGRATIONS), revision="0045")
        assert "terms_versions" not in _tables()
        db.session.commit()
