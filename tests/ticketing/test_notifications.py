"""The order confirmation as a mail reader sees it: queued with the sale as what to render,
rendered by the sender after the commit."""
from __future__ import annotations

import email
import re
from collections import Counter
from email import policy

import pytest
from sqlalchemy import select

from festival.extensions import db
from festival.mail import services
from festival.mail.models import MailStatus, OutboxMessage
from festival.mail.rendering import render
from festival.mail.sender import build_email, send_all_due
from festival.ticketing import orders, printing, qr
from festival.ticketing.models import PaymentMethod
from festival.ticketing.orders import Item
from festival.ticketing.pdf_cache import cached_order_pdf
from tests.ticketing.conftest import make_type

# RFC 5322 msg-id: "<" dot-atom-text "@" dot-atom-text ">" (no obsolete or literal forms).
ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
DOT_ATOM = rf"{ATOM}(?:\.{ATOM})*"
MSG_ID = re.compile(rf"^<({DOT_ATOM}@{DOT_ATOM})>$")
PDF = b"%PDF-1.4\n% the tickets\n%%EOF\n"


def test_inline_images_have_valid_content_ids_that_the_html_references(edition):
    pass_type = make_type(edition, quota=5)
    order = orders.create_order(edition, terms_accepted=True,
                                buyer_name="Amina", email="amina@example.fr",
                                items=[Item(pass_type.id, 2)])
    orders.mark_paid(order, PaymentMethod.DEMO)
    message = db.session.scalars(select(OutboxMessage)).one()
    render(message)
    sent = email.message_from_bytes(bytes(build_email(message, "billetterie@almoggar.example")),
                                    policy=policy.default)
    content_ids = [part["Content-ID"] for part in sent.walk() if part["Content-ID"]]
    assert len(content_ids) == 2 and len(set(content_ids)) == 2
    ids = []
    for header in content_ids:
        match = MSG_ID.match(str(header))
        assert match, header
        ids.append(match.group(1))
    html = sent.get_body(("html",)).get_content()
    assert sorted(re.findall(r'src="cid:([^"]+)"', html)) == sorted(ids)


@pytest.fixture
def renders(monkeypatch):
    """Every QR code, ticket PDF and mail template rendered, by kind (the PDF is a stub)."""
    calls: dict[str, list] = {"qr": [], "pdf": [], "mail": []}
    real_qr, real_template = qr.qr_image, services.render_template

    def qr_image(text, box_size=10):
        calls["qr"].append(text)
        return real_qr(text, box_size)

    def render_pdf(prints, fmt="a4"):
        calls["pdf"].append([p.token for p in prints])
        return PDF

    def render_template(name, **values):
        calls["mail"].append(name)
        return real_template(name, **values)

    monkeypatch.setattr(qr, "qr_image", qr_image)
    monkeypatch.setattr(printing, "render_pdf", render_pdf)  # where it is called
    monkeypatch.setattr(services, "render_template", render_template)
    return calls


def _sell(edition):
    """A free order of two tickets (paid at once) and a paid order of one, confirmed."""
    free = make_type(edition, name="Enfant", price=0)
    paid = make_type(edition)
    gift = orders.create_order(edition, terms_accepted=True,
                               buyer_name="Aïcha", email="aicha@example.fr",
                               items=[Item(free.id, 2)])
    bought = orders.create_order(edition, terms_accepted=True,
                                 buyer_name="Omar", email="omar@example.fr",
                                 items=[Item(paid.id, 1)], language="en")
    assert orders.mark_paid(bought, PaymentMethod.STRIPE,
                            amount_cents=bought.total_cents) == "paid"
    db.session.commit()
    return gift, bought


