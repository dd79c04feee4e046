"""Migration 0033: tickets sold before transfers existed have changed hands no time, name no
holder and replace no ticket; the migration goes back down (SQLite, and PostgreSQL with
TEST_DATABASE_URL)."""
from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from festival import MIGRATIONS
from festival.extensions import db
from tests.old_rows import insert_row

COLUMNS = {"transferred_from_id", "transfer_count", "holder_email"}


def test_0033_gives_older_tickets_no_transfer(old_app):
    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0031")
        edition = insert_row("editions", year=2027, title="Almoggar 2027", status="on_sale")
        kind = insert_row("ticket_types", edition_id=edition, name="Pass", price_cents=1500,
                          max_per_order=10)
        order = insert_row("orders", edition_id=edition, code="OLD0001", secret="s",
                           buyer_name="Amina", email="amina@example.fr", status="paid")
        ticket = insert_row("tickets", order_id=order, ticket_type_id=kind,
                            attendee_name="Amina", price_cents=1500, status="valid")
        db.session.commit()

        upgrade(directory=str(MIGRATIONS), revision="0033")
        row = db.session.execute(text(
            "SELECT transferred_from_id, transfer_count, holder_email FROM tickets "
            "WHERE id = :id"), {"id": ticket}).one()
        db.session.commit()
        assert tuple(row) == (None, 0, None)

        downgrade(directory=str(MIGRATIONS), revision="0031")
        columns = {c["name"] for c in inspect(db.engine).get_columns("tickets")}
        assert not columns & COLUMNS
        assert db.session.execute(text("SELECT attendee_name FROM tickets")).scalar() == "Amina"
        db.session.commit()
