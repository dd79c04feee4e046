"""The application server crashes (SIGKILL to gunicorn's master and workers) in the middle of
a purchase burst and of a check-in burst; it is started again, the clients retry as Stripe
and the doors do, and the database must hold exactly what was promised: every paid order
with its tickets, no quota exceeded, every acknowledged scan stored, each stored once.

PostgreSQL only (TEST_DATABASE_URL): the server is a real gunicorn on a database of its own
(tests/faults/conftest.py). The figures of the run are printed (`pytest -s`)."""
from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from festival.extensions import db
from tests.faults.conftest import KillSwitch, counting, post, run_clients

QUOTA = 60
BUYERS = 48          # one or two tickets each: 72 seats asked for 60
BUYER_THREADS = 6
# The kill comes after this many answers (orders and webhooks; scans), as soon as a write is
# caught committed without its answer, and a few answers later at the latest (KillSwitch).
ORDERS_KILL_AFTER = 30
TICKETS = 240
DEVICES = 4          # one scanner thread per paired device
SCANS_KILL_AFTER = 100


# The purchase burst --------------------------------------------------------------------------

@dataclass
class Buyer:
    n: int
    quantity: int
    code: str | None = None
    sold_out: bool = False
    session: dict | None = None
    event: bytes | None = None       # the same event (same id) at every delivery
    tries: list = field(default_factory=list)       # ("order" | "webhook", status, phase)
    outcomes: list[str] = field(default_factory=list)  # webhook answers' outcomes

    @property
    def done(self) -> bool:
        return self.sold_out or bool(self.outcomes)


def _session_of(stripe, code: str) -> dict:
    found = [s for s in stripe.sessions.values() if s["metadata"].get("order_code") == code]
    assert len(found) == 1, f"order {code}: {len(found)} Checkout sessions"
    return found[0]


def advance(buyer: Buyer, *, port: int, stripe, type_id: int, year: int, phase: str,
            switch: KillSwitch) -> None:
    """The buyer's next steps: order, pay at Stripe, Stripe's webhook; stops at the first
    request left without an answer (the rest is for a retry)."""
    if buyer.code is None and not buyer.sold_out:
        body = json.dumps({"email": f"acheteur{buyer.n}@example.fr",
                           "name": f"Acheteur {buyer.n}",
                           "items": [{"ticket_type_id": type_id,
                                      "quantity": buyer.quantity}],
                           "accept_terms": True}).encode()
        status, answer = post(port, f"/api/v1/editions/{year}/orders", body,
                              {"Content-Type": "application/json"})
        buyer.tries.append(("order", status, phase))
        if isinstance(status, str):
            return
        switch.answered(write=status == 201)
        if status == 409:
            assert answer["error"] == "sold_out", answer
            buyer.sold_out = True
            return
        assert status == 201, (status, answer)
        buyer.code = answer["code"]
        assert answer["checkout_url"] == _session_of(stripe, buyer.code)["url"]
    if buyer.sold_out:
        return
    if buyer.event is None:
        buyer.session = stripe.mark_paid(_session_of(stripe, buyer.code)["id"])
        buyer.event = json.dumps(
            stripe.event("checkout.session.completed", buyer.session)).encode()
    if not buyer.outcomes:
        deliver(buyer, port=port, stripe=stripe, phase=phase, switch=switch)


def deliver(buyer: Buyer, *, port: int, stripe, phase: str, switch: KillSwitch) -> None:
    """One delivery of the buyer's event, signed afresh as each of Stripe's attempts is."""
    status, answer = post(port, "/stripe/webhook", buyer.event, stripe.sign(buyer.event))
    buyer.tries.append(("webhook", status, phase))
    if isinstance(status, str):
        return
    assert status == 200, (status, answer)
    switch.answered(write=answer["outcome"] != "duplicate")
    buyer.outcomes.append(answer["outcome"])


