"""Migration 0019 backfills the ledger from the orders and the webhook events already kept
(SQLite, and PostgreSQL with TEST_DATABASE_URL), and goes back down. Its rows are written
through the tables as they were at 0017 (tests/old_rows.py), not through today's models."""
from __future__ import annotations

from datetime import datetime, timezone

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from festival import MIGRATIONS
from festival.extensions import db
from tests.old_rows import insert_row

PAID_AT = datetime(2027, 4, 1, 12, 0, tzinfo=timezone.utc)


def test_0019_backfills_payments_and_refunds(old_app):
    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0017")
        edition = insert_row("editions", year=2027, title="Almoggar 2027", status="on_sale")
        kind = insert_row("ticket_types", edition_id=edition, name="Pass festival",
                          price_cents=1500, valid_days=[], max_per_order=10)
        made = {}
        for n, name in enumerate(("paid", "partly", "failed", "pending", "cancelled")):
            made[name] = insert_row("orders", edition_id=edition, code=f"CODE{n}", secret="s",
                                    buyer_name=name, email=f"{name}@example.fr",
                                    status="pending", tickets_cents=3000, total_cents=3000)
            for _ in range(2):
                insert_row("tickets", order_id=made[name], ticket_type_id=kind,
                           price_cents=1500, status="valid")
        db.session.commit()
        run = db.session.execute
        run(text("UPDATE orders SET status='paid', payment_method='stripe', paid_at=:at, "
                 "stripe_session_id='cs_paid', stripe_payment_intent='pi_paid' WHERE id=:id"),
            {"at": PAID_AT, "id": made["paid"]})
        run(text("UPDATE orders SET status='paid', payment_method='cash', paid_at=:at, "
                 "refunded_cents=1500 WHERE id=:id"), {"at": PAID_AT, "id": made["partly"]})
        run(text("UPDATE orders SET status='expired', stripe_session_id='cs_failed' "
                 "WHERE id=:id"), {"id": made["failed"]})
        run(text("INSERT INTO payment_events (provider_event_id, type, order_code, outcome, "
                 "received_at) SELECT 'evt_1', 'checkout.session.async_payment_failed', code, "
                 "'failed', created_at FROM orders WHERE id=:id"), {"id": made["failed"]})
        run(text("UPDATE orders SET stripe_session_id='cs_pending' WHERE id=:id"),
            {"id": made["pending"]})
        run(text("UPDATE orders SET status='cancelled', stripe_session_id='cs_cancelled' "
                 "WHERE id=:id"), {"id": made["cancelled"]})
        db.session.commit()

        upgrade(directory=str(MIGRATIONS), revision="0019")
        payments = {row.order_id: row for row in run(text(
            "SELECT order_id, provider, amount_cents, state, checkout_session_id, "
            "payment_intent_id FROM payments"))}
        refunds = run(text("SELECT order_id, amount_cents, state FROM refunds")).all()
        db.session.commit()
        assert {name: tuple(payments[order_id])[1:] for name, order_id in made.items()} == {
            "paid": ("stripe", 3000, "confirmed", "cs_paid", "pi_paid"),
            "partly": ("cash", 3000, "confirmed", None, None),
            "failed": ("stripe", 3000, "failed", "cs_failed", None),
            "pending": ("stripe", 3000, "created", "cs_pending", None),
            "cancelled": ("stripe", 3000, "cancelled", "cs_cancelled", None),
        }
        assert [tuple(r) for r in refunds] == [(made["partly"], 1500, "requested")]

        downgrade(directory=str(MIGRATIONS), revision="0017")
        tables = db.inspect(db.engine).get_table_names()
        assert "payments" not in tables and "refunds" not in tables
        db.session.remove()
