"""An order's history in words: every kind has a label, the facts are data written in the
reader's language, and the back-office order page says where each ticket is."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from festival import MIGRATIONS
from festival.extensions import db
from festival.ticketing import orders
from festival.ticketing.labels import EVENT_KIND, EVENT_REASON, describe_event
from festival.ticketing.models import ORDER_EVENT_KINDS, OrderEvent, PaymentMethod
from tests.old_rows import insert_row
from tests.mail.conftest import compiled_translations, translated_app  # noqa: F401
from tests.ticketing.conftest import make_edition, make_type

PACKAGE = Path(__file__).resolve().parents[2] / "festival"


def test_every_kind_of_history_has_its_words():
    assert set(EVENT_KIND) == ORDER_EVENT_KINDS


def test_every_kind_the_code_records_is_a_known_kind():
    recorded = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        recorded |= set(re.findall(r"record\(\s*order,\s*\"([a-z_]+)\"", text))
        recorded |= set(re.findall(r"kind=\"([a-z_]+)\"", text)) & set(EVENT_KIND)
    assert recorded and recorded <= ORDER_EVENT_KINDS


def test_an_unknown_kind_is_refused(ctx):
    edition = make_edition()
    kind = make_type(edition)
    order = orders.create_order(edition, buyer_name="Amina", email="amina@example.fr",
                                items=[orders.Item(kind.id, 1)], terms_accepted=True)
    with pytest.raises(ValueError):
        orders.record(order, "teleported")


@pytest.mark.parametrize("data, fr, en", [
    ({"tickets": 3, "total_cents": 5500}, "3 billets · total 55,00\u00a0€",
     "3 tickets · total €55.00"),
    ({"tickets": 1, "total_cents": 0}, "1 billet · total 0,00\u00a0€", "1 ticket · total €0.00"),
    ({"method": "cash", "revived": False}, "Espèces", "Cash"),
    ({"amount_cents": 2000}, "20,00\u00a0€", "€20.00"),
    ({"amount_cents": 900, "currency": "eur", "expected_cents": 1000},
     "9,00\u00a0€ reçus au lieu de 10,00\u00a0€", "€9.00 received instead of €10.00"),
    ({"reason": "at_stripe"}, "Remboursé depuis le tableau de bord de Stripe.",
     "Refunded from Stripe's dashboard."),
    (None, "", ""),
])
def test_the_facts_are_written_in_the_readers_language(ctx, translated_app, data, fr, en):
    event = OrderEvent(kind="created", data=data)
    for lang, expected in (("fr", fr), ("en", en)):
        with translated_app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
            assert describe_event(event) == expected


def test_no_fact_is_left_as_a_code_or_in_cents(ctx, translated_app):
    samples = [{"tickets": 2, "total_cents": 3000}] + [{"method": m.value} for m in PaymentMethod]
    samples += [{"reason": r} for r in EVENT_REASON]
    with translated_app.test_request_context("/", headers={"Cookie": "lang=fr"}):
        for data in samples:
            text = describe_event(OrderEvent(kind="paid", data=data))
            assert "cents" not in text and "_" not in text
            assert text not in {m.value for m in PaymentMethod}


def test_the_order_page_tells_the_history_and_the_door_in_words(app, client, auth):
    from festival.checkin.models import Direction
    from festival.checkin.services import check_in
    from tests.checkin.conftest import (
        door_of,
        make_device,
        make_door_edition,
        make_list,
        make_ticket_type,
    )
    with app.app_context():
        edition = make_door_edition()
        kind = make_ticket_type(edition)
        order = orders.create_order(edition, buyer_name="Amina Idrissi",
                                    email="amina@example.fr", items=[orders.Item(kind.id, 2, ["Amina Idrissi",
                                                                      "Yassine Idrissi"])],
                                    terms_accepted=True)
        orders.mark_paid(order, PaymentMethod.DEMO, amount_cents=order.total_cents)
        device, _token = make_device(make_list(edition), gate="Nord")
        check_in(door_of(device), ticket_id=order.tickets[0].id, direction=Direction.IN)
        db.session.commit()
        year, code = edition.year, order.code
    auth.login_as("organiser")
    html = client.get(f"/manage/{year}/orders/{code}").get_data(as_text=True)
    assert "2 tickets · total" in html and "Demo payment" in html
    assert "cents" not in html and "ticket(s)" not in html
    assert "came in on" in html and "gate Nord" in html and "not checked in" in html


def test_0031_turns_the_old_notes_into_data(old_app):
    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0026")
        edition = insert_row("editions", year=2027, title="Almoggar 2027", status="on_sale")
        order = insert_row("orders", edition_id=edition, code="OLD1", secret="s",
                           buyer_name="B", email="b@example.fr", status="refunded")
        old = [("created", "3 ticket(s), 5500 cents"), ("paid", "stripe"),
               ("paid", "cash, revived after expiry"),
               ("partial_refund", "1500 cents. Malade le samedi"),
               ("refunded", "refunded in Stripe"), ("cancelled", "Doublon"),
               ("payment_mismatch", "received 900 eur, expected 1000 eur"),
               ("email_resent", "b@example.fr")]
        ids = [insert_row("order_events", order_id=order, kind=kind, note=note)
               for kind, note in old]
        db.session.commit()
        upgrade(directory=str(MIGRATIONS), revision="0031")
        table = sa.table("order_events", sa.column("id"), sa.column("note"),
                         sa.column("data", sa.JSON))
        rows = {r.id: (r.data, r.note) for r in db.session.execute(
            sa.select(table.c.id, table.c.data, table.c.note))}
        assert [rows[i] for i in ids] == [
            ({"tickets": 3, "total_cents": 5500}, ""),
            ({"method": "stripe", "revived": False}, ""),
            ({"method": "cash", "revived": True}, ""),
            ({"amount_cents": 1500}, "Malade le samedi"),
            ({"reason": "at_stripe"}, ""),
            (None, "Doublon"),
            ({"amount_cents": 900, "currency": "eur", "expected_cents": 1000}, ""),
            (None, "b@example.fr"),
        ]
