"""Exports read back as a spreadsheet would: CSV with the csv module, XLSX with openpyxl.

Headers in the organiser's language, amounts in euros with a decimal comma, Paris local time
to the second, labels instead of codes.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from festival.core.spreadsheet import EUROS, INSTANT, YES_NO, Column, Table, euros_text, to_csv
from tests.mail.conftest import compiled_translations, translated_app  # noqa: F401

DATASETS = ("orders", "tickets", "attendees", "scans", "exhibitors")


def _get(client, dataset: str, fmt: str = "csv", lang: str = "en"):
    client.set_cookie("lang", lang)
    response = client.get(f"/dashboard/2031/export/{dataset}.{fmt}")
    assert response.status_code == 200
    assert f"almoggar-2031-{dataset}-" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith(f'.{fmt}"')
    return response


def _rows(client, dataset: str, lang: str = "en") -> list[dict]:
    response = _get(client, dataset, "csv", lang)
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=";"))


def _sheet(client, dataset: str, lang: str = "en") -> list[tuple]:
    response = _get(client, dataset, "xlsx", lang)
    assert response.mimetype == ("application/vnd.openxmlformats-officedocument."
                                 "spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.get_data()))
    return list(book.active.iter_rows(values_only=True))


@pytest.fixture
def organiser(client, auth, known):
    auth.login_as("organiser")
    return client


def test_orders(organiser):
    rows = _rows(organiser, "orders")
    assert len(rows) == 9
    assert sorted(r["Status"] for r in rows) == sorted(
        ["Paid"] * 5 + ["Waiting for payment", "Expired", "Cancelled", "Refunded"])
    stripe = next(r for r in rows if r["Payment"] == "Card online (Stripe)")
    assert (stripe["Tickets"], stripe["Total (€)"], stripe["Donation (€)"],
            stripe["Box office"], stripe["Language"]) == ("2", "45,00", "5,00", "no", "Français")
    assert stripe["Paid at"] == "2031-05-07 10:00:00"  # Paris time, no offset nor microseconds
    voucher = next(r for r in rows if r["Voucher"])
    assert (voucher["Voucher"], voucher["Total (€)"]) == ("REDUC-2031", "10,00")
    refunded = sum(int(r["Refunded (€)"].replace(",", "")) for r in rows)
    assert refunded == 3200


def _translated_rows(app, dataset: str, lang: str) -> list[dict]:
    from festival.dashboard.exports import export_file
    from festival.editions.models import Edition
    from festival.extensions import db
    from sqlalchemy import select
    with app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
        edition = db.session.scalar(select(Edition).where(Edition.year == 2031))
        text = export_file(edition, dataset, "csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=";"))


def test_headers_and_labels_follow_the_organisers_language(known, translated_app):
    rows = _translated_rows(translated_app, "orders", "fr")
    assert {"Commande", "Statut", "Total (€)", "Payé le"} <= set(rows[0])
    assert "Payée" in {r["Statut"] for r in rows}
    assert {r["Total (€)"] for r in rows} >= {"45,00", "10,00"}
    arabic = _translated_rows(translated_app, "scans", "ar")
    assert all(not header.isascii() for header in arabic[0])
    assert "ok" not in {r[next(iter(arabic[0]))] for r in arabic}


def test_tickets(organiser, known):
    rows = _rows(organiser, "tickets")
    assert len(rows) == 14
    by_id = {int(r["Ticket no."]): r for r in rows}
    p5 = by_id[known.tickets["P5"]]
    assert (p5["Ticket type"], p5["Ticket status"], p5["Refunded (€)"]) == (
        "Pass", "Cancelled", "20,00")


def test_attendees_with_their_check_in_time(organiser, known):
    rows = _rows(organiser, "attendees")
    by_id = {int(r["Ticket no."]): r for r in rows}
    assert len(rows) == 10  # valid tickets of paid (8) and pending (2) orders
    assert known.tickets["P5"] not in by_id
    assert by_id[known.tickets["P1"]]["Checked in at"] == "2031-05-17 10:02:00"
    assert by_id[known.tickets["P1"]]["Entries"] == "3"   # two doors and a room
    assert by_id[known.tickets["C2"]]["Checked in at"] == ""  # undone
    assert by_id[known.tickets["C3"]]["Checked in at"] == "2031-05-18 10:10:00"
    assert sum(1 for r in rows if r["Checked in at"]) == 6


def test_scans(organiser, known):
    rows = _rows(organiser, "scans")
    assert len(rows) == 20
    assert [r["Scan no."] for r in rows] == [str(known.scans[n]) for n in range(1, 21)]
    first = rows[0]
    assert (first["Check-in list"], first["Gate"], first["Device"], first["Direction"],
            first["Kind"], first["Result"]) == (
        "Entrée principale", "Nord", "Téléphone 1", "Entry", "Scan", "Welcome in")
    assert rows[8]["Undone"] == "yes" and rows[9]["Kind"] == "Undo of a scan"
    assert rows[9]["Undoes scan no."] == str(known.scans[9])
    assert rows[7]["Reason"] == "The QR code has been altered or is a fake."
    assert rows[7]["Ticket no."] == ""
    assert rows[0]["Scanned at"].startswith("2031-05-17 ")


def test_exhibitors(organiser):
    rows = _rows(organiser, "exhibitors")
    assert [(r["Association"], r["Status"], r["Stand"]) for r in rows] == [
        ("Tifawin", "Approved", "A1"), ("Azul", "Requested", ""), ("Ighrem", "Withdrawn", "")]


@pytest.mark.parametrize("dataset", DATASETS)
def test_the_workbook_holds_the_same_table_as_the_csv(organiser, dataset):
    rows = _rows(organiser, dataset)
    sheet = _sheet(organiser, dataset)
    assert list(sheet[0]) == list(rows[0])
    assert len(sheet) == len(rows) + 1


def test_the_workbook_has_real_numbers_and_times(organiser):
    sheet = _sheet(organiser, "orders")
    header = sheet[0]
    paid = [dict(zip(header, r)) for r in sheet[1:] if r[header.index("Paid at")]]
    stripe = next(r for r in paid if r["Payment"] == "Card online (Stripe)")
    assert stripe["Total (€)"] == 45.0 and stripe["Tickets"] == 2
    assert stripe["Paid at"] == datetime(2031, 5, 7, 10, 0, 0)


def test_formulas_are_defused(app, organiser, known):
    from festival.extensions import db
    from festival.ticketing.models import Ticket
    with app.app_context():
        db.session.get(Ticket, known.tickets["P1"]).attendee_name = "=HYPERLINK(\"x\")"
        db.session.commit()
    rows = _rows(organiser, "tickets")
    assert any(r["Attendee"] == "'=HYPERLINK(\"x\")" for r in rows)
    sheet = _sheet(organiser, "tickets")
    header = sheet[0]
    cells = [r[header.index("Attendee")] for r in sheet[1:]]
    assert "=HYPERLINK(\"x\")" in cells  # stored as text: openpyxl reads back a formula's
    book = load_workbook(io.BytesIO(_get(organiser, "tickets", "xlsx").get_data()))
    kinds = {c.data_type for row in book.active.iter_rows(min_row=2) for c in row
             if c.value == "=HYPERLINK(\"x\")"}
    assert kinds == {"s"}  # a string cell, never "f" (a formula)


def test_an_unknown_format_is_not_found(organiser):
    assert organiser.get("/dashboard/2031/export/orders.ods").status_code == 404


def test_a_volunteer_gets_no_export(client, auth, known):
    auth.login_as("volunteer")
    assert client.get("/dashboard/2031/export/orders.xlsx").status_code in (302, 403)


@pytest.mark.parametrize("cents, text", [(0, "0,00"), (5, "0,05"), (4500, "45,00"),
                                         (123456, "1234,56"), (-250, "-2,50")])
def test_euros_with_a_decimal_comma(cents, text):
    assert euros_text(cents) == text


def test_a_table_writes_each_kind(app):
    from datetime import timezone
    table = Table("t", (Column("a"), Column("b", EUROS), Column("c", INSTANT),
                        Column("d", YES_NO)),
                  [("+33 6", 1999, datetime(2031, 1, 5, 9, 30, 15, 123456,
                                            tzinfo=timezone.utc), False)])
    with app.test_request_context():
        text = to_csv(table).decode("utf-8")
    assert text.splitlines()[1] == "'+33 6;19,99;2031-01-05 10:30:15;no"


def test_a_handed_over_ticket_is_exported_with_its_new_holder(organiser, app, known):
    from festival.extensions import db
    from festival.ticketing import changes
    from festival.ticketing.models import Ticket

    with app.app_context():
        ticket = db.session.get(Ticket, known.tickets["P4"])
        new = changes.transfer_ticket(ticket.order, ticket.id, name="Yasmine Amrani",
                                      email="yasmine@example.fr")
        buyer, new_id = ticket.order.email, new.id
        db.session.commit()
    by_id = {int(r["Ticket no."]): r for r in _rows(organiser, "attendees")}
    assert known.tickets["P4"] not in by_id  # revoked
    assert (by_id[new_id]["Attendee"], by_id[new_id]["E-mail"]) == (
        "Yasmine Amrani", "yasmine@example.fr")
    assert by_id[new_id]["E-mail"] != buyer
