"""The one-statement entry scan of PostgreSQL: its SQL rules say what rules.refusal() says,
and a token revoked while the access check still keeps it is refused by the statement."""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from datetime import date, time, timedelta

import psycopg
from sqlalchemy import select

from festival.checkin import queries
from festival.checkin.models import Device, Direction, Scan, TicketPresence
from festival.checkin.rules import ENTRY_REFUSALS, entry_parameters, entry_refusal_sql, refusal
from festival.core.timeutil import paris_to_utc
from festival.extensions import db
from tests.checkin.conftest import (
    make_device,
    make_door_edition,
    make_list,
    make_ticket,
    make_ticket_type,
    today_iso,
    token_of,
)


def _tickets(edition, other_edition) -> list[int]:
    """Tickets of every kind the rules tell apart: type without days, for today, for
    tomorrow; every order status; paid by card, by bank transfer or not said; valid or
    revoked; and one of another edition."""
    types = [make_ticket_type(edition, "Pass"),
             make_ticket_type(edition, "Aujourd'hui", valid_days=[today_iso(0)], position=1),
             make_ticket_type(edition, "Demain", valid_days=[today_iso(1)], position=2)]
    tickets = [make_ticket(ticket_type, status=status, method=method, ticket_status=state)
               for ticket_type in types
               for status in ("paid", "pending", "cancelled", "refunded", "expired")
               for method in ("stripe", "bank_transfer")
               for state in ("valid", "revoked")]
    unsaid = make_ticket(types[0], status="pending", method="stripe")
    unsaid.order.payment_method = None
    tickets += [unsaid, make_ticket(make_ticket_type(other_edition))]
    db.session.flush()
    return [t.id for t in tickets], [t.id for t in types]


def test_the_statement_refuses_what_refusal_refuses(app, postgres):
    with app.app_context():
        edition, other = make_door_edition(2033), make_door_edition(2034)
        ids, type_ids = _tickets(edition, other)
        base = queries.door_for_list(make_list(edition).id)
        facts = {i: queries.ticket_facts(i) for i in ids}
        verdict = entry_refusal_sql(queries.TICKETS, queries.ORDERS, queries.TYPES)
        statement = (select(queries.TICKETS.c.id, verdict).select_from(queries.FACT_FROM)
                     .where(queries.TICKETS.c.id.in_(ids)))
        seen: Counter = Counter()
        today = date.fromisoformat(today_iso(0))
        for types in (frozenset(), frozenset(type_ids[:1]), frozenset(type_ids[1:])):
            for days in (frozenset(), frozenset([today_iso(0)]), frozenset([today_iso(1)])):
                for unpaid in (False, True):
                    door = replace(base, type_ids=types, list_days=days, admit_unpaid=unpaid)
                    for day in (today, today + timedelta(days=1), today + timedelta(days=9)):
                        at = paris_to_utc(day, time(12))  # midday: the edges are in
                        rows = db.session.execute(statement, entry_parameters(door, at))
                        for ticket_id, said in rows:  # test_festival_day.py
                            result, reason = refusal(door, facts[ticket_id], Direction.IN, at)
                            expected = f"{result.value}/{reason}" if result else None
                            assert said == expected, (door, day, facts[ticket_id])
                            seen[reason] += 1
        # Every rule was met, and admission too.
        assert set(seen) == {"", *ENTRY_REFUSALS}, seen


def test_a_token_revoked_while_kept_is_refused_by_the_statement(app, client, postgres):
    from festival.accounts.services import revoke_api_token

    with app.app_context():
        edition = make_door_edition(2035)
        ticket_type = make_ticket_type(edition)
        tickets = [token_of(make_ticket(ticket_type)) for _ in range(2)]
        device, plain = make_device(make_list(edition))
        token_id = db.session.get(Device, device.id).api_token_id
        db.session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    first = client.post("/api/v1/checkin", json={"token": tickets[0]}, headers=headers)
    assert first.get_json()["result"] == "ok"
    with app.app_context():
        # The token alone, as another process would: this process's door and principal
        # are still kept.
        revoke_api_token(token_id)
        db.session.commit()
    refused = client.post("/api/v1/checkin", json={"token": tickets[1]}, headers=headers)
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "unauthorized"
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Scan)) == 1


def test_the_statement_of_a_list_without_reentry_is_parsed_once(app, postgres):
    """psycopg keeps the parsing of a statement of at most 4096 bytes between executions
    (and parses a longer one at every scan)."""
    from sqlalchemy.dialects import postgresql

    from festival.checkin.services import _entry_statement

    sql = str(_entry_statement(False).compile(dialect=postgresql.psycopg.dialect()))
    assert len(sql.encode()) <= 4096


