"""The papers' pages: asking for a receipt afterwards from the order's page, the payment
attestation, and the organisers' register (reissue as DUPLICATA, export, donor's summary)."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from festival.accounting import queries, receipts
from festival.accounting.models import DonationReceipt
from festival.core.timeutil import to_paris, utcnow
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.ticketing import orders
from festival.ticketing.models import PaymentMethod, TicketType
from tests.accounting.conftest import RECEIPT_SETTINGS, order_with_donation, paid_order
from tests.accounting.pdftext import pdf_text

ADDRESS = {"receipt_street": "3 rue des Lilas", "receipt_postal_code": "93100",
           "receipt_city": "Montreuil", "receipt_country": "France"}


def test_a_forgotten_receipt_is_asked_from_the_order_page(client, app, receipts_on):
    order = paid_order(app)
    page = client.get(order["page"]).get_data(as_text=True)
    assert "Ask for a tax receipt" in page
    form_url = f"/orders/{order['code']}/receipt?secret={order['secret']}"
    assert client.get(form_url).status_code == 200
    wrong = client.post(f"/orders/{order['code']}/receipt",
                        data={"secret": order["secret"], **ADDRESS, "receipt_city": ""})
    assert wrong.status_code == 422 and "Required for the tax receipt." in wrong.get_data(
        as_text=True)
    done = client.post(f"/orders/{order['code']}/receipt",
                       data={"secret": order["secret"], **ADDRESS})
    assert done.status_code == 303
    year = to_paris(utcnow()).year
    with app.app_context():
        receipt = db.session.scalar(select(DonationReceipt))
        assert receipt.number == f"{year}-000001" and receipt.payment_method == "cash"
        assert db.session.scalar(select(OutboxMessage.template).where(
            OutboxMessage.template == "donation_receipt")) == "donation_receipt"
    page = client.get(order["page"]).get_data(as_text=True)
    assert f"Tax receipt {year}-000001 (PDF)" in page and "Ask for a tax receipt" not in page
    text = pdf_text(client.get(f"/orders/{order['code']}/receipt.pdf?secret="
                               f"{order['secret']}").data)
    assert "Espèces" in text and "vingt euros" in text
    # Asked again: nothing new, back to the order's page.
    again = client.post(f"/orders/{order['code']}/receipt",
                        data={"secret": order["secret"], **ADDRESS})
    assert again.status_code == 303
    with app.app_context():
        assert len(db.session.scalars(select(DonationReceipt)).all()) == 1


def test_no_receipt_is_offered_without_donation_or_when_off(client, app, receipts_on):
    order = paid_order(app, donation_cents=0)
    assert "Ask for a tax receipt" not in client.get(order["page"]).get_data(as_text=True)
    assert client.post(f"/orders/{order['code']}/receipt",
                       data={"secret": order["secret"], **ADDRESS}).status_code == 409
    assert client.get(f"/orders/{order['code']}/receipt?secret=nope").status_code == 404


def test_the_payment_attestation_lists_the_order(client, app, receipts_on):
    order = paid_order(app)
    assert "Payment attestation (PDF)" in client.get(order["page"]).get_data(as_text=True)
    response = client.get(f"/orders/{order['code']}/attestation.pdf?secret={order['secret']}")
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith(
        "private")
    text = pdf_text(response.data)
    for words in ("Attestation de paiement", "Coordination N’Souss Massa (CNSM)",
                  "Amina Benali", "Billet « Pass festival »", "15,00 €",
                  "Don à l’association", "20,00 €", "Total TTC 35,00 €",
                  "TVA non applicable, article 261-7-1° b du CGI", "Espèces",
                  f"Commande {order['code']}"):
        assert words in text, words
    assert client.get(f"/orders/{order['code']}/attestation.pdf?secret=x").status_code == 404


def test_the_register_reissues_exports_and_summarises(client, app, auth, receipts_on):
    paid_order(app, 2000, ask=True)
    year = to_paris(utcnow()).year
    auth.login_as("organiser")
    assert client.get("/manage/receipts").headers["Location"].endswith(f"/manage/receipts/{year}")
    page = client.get(f"/manage/receipts/{year}").get_data(as_text=True)
    assert f"{year}-000001" in page and "unbroken sequence" in page
    with app.app_context():
        receipt_id = db.session.scalar(select(DonationReceipt.id))
    copy = client.post(f"/manage/receipts/{year}/{receipt_id}/reissue")
    assert copy.status_code == 200 and copy.mimetype == "application/pdf"
    text = pdf_text(copy.data)
    assert "DUPLICATA n° 1" in text and f"Reçu n° {year}-000001" in text
    sent = client.post(f"/manage/receipts/{year}/{receipt_id}/reissue", data={"send": "1"})
    assert sent.status_code == 303
    with app.app_context():
        receipt = db.session.get(DonationReceipt, receipt_id)
        assert receipt.duplicates == 2
        mails = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.template == "donation_receipt")).all()
        assert [m.context["duplicate"] for m in mails] == [0, 2]
    assert client.post(f"/manage/receipts/{year + 1}/{receipt_id}/reissue").status_code == 404

    exported = client.get(f"/manage/receipts/{year}/register.csv")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Receipt no.", "Sequence", "Status"]
    assert rows[1][0] == f"{year}-000001" and rows[1][4] == "20,00" and rows[1][-1] == "2"
    assert client.get(f"/manage/receipts/{year}/register.xlsx").status_code == 200

    summary = client.get(f"/manage/receipts/{year}/summary.pdf?email=amina@example.fr")
    text = pdf_text(summary.data)
    assert f"Récapitulatif annuel des dons {year}" in text and "Total des dons 20,00 €" in text
    # The donor's address in another case is the same donor.
    shouted = client.get(f"/manage/receipts/{year}/summary.pdf?email=Amina@EXAMPLE.fr")
    assert shouted.status_code == 200 and "Total des dons 20,00 €" in pdf_text(shouted.data)
    assert client.get(f"/manage/receipts/{year}/summary.pdf?email=x@y.fr").status_code == 404
    assert client.get("/manage/receipts/1800").status_code == 404


def test_the_buyer_cannot_reach_the_register(client, auth, receipts_on):
    auth.login_as("volunteer")
    assert client.get("/manage/receipts/2027").status_code == 403


@pytest.mark.parametrize("language, words", [
    ("fr", ["Reçus et attestation", "Demander un reçu fiscal", "Attestation de paiement (PDF)"]),
    ("ar", ["الإيصالات والشهادة", "طلب إيصال ضريبي", "شهادة الدفع (PDF)"]),
])
def test_the_order_page_offers_the_papers_in_the_readers_language(translated_app, language,
                                                                   words):
    translated_app.config.update(RECEIPT_SETTINGS)
    order = paid_order(translated_app)  # (its catalogues, not the tests' English ones)
    page = translated_app.test_client().get(
        order["page"], headers={"Accept-Language": language}).get_data(as_text=True)
    for text in words:
        assert text in page, text


def test_the_registers_export_holds_every_receipt_past_what_the_page_shows(
        client, app, auth, receipts_on, monkeypatch):
    paid_order(app, 1000, ask=True)
    with app.app_context():
        ticket_type = db.session.scalar(select(TicketType))
        for n in range(2):
            order = order_with_donation(ticket_type, 2000, email=f"d{n}@example.fr")
            receipts.ask_for_receipt(order, receipts.DonorAddress(
                "3 rue des Lilas", "93100", "Montreuil", "France"))
            orders.mark_paid(order, PaymentMethod.CASH)
        db.session.commit()
    year = to_paris(utcnow()).year
    monkeypatch.setattr(queries, "MAX_REGISTER_ROWS", 2)  # the page shows two
    auth.login_as("organiser")
    assert "Only the first 2 receipts are shown." in client.get(
        f"/manage/receipts/{year}").get_data(as_text=True)
    exported = client.get(f"/manage/receipts/{year}/register.csv")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == [f"{year}-00000{k}" for k in (1, 2, 3)]
    monkeypatch.setattr(queries, "MAX_EXPORT_ROWS", 2)  # more than an export holds: refused
    refused = client.get(f"/manage/receipts/{year}/register.xlsx", follow_redirects=True)
    assert "Too many receipts to export at once" in refused.get_data(as_text=True)
