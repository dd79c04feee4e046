"""The venue capacity is per festival day: a ticket counts against each day it admits on
(a Saturday pass against Saturday, a two-day pass against both), and a full day refuses only
the tickets that admit on it."""
from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select, update

from festival.core.errors import Conflict, ValidationError
from festival.editions.services import update_edition
from festival.extensions import db
from festival.ticketing import catalog, orders, quotas
from festival.ticketing.models import Quota
from festival.ticketing.orders import Item
from tests.ticketing.conftest import make_edition, make_type

SATURDAY, SUNDAY = date(2027, 5, 15), date(2027, 5, 16)


def _day_used(edition) -> dict[date, int]:
    return dict(db.session.execute(select(Quota.day, Quota.used).where(
        Quota.edition_id == edition.id, Quota.day.is_not(None))).all())


def _day_sizes(edition) -> dict[date, int]:
    return dict(db.session.execute(select(Quota.day, Quota.size).where(
        Quota.edition_id == edition.id, Quota.day.is_not(None))).all())


def _buy(edition, ticket_type, n: int, who: str = "buyer"):
    return orders.create_order(edition, terms_accepted=True,
                               buyer_name=who, email=f"{who}@example.fr",
                               items=[Item(ticket_type.id, n)])


def _passes(edition, size: int = 1000):
    saturday = make_type(edition, "Pass samedi", quota=size, max_per_order=20,
                         valid_days=[SATURDAY.isoformat()])
    sunday = make_type(edition, "Pass dimanche", quota=size, max_per_order=20,
                       valid_days=[SUNDAY.isoformat()])
    both = make_type(edition, "Pass deux jours", quota=size, max_per_order=20)
    return saturday, sunday, both


def test_600_saturday_and_600_sunday_passes_are_all_sold_at_a_capacity_of_1000(ctx):
    edition = make_edition(capacity=1000)
    saturday, sunday, _ = _passes(edition, size=600)
    for n in range(30):
        _buy(edition, saturday, 20, f"sat{n}")
        _buy(edition, sunday, 20, f"sun{n}")
    assert _day_used(edition) == {SATURDAY: 600, SUNDAY: 600}
    assert quotas.drift() == []


def test_an_edition_has_a_venue_quota_per_day_of_its_capacity(ctx):
    edition = make_edition(capacity=1000)
    assert edition.day_capacity == 1000
    assert _day_sizes(edition) == {SATURDAY: 1000, SUNDAY: 1000}
    assert _day_used(edition) == {SATURDAY: 0, SUNDAY: 0}


def test_a_two_day_pass_counts_against_both_days_and_gives_both_back(ctx):
    edition = make_edition(capacity=1000)
    saturday, _, both = _passes(edition)
    order = _buy(edition, both, 3)
    _buy(edition, saturday, 2, "other")
    assert _day_used(edition) == {SATURDAY: 5, SUNDAY: 3}
    assert orders.expire_order(order, now=order.expires_at)
    assert _day_used(edition) == {SATURDAY: 2, SUNDAY: 0}
    assert quotas.drift() == []


def test_a_full_saturday_refuses_saturday_and_two_day_passes_but_not_sunday_ones(ctx):
    edition = make_edition(capacity=10)
    saturday, sunday, both = _passes(edition)
    _buy(edition, saturday, 10)
    with pytest.raises(Conflict) as refused:
        _buy(edition, saturday, 1, "late")
    assert refused.value.code == "sold_out"
    with force_locale("en"):
        assert "Saturday 15 May is full" in str(refused.value.message)
    with pytest.raises(Conflict):
        _buy(edition, both, 1, "late")
    assert _day_used(edition) == {SATURDAY: 10, SUNDAY: 0}  # the refusal changed nothing
    _buy(edition, sunday, 4, "sunday")
    assert _day_used(edition) == {SATURDAY: 10, SUNDAY: 4}
    assert quotas.drift() == []


