"""Invoices for company buyers: a paid order only, one per order, its own unbroken numbering
per year, the company's details checked, the PDF as issued."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from festival.accounting import documents, invoices, numbering
from festival.accounting.models import CounterKind, CreditNote, Invoice
from festival.core.errors import DomainError, ValidationError
from festival.core.timeutil import to_paris, utcnow
from festival.extensions import db
from festival.ticketing import refunds
from festival.ticketing.models import Order
from tests.accounting.conftest import order_with_donation, paid_order, pay
from tests.accounting.pdftext import pdf_text
from tests.factories import gen_user
from tests.ticketing.conftest import make_edition, make_type

NOW = datetime(2027, 4, 3, 9, 0, tzinfo=UTC)
COMPANY = {"company_name": "Atlas Conseil SARL",
           "company_address": "8 avenue du Maine, 75015 Paris", "vat_number": "fr 12 345678901"}


def test_invoices_are_numbered_apart_per_year(receipts_on, pass_type):
    first, second = order_with_donation(pass_type), order_with_donation(pass_type, 0)
    pay(first)
    pay(second)
    one = invoices.issue_invoice(first, **COMPANY, now=NOW)
    assert one.number == "F2027-000001" and one.vat_number == "FR12345678901"
    assert one.total_cents == first.total_cents == 4050
    assert one.lines == [["Billet « Pass festival »", 1, 1500, 1500],
                         ["Don à l’association (hors champ de la TVA)", 1, 2550, 2550]]
    two = invoices.issue_invoice(second, **COMPANY,
                                 now=datetime(2028, 1, 2, 9, 0, tzinfo=UTC))
    assert two.number == "F2028-000001"
    with pytest.raises(DomainError) as refused:
        invoices.issue_invoice(first, **COMPANY, now=NOW)
    assert refused.value.code == "invoice_exists"


def test_only_a_paid_order_and_a_valid_company_are_invoiced(receipts_on, pass_type):
    order = order_with_donation(pass_type)
    with pytest.raises(DomainError) as refused:
        invoices.issue_invoice(order, **COMPANY, now=NOW)
    assert refused.value.code == "not_invoiceable"
    with pytest.raises(ValidationError) as wrong:
        invoices.issue_invoice(order, company_name=" ", company_address="x" * 301,
                               vat_number="12-ABC")
    assert set(wrong.value.fields) == {"company_name", "company_address", "vat_number"}
    assert db.session.scalars(select(Invoice)).all() == []


def test_an_invoice_does_not_change_after_a_refund(receipts_on, pass_type):
    order = order_with_donation(pass_type, quantity=2)
    pay(order)
    invoice = invoices.issue_invoice(order, **COMPANY, now=NOW)
    refunds.refund(order, None, ticket_ids=[order.tickets[0].id], actor=gen_user("organiser"),
                   reason="x", confirmed=True)
    db.session.refresh(invoice)
    assert invoice.total_cents == 5550 and invoice.refunded_cents == 0


def test_money_given_back_after_the_invoice_is_a_credit_note(receipts_on, pass_type):
    order = order_with_donation(pass_type, quantity=2)
    pay(order)
    invoice = invoices.issue_invoice(order, **COMPANY, now=NOW)
    organiser = gen_user("organiser")
    refunds.refund(order, None, ticket_ids=[order.tickets[0].id], actor=organiser,
                   reason="malade", confirmed=True, now=NOW)
    refunds.refund(order, None, actor=organiser, reason="annulé", confirmed=True, now=NOW)
    notes = invoices.credit_notes_of(invoice)
    assert [(n.number, n.amount_cents) for n in notes] == [("A2027-000001", 1500),
                                                           ("A2027-000002", 4050)]
    assert sum(n.amount_cents for n in notes) == invoice.total_cents  # all of it went back
    db.session.refresh(invoice)
    assert invoice.refunded_cents == 0  # the invoice itself never changes
    text = pdf_text(documents.credit_note_file(notes[0]))
    for words in ("Avoir", "N° A2027-000001", "Facture d’origine n° F2027-000001",
                  "Atlas Conseil SARL", "Remboursement sur la facture n° F2027-000001",
                  "Total TTC -15,00 €"):
        assert words in text, words


def test_a_refund_before_the_invoice_is_on_the_invoice_not_a_credit_note(receipts_on,
                                                                         pass_type):
    order = order_with_donation(pass_type, quantity=2)
    pay(order)
    refunds.refund(order, None, ticket_ids=[order.tickets[0].id], actor=gen_user("organiser"),
                   reason="x", confirmed=True, now=NOW)
    invoice = invoices.issue_invoice(order, **COMPANY, now=NOW)
    assert invoice.refunded_cents == 1500
    assert invoices.credit_after_refund(order, now=NOW) is None
    assert invoices.credit_notes_of(invoice) == []


def test_the_invoice_is_asked_and_downloaded_from_the_order_page(client, app, auth,
                                                                  receipts_on):
    order = paid_order(app)
    page = client.get(order["page"]).get_data(as_text=True)
    assert "Get an invoice in its name" in page
    url = f"/orders/{order['code']}/invoice"
    wrong = client.post(url, data={"secret": order["secret"], "company_name": "Atlas",
                                   "company_address": "", "vat_number": "x"})
    assert wrong.status_code == 422
    done = client.post(url, data={"secret": order["secret"], **COMPANY})
    assert done.status_code == 303
    year = to_paris(utcnow()).year
    assert f"Invoice F{year}-000001 (PDF)" in client.get(order["page"]).get_data(as_text=True)
    text = pdf_text(client.get(f"{url}.pdf?secret={order['secret']}").data)
    for words in ("Facture", f"N° F{year}-000001", "Atlas Conseil SARL",
                  "8 avenue du Maine, 75015 Paris", "FR12345678901", "Total TTC 35,00 €",
                  "TVA non applicable, article 261-7-1° b du CGI", "Commandé par Amina Benali"):
        assert words in text, words
    assert client.get(f"{url}.pdf?secret=nope").status_code == 404

    with app.app_context():  # the company is refunded in full: a credit note on the page
        found = db.session.scalar(select(Order).where(Order.code == order["code"]))
        refunds.refund(found, None, actor=gen_user("organiser"), reason="annulé",
                       confirmed=True)
        db.session.commit()
    page = client.get(order["page"]).get_data(as_text=True)
    assert f"Invoice F{year}-000001 (PDF)" in page
    assert f"Credit note A{year}-000001: 35,00" in page
    note = client.get(f"/orders/{order['code']}/credit-notes/A{year}-000001.pdf"
                      f"?secret={order['secret']}")
    assert note.status_code == 200 and "Avoir" in pdf_text(note.data)
    for wrong in (f"A{year}-000002", "x" * 30):
        assert client.get(f"/orders/{order['code']}/credit-notes/{wrong}.pdf"
                          f"?secret={order['secret']}").status_code == 404
    assert client.get(f"/orders/{order['code']}/credit-notes/A{year}-000001.pdf"
                      "?secret=nope").status_code == 404


@pytest.mark.parametrize("name, address", [
    ("ACME\x07", "1 rue de la Paix"), ("ACME", "1 rue\x1b[31m de la Paix"),
    ("ACME \u202eSARL", "1 rue de la Paix"), ("ACME", "1 rue \u2066de la Paix")])
def test_control_and_bidi_override_characters_never_reach_an_invoice(receipts_on, pass_type,
                                                                     name, address):
    order = order_with_donation(pass_type)
    pay(order)
    with pytest.raises(ValidationError) as wrong:
        invoices.issue_invoice(order, company_name=name, company_address=address, now=NOW)
    assert set(wrong.value.fields) <= {"company_name", "company_address"}
    assert db.session.scalars(select(Invoice)).all() == []


def test_a_vat_number_typed_with_spaces_is_kept_whole_or_refused(receipts_on, pass_type):
    """The spaces people type between the groups of digits are taken out before the number is
    checked: a long spaced number was cut first, so the invoice printed its first digits only
    (FR123456789), or two numbers typed together passed as one (FR12345678901ET)."""
    order = order_with_donation(pass_type)
    pay(order)
    with pytest.raises(ValidationError) as wrong:
        invoices.issue_invoice(order, **{**COMPANY, "vat_number": "FR 12 345 678 901 et FR "
                                                                  "98 765 432 109"}, now=NOW)
    assert set(wrong.value.fields) == {"vat_number"}
    invoice = invoices.issue_invoice(order, **{**COMPANY,
                                               "vat_number": "fr 1 2 3 4 5 6 7 8 9 0 1"},
                                     now=NOW)
    assert invoice.vat_number == "FR12345678901"


def test_what_the_credit_notes_cover_counts_all_of_them_not_the_page_s_first(receipts_on,
                                                                            pass_type):
    """The order page lists an invoice's first 100 credit notes; what they already cover is
    summed over all of them, or the 101st refund would credit again what was credited."""
    order = order_with_donation(pass_type, 20000)
    pay(order)
    invoice = invoices.issue_invoice(order, **COMPANY, now=NOW)
    for _ in range(101):  # (Stripe's dashboard takes any number of partial refunds)
        n = numbering.next_number(CounterKind.CREDIT_NOTE, 2027)
        db.session.add(CreditNote(number=f"A2027-{n:06d}", year=2027, sequence=n,
                                  invoice_id=invoice.id, amount_cents=100, issued_at=NOW))
    order.refunded_cents = 10100 + 300
    db.session.flush()
    note = invoices.credit_after_refund(order, now=NOW)
    assert note is not None and note.amount_cents == 300


def test_invoices_and_credit_notes_take_the_paris_year_at_new_year(receipts_on, pass_type):
    """23:30 on 31 December in Paris is still the old year; 00:30 on 1 January (23:30 UTC)
    the new one, for the invoice and the credit note alike."""
    order = order_with_donation(pass_type, quantity=2)
    pay(order)
    invoice = invoices.issue_invoice(order, **COMPANY,
                                     now=datetime(2027, 12, 31, 22, 30, tzinfo=UTC))
    organiser = gen_user("organiser")
    refunds.refund(order, None, ticket_ids=[order.tickets[0].id], actor=organiser, reason="x",
                   confirmed=True, now=datetime(2027, 12, 31, 22, 45, tzinfo=UTC))
    refunds.refund(order, None, actor=organiser, reason="x", confirmed=True,
                   now=datetime(2027, 12, 31, 23, 30, tzinfo=UTC))
    assert invoice.number == "F2027-000001"
    assert [(n.number, n.amount_cents) for n in invoices.credit_notes_of(invoice)] == [
        ("A2027-000001", 1500), ("A2028-000001", 4050)]


def test_an_invoice_prints_a_long_ticket_name_whole(receipts_on, ctx):
    """An invoice describes what was sold: a ticket type's name (up to 120 characters) is
    wrapped on its line, never cut short with an ellipsis."""
    name = ("Pass trois jours — tarif solidaire pour les étudiants, les demandeurs d’emploi "
            "et les bénévoles de l’association")
    ticket_type = make_type(make_edition(), name, 1500, quota=10)
    order = order_with_donation(ticket_type, 0)
    pay(order)
    invoice = invoices.issue_invoice(order, **COMPANY, now=NOW)
    text = pdf_text(documents.invoice_file(invoice))
    assert "…" not in text
    for words in ("Pass trois jours", "demandeurs d’emploi", "bénévoles de l’association »",
                  "Total TTC 15,00 €"):
        assert words in text, words


def test_a_paper_prints_the_details_it_was_issued_with(app, receipts_on, pass_type):
    """The association moves and renames the festival after issuing an invoice and its credit
    note: the papers, downloaded again, still say what they said."""
    order = order_with_donation(pass_type, quantity=2)
    pay(order)
    invoice = invoices.issue_invoice(order, **COMPANY, now=NOW)
    refunds.refund(order, None, ticket_ids=[order.tickets[0].id], actor=gen_user("organiser"),
                   reason="x", confirmed=True, now=NOW)
    (note,) = invoices.credit_notes_of(invoice)
    before = [pdf_text(documents.invoice_file(invoice)), pdf_text(documents.credit_note_file(note))]
    saved = app.config["RECEIPT_ADDRESS"]
    app.config["RECEIPT_ADDRESS"] = "99 boulevard Ailleurs, 13001 Marseille"
    order.edition.title = "Un autre nom"
    try:
        after = [pdf_text(documents.invoice_file(invoice)),
                 pdf_text(documents.credit_note_file(note))]
        assert after == before and "Marseille" not in after[0] and "Un autre nom" not in after[1]
        assert "Marseille" in pdf_text(documents.attestation_file(order))  # made today
    finally:
        app.config["RECEIPT_ADDRESS"] = saved
