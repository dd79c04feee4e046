"""Migration 0037 keeps every text organisers wrote as its French version and adds the other
languages beside it, empty: tried on the demo's database (SQLite, and PostgreSQL with
TEST_DATABASE_URL), down and up again, nothing lost."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from festival import MIGRATIONS
from festival.extensions import db

TEXTS = {"editions": ("title", "tagline", "description"),
         "ticket_types": ("name", "description"), "edition_rooms": ("name", "description"),
         "speakers": ("bio",), "programme_sessions": ("title", "abstract"),
         "checkin_lists": ("name",)}


def _texts() -> dict:
    return {table: sorted(tuple(row) for row in db.session.execute(
        sa.text(f"SELECT id, {', '.join(columns)} FROM {table}")))  # noqa: S608 (constants)
        for table, columns in TEXTS.items()}


def test_0037_keeps_the_demos_texts_as_french(old_app):
    from festival.demo import load_demo

    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="heads")
        load_demo(echo=lambda line: None)
        db.session.commit()
        before = _texts()
        assert sum(len(rows) for rows in before.values()) > 50
        translated = db.session.execute(sa.text(
            "SELECT translations FROM ticket_types ORDER BY id")).scalars().first()
        assert translated  # the demo writes its ticket names in English and Arabic too
        db.session.commit()
        downgrade(directory=str(MIGRATIONS), revision="0036")
        assert _texts() == before
        columns = {c["name"] for c in sa.inspect(db.session.connection()).get_columns(
            "ticket_types")}
        assert "translations" not in columns
        db.session.commit()
        upgrade(directory=str(MIGRATIONS), revision="heads")
        assert _texts() == before
        for table in TEXTS:
            values = db.session.execute(sa.text(f"SELECT translations FROM {table}")).scalars()
            assert all(v in ({}, "{}") for v in values), table  # noqa: S608 (constants)
        db.session.commit()