def test_a_refused_two_day_pass_leaves_the_day_taken_first_as_it_was(ctx):
    edition = make_edition(capacity=5)
    _, sunday, both = _passes(edition)
    _buy(edition, sunday, 5)
    ids = dict(db.session.execute(select(Quota.day, Quota.id).where(Quota.day.is_not(None)))
               .all())
    assert ids[SATURDAY] < ids[SUNDAY]  # Saturday is raised first, then Sunday refuses
    with pytest.raises(Conflict):
        _buy(edition, both, 1, "late")
    assert _day_used(edition) == {SATURDAY: 0, SUNDAY: 5}


def test_a_type_listing_a_day_outside_the_edition_counts_only_on_its_days(ctx):
    edition = make_edition(capacity=10)
    odd = make_type(edition, "Pass samedi et lundi", max_per_order=20,
                    valid_days=[SATURDAY.isoformat()])
    odd.valid_days = [SATURDAY.isoformat(), "2027-05-17"]  # Monday was a day, then removed
    _buy(edition, odd, 2)
    assert _day_used(edition) == {SATURDAY: 2, SUNDAY: 0}


def test_the_capacity_resizes_every_day_but_never_below_what_a_day_holds(ctx):
    edition = make_edition(capacity=10)
    saturday, _, _ = _passes(edition)
    loaded = quotas.edition_quotas(edition.id)  # held on to: the buy moves them behind its back
    _buy(edition, saturday, 6)
    assert loaded.by_day[SATURDAY].used == 0
    catalog.set_venue_capacity(edition, 20)
    assert _day_sizes(edition) == {SATURDAY: 20, SUNDAY: 20}
    with pytest.raises(ValidationError) as refused:
        catalog.set_venue_capacity(edition, 5)
    assert "capacity" in refused.value.fields
    assert _day_sizes(edition) == {SATURDAY: 20, SUNDAY: 20} and edition.day_capacity == 20
    catalog.set_venue_capacity(edition, 6)
    assert _day_sizes(edition) == {SATURDAY: 6, SUNDAY: 6}


def test_days_added_and_removed_keep_their_quotas_in_step(ctx):
    edition = make_edition(capacity=100)
    saturday, _, both = _passes(edition)
    _buy(edition, both, 4)
    _buy(edition, saturday, 2, "other")
    friday = date(2027, 5, 14)
    update_edition(edition, {"days": [friday, SATURDAY, SUNDAY]}, actor=None)
    # The passes for every day now admit on Friday too, and count there at once.
    assert _day_used(edition) == {friday: 4, SATURDAY: 6, SUNDAY: 4}
    assert _day_sizes(edition)[friday] == 100
    update_edition(edition, {"days": [SATURDAY]}, actor=None)
    assert _day_used(edition) == {SATURDAY: 6}
    assert quotas.drift() == []


def test_an_edition_without_a_capacity_has_no_day_quotas(ctx):
    edition = make_edition(capacity=None)
    ticket_type = make_type(edition, quota=5)
    update_edition(edition, {"days": [SATURDAY]}, actor=None)
    assert _day_used(edition) == {}
    _buy(edition, ticket_type, 5)
    with pytest.raises(Conflict):
        _buy(edition, ticket_type, 1, "late")


def test_quotas_check_reports_a_day_whose_counter_drifted(runner, app):
    with app.app_context():
        edition = make_edition(capacity=100)
        _, _, both = _passes(edition)
        _buy(edition, both, 3)
        sunday_id = db.session.scalar(select(Quota.id).where(Quota.day == SUNDAY))
        db.session.execute(update(Quota).where(Quota.id == sunday_id).values(used=9))
        db.session.commit()
    result = runner.invoke(args=["quotas", "check"])
    assert result.exit_code == 1
    assert (f"2027 venue capacity on 2027-05-16 (quota #{sunday_id}, size 100): counter 9, "
            "seats held 3") in result.output
    assert "2027-05-15" not in result.output
    assert runner.invoke(args=["quotas", "check", "--fix"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(Quota.used).where(Quota.id == sunday_id)) == 3
