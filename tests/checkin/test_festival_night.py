"""Acceptance: a real server (gunicorn on PostgreSQL) whose clock is moved through the night
after a Saturday, with libfaketime (tests/checkin/festival_day_cases.json has the edges of
every copy of the rule; this is the whole path: the API, the door read from the database with
its edition's cut-off, the one-statement scan, the server's own clock). A Saturday pass on the
Saturday-night concert list is admitted until Sunday 04:59 and refused at 05:00."""
from __future__ import annotations

import http.client
import json
import math
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from festival.checkin.models import Scan
from festival.core.timeutil import paris_to_utc, utcnow
from festival.editions.models import EditionDay
from festival.extensions import db
from scripts.bench.common import free_port, start_gunicorn, stop_gunicorn
from tests.checkin.conftest import (
    make_device,
    make_door_edition,
    make_list,
    make_ticket,
    make_ticket_type,
    token_of,
)
from tests.conftest import IN_CI

LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")

pytestmark = pytest.mark.skipif(not IN_CI and not LIBFAKETIME.exists(),
                                reason="libfaketime is needed (Debian's faketime; CI has it)")


def _next_saturday() -> date:
    today = utcnow().date()
    return today + timedelta(days=(5 - today.weekday()) % 7 or 7)


class ServerClock:
    """The offset of the server's clock, in a file libfaketime reads at each call."""

    def __init__(self, path: Path):
        self.path = path

    def set(self, moment: datetime) -> None:
        # Rounded up: the server's clock reads `moment` or a moment later, never before.
        self.path.write_text(f"+{math.ceil(moment.timestamp() - clock.time())}\n")

    @property
    def environ(self) -> dict[str, str]:
        return {"LD_PRELOAD": str(LIBFAKETIME), "FAKETIME_TIMESTAMP_FILE": str(self.path),
                "FAKETIME_NO_CACHE": "1", "TZ": "UTC"}


def _scan(port: int, device_token: str, ticket_token: str) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/api/v1/checkin", json.dumps({"token": ticket_token}),
                           {"Authorization": f"Bearer {device_token}",
                            "Content-Type": "application/json"})
        response = connection.getresponse()
        answer = json.loads(response.read())
        assert response.status == 200, answer
        return answer
    finally:
        connection.close()


def test_a_saturday_pass_through_saturday_night(app, postgres, tmp_path):
    saturday = _next_saturday()
    sunday = saturday + timedelta(days=1)
    with app.app_context():
        edition = make_door_edition(saturday.year)
        edition.days = [EditionDay(day=saturday), EditionDay(day=sunday)]
        db.session.flush()
        saturday_pass = make_ticket_type(edition, "Pass samedi", valid_days=[saturday.isoformat()])
        night = make_list(edition, "Concert du samedi soir", days=[saturday.isoformat()])
        tickets = [token_of(make_ticket(saturday_pass)) for _ in range(4)]
        _device, device_token = make_device(night)
        db.session.commit()
        url = app.config["SQLALCHEMY_DATABASE_URI"]
    night_of = [(paris_to_utc(saturday, time(23, 30)), "ok"),
                (paris_to_utc(sunday, time(0, 30)), "ok"),
                (paris_to_utc(sunday, time(4, 59)), "ok"),
                (paris_to_utc(sunday, time(5, 0)), "not_valid_today")]
    server_clock = ServerClock(tmp_path / "faketime")
    server_clock.set(night_of[0][0])
    port = free_port()
    # No worker timeout: the workers' heartbeat is read with the moved clock.
    server = start_gunicorn(url, port, tmp_path / "gunicorn.log", workers=1,
                            options=["--timeout", "0", "--max-requests", "0"],
                            environ=server_clock.environ)
    try:
        answers = []
        for (moment, _expected), ticket in zip(night_of, tickets, strict=True):
            server_clock.set(moment)
            answers.append(_scan(port, device_token, ticket))
    finally:
        stop_gunicorn(server)
    assert [(a["result"], a["reason"]) for a in answers] == [
        ("ok", ""), ("ok", ""), ("ok", ""), ("not_valid_today", "list_day")]
    with app.app_context():
        scanned = db.session.scalars(select(Scan.scanned_at).order_by(Scan.id)).all()
    # The server scanned at the moments it was moved to (its own clock, not the client's).
    for at, (moment, _expected) in zip(scanned, night_of, strict=True):
        assert timedelta(0) <= at.replace(tzinfo=UTC) - moment < timedelta(seconds=30), at