def _seed_shop(app) -> dict:
    from tests.ticketing.conftest import make_edition, make_type
    with app.app_context():
        edition = make_edition(year=2096, capacity=QUOTA * 10)
        ticket_type = make_type(edition, price=1500, quota=QUOTA, max_per_order=2)
        db.session.commit()
        return {"year": edition.year, "edition_id": edition.id, "type_id": ticket_type.id}


def _orders_in_db(app, edition_id: int) -> dict:
    from festival.mail.models import OutboxMessage
    from festival.ticketing.models import Order, PaymentEvent, Quota
    with app.app_context():
        orders = {o.code: {"status": o.status.value, "total": o.total_cents,
                           "intent": o.stripe_payment_intent, "paid_at": o.paid_at,
                           "tickets": [(t.status.value, t.price_cents) for t in o.tickets],
                           "events": [e.kind for e in o.events]}
                  for o in db.session.scalars(select(Order).where(
                      Order.edition_id == edition_id))}
        events = [(e.provider_event_id, e.order_code, e.outcome)
                  for e in db.session.scalars(select(PaymentEvent))]
        mails = Counter(db.session.scalars(select(OutboxMessage.dedupe_key).where(
            OutboxMessage.template == "order_confirmation")))
        quotas = {q.ticket_type_id: (q.used, q.size) for q in db.session.scalars(
            select(Quota).where(Quota.edition_id == edition_id))}
        db.session.remove()
    return {"orders": orders, "events": events, "mails": mails, "quotas": quotas}


def _seats_held(orders: dict, statuses: tuple[str, ...]) -> int:
    return sum(sum(1 for status, _ in o["tickets"] if status == "valid")
               for o in orders.values() if o["status"] in statuses)


