"""Two transfers of the same ticket at once make one new ticket (PostgreSQL): the second
waits for the order's lock, then finds the ticket revoked."""
from datetime import timedelta

from sqlalchemy import func, select

from festival.extensions import db
from festival.ticketing import changes, orders
from festival.ticketing.models import Order, PaymentMethod, Quota, Ticket, TicketStatus
from festival.ticketing.orders import Item
from tests.ticketing.conftest import make_edition, make_type
from tests.together import one_waiting_on_the_other

LIMITS = changes.Limits(close_hours=48, per_ticket=3, per_order=10)


def test_two_transfers_of_one_ticket_at_once_make_one_new_ticket(app, postgres):
    with app.app_context():
        edition = make_edition()
        kind = make_type(edition, quota=5)
        order = orders.create_order(edition, buyer_name="Aïcha", email="aicha@example.fr",
                                    items=[Item(kind.id, 1)], terms_accepted=True)
        orders.mark_paid(order, PaymentMethod.CASH)
        order_id, ticket_id, type_id = order.id, order.tickets[0].id, kind.id
        now = changes.festival_starts_at(order) - timedelta(days=3)
        db.session.commit()

    def hand_over(name: str):
        def act() -> object:
            found = db.session.get(Order, order_id)
            return changes.transfer_ticket(found, ticket_id, name=name,
                                           email=f"{name.lower()}@example.org", now=now,
                                           limits=LIMITS).id
        return act

    # The second waits on the order's row, then finds the ticket handed over already.
    yanis, nadia = one_waiting_on_the_other(app, hand_over("Yanis"), hand_over("Nadia"))
    assert nadia == "ticket_not_transferable"
    with app.app_context():
        tickets = db.session.scalars(select(Ticket).where(Ticket.order_id == order_id)
                                     .order_by(Ticket.id)).all()
        assert [(t.id == ticket_id, t.status, t.attendee_name) for t in tickets] == [
            (True, TicketStatus.REVOKED, ""), (False, TicketStatus.VALID, "Yanis")]
        assert yanis == tickets[1].id
        assert db.session.scalar(select(Quota.used).where(Quota.ticket_type_id == type_id)) == 1
        kinds = db.session.scalar(select(func.count()).select_from(
            select(Ticket.id).where(Ticket.transferred_from_id == ticket_id).subquery()))
        assert kinds == 1
