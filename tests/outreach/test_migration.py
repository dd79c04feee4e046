"""Migration 0028 adds the rules' tables and the outbox's headers to a database with messages
(SQLite, and PostgreSQL with TEST_DATABASE_URL), and goes back down."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from festival import MIGRATIONS
from festival.extensions import db
from tests.old_rows import insert_row


def test_0028_up_and_down(old_app):
    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0026")
        insert_row("outbox_messages", to_address="a@example.fr", subject="Old", language="fr",
                   template="test", message_id="<old@almoggar.example>", status="sent",
                   attempts=1)
        db.session.commit()
        upgrade(directory=str(MIGRATIONS), revision="0028")
        inspector = sa.inspect(db.engine)
        assert {"message_rules", "rule_deliveries", "unsubscribed_addresses",
                "feedback_answers"} <= set(inspector.get_table_names())
        assert db.session.execute(sa.text(
            "SELECT subject, headers, send_before FROM outbox_messages")).all() == [
            ("Old", None, None)]
        uniques = {tuple(u["column_names"])
                   for u in inspector.get_unique_constraints("rule_deliveries")}
        assert ("rule_id", "recipient", "occasion") in uniques
        db.session.commit()
        downgrade(directory=str(MIGRATIONS), revision="0026")
        inspector = sa.inspect(db.engine)
        assert "message_rules" not in inspector.get_table_names()
        assert not {"headers", "send_before"} & {
            c["name"] for c in inspector.get_columns("outbox_messages")}
        db.session.commit()