def test_purchase_burst_survives_a_server_kill(fault_app, fault_database, fault_stripe,
                                               app_server):
    if not app_server.running:
        app_server.start()
    shop = _seed_shop(fault_app)
    buyers = [Buyer(n, 1 + n % 2) for n in range(BUYERS)]
    steps = {"port": app_server.port, "stripe": fault_stripe, "type_id": shop["type_id"],
             "year": shop["year"]}

    # Orders and payment events in the database, against the answers of those writes.
    with counting(fault_database, "SELECT (SELECT count(*) FROM orders WHERE edition_id = %s)"
                  " + (SELECT count(*) FROM payment_events)", shop["edition_id"]) as committed, \
            KillSwitch(app_server, ORDERS_KILL_AFTER, committed,
                       latest=ORDERS_KILL_AFTER + 10) as switch:
        run_clients(lambda b: advance(b, phase="burst", switch=switch, **steps),
                    [buyers[i::BUYER_THREADS] for i in range(BUYER_THREADS)])
    assert not app_server.running, "the burst ended before the kill"
    acknowledged_in_burst = switch.acknowledged
    app_server.start()

    # Buyers left without an answer order again; Stripe delivers every unacknowledged event
    # again (same event id), until each is acknowledged.
    after = KillSwitch(app_server, None)
    run_clients(lambda b: advance(b, phase="retry", switch=after, **steps),
                [[b for b in buyers if not b.done][i::BUYER_THREADS]
                 for i in range(BUYER_THREADS)])
    assert all(b.done for b in buyers), [b.tries for b in buyers if not b.done]
    # Stripe sends some acknowledged events again: nothing may happen twice.
    resent = [b for b in buyers if b.outcomes][::4]
    run_clients(lambda b: deliver(b, port=app_server.port, stripe=fault_stripe,
                                  phase="duplicate", switch=after),
                [resent[i::BUYER_THREADS] for i in range(BUYER_THREADS)])

    tries = Counter((kind, status, phase) for b in buyers for kind, status, phase in b.tries)
    state = _orders_in_db(fault_app, shop["edition_id"])
    orders, (type_used, type_size) = state["orders"], state["quotas"][shop["type_id"]]
    paid = {b.code: b for b in buyers if b.session}
    paid_at_stripe = {s["metadata"]["order_code"] for s in fault_stripe.sessions.values()
                      if s["payment_status"] == "paid"}
    orphans = {code for code in orders if code not in {b.code for b in buyers}}

    # The kill did cut the burst: answers before it, requests cut in flight, refusals after.
    assert acknowledged_in_burst >= ORDERS_KILL_AFTER
    cut = sum(n for (_, status, phase), n in tries.items() if (status, phase) == ("cut",
                                                                                  "burst"))
    refused = sum(n for (_, status, phase), n in tries.items()
                  if (status, phase) == ("refused", "burst"))
    assert cut >= 1 and refused >= 1, tries
    assert not any(isinstance(status, str) for (_, status, phase) in tries if phase != "burst")
    # Every order paid at Stripe is paid here, whole, once; no other order is paid.
    assert paid_at_stripe == set(paid)
    assert {code for code, o in orders.items() if o["status"] == "paid"} == set(paid)
    for code, buyer in paid.items():
        order = orders[code]
        assert order["tickets"] == [("valid", 1500)] * buyer.quantity, (code, order)
        assert order["total"] == 1500 * buyer.quantity and order["paid_at"] is not None
        assert order["intent"] == buyer.session["payment_intent"]
        assert order["events"].count("paid") == 1, (code, order["events"])
        assert state["mails"][f"order-confirmation-{code}-0"] == 1
    # Each event is stored once, with the effect it had.
    event_ids = [event_id for event_id, _, _ in state["events"]]
    assert sorted(event_ids) == sorted(json.loads(b.event)["id"] for b in paid.values())
    assert {(code, outcome) for _, code, outcome in state["events"]} == {
        (code, "paid") for code in paid}
    assert all(b.outcomes[-1] == "duplicate" for b in resent) and resent
    # No order half-written: each has its tickets, its amount and its creation. The only
    # unpaid ones are orders whose creation was cut by the kill after it was committed (their
    # buyers never saw them): they hold their seats until their hold ends.
    for code, order in orders.items():
        assert order["tickets"] and order["total"] == sum(p for _, p in order["tickets"])
        assert order["events"][0] == "created", (code, order["events"])
        if code not in paid:
            assert order["status"] == "pending" and order["paid_at"] is None, (code, order)
    assert {code for code, o in orders.items() if o["status"] != "paid"} == orphans
    assert len(orphans) <= tries[("order", "cut", "burst")]
    # The quota counter is exact and never exceeded; sold out means sold out.
    held = _seats_held(orders, ("pending", "paid"))
    assert type_used == held <= type_size == QUOTA
    assert state["quotas"][None][0] == held
    assert any(b.sold_out for b in buyers)
    assert type_size - type_used < max(b.quantity for b in buyers if b.sold_out)

    # The expiry sweep frees the seats of the orders whose answer was lost.
    with fault_app.app_context():
        from festival.core.timeutil import utcnow
        from festival.ticketing import orders as order_services
        expired = order_services.expire_due(now=utcnow() + timedelta(days=2))
        db.session.commit()
        db.session.remove()
    swept = _orders_in_db(fault_app, shop["edition_id"])
    paid_seats = sum(b.quantity for b in paid.values())
    assert expired == len(orders) - len(paid)
    assert swept["quotas"][shop["type_id"]][0] == paid_seats == _seats_held(
        swept["orders"], ("pending", "paid"))

    # A delivery refused while the server was down is applied on its retry; one cut in
    # flight was either rolled back (applied now) or committed (its retry is a duplicate).
    redelivered = Counter()
    for b in paid.values():
        first = next(s for k, s, p in b.tries if k == "webhook")
        if isinstance(first, str):
            redelivered[(first, b.outcomes[0])] += 1
            assert b.outcomes[0] == "paid" or (first, b.outcomes[0]) == ("cut", "duplicate")
        else:
            assert b.outcomes[0] == "paid", (b.code, b.tries, b.outcomes)
    print(f"\nPurchase burst: {BUYERS} buyers ({sum(b.quantity for b in buyers)} seats) for a "
          f"quota of {QUOTA}, {BUYER_THREADS} at once, {app_server.workers} gunicorn workers "
          f"killed after "
          f"{ORDERS_KILL_AFTER} answers.")
    for kind in ("order", "webhook"):
        for phase in ("burst", "retry", "duplicate"):
            counts = {str(s): n for (k, s, p), n in sorted(tries.items(), key=str)
                      if (k, p) == (kind, phase)}
            if counts:
                print(f"  {kind:<8}{phase:<10}{counts}")
    print(f"  answers acknowledged in the burst: {acknowledged_in_burst}; killed while a "
          f"committed write was unanswered: {'yes' if switch.caught_ahead else 'no'}")
    print(f"  webhooks without "
          f"an answer in the burst, by outcome of their retry: "
          f"{ {f'{a} -> {b}': n for (a, b), n in sorted(redelivered.items())} } "
          f"('duplicate': applied before the kill, its answer lost)")
    print(f"  stored: {len(paid)} paid orders with {paid_seats} tickets (= paid at Stripe), "
          f"orders whose answer was lost: {len(orphans)}, holding {held - paid_seats} seats; "
          f"quota {type_used}/{type_size}; {len(state['events'])} payment events; "
          f"{sum(b.sold_out for b in buyers)} buyers refused sold_out; after the sweep "
          f"{expired} expired and the quota reads {swept['quotas'][shop['type_id']][0]}.")


