"""Migration 0030: the orders made before the shop asked for the terms of sale say so
(not_recorded, no version, no moment), and the migration goes back down (SQLite, and
PostgreSQL with TEST_DATABASE_URL)."""
from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from festival import MIGRATIONS
from festival.extensions import db
from tests.old_rows import insert_row


def test_0030_marks_older_orders_as_not_recorded(old_app):
    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0026")
        edition = insert_row("editions", year=2027, title="Almoggar 2027", status="on_sale")
        order = insert_row("orders", edition_id=edition, code="OLD0001", secret="s",
                           buyer_name="Amina", email="amina@example.fr", status="paid")
        db.session.commit()

        upgrade(directory=str(MIGRATIONS), revision="0030")
        row = db.session.execute(text(
            "SELECT terms_acceptance, terms_version, terms_accepted_at FROM orders "
            "WHERE id = :id"), {"id": order}).one()
        db.session.commit()
        assert tuple(row) == ("not_recorded", "", None)

        downgrade(directory=str(MIGRATIONS), revision="0026")
        columns = {c["name"] for c in inspect(db.engine).get_columns("orders")}
        assert not columns & {"terms_acceptance", "terms_version", "terms_accepted_at"}
