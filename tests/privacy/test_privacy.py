"""A person's data: export, erasure that keeps the accounting and the check-in figures, and
the retention purge with its dry run."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.core.errors import DomainError, ValidationError
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.privacy import services
from festival.ticketing import orders
from festival.ticketing.models import Order, OrderStatus, PaymentMethod, Ticket
from tests import factories
from tests.ticketing.conftest import make_edition, make_type


def _paid_order(edition, email="leila@example.fr", names=("Leïla", "Brahim")):
    kind = make_type(edition, name=f"Pass {len(names)} {email}", requires_attendee_name=True,
                     quota=50)
    order = orders.create_order(edition, terms_accepted=True,
                                buyer_name="Leïla Amghar", email=email,
                                items=[orders.Item(kind.id, len(names), list(names))],
                                marketing_consent=True)
    orders.mark_paid(order, PaymentMethod.CASH)
    return order


def test_export_holds_everything_about_the_address(ctx):
    edition = make_edition()
    order = _paid_order(edition)
    factories.gen_user("volunteer", email="leila@example.fr", name="Leïla")
    data = services.export_person(" Leila@Example.FR ")
    assert data["email"] == "leila@example.fr"
    assert [a["role"] for a in data["accounts"]] == ["volunteer"]
    assert data["orders"][0]["code"] == order.code
    assert [t["attendee_name"] for t in data["orders"][0]["tickets"]] == ["Leïla", "Brahim"]
    assert data["messages"][0]["subject"]  # the confirmation e-mail
    json.dumps(data)  # serialisable as it is


def test_erasure_keeps_amounts_and_tickets_but_no_name(ctx):
    edition = make_edition()
    order = _paid_order(edition)
    other = _paid_order(edition, email="someone@example.fr", names=("Other",))
    user = factories.gen_user("volunteer", email="leila@example.fr")
    done = services.erase_person("leila@example.fr", actor=None)
    assert done.orders == [order.code] and done.accounts == 1 and done.messages == 1
    assert order.status is OrderStatus.PAID and order.total_cents == 3000
    assert order.buyer_name == "—" and services.is_anonymised(order.email)
    assert {t.attendee_name for t in order.tickets} == {""} and not order.marketing_consent
    assert order.events[-1].kind == "anonymised"
    assert db.session.scalar(select(func.count(Ticket.id))) == 3
    assert not user.is_enabled and services.is_anonymised(user.email)
    held = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert "leila@example.fr" not in held and "someone@example.fr" in held
    assert other.buyer_name == "Leïla Amghar"  # someone else's order is untouched
    assert services.export_person("leila@example.fr")["orders"] == []
    with pytest.raises(ValidationError):
        services.erase_person(order.email, actor=None)


def test_purge_respects_the_retention_and_its_dry_run(ctx):
    old = make_edition(year=2024, status="archived")
    recent = make_edition(year=2027)
    for edition in (old, recent):
        edition.days[0].day, edition.days[1].day = date(edition.year, 5, 15), date(edition.year, 5, 16)
    from festival.editions.models import EditionStatus
    old.status = EditionStatus.ON_SALE
    old_order = _paid_order(old, email="ancien@example.fr")
    old.status = EditionStatus.ARCHIVED
    new_order = _paid_order(recent, email="nouveau@example.fr")
    now = utcnow().replace(year=2026, month=1, day=10)
    listed = services.purge(13, dry_run=True, now=now)
    assert [o.code for o in listed] == [old_order.code]
    assert old_order.buyer_name == "Leïla Amghar"  # the dry run changed nothing
    services.purge(13, dry_run=False, now=now)
    assert services.is_anonymised(old_order.email) and not services.is_anonymised(
        new_order.email)
    assert services.purge(13, dry_run=True, now=now) == []
    assert services.purge(40, dry_run=True, now=now + timedelta(days=1)) == []


def test_privacy_purge_command(runner, app):
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0 and "Dry run: 0 order(s)" in result.output


def test_organiser_pages_export_and_erase(client, auth, app):
    with app.app_context():
        _paid_order(make_edition())
        db.session.commit()
    auth.login_as("organiser")
    page = client.get("/manage/privacy?email=leila@example.fr").get_data(as_text=True)
    assert "data-privacy-result" in page
    exported = client.get("/manage/privacy/export?email=leila@example.fr")
    assert exported.status_code == 200 and exported.is_json
    assert "attachment" in exported.headers["Content-Disposition"]
    unconfirmed = client.post("/manage/privacy/erase", data={"email": "leila@example.fr"})
    assert unconfirmed.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Order.email)) == "leila@example.fr"
    client.post("/manage/privacy/erase", data={"email": "leila@example.fr", "confirm": "yes"})
    with app.app_context():
        assert services.is_anonymised(db.session.scalar(select(Order.email)))
    assert "not a valid" in client.get("/manage/privacy?email=nope").get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "organiser", "volunteer"])
def test_only_an_admin_erases_a_staff_account(ctx, role):
    edition = make_edition()
    order = _paid_order(edition, email="staff@example.fr")
    factories.gen_user("admin")  # so that the admin below is not the last one
    staff = factories.gen_user(role, email="staff@example.fr")
    organiser = factories.gen_user("organiser")
    with pytest.raises(DomainError) as info:
        services.erase_person("staff@example.fr", actor=organiser)
    assert info.value.code == "staff_account" and info.value.status == 403
    assert staff.is_enabled and staff.email == "staff@example.fr"
    assert order.buyer_name == "Leïla Amghar"  # nothing was changed, not even the orders
    admin = factories.gen_user("admin")
    assert services.erase_person("staff@example.fr", actor=admin).accounts == 1
    assert not staff.is_enabled


def test_an_organiser_still_erases_a_representative(ctx):
    representative = factories.gen_user("association", email="rep@example.fr")
    organiser = factories.gen_user("organiser")
    assert services.erase_person("rep@example.fr", actor=organiser).accounts == 1
    assert not representative.is_enabled


def test_nobody_erases_the_last_active_admin(ctx):
    only = factories.gen_user("admin", email="only@example.fr")
    former = factories.gen_user("admin")
    former.is_enabled = False  # a disabled administrator does not count
    for actor in (only, None):
        with pytest.raises(DomainError) as info:
            services.erase_person("only@example.fr", actor=actor)
        assert info.value.code == "last_admin"
    assert only.is_enabled
    factories.gen_user("admin")
    services.erase_person("only@example.fr", actor=only)
    assert not only.is_enabled


def test_erasing_an_account_ends_its_sessions(ctx):
    user = factories.gen_user("association", email="rep@example.fr")
    version = user.session_version
    services.erase_person("rep@example.fr", actor=None)
    assert user.session_version == version + 1


def test_the_erase_page_refuses_an_organiser_a_staff_account(client, auth, app):
    admin = factories.user_in_db(app, "admin")
    auth.login_as("organiser")
    refused = client.post("/manage/privacy/erase", data={"email": admin["email"],
                                                         "confirm": "yes"},
                          follow_redirects=True)
    assert refused.status_code == 200
    assert "only an administrator may change or erase it" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin["id"]).is_enabled
    other = app.test_client()
    assert other.post("/login", data={"email": admin["email"],
                                      "password": factories.PASSWORD}).status_code == 302


def _handed_over(edition, to="yanis@example.org"):
    from festival.ticketing import changes
    order = _paid_order(edition)
    now = changes.festival_starts_at(order) - timedelta(days=5)
    new = changes.transfer_ticket(order, order.tickets[1].id, name="Yanis Amrani", email=to,
                                  now=now)
    return order, new


def test_a_ticket_handed_over_is_in_its_holders_export(ctx):
    _order, new = _handed_over(make_edition())
    data = services.export_person("Yanis@Example.org")
    assert [(t["id"], t["attendee_name"], t["email"]) for t in
            data["tickets_handed_over_to_you"]] == [(new.id, "Yanis Amrani",
                                                     "yanis@example.org")]
    assert data["orders"] == []  # the order is the buyer's
    assert [m["subject"] for m in data["messages"]]  # the ticket sent to them
    json.dumps(data)
    # the buyer's own export does not hold the holder's address
    assert "yanis@example.org" not in json.dumps(services.export_person("leila@example.fr"))


def test_erasing_a_holder_leaves_the_buyers_order(ctx):
    order, new = _handed_over(make_edition())
    done = services.erase_person("yanis@example.org", actor=None)
    assert done.tickets == 1 and done.orders == []
    assert (new.attendee_name, new.holder_email) == ("", None)
    assert order.buyer_name == "Leïla Amghar" and order.tickets[0].attendee_name == "Leïla"
    assert services.export_person("yanis@example.org")["tickets_handed_over_to_you"] == []


def test_erasing_the_buyer_erases_the_holders_address_too(ctx):
    _order, new = _handed_over(make_edition())
    services.erase_person("leila@example.fr", actor=None)
    assert new.holder_email is None and new.attendee_name == ""
