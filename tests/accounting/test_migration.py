"""Migrations 0039 (the accounting tables) and 0045 (credit notes, payment fees) make the
tables as the models describe them, and go back down (SQLite, and PostgreSQL with
TEST_DATABASE_URL)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from festival import MIGRATIONS
from festival.extensions import db

TABLES = {"document_counters", "receipt_requests", "donation_receipts", "invoices"}
LATER = {"donation_receipts": {"printed"}, "invoices": {"printed"}}  # added by 0045


def _tables() -> set[str]:
    return set(sa.inspect(db.session.connection()).get_table_names())


def _table_of(difference) -> str:
    """The table an autogenerate difference is about."""
    kind, *rest = difference[0] if isinstance(difference, list) else difference
    if kind.endswith("_table"):
        return rest[0].name
    if kind.endswith(("_index", "_constraint", "_fk")):
        return rest[0].table.name
    return rest[1]  # (add_column, schema, table, column), (modify_type, schema, table, …)


def _differences(tables: set[str]) -> list:
    context = MigrationContext.configure(db.session.connection(), opts={"compare_type": True})
    return [d for d in compare_metadata(context, db.metadata) if _table_of(d) in tables]


def test_0039_matches_the_models_and_goes_back_down(old_app):
    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0039")
        assert TABLES <= _tables()
        later = [d for d in _differences(TABLES) if d[0] == "add_column"
                 and d[3].name in LATER.get(d[2], ())]
        assert len(later) == 2  # the columns 0045 adds are the only differences
        assert [d for d in _differences(TABLES) if d not in later] == []
        db.session.commit()
        downgrade(directory=str(MIGRATIONS), revision="0038")
        assert not TABLES & _tables()
        db.session.commit()


def test_0045_adds_credit_notes_and_payment_fees_and_goes_back_down(old_app):
    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0045")
        assert "credit_notes" in _tables()
        assert _differences({"credit_notes", "payments", "donation_receipts", "invoices"}) == []
        columns = {c["name"] for c in sa.inspect(db.session.connection()).get_columns("payments")}
        assert "fee_cents" in columns
        db.session.commit()
        downgrade(directory=str(MIGRATIONS), revision="0042")
        assert "credit_notes" not in _tables()
        columns = {c["name"] for c in sa.inspect(db.session.connection()).get_columns("payments")}
        assert "fee_cents" not in columns
        db.session.commit()