def test_a_retry_meeting_its_first_sending_still_being_written_gets_its_answer(
        app, client, postgres):
    """The first sending of a scan is being written (its transaction is open) when the
    retry arrives: the retry waits for it, then gives its stored answer and writes nothing,
    even though the first sending was refused and the retry would have admitted."""
    with app.app_context():
        edition = make_door_edition(2036)
        ticket_type = make_ticket_type(edition)
        ticket, other = make_ticket(ticket_type), make_ticket(ticket_type)
        token, other_token = token_of(ticket), token_of(other)
        device, plain = make_device(make_list(edition))
        row = db.session.get(Device, device.id)
        first = {"edition_id": edition.id, "list_id": row.list_id, "ticket_id": ticket.id,
                 "device_id": row.id}
        other_id = other.id
        db.session.commit()
        url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    headers = {"Authorization": f"Bearer {plain}"}
    # A first scan: the token and the door are kept, and the next scan runs alone, on the
    # driver's connection, as at the door.
    assert client.post("/api/v1/checkin", json={"token": other_token},
                       headers=headers).get_json()["result"] == "ok"
    with psycopg.connect(url) as writing:  # the first sending, refused, not committed yet
        writing.execute(
            "INSERT INTO scans (edition_id, list_id, ticket_id, device_id, gate, direction,"
            " kind, result, reason, client_scan_id, scanned_at, received_at, is_offline,"
            " is_undone) VALUES (%(edition_id)s, %(list_id)s, %(ticket_id)s, %(device_id)s,"
            " 'Porte A', 'in', 'scan', 'unpaid', 'pending_payment', 'retry-0001',"
            " now() at time zone 'utc', now() at time zone 'utc', false, false)", first)
        answers = []
        retry = threading.Thread(target=lambda: answers.append(client.post(
            "/api/v1/checkin", json={"token": token, "scan_id": "retry-0001"},
            headers=headers)))
        retry.start()
        retry.join(timeout=1.0)
        assert retry.is_alive(), answers[0].get_json()  # waiting for the first sending
        writing.commit()
        retry.join(timeout=10)
    assert answers[0].status_code == 200
    assert answers[0].get_json()["result"] == "unpaid"
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Scan)) == 2
        assert db.session.scalar(select(TicketPresence.ticket_id)) == other_id




def _lose_door_connections(app) -> None:
    """End the server processes of the door's connections (at least two) while they wait in
    the pool, as a restart of PostgreSQL would."""
    with app.app_context():
        url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        pool = db.engines["door"].pool
        held = [pool.connect() for _ in range(max(2, pool.checkedin()))]
        pids = [pooled.driver_connection.info.backend_pid for pooled in held]
        for pooled in held:
            pooled.close()
    assert pids, "the door engine should have kept a connection"
    with psycopg.connect(url, autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def _scan_setup(app, year: int, count: int):
    with app.app_context():
        edition = make_door_edition(year)
        ticket_type = make_ticket_type(edition)
        tokens = [token_of(make_ticket(ticket_type)) for _ in range(count)]
        _, plain = make_device(make_list(edition))
        db.session.commit()
    return tokens, {"Authorization": f"Bearer {plain}"}


def test_a_scan_whose_door_connection_was_lost_is_sent_again(app, client, postgres):
    """The door's engine does not ping its connections before use: a scan that meets a lost
    one is sent again on a new connection, because a second sending of the same scan id
    from the same device is recognised (and would give the stored answer)."""
    tokens, headers = _scan_setup(app, 2037, 3)
    for n in (0, 1):  # the first reads the token and the door; the second runs alone
        assert client.post("/api/v1/checkin", json={"token": tokens[n], "scan_id": f"lost-000{n}"},
                           headers=headers).get_json()["result"] == "ok"
    _lose_door_connections(app)
    answer = client.post("/api/v1/checkin", json={"token": tokens[2], "scan_id": "lost-0002"},
                         headers=headers)
    assert answer.status_code == 200
    assert answer.get_json()["result"] == "ok"
    again = client.post("/api/v1/checkin", json={"token": tokens[2], "scan_id": "lost-0002"},
                        headers=headers)
    assert again.get_json()["result"] == "ok"  # the stored answer, not counted twice
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Scan)) == 3
        assert db.session.scalar(select(db.func.count()).select_from(TicketPresence)) == 3


def test_a_scan_without_an_id_is_not_sent_twice_on_a_lost_connection(app, client, postgres):
    """Without a scan id, a second sending could not be told from a second scan: the scan
    fails with a clear error, writes nothing, and the next one works again."""
    tokens, headers = _scan_setup(app, 2038, 4)
    for n in (0, 1):  # the first reads the token and the door; the second runs alone
        assert client.post("/api/v1/checkin", json={"token": tokens[n]},
                           headers=headers).get_json()["result"] == "ok"
    _lose_door_connections(app)
    failed = client.post("/api/v1/checkin", json={"token": tokens[2]}, headers=headers)
    assert failed.status_code == 500
    assert failed.get_json()["error"] == "internal_error"
    after = client.post("/api/v1/checkin", json={"token": tokens[3]}, headers=headers)
    assert after.get_json()["result"] == "ok"
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Scan)) == 3
