"""The same ticket at several doors at the same instant: exactly one admission (PostgreSQL).

Every door runs in its own thread with its own connection and transaction, released
together by a barrier, so the conditional insert of the ticket's presence really races."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from festival.checkin import services
from festival.checkin.models import Scan, ScanResult, TicketPresence
from festival.extensions import db
from tests.checkin.conftest import (
    door_of,
    make_device,
    make_door_edition,
    make_list,
    make_ticket,
    make_ticket_type,
    token_of,
)



def _race(app, doors: list, token: str, client_scan_ids: list[str | None]) -> list:
    results: list = []
    barrier = threading.Barrier(len(doors))

    def scan(door, client_scan_id) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                answer = services.check_in(door, token=token, client_scan_id=client_scan_id)
                db.session.commit()
                results.append(answer)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=scan, args=args, daemon=True)
               for args in zip(doors, client_scan_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == len(doors), "a door did not answer"
    return results


def _setup(app, devices: int, reentry: bool = False):
    with app.app_context():
        edition = make_door_edition()
        checkin_list = make_list(edition, "Entrée", allow_reentry=reentry)
        doors = [door_of(make_device(checkin_list, gate=f"Porte {n}")[0])
                 for n in range(devices)]
        ticket = make_ticket(make_ticket_type(edition))
        token = token_of(ticket)
        db.session.commit()
        return doors, token


@pytest.mark.parametrize("reentry", [False, True])
def test_one_ticket_at_many_doors_at_once_is_admitted_once(app, postgres, reentry):
    doors, token = _setup(app, devices=12, reentry=reentry)
    for round_ in range(3):  # several rounds: a race lost by luck once would show
        results = _race(app, doors, token, [None] * len(doors))
        outcomes = sorted(a.result.value for a in results)
        if round_ == 0:
            assert outcomes.count("ok") == 1, outcomes
            assert outcomes.count("already_checked_in") == len(doors) - 1
            admitted = next(a for a in results if a.result is ScanResult.OK)
            assert all(a.first_scan.id == admitted.scan_id for a in results
                       if a.result is ScanResult.ALREADY_CHECKED_IN)
        else:
            assert outcomes == ["already_checked_in"] * len(doors)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TicketPresence)) == 1
        oks = db.session.scalar(select(func.count()).select_from(Scan).where(
            Scan.result == ScanResult.OK))
        assert oks == 1


def test_a_device_retrying_in_parallel_is_counted_once(app, postgres):
    doors, token = _setup(app, devices=1)
    results = _race(app, doors * 8, token, ["retry-0001-xyz"] * 8)
    assert {a.result for a in results} == {ScanResult.OK}
    assert len({a.scan_id for a in results}) == 1
    assert sum(not a.is_replay for a in results) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Scan)) == 1