# The check-in burst --------------------------------------------------------------------------

@dataclass
class DoorScan:
    device: int              # index of the device (and of its thread)
    ticket_id: int
    token: str
    scan_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    scanned_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    tries: list = field(default_factory=list)     # (status, phase)
    answers: list[dict] = field(default_factory=list)


def _seed_doors(app) -> dict:
    from tests.checkin.conftest import (
        make_device,
        make_door_edition,
        make_list,
        make_ticket,
        make_ticket_type,
        token_of,
    )
    with app.app_context():
        edition = make_door_edition(year=2097)
        pass_type = make_ticket_type(edition)
        tickets = [make_ticket(pass_type) for _ in range(TICKETS)]
        checkin_list = make_list(edition, "Entrée principale")
        devices = [make_device(checkin_list, gate=f"Porte {n + 1}") for n in range(DEVICES)]
        db.session.commit()
        seeded = {"list_id": checkin_list.id,
                  "devices": [(device.id, bearer) for device, bearer in devices],
                  "tickets": [(ticket.id, token_of(ticket)) for ticket in tickets]}
        db.session.commit()
        db.session.remove()
    return seeded


def scan(door_scan: DoorScan, *, port: int, bearer: str, phase: str,
         switch: KillSwitch) -> None:
    body = json.dumps({"token": door_scan.token, "direction": "in",
                       "scan_id": door_scan.scan_id,
                       "scanned_at": door_scan.scanned_at}).encode()
    status, answer = post(port, "/api/v1/checkin", body,
                          {"Authorization": f"Bearer {bearer}",
                           "Content-Type": "application/json"})
    door_scan.tries.append((status, phase))
    if isinstance(status, str):
        return
    assert status == 200, (status, answer)
    switch.answered(write=not answer.get("replayed"))
    door_scan.answers.append(answer)


def _scans_in_db(app, list_id: int) -> tuple[dict, dict]:
    from festival.checkin.models import Scan, TicketPresence
    with app.app_context():
        rows = db.session.execute(select(
            Scan.id, Scan.ticket_id, Scan.device_id, Scan.client_scan_id, Scan.result)
            .where(Scan.list_id == list_id)).all()
        presences = db.session.execute(select(
            TicketPresence.ticket_id, TicketPresence.first_scan_id)
            .where(TicketPresence.list_id == list_id)).all()
        db.session.remove()
    by_scan_id = Counter(row.client_scan_id for row in rows)
    assert max(by_scan_id.values()) == 1, "a scan id stored twice"
    return ({row.client_scan_id: row for row in rows},
            {"rows": len(presences), "first": dict(presences)})


