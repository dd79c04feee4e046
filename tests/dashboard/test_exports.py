"""CSV exports read back with the csv module: the rows and values they should hold."""
from __future__ import annotations

import csv
import io

import pytest

from tests.dashboard.conftest import SAT


def _rows(client, dataset: str) -> list[dict]:
    response = client.get(f"/dashboard/2031/export/{dataset}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f"almoggar-2031-{dataset}-" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=";"))


@pytest.fixture
def organiser(client, auth, known):
    auth.login_as("organiser")
    return client


def test_orders(organiser):
    rows = _rows(organiser, "orders")
    assert len(rows) == 9
    assert sorted(r["status"] for r in rows) == sorted(
        ["paid"] * 5 + ["pending", "expired", "cancelled", "refunded"])
    stripe = next(r for r in rows if r["payment_method"] == "stripe")
    assert (stripe["tickets"], stripe["total_cents"], stripe["donation_cents"],
            stripe["box_office"]) == ("2", "4500", "500", "no")
    assert stripe["paid_at"] == "2031-05-07T10:00:00+02:00"
    voucher = next(r for r in rows if r["voucher"])
    assert (voucher["voucher"], voucher["total_cents"]) == ("REDUC-2031", "1000")
    assert sum(int(r["refunded_cents"]) for r in rows) == 3200


def test_tickets(organiser, known):
    rows = _rows(organiser, "tickets")
    assert len(rows) == 14
    by_id = {int(r["ticket_id"]): r for r in rows}
    p5 = by_id[known.tickets["P5"]]
    assert (p5["ticket_type"], p5["ticket_status"], p5["refunded_cents"]) == (
        "Pass", "revoked", "2000")


def test_attendees_with_their_check_in_time(organiser, known):
    rows = _rows(organiser, "attendees")
    by_id = {int(r["ticket_id"]): r for r in rows}
    assert len(rows) == 10  # valid tickets of paid (8) and pending (2) orders
    assert known.tickets["P5"] not in by_id
    assert by_id[known.tickets["P1"]]["checked_in_at"] == "2031-05-17T10:02:00+02:00"
    assert by_id[known.tickets["P1"]]["entries"] == "3"   # two doors and a room
    assert by_id[known.tickets["C2"]]["checked_in_at"] == ""  # undone
    assert by_id[known.tickets["C3"]]["checked_in_at"] == "2031-05-18T10:10:00+02:00"
    assert sum(1 for r in rows if r["checked_in_at"]) == 6


def test_scans(organiser, known):
    rows = _rows(organiser, "scans")
    assert len(rows) == 20
    assert [r["scan_id"] for r in rows] == [str(known.scans[n]) for n in range(1, 21)]
    first = rows[0]
    assert (first["list"], first["gate"], first["device"], first["direction"], first["kind"],
            first["result"]) == ("Entrée principale", "Nord", "Téléphone 1", "in", "scan", "ok")
    assert rows[8]["undone"] == "yes" and rows[9]["kind"] == "undo"
    assert rows[9]["undoes_scan_id"] == str(known.scans[9])
    assert rows[7]["reason"] == "bad_signature" and rows[7]["ticket_id"] == ""
    assert rows[0]["scanned_at"].startswith(SAT.isoformat())


def test_exhibitors(organiser):
    rows = _rows(organiser, "exhibitors")
    assert [(r["association"], r["status"], r["stand_number"]) for r in rows] == [
        ("Tifawin", "approved", "A1"), ("Azul", "requested", ""), ("Ighrem", "withdrawn", "")]


def test_formulas_are_defused(app, organiser, known):
    from festival.extensions import db
    from festival.ticketing.models import Ticket
    with app.app_context():
        db.session.get(Ticket, known.tickets["P1"]).attendee_name = "=HYPERLINK(\"x\")"
        db.session.commit()
    rows = _rows(organiser, "tickets")
    assert any(r["attendee"] == "'=HYPERLINK(\"x\")" for r in rows)
