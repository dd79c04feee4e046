"""The audience of a message: each filter alone, combined, and the language of each address."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from festival.core.errors import ValidationError
from festival.messaging.audience import Audience, count_recipients, parse_audience, recipients
from festival.ticketing.models import OrderStatus
from tests.messaging.conftest import SAT, SUN, edition_of

PAID, PENDING = OrderStatus.PAID, OrderStatus.PENDING
CANCELLED, REFUNDED = OrderStatus.CANCELLED, OrderStatus.REFUNDED


def reached(world, **filters) -> dict[str, str]:
    """address → language, checked against the count (the same query)."""
    edition = edition_of(world)
    audience = Audience(**filters)
    found = {r.email: r.language for r in recipients(edition, audience, 100)}
    assert count_recipients(edition, audience) == len(found)
    return found


def names(found) -> set[str]:
    return {address.split("@")[0] for address in found}


def test_by_default_paid_orders_with_an_address_each_address_once(ctx, world):
    found = reached(world)
    assert names(found) == {"amina", "brahim", "chama", "ines"}
    assert found["amina@example.fr"] == "ar"  # her most recent order (D) is in Arabic


def test_by_ticket_type(ctx, world):
    assert names(reached(world, ticket_type_ids=(world.types["sat"],))) == {"brahim"}
    assert names(reached(world, ticket_type_ids=(world.types["pass"],))) == {"amina", "ines"}
    assert names(reached(world, ticket_type_ids=(world.types["sat"], world.types["sun"]))) \
        == {"amina", "brahim", "chama"}


def test_a_revoked_ticket_of_a_paid_order_does_not_count(ctx, world):
    # Ines's Samedi was refunded: her order is still paid, for her Pass only.
    assert "ines@example.fr" not in reached(world, ticket_type_ids=(world.types["sat"],))


def test_by_festival_day_tickets_valid_that_day(ctx, world):
    saturday = reached(world, days=(SAT,))
    assert names(saturday) == {"amina", "brahim", "ines"}  # Pass and Samedi
    assert saturday["amina@example.fr"] == "fr"  # only her order A admits on Saturday
    sunday = reached(world, days=(SUN,))
    assert names(sunday) == {"amina", "chama", "ines"}
    assert sunday["amina@example.fr"] == "ar"


def test_by_check_in(ctx, world):
    inside = reached(world, checked_in=True)
    assert names(inside) == {"amina", "chama"}  # an undone or refused scan is no admission
    assert inside["amina@example.fr"] == "fr"  # her checked-in ticket is order A's
    assert names(reached(world, checked_in=False)) == {"amina", "brahim", "ines"}


def test_check_in_on_the_chosen_day(ctx, world):
    assert names(reached(world, checked_in=True, days=(SUN,))) == {"chama"}
    assert names(reached(world, checked_in=True, days=(SAT,))) == {"amina"}
    assert names(reached(world, checked_in=False, days=(SAT,))) == {"brahim", "ines"}


def test_by_order_status_closed_orders_only_when_asked_by_name(ctx, world):
    assert names(reached(world, statuses=(PENDING,))) == {"driss"}
    assert names(reached(world, statuses=(REFUNDED,))) == {"fatima"}
    assert names(reached(world, statuses=(CANCELLED, REFUNDED))) == {"fatima", "ghita"}
    assert "fatima" not in names(reached(world, statuses=(PAID, PENDING)))
    assert names(reached(world, statuses=())) == names(reached(world))  # nothing: paid


def test_by_language(ctx, world):
    arabic = reached(world, languages=("ar",))
    assert arabic == {"amina@example.fr": "ar", "brahim@example.fr": "ar"}
    assert names(reached(world, languages=("en",))) == {"chama", "ines"}
    assert names(reached(world, languages=("fr",))) == {"amina"}


def test_filters_combine(ctx, world):
    found = reached(world, ticket_type_ids=(world.types["pass"],), checked_in=False,
                    statuses=(PAID, PENDING))
    assert names(found) == {"driss", "ines"}
    assert reached(world, ticket_type_ids=(world.types["sun"],), languages=("en",),
                   days=(SUN,), checked_in=True) == {"chama@example.fr": "en"}
    assert reached(world, ticket_type_ids=(world.types["sat"],), days=(SUN,)) == {}


def test_a_box_office_order_without_address_reaches_nobody(ctx, world):
    assert all(address for address in reached(world, statuses=tuple(OrderStatus)))


def test_another_editions_buyers_are_never_reached(ctx, world):
    from festival.ticketing import orders
    from tests.ticketing.conftest import make_edition, make_type
    other = make_edition(2028)
    kind = make_type(other, name="Pass 2028")
    orders.create_order(other, buyer_name="X", email="other@example.fr",
                        items=[orders.Item(kind.id, 1)], donation_cents=0, terms_accepted=True)
    assert "other@example.fr" not in reached(world, statuses=tuple(OrderStatus))


def test_parse_audience_from_a_form(ctx, world):
    edition = edition_of(world)
    data = MultiDict([("ticket_type_ids", str(world.types["sat"])), ("days", SAT.isoformat()),
                      ("checked_in", "no"), ("statuses", "paid"), ("statuses", "refunded"),
                      ("languages", "ar")])
    audience = parse_audience(edition, data)
    assert audience == Audience(ticket_type_ids=(world.types["sat"],), days=(SAT,),
                                checked_in=False, statuses=(PAID, REFUNDED),
                                languages=("ar",))
    assert Audience.from_json(audience.as_json()) == audience
    assert parse_audience(edition, MultiDict()) == Audience()


@pytest.mark.parametrize("field, value", [
    ("ticket_type_ids", "999999"), ("ticket_type_ids", "pass"),
    # str.isdigit() holds for these, int() refuses "²" and reads "١" as 1
    ("ticket_type_ids", "²"), ("ticket_type_ids", "١"), ("days", "2027-05-17"),
    ("days", "samedi"), ("checked_in", "maybe"), ("statuses", "lost"), ("languages", "de")])
def test_parse_audience_refuses_what_the_edition_does_not_offer(ctx, world, field, value):
    with pytest.raises(ValidationError) as refused:
        parse_audience(edition_of(world), MultiDict([(field, value)]))
    assert list(refused.value.fields) == [field]


def test_a_type_of_another_edition_is_refused(ctx, world):
    from tests.ticketing.conftest import make_edition, make_type
    other = make_type(make_edition(2028), name="Pass 2028")
    with pytest.raises(ValidationError):
        parse_audience(edition_of(world), MultiDict([("ticket_type_ids", str(other.id))]))
