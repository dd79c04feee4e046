"""The e-mails of corrections and transfers as the sender renders them: text and HTML, in
the order's (or the new holder's) language, French and Arabic."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.mail.rendering import render
from festival.ticketing import changes, orders, printing
from festival.ticketing.models import PaymentMethod
from festival.ticketing.orders import Item
from tests.ticketing.conftest import make_edition, make_type

PDF = b"%PDF-1.4\n% the ticket\n%%EOF\n"


@pytest.fixture
def made(translated_app, monkeypatch):
    monkeypatch.setattr(printing, "render_pdf", lambda prints, fmt="a4": PDF)
    with translated_app.app_context():
        yield
        db.session.rollback()


def _rendered(template):
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.template == template).order_by(OutboxMessage.id.desc())).first()
    render(message)
    return message


@pytest.mark.parametrize("language, words", [
    ("fr", {"ticket_transferred": ["Aïcha Ben vous a cédé un billet", "Yanis Amrani",
                                   "Numéro du billet", "Où et quand"],
            "order_email_changed": ["L’adresse e-mail de votre commande",
                                    "Si vous n’avez pas demandé ce changement"]}),
    ("ar", {"ticket_transferred": ["تنازل لك Aïcha Ben عن تذكرة", "Yanis Amrani",
                                   "رقم التذكرة", "أين ومتى"],
            "order_email_changed": ["تم للتو تغيير البريد الإلكتروني لطلبك",
                                    "إن لم تطلب هذا التغيير"]}),
])
def test_the_messages_in_french_and_arabic(made, language, words):
    edition = make_edition()
    kind = make_type(edition, quota=5)
    order = orders.create_order(edition, buyer_name="Aïcha Ben", email="aicha@example.fr",
                                items=[Item(kind.id, 2)], terms_accepted=True,
                                language=language)
    orders.mark_paid(order, PaymentMethod.CASH)
    now = changes.festival_starts_at(order) - timedelta(days=5)
    new = changes.transfer_ticket(order, order.tickets[0].id, name="Yanis Amrani",
                                  email="yanis@example.org", language=language, now=now)
    changes.correct_order(order, email="aicha@nouveau.fr", now=now)
    db.session.flush()

    transferred = _rendered("ticket_transferred")
    assert transferred.to_address == "yanis@example.org"
    for word in words["ticket_transferred"]:
        assert word in transferred.text_body and word in transferred.html_body, word
    assert f"#{new.id}" in transferred.text_body
    assert 'src="cid:' in transferred.html_body
    assert ('dir="rtl"' in transferred.html_body) is (language == "ar")
    assert sorted(a.mimetype for a in transferred.attachments) == [
        "application/pdf", "image/png"]
    assert order.secret not in transferred.text_body + transferred.html_body  # not the buyer's link

    changed = _rendered("order_email_changed")
    assert changed.to_address == "aicha@example.fr"
    for word in words["order_email_changed"]:
        assert word in changed.text_body and word in changed.html_body, word
    assert "aicha@nouveau.fr" not in changed.text_body + changed.html_body
    # the address isolated, so that Arabic text keeps its full stop after it
    assert '<bdi dir="ltr">contact@' in changed.html_body
    assert order.code in changed.subject


def test_a_ticket_no_longer_valid_when_sent_says_so(made):
    edition = make_edition()
    order = orders.create_order(edition, buyer_name="Aïcha", email="aicha@example.fr",
                                items=[Item(make_type(edition).id, 1)], terms_accepted=True,
                                language="fr")
    orders.mark_paid(order, PaymentMethod.CASH)
    now = changes.festival_starts_at(order) - timedelta(days=5)
    first = changes.transfer_ticket(order, order.tickets[0].id, name="Yanis",
                                    email="yanis@example.org", now=now)
    changes.transfer_ticket(order, first.id, name="Nadia", email="nadia@example.org", now=now)
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_address == "yanis@example.org")).one()
    render(message)
    assert "n’est plus valable" in message.text_body and not message.attachments
