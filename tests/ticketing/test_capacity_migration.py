"""Migration 0023 turns each edition's venue quota into one quota per festival day, counting
the tickets held that admit on each day (SQLite, and PostgreSQL with TEST_DATABASE_URL), and
goes back down to one venue quota counting every ticket held."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from festival import MIGRATIONS
from festival.extensions import db
from festival.ticketing.models import Quota
from tests.old_rows import insert_row

SATURDAY, SUNDAY = date(2027, 5, 15), date(2027, 5, 16)


def _quotas() -> set[tuple]:
    return set(db.session.execute(sa.select(
        Quota.edition_id, Quota.ticket_type_id, Quota.day, Quota.size, Quota.used)).all())


def test_0023_moves_the_venue_quota_to_each_day_with_its_tickets(old_app):
    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0021")
        edition = insert_row("editions", year=2027, title="Almoggar 2027", status="on_sale")
        other = insert_row("editions", year=2026, title="Almoggar 2026", status="closed")
        for day in (SATURDAY, SUNDAY):
            insert_row("edition_days", edition_id=edition, day=day)
        insert_row("edition_days", edition_id=other, day=date(2026, 5, 16))
        kinds = {name: insert_row("ticket_types", edition_id=edition, name=name,
                                  valid_days=days, max_per_order=10)
                 for name, days in (("sat", [SATURDAY.isoformat()]),
                                    ("sun", [SUNDAY.isoformat()]), ("both", []))}
        other_kind = insert_row("ticket_types", edition_id=other, name="pass", valid_days=[],
                                max_per_order=10)
        insert_row("quotas", edition_id=edition, ticket_type_id=None, size=1000, used=9)
        for kind in kinds.values():
            insert_row("quotas", edition_id=edition, ticket_type_id=kind, size=600, used=0)
        insert_row("quotas", edition_id=other, ticket_type_id=other_kind, size=50, used=1)
        held = [("pending", "both", "valid", 2), ("paid", "sat", "valid", 3),
                ("expired", "sun", "valid", 4), ("paid", "sun", "valid", 1),
                ("paid", "sun", "revoked", 1), ("refunded", "both", "revoked", 2)]
        for n, (status, kind, ticket_status, count) in enumerate(held):
            order = insert_row("orders", edition_id=edition, code=f"CODE{n}", secret="s",
                               buyer_name="B", email="b@example.fr", status=status)
            for _ in range(count):
                insert_row("tickets", order_id=order, ticket_type_id=kinds[kind],
                           status=ticket_status)
        order = insert_row("orders", edition_id=other, code="OTHER", secret="s",
                           buyer_name="B", email="b@example.fr", status="paid")
        insert_row("tickets", order_id=order, ticket_type_id=other_kind, status="valid")
        db.session.commit()

        upgrade(directory=str(MIGRATIONS), revision="0023")
        assert _quotas() == {
            (edition, None, SATURDAY, 1000, 2 + 3), (edition, None, SUNDAY, 1000, 2 + 1),
            *((edition, kind, None, 600, 0) for kind in kinds.values()),
            (other, other_kind, None, 50, 1)}
        capacities = dict(db.session.execute(sa.text("SELECT year, day_capacity FROM editions"))
                          .all())
        assert capacities == {2027: 1000, 2026: None}
        # One quota per edition and day, and a quota is a type's or a day's, never both.
        with pytest.raises(sa.exc.IntegrityError):
            with db.session.begin_nested():
                db.session.execute(sa.text(
                    "INSERT INTO quotas (edition_id, day, size, used) "
                    "VALUES (:e, :d, 10, 0)"), {"e": edition, "d": SATURDAY})
        with pytest.raises(sa.exc.IntegrityError):
            with db.session.begin_nested():
                db.session.execute(sa.text(
                    "INSERT INTO quotas (edition_id, size, used) VALUES (:e, 10, 0)"),
                    {"e": other})
        db.session.commit()

        downgrade(directory=str(MIGRATIONS), revision="0021")
        rows = set(db.session.execute(sa.text(
            "SELECT edition_id, ticket_type_id, size, used FROM quotas")).all())
        assert rows == {(edition, None, 1000, 2 + 3 + 1),
                        *((edition, kind, 600, 0) for kind in kinds.values()),
                        (other, other_kind, 50, 1)}
        db.session.commit()
        db.session.remove()