def test_a_sale_renders_nothing_and_the_sender_renders_each_message_once(
        edition, renders, smtp_server):
    gift, bought = _sell(edition)
    assert renders == {"qr": [], "pdf": [], "mail": []}
    # Committed with the orders: a process that dies now loses no e-mail.
    queued = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.to_address, m.template, m.context, m.text_body, m.attachments)
            for m in queued] == [
        ("aicha@example.fr", "order_confirmation", {"order_id": gift.id}, None, []),
        ("omar@example.fr", "order_confirmation", {"order_id": bought.id}, None, [])]
    assert gift.code in queued[0].subject and queued[1].language == "en"

    assert send_all_due().sent == 2
    assert len(renders["qr"]) == 3 and len(renders["pdf"]) == 2
    assert sorted(renders["mail"]) == sorted(["mail/order_confirmation.txt",
                                              "mail/order_confirmation.html"] * 2)
    received = {m["To"]: m for m in smtp_server.messages}
    mail = received["aicha@example.fr"]
    assert gift.code in mail["Subject"]
    alternative, attachment = mail.iter_parts()
    text, related = alternative.iter_parts()
    assert gift.code in text.get_content()
    html, *images = related.iter_parts()
    cids = [i["Content-ID"].strip("<>") for i in images]
    assert [cid.split(".")[0] for cid in cids] == [f"ticket-{t.id}" for t in gift.tickets]
    assert all(i.get_content_type() == "image/png" and i.get_content().startswith(b"\x89PNG")
               for i in images)
    assert all(f'src="cid:{cid}"' in html.get_content() for cid in cids)
    assert attachment.get_filename() == f"almoggar-{gift.code}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF

    # What was sent is kept on the row; nothing is rendered again.
    db.session.expire_all()
    sent = db.session.get(OutboxMessage, queued[0].id)
    assert sent.status is MailStatus.SENT and gift.code in sent.text_body
    assert sorted(a.mimetype for a in sent.attachments) == [
        "application/pdf", "image/png", "image/png"]
    assert send_all_due().claimed == 0 and len(renders["pdf"]) == 2
    # The buyer's download is the PDF the e-mail carried: one rendering for both.
    valid = [t for t in gift.tickets]
    assert cached_order_pdf(gift, "a4", valid, valid) == PDF and len(renders["pdf"]) == 2



def test_a_free_order_holds_the_quota_row_for_two_statements_more_than_a_paid_one(edition):
    """Every statement after the quota's UPDATE runs while the other buyers of the same
    ticket wait: a free order adds only its payment row (paid at once) and its outbox row
    to what a paid order does; nothing is rendered there."""
    from sqlalchemy import event
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the single INSERT … ON CONFLICT is PostgreSQL's")
    free, paid = make_type(edition, name="Enfant", price=0), make_type(edition)
    db.session.commit()

    def under_the_lock(type_id, email):
        statements = []

        def keep(conn, cursor, statement, *args):
            statements.append(" ".join(statement.split()[:3]))

        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            orders.create_order(edition, terms_accepted=True, buyer_name="Nadia", email=email,
                                items=[Item(type_id, 1)])
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        db.session.commit()
        return statements[next(i for i, s in enumerate(statements)
                               if s.startswith("UPDATE quotas")):]

    bought, given = (under_the_lock(paid.id, "a@example.fr"),
                     under_the_lock(free.id, "b@example.fr"))
    extra = Counter(given)
    extra.subtract(Counter(bought))
    assert +extra == Counter(["INSERT INTO payments", "INSERT INTO outbox_messages"]), given


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_the_confirmation_says_where_and_when_in_the_buyers_language(edition, language):
    from tests.factories import gen_where_and_when
    gen_where_and_when(edition)
    saturday = make_type(edition, name="Samedi", valid_days=[edition.dates[0].isoformat()])
    order = orders.create_order(edition, buyer_name="Amina", email="amina@example.fr",
                                items=[Item(saturday.id, 1)], language=language,
                                terms_accepted=True)
    orders.mark_paid(order, PaymentMethod.DEMO)
    message = db.session.scalars(select(OutboxMessage)).one()
    render(message)
    for body in (message.text_body, message.html_body):
        assert "Where and when" in body and "Espace Léo-Lagrange" in body
        assert "12 avenue Gabriel-Péri, 92230 Gennevilliers" in body
        assert "Doors 18:00 – 01:30" in body  # the day the ticket admits on…
        assert "10:00" not in body            # …and not the other one
        transport = "المترو 13، محطة غابرييل بيري" if language == "ar" else \
            "Métro 13, station Gabriel Péri"
        assert transport in body
    assert "Step-free access: Entrée de plain-pied" in message.text_body or language == "ar"
    assert 'href="https://www.openstreetmap.org/way/42"' in message.html_body
    assert "See it on a map: https://www.openstreetmap.org/way/42" in message.text_body
    assert f'dir="{"rtl" if language == "ar" else "ltr"}"' in message.html_body
