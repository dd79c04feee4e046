"""The rules of a door: results, exactly-once, retries, re-entry, undo, offline sync."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from festival.checkin import services
from festival.checkin.models import Direction, Scan, ScanKind, ScanResult, TicketPresence
from festival.checkin.rules import NOT_INSIDE, OFFLINE_CONFLICT, REFUSED_OFFLINE
from festival.checkin.services import OfflineScan
from festival.core.errors import Conflict, DomainError, NotFound
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.ticketing.tokens import sign_ticket
from tests.checkin.conftest import (
    door_of,
    make_device,
    make_door_edition,
    make_list,
    make_ticket,
    make_ticket_type,
    today_iso,
    token_of,
)


def _scan(door, ticket, **kwargs):
    return services.check_in(door, token=token_of(ticket), **kwargs)


def _scans():
    return list(db.session.scalars(select(Scan).order_by(Scan.id)))


def test_first_scan_admits_and_the_second_is_already_checked_in(device, pass_type):
    ticket = make_ticket(pass_type, attendee="Zoé Amrani")
    door = door_of(device)
    first = _scan(door, ticket)
    assert first.result is ScanResult.OK
    assert first.ticket.attendee == "Zoé Amrani" and first.ticket.type_name == "Pass festival"
    second = _scan(door, ticket)
    assert second.result is ScanResult.ALREADY_CHECKED_IN
    assert second.first_scan.id == first.scan_id
    assert second.first_scan.gate == "Porte A"
    rows = _scans()
    assert [r.result for r in rows] == [ScanResult.OK, ScanResult.ALREADY_CHECKED_IN]
    assert rows[1].first_scan_id == rows[0].id
    assert rows[0].device_id == device.id and rows[0].gate == "Porte A"
    presence = db.session.scalar(select(TicketPresence))
    assert presence.first_scan_id == first.scan_id and presence.inside


@pytest.mark.parametrize("mangle, reason", [
    (lambda t: "hello", "bad_length"),
    (lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), "bad_signature"),
    (lambda t: t[:50] + "!" + t[51:], "bad_characters"),
])
def test_garbage_and_altered_tokens_are_invalid(device, pass_type, mangle, reason):
    ticket = make_ticket(pass_type)
    answer = services.check_in(door_of(device), token=mangle(token_of(ticket)))
    assert answer.result is ScanResult.INVALID and answer.reason == reason
    assert answer.ticket is None
    assert _scans()[0].result is ScanResult.INVALID and _scans()[0].ticket_id is None


def test_other_edition_and_unknown_tickets_are_invalid(device, door_edition, pass_type):
    other = make_door_edition(year=2032)
    stranger = make_ticket(make_ticket_type(other))
    door = door_of(device)
    assert services.check_in(door, token=token_of(stranger)).reason == "other_edition"
    forged_id = sign_ticket(door_edition.signing_private_key, door_edition.year, 999_999)
    answer = services.check_in(door, token=forged_id)
    assert (answer.result, answer.reason) == (ScanResult.INVALID, "unknown_ticket")
    by_id = services.check_in(door, ticket_id=stranger.id)
    assert (by_id.result, by_id.reason) == (ScanResult.INVALID, "other_edition")


@pytest.mark.parametrize("order_status, ticket_status, reason", [
    ("paid", "revoked", "ticket_revoked"),
    ("refunded", "revoked", "ticket_revoked"),
    ("cancelled", "valid", "order_cancelled"),
    ("expired", "valid", "order_expired"),
])
def test_cancelled_and_refunded_tickets_are_revoked(device, pass_type, order_status,
                                                    ticket_status, reason):
    ticket = make_ticket(pass_type, status=order_status, ticket_status=ticket_status)
    answer = _scan(door_of(device), ticket)
    assert (answer.result, answer.reason) == (ScanResult.REVOKED, reason)
    assert db.session.scalar(select(func.count()).select_from(TicketPresence)) == 0
    assert [(scan.result, scan.reason) for scan in _scans()] == [(ScanResult.REVOKED, reason)]
    # The refusal is stored, and a retry of the same scan gives it again.
    again = services.check_in(door_of(device), token=token_of(ticket),
                              client_scan_id="retry-1")
    retried = services.check_in(door_of(device), token=token_of(ticket),
                                client_scan_id="retry-1")
    assert (again.result, retried.result, retried.is_replay) == (ScanResult.REVOKED,
                                                                 ScanResult.REVOKED, True)
    assert db.session.scalar(select(func.count()).select_from(TicketPresence)) == 0


def test_unpaid_bank_transfers_are_admitted_only_where_the_list_says(door_edition, pass_type):
    strict = make_device(make_list(door_edition, "Strict"))[0]
    lenient = make_device(make_list(door_edition, "Souple", admit_unpaid=True), gate="B")[0]
    transfer = make_ticket(pass_type, status="pending", method="bank_transfer")
    card = make_ticket(pass_type, status="pending", method="stripe")
    refused = _scan(door_of(strict), transfer)
    assert (refused.result, refused.reason) == (ScanResult.UNPAID, "pending_bank_transfer")
    assert _scan(door_of(lenient), transfer).result is ScanResult.OK
    assert _scan(door_of(lenient), card).result is ScanResult.UNPAID


def test_days_of_the_ticket_of_the_list_and_of_the_festival(door_edition):
    tomorrow_only = make_ticket(make_ticket_type(door_edition, "Dimanche",
                                                 valid_days=[today_iso(1)]))
    every_day = make_ticket(make_ticket_type(door_edition, "Pass"))
    today_door = door_of(make_device(make_list(door_edition, "Aujourd'hui"))[0])
    tomorrow_door = door_of(make_device(make_list(door_edition, "Demain",
                                                  days=[today_iso(1)]), gate="B")[0])
    answer = _scan(today_door, tomorrow_only)
    assert (answer.result, answer.reason) == (ScanResult.NOT_VALID_TODAY, "ticket_day")
    answer = _scan(tomorrow_door, every_day)
    assert (answer.result, answer.reason) == (ScanResult.NOT_VALID_TODAY, "list_day")
    answer = _scan(today_door, every_day, now=utcnow() + timedelta(days=3))
    assert (answer.result, answer.reason) == (ScanResult.NOT_VALID_TODAY, "festival_day")
    assert _scan(today_door, every_day).result is ScanResult.OK
    # The day is the scan's (the device's clock), so an offline scan synced later keeps it.
    late = _scan(tomorrow_door, tomorrow_only, scanned_at=utcnow() + timedelta(days=1),
                 now=utcnow() + timedelta(days=1, minutes=1))
    assert late.result is ScanResult.OK


def test_ticket_types_not_on_the_list(door_edition, pass_type):
    child = make_ticket_type(door_edition, "Enfant")
    concert = make_list(door_edition, "Salle de concert", ticket_type_ids=[pass_type.id])
    door = door_of(make_device(concert)[0])
    answer = _scan(door, make_ticket(child))
    assert (answer.result, answer.reason) == (ScanResult.NOT_ON_THIS_LIST, "ticket_type")
    assert _scan(door, make_ticket(pass_type)).result is ScanResult.OK


def test_a_retried_scan_gives_the_stored_answer_and_counts_once(device, pass_type):
    ticket = make_ticket(pass_type)
    door = door_of(device)
    first = _scan(door, ticket, client_scan_id="scan-0001-abcdef")
    again = _scan(door, ticket, client_scan_id="scan-0001-abcdef")
    assert first.result is again.result is ScanResult.OK
    assert again.is_replay and again.scan_id == first.scan_id
    assert len(_scans()) == 1
    other = _scan(door, ticket, client_scan_id="scan-0002-abcdef")
    assert other.result is ScanResult.ALREADY_CHECKED_IN
    # Another device may use the same client id: it is unique per device.
    second_device = make_device(device.checkin_list, gate="Porte B")[0]
    assert _scan(door_of(second_device), ticket,
                 client_scan_id="scan-0001-abcdef").scan_id not in (first.scan_id, None)


def test_reentry_lists_record_exits_and_let_people_back_in(door_edition, pass_type):
    door = door_of(make_device(make_list(door_edition, "Concert", allow_reentry=True))[0])
    ticket = make_ticket(pass_type)
    out_first = _scan(door, ticket, direction=Direction.OUT)
    assert (out_first.result, out_first.reason) == (ScanResult.OK, NOT_INSIDE)
    assert _scan(door, ticket).result is ScanResult.OK
    assert _scan(door, ticket).result is ScanResult.ALREADY_CHECKED_IN
    assert _scan(door, ticket, direction=Direction.OUT).reason == ""
    assert not db.session.scalar(select(TicketPresence.inside))
    assert _scan(door, ticket).result is ScanResult.OK
    assert db.session.scalar(select(TicketPresence.inside))


def test_exits_are_refused_where_there_is_no_reentry(device, pass_type):
    with pytest.raises(DomainError) as refused:
        _scan(door_of(device), make_ticket(pass_type), direction=Direction.OUT)
    assert refused.value.code == "no_exits" and refused.value.status == 422


def test_a_closed_list_refuses_to_scan(main_list, device, pass_type):
    main_list.is_active = False
    db.session.flush()
    with pytest.raises(Conflict):
        _scan(door_of(device), make_ticket(pass_type))


def test_undo_the_last_check_in_is_a_row_and_frees_the_ticket(device, pass_type):
    door = door_of(device)
    ticket = make_ticket(pass_type)
    admitted = _scan(door, ticket)
    answer, undone = services.undo_last_check_in(door, scan_id=admitted.scan_id)
    assert undone == admitted.scan_id and answer.result is ScanResult.OK
    rows = _scans()
    assert rows[0].is_undone and rows[1].kind is ScanKind.UNDO
    assert rows[1].undoes_scan_id == rows[0].id and rows[1].result is ScanResult.OK
    assert db.session.scalar(select(func.count()).select_from(TicketPresence)) == 0
    assert _scan(door, ticket).result is ScanResult.OK
    with pytest.raises(NotFound):
        services.undo_last_check_in(door_of(make_device(device.checkin_list, gate="B")[0]))


def test_undo_only_the_last_and_only_within_five_minutes(device, pass_type):
    door = door_of(device)
    first = _scan(door, make_ticket(pass_type))
    _scan(door, make_ticket(pass_type))
    with pytest.raises(Conflict) as not_last:
        services.undo_last_check_in(door, scan_id=first.scan_id)
    assert not_last.value.code == "not_last_check_in"
    with pytest.raises(Conflict) as too_late:
        services.undo_last_check_in(door, now=utcnow() + timedelta(minutes=6))
    assert too_late.value.code == "undo_too_late"


def _offline(ticket, scan_id: str, at, result="ok", direction=Direction.IN):
    return OfflineScan(client_scan_id=scan_id, token=token_of(ticket), ticket_id=None,
                       direction=direction, scanned_at=at, local_result=result)


def test_two_offline_doors_the_earlier_scan_is_the_admission(main_list, pass_type):
    door_a = door_of(make_device(main_list, gate="Porte A")[0])
    door_b = door_of(make_device(main_list, gate="Porte B")[0])
    ticket = make_ticket(pass_type)
    now = utcnow()
    [late] = services.sync_offline_scans(door_b, [_offline(ticket, "b-000001", now - timedelta(
        minutes=5))])
    assert late.result is ScanResult.OK
    [early] = services.sync_offline_scans(door_a, [_offline(ticket, "a-000001", now - timedelta(
        minutes=10))])
    assert early.result is ScanResult.OK
    rows = {r.gate: r for r in _scans()}
    db.session.expire_all()
    rows = {r.gate: r for r in _scans()}
    assert rows["Porte B"].result is ScanResult.ALREADY_CHECKED_IN
    assert rows["Porte B"].reason == OFFLINE_CONFLICT
    assert rows["Porte B"].first_scan_id == rows["Porte A"].id
    assert all(r.is_offline for r in rows.values())
    assert db.session.scalar(select(TicketPresence.first_scan_id)) == rows["Porte A"].id
    # The same batch sent again changes nothing.
    [replay] = services.sync_offline_scans(door_a, [_offline(ticket, "a-000001", now)])
    assert replay.is_replay and len(_scans()) == 2


def test_offline_scan_after_an_online_admission_is_a_conflict(device, main_list, pass_type):
    ticket = make_ticket(pass_type)
    online = _scan(door_of(device), ticket)
    offline_door = door_of(make_device(main_list, gate="Porte B")[0])
    [answer] = services.sync_offline_scans(offline_door, [_offline(ticket, "b-000002", utcnow())])
    assert answer.result is ScanResult.ALREADY_CHECKED_IN and answer.reason == OFFLINE_CONFLICT
    assert answer.first_scan.id == online.scan_id


def test_offline_refusals_stay_refusals(device, pass_type):
    ticket = make_ticket(pass_type)
    [answer] = services.sync_offline_scans(door_of(device), [
        _offline(ticket, "c-000001", utcnow(), result="not_valid_today")])
    assert (answer.result, answer.reason) == (ScanResult.NOT_VALID_TODAY, REFUSED_OFFLINE)
    assert db.session.scalar(select(func.count()).select_from(TicketPresence)) == 0


def test_a_device_clock_out_of_reason_is_replaced_by_the_servers(device, pass_type):
    now = utcnow()
    answer = _scan(door_of(device), make_ticket(pass_type), scanned_at=now - timedelta(days=400),
                   now=now)
    assert answer.scanned_at == now


def test_last_seen_is_written_at_most_once_a_minute(device, pass_type):
    door = door_of(device)
    services.touch_device(door)
    db.session.refresh(device)
    seen = device.last_seen_at
    assert seen is not None
    services.touch_device(door_of(device))
    db.session.refresh(device)
    assert device.last_seen_at == seen