def test_checkin_burst_survives_a_server_kill(fault_app, fault_database, app_server):
    if not app_server.running:
        app_server.start()
    doors = _seed_doors(fault_app)
    scans = [DoorScan(n % DEVICES, ticket_id, token)
             for n, (ticket_id, token) in enumerate(doors["tickets"])]
    by_device = [[s for s in scans if s.device == d] for d in range(DEVICES)]
    bearers = [bearer for _, bearer in doors["devices"]]
    with counting(fault_database, "SELECT count(*) FROM scans WHERE list_id = %s",
                  doors["list_id"]) as committed, \
            KillSwitch(app_server, SCANS_KILL_AFTER, committed,
                       latest=SCANS_KILL_AFTER + 30) as switch:
        run_clients(lambda s: scan(s, port=app_server.port, bearer=bearers[s.device],
                                   phase="burst", switch=switch), by_device)
    assert not app_server.running, "the burst ended before the kill"
    acknowledged = [s for s in scans if s.answers]
    lost = [s for s in scans if not s.answers]
    app_server.start()

    # Each device sends its unanswered scans again, same scan id and time; and some
    # answered ones once more (a phone that did not see the answer it got).
    after = KillSwitch(app_server, None)
    again = acknowledged[::10]
    run_clients(lambda s: scan(s, port=app_server.port, bearer=bearers[s.device],
                               phase="retry", switch=after),
                [[s for s in lost + again if s.device == d] for d in range(DEVICES)])

    stored, presences = _scans_in_db(fault_app, doors["list_id"])
    device_ids = [device_id for device_id, _ in doors["devices"]]
    # The kill cut the burst.
    assert len(acknowledged) >= SCANS_KILL_AFTER and lost
    assert any(status == "cut" for s in lost for status, _ in s.tries), "nothing in flight"
    # Every scan is answered in the end, and every answer is what is stored.
    sent_again = {s.scan_id for s in again}
    assert all(len(s.answers) == 1 + (s.scan_id in sent_again) for s in scans)
    for s in scans:
        row = stored.get(s.scan_id)
        assert row is not None, f"scan {s.scan_id} of ticket {s.ticket_id} is not stored"
        assert (row.ticket_id, row.device_id) == (s.ticket_id, device_ids[s.device])
        for answer in s.answers:
            assert answer["scan_id"] == row.id and answer["result"] == row.result.value
            assert answer["result"] == "ok", answer
    assert all(s.answers[-1].get("replayed") for s in again)
    # Each ticket scanned once, stored once, admitted once, by that scan.
    assert len(stored) == TICKETS
    assert presences["rows"] == TICKETS
    assert presences["first"] == {s.ticket_id: stored[s.scan_id].id for s in scans}

    # Only a scan cut in flight can have been stored without its answer.
    assert not any(s.answers[0].get("replayed") for s in lost if s.tries[0][0] == "refused")
    replayed = sum(1 for s in lost if s.answers[0].get("replayed"))
    cut = sum(1 for s in lost if s.tries[0][0] == "cut")
    print(f"\nCheck-in burst: {TICKETS} tickets, {DEVICES} devices at once, "
          f"{app_server.workers} gunicorn workers killed after {SCANS_KILL_AFTER} answers.")
    print(f"  before the kill: {len(acknowledged)} scans acknowledged (killed while a stored "
          f"scan was unanswered: {'yes' if switch.caught_ahead else 'no'}); {cut} cut in "
          f"flight, {len(lost) - cut} refused while the server was down")
    print(f"  after the restart: {len(lost)} sent again with their scan id: "
          f"{replayed} answered from the stored row (stored before the kill, answer lost), "
          f"{len(lost) - replayed} stored now; {len(again)} acknowledged scans sent again, "
          f"all replayed")
    print(f"  stored: {len(stored)} scans (one per ticket, all ok), {presences['rows']} "
          f"admissions")
