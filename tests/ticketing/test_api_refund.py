"""The API's refund asks for a confirmation and says which tickets are already inside, as
the back office's confirmation page does (refunds.refund refuses to refund unconfirmed):
without `"confirm": true` it answers 409 confirmation_required with the plan and changes
nothing; confirmed, it refunds and names the tickets already let in at a door."""
from __future__ import annotations

from sqlalchemy import func, select

from festival.extensions import db
from festival.ticketing.models import Order, OrderEvent, OrderStatus, Refund
from tests.checkin.conftest import (
    make_device,
    make_door_edition,
    make_list,
    make_ticket,
    make_ticket_type,
    token_of,
)


def _inside(app, client):
    """A paid (cash) order whose one ticket was scanned in at "Porte A"."""
    with app.app_context():
        edition = make_door_edition()
        ticket = make_ticket(make_ticket_type(edition), attendee="Already Inside",
                             method="cash")
        checkin_list = make_list(edition, "Entrée principale")
        _device, plain = make_device(checkin_list, gate="Porte A")
        db.session.commit()
        token, code, ticket_id = token_of(ticket), ticket.order.code, ticket.id
    scan = client.post("/api/v1/checkin", json={"token": token},
                       headers={"Authorization": f"Bearer {plain}"}).get_json()
    assert scan["result"] == "ok", scan
    return code, ticket_id


def _state(app, code):
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.code == code))
        return (order.status, order.refunded_cents,
                db.session.scalar(select(func.count(Refund.id))),
                db.session.scalar(select(func.count(OrderEvent.id))
                                  .where(OrderEvent.order_id == order.id)))


def test_an_unconfirmed_refund_answers_the_plan_and_changes_nothing(app, client, api_token):
    code, ticket_id = _inside(app, client)
    headers = api_token("organiser")
    before = _state(app, code)
    response = client.post(f"/api/v1/orders/{code}/refund", json={"reason": "asked"},
                           headers=headers)
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "confirmation_required"
    plan = body["plan"]
    assert plan["amount_cents"] == 1500 and plan["is_full"] is True
    assert [t["id"] for t in plan["tickets"]] == [ticket_id]
    (inside,) = plan["checked_in"]
    assert inside["ticket_id"] == ticket_id and inside["attendee"] == "Already Inside"
    assert inside["list"] == "Entrée principale" and inside["gate"] == "Porte A"
    assert inside["scanned_at"]
    assert _state(app, code) == before
    for confirm in (False, "true", 1):  # only true confirms
        again = client.post(f"/api/v1/orders/{code}/refund", headers=headers,
                            json={"reason": "asked", "confirm": confirm})
        assert again.status_code in (409, 422)
    assert _state(app, code) == before


def test_a_confirmed_refund_names_the_tickets_already_inside(app, client, api_token):
    code, ticket_id = _inside(app, client)
    response = client.post(f"/api/v1/orders/{code}/refund", headers=api_token("organiser"),
                           json={"reason": "asked", "confirm": True})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "refunded" and body["refunded_cents"] == 1500
    assert [(a["ticket_id"], a["gate"]) for a in body["checked_in"]] == [(ticket_id, "Porte A")]
    status, refunded, refunds, _events = _state(app, code)
    assert (status, refunded, refunds) == (OrderStatus.REFUNDED, 1500, 1)


def test_without_a_reason_the_refund_asks_for_one_first(app, client, api_token):
    code, _ticket_id = _inside(app, client)
    response = client.post(f"/api/v1/orders/{code}/refund", headers=api_token("organiser"),
                           json={"confirm": True})
    assert response.status_code == 422 and "reason" in response.get_json()["fields"]
