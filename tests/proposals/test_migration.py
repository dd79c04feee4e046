"""Migration 0042 makes the calls' tables and `speakers.links` as the models describe them,
and goes back down (SQLite, and PostgreSQL with TEST_DATABASE_URL)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from festival import MIGRATIONS
from festival.extensions import db

TABLES = {"session_calls", "session_call_formats", "session_call_criteria",
          "session_call_reviewers", "session_proposals", "proposal_speakers", "proposal_slots",
          "speaker_availability", "proposal_events", "proposal_reviews",
          "speaker_profile_changes"}


def _tables() -> set[str]:
    return set(sa.inspect(db.session.connection()).get_table_names())


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(db.session.connection()).get_columns(table)}


def test_0042_matches_the_models_and_goes_back_down(old_app):
    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0042")
        assert TABLES <= _tables() and "links" in _columns("speakers")
        context = MigrationContext.configure(db.session.connection(),
                                             opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, db.metadata)
                       if any(t in repr(d) for t in TABLES) or "'links'" in repr(d)]
        assert differences == []
        db.session.commit()
        downgrade(directory=str(MIGRATIONS), revision="0041")
        assert not TABLES & _tables() and "links" not in _columns("speakers")
        db.session.commit()
