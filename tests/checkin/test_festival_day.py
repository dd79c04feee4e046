"""The edges of a festival day at the door, one table of cases (festival_day_cases.json) for
the three copies of the door's rules: rules.refusal in Python, the one-statement scan on
PostgreSQL, and the offline scanner's verdict.js under Node. A Saturday pass still admits on
Sunday at 04:59, not at 05:00, also on the night the clocks go forward."""
from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select

from festival.checkin import queries
from festival.checkin.models import Direction
from festival.checkin.rules import Door, TicketFacts, entry_parameters, entry_refusal_sql, refusal
from festival.extensions import db
from festival.ticketing.models import OrderStatus, PaymentMethod, TicketStatus
from tests.checkin.conftest import make_door_edition, make_list, make_ticket, make_ticket_type
from tests.conftest import IN_CI

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
CASES = json.loads((HERE / "festival_day_cases.json").read_text())["cases"]
RUNNER = HERE / "festival_day.mjs"
VERDICT = ROOT / "static" / "js" / "scanner" / "verdict.js"


def _at(case) -> datetime:
    return datetime.fromisoformat(case["at"])


def _expected(case) -> str | None:
    return f"{case['result']}/{case['reason']}" if case["result"] != "ok" else None


def _door(case) -> Door:
    return Door(edition_id=1, year=2027, public_key=None, list_id=1, list_name="Soirée",
                type_ids=frozenset(), allow_reentry=False, admit_unpaid=False, is_active=True,
                gate="Porte A", edition_days=frozenset(case["edition_days"]),
                list_days=frozenset(case["list_days"]),
                day_cutoff=time.fromisoformat(case["cutoff"]))


def test_the_cases_are_named_once():
    assert len({c["name"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_python_rules(case):
    ticket = TicketFacts(id=1, edition_id=1, attendee="Nadia", type_id=7, type_name="Pass",
                         valid_days=tuple(case["ticket_days"]), status=TicketStatus.VALID,
                         order_status=OrderStatus.PAID, payment_method=PaymentMethod.STRIPE,
                         order_code="ABCD1234")
    result, reason = refusal(_door(case), ticket, Direction.IN, _at(case))
    assert (f"{result.value}/{reason}" if result else None) == _expected(case)


def test_the_statement_on_postgresql(app, postgres):
    with app.app_context():
        edition = make_door_edition(2027)
        base = queries.door_for_list(make_list(edition).id)
        tickets = {}
        for days in {tuple(c["ticket_days"]) for c in CASES}:
            ticket_type = make_ticket_type(edition, f"Pass {days}", valid_days=days)
            tickets[days] = make_ticket(ticket_type, method="stripe").id
        verdict = entry_refusal_sql(queries.TICKETS, queries.ORDERS, queries.TYPES)
        said = {}
        for case in CASES:
            door = replace(base, edition_days=frozenset(case["edition_days"]),
                           list_days=frozenset(case["list_days"]),
                           day_cutoff=time.fromisoformat(case["cutoff"]))
            ticket_id = tickets[tuple(case["ticket_days"])]
            said[case["name"]] = db.session.scalar(
                select(verdict).select_from(queries.FACT_FROM)
                .where(queries.TICKETS.c.id == ticket_id), entry_parameters(door, _at(case)))
        assert said == {c["name"]: _expected(c) for c in CASES}


@pytest.mark.skipif(not IN_CI and shutil.which("node") is None,
                    reason="Node.js is needed (CI has it)")
def test_the_offline_scanner():
    run = subprocess.run(["node", str(RUNNER), str(VERDICT), str(HERE / "festival_day_cases.json")],
                         cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    said = {a["name"]: (a["result"], a["reason"]) for a in json.loads(run.stdout)}
    assert said == {c["name"]: (c["result"], c["reason"]) for c in CASES}


def test_the_door_and_its_bundle_take_the_editions_cutoff(app):
    from festival.checkin.bundle import offline_bundle

    with app.app_context():
        edition = make_door_edition(2028)
        edition.day_cutoff = time(4, 0)
        db.session.flush()
        door = queries.door_for_list(make_list(edition).id)
        assert door.day_cutoff == time(4, 0)
        assert offline_bundle(door)["edition"]["day_cutoff"] == "04:00"
        db.session.rollback()
