"""The rules at their edge times, with the clock passed in: who gets which message, once."""
from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import func, select

from festival.editions.models import EditionDay
from festival.extensions import db
from festival.outreach.cli import schedule_due
from festival.outreach.models import RuleDelivery, RuleKind
from festival.ticketing import orders, refunds
from festival.ticketing.models import OrderStatus
from tests.outreach.conftest import DAY1, DAY2, at, paid_order, rule_messages, switch_on

THE_DAY_BEFORE = DAY1 - timedelta(days=1)


def run(now) -> dict[str, int]:
    return schedule_due(now, echo=lambda *_: None)


def reminders() -> list[tuple[int, str]]:
    return sorted((m.context["order_id"], m.context["day"])
                  for m in rule_messages("rule_reminder"))


def test_a_reminder_goes_the_day_before_to_holders_of_tickets_valid_that_day(
        edition, day_pass, sunday_ticket):
    rule = switch_on(edition, RuleKind.REMINDER)
    both = paid_order(edition, day_pass, at(DAY1 - timedelta(days=30), "12:00"))
    sunday = paid_order(edition, sunday_ticket, at(DAY1 - timedelta(days=20), "12:00"),
                        email="samir@example.fr", language="ar")
    assert run(at(THE_DAY_BEFORE, "09:59")) == {}
    done = run(at(THE_DAY_BEFORE, "10:00"))
    assert done == {f"rule:{rule.id}:{DAY1.isoformat()}": 1}
    assert reminders() == [(both.id, DAY1.isoformat())]
    run(at(DAY1, "10:00"))
    assert reminders() == [(both.id, DAY1.isoformat()), (both.id, DAY2.isoformat()),
                           (sunday.id, DAY2.isoformat())]
    arabic = next(m for m in rule_messages() if m.to_address == "samir@example.fr")
    assert arabic.language == "ar" and arabic.batch == f"rule:{rule.id}:{DAY2.isoformat()}"


def test_running_twice_queues_nothing_more(edition, day_pass):
    switch_on(edition, RuleKind.REMINDER)
    paid_order(edition, day_pass, at(THE_DAY_BEFORE, "08:00"))
    run(at(THE_DAY_BEFORE, "10:00"))
    run(at(THE_DAY_BEFORE, "10:00"))
    run(at(THE_DAY_BEFORE, "18:00"))
    assert len(rule_messages()) == 1
    assert db.session.scalar(select(func.count(RuleDelivery.id))) == 1


def test_bought_the_same_day_before_the_moment_gets_it_after_does_not(edition, day_pass):
    switch_on(edition, RuleKind.REMINDER)
    before = paid_order(edition, day_pass, at(THE_DAY_BEFORE, "09:59"), email="a@example.fr")
    just_at = paid_order(edition, day_pass, at(THE_DAY_BEFORE, "10:00"), email="b@example.fr")
    after = paid_order(edition, day_pass, at(THE_DAY_BEFORE, "10:01"), email="c@example.fr")
    run(at(THE_DAY_BEFORE, "10:05"))  # the scheduler runs a little late: still the rule's moment
    queued = {order_id for order_id, _ in reminders()}
    assert before.id in queued and just_at.id in queued and after.id not in queued


def test_bought_after_the_reminder_went_out_gets_none(edition, day_pass):
    switch_on(edition, RuleKind.REMINDER)
    paid_order(edition, day_pass, at(THE_DAY_BEFORE, "08:00"))
    run(at(THE_DAY_BEFORE, "10:00"))
    late = paid_order(edition, day_pass, at(THE_DAY_BEFORE, "10:30"), email="late@example.fr")
    run(at(THE_DAY_BEFORE, "11:00"))
    run(at(THE_DAY_BEFORE, "23:00"))
    assert late.id not in {order_id for order_id, _ in reminders()}
    assert len(reminders()) == 1


def test_refunded_or_cancelled_in_between_gets_none(edition, day_pass):
    switch_on(edition, RuleKind.REMINDER)
    refunded = paid_order(edition, day_pass, at(DAY1 - timedelta(days=10), "12:00"),
                          email="r@example.fr")
    cancelled = paid_order(edition, day_pass, at(DAY1 - timedelta(days=10), "12:00"),
                           email="c@example.fr")
    kept = paid_order(edition, day_pass, at(DAY1 - timedelta(days=10), "12:00"),
                      email="k@example.fr")
    refunds.refund(refunded, None, actor=None, reason="Empêchée", confirmed=True,
                   now=at(THE_DAY_BEFORE, "09:00"))
    orders.cancel_order(cancelled, actor=None, reason="Doublon", now=at(THE_DAY_BEFORE, "09:30"))
    assert refunded.status is OrderStatus.REFUNDED and cancelled.status is OrderStatus.CANCELLED
    run(at(THE_DAY_BEFORE, "10:00"))
    assert [order_id for order_id, _ in reminders()] == [kept.id]


def test_a_partly_refunded_order_is_reminded_only_of_the_days_its_valid_tickets_admit(
        edition, day_pass, sunday_ticket):
    switch_on(edition, RuleKind.REMINDER)
    order = paid_order(edition, day_pass, at(DAY1 - timedelta(days=10), "12:00"),
                       extra=[sunday_ticket])
    pass_ticket = next(t for t in order.tickets if t.ticket_type_id == day_pass.id)
    refunds.refund(order, None, ticket_ids=[pass_ticket.id], actor=None, reason="Samedi annulé",
                   confirmed=True, now=at(DAY1 - timedelta(days=5), "12:00"))
    assert order.status is OrderStatus.PAID
    run(at(THE_DAY_BEFORE, "10:00"))
    run(at(DAY1, "10:00"))
    assert reminders() == [(order.id, DAY2.isoformat())]


def test_never_once_the_day_has_begun(edition, day_pass):
    switch_on(edition, RuleKind.REMINDER)
    paid_order(edition, day_pass, at(DAY1 - timedelta(days=10), "12:00"))
    # The scheduler was down all the day before: at 04:59 on day 1 (before the 05:00 cut-off)
    # the reminder still goes; at 05:00 day 1 has begun.
    run(at(DAY1, "05:00"))
    assert reminders() == []
    run(at(DAY1, "04:59"))
    assert reminders() == [(reminders()[0][0], DAY1.isoformat())]


def test_the_day_begins_at_the_editions_cut_off(edition, day_pass):
    edition.day_cutoff = time(0, 0)
    switch_on(edition, RuleKind.REMINDER)
    paid_order(edition, day_pass, at(DAY1 - timedelta(days=10), "12:00"))
    run(at(DAY1, "00:30"))  # with a midnight cut-off, day 1 has begun at 00:00
    assert reminders() == []


def test_the_day_begins_when_its_doors_open_if_it_says_so(edition, day_pass):
    # (A plain attribute, kept by holding the row, until the festival day has its door
    # hours as a column.)
    first = edition.days[0]
    first.doors_open = time(14, 0)
    switch_on(edition, RuleKind.REMINDER)
    order = paid_order(edition, day_pass, at(DAY1 - timedelta(days=10), "12:00"))
    run(at(DAY1, "14:00"))  # the doors of day 1 are open: only day 2's reminder goes
    assert reminders() == [(order.id, DAY2.isoformat())]
    run(at(DAY1, "13:59"))  # a minute before they open, day 1's could still go
    assert reminders() == [(order.id, DAY1.isoformat()), (order.id, DAY2.isoformat())]
    assert first.doors_open == time(14, 0)


def test_festival_days_changed_after_scheduling(edition, day_pass):
    switch_on(edition, RuleKind.REMINDER)
    order = paid_order(edition, day_pass, at(DAY1 - timedelta(days=10), "12:00"))
    run(at(THE_DAY_BEFORE, "10:00"))
    assert reminders() == [(order.id, DAY1.isoformat())]
    # The festival moves a week later: each new day gets its reminder the day before it, and
    # the day already reminded is not reminded again.
    moved = [DAY1 + timedelta(days=7), DAY2 + timedelta(days=7)]
    edition.days = [EditionDay(day=d) for d in moved]
    db.session.flush()
    run(at(THE_DAY_BEFORE, "18:00"))
    assert len(reminders()) == 1
    run(at(moved[0] - timedelta(days=1), "10:00"))
    assert reminders() == [(order.id, DAY1.isoformat()), (order.id, moved[0].isoformat())]


def test_a_rule_switched_off_queues_nothing(edition, day_pass):
    rule = switch_on(edition, RuleKind.REMINDER)
    rule.is_enabled = False
    paid_order(edition, day_pass, at(DAY1 - timedelta(days=10), "12:00"))
    run(at(THE_DAY_BEFORE, "10:00"))
    assert rule_messages() == []


def test_thank_you_the_day_after_the_festival_to_paid_orders(edition, day_pass):
    rule = switch_on(edition, RuleKind.THANK_YOU)
    paid = paid_order(edition, day_pass, at(DAY1 - timedelta(days=10), "12:00"))
    cancelled = paid_order(edition, day_pass, at(DAY1 - timedelta(days=10), "12:00"),
                           email="c@example.fr")
    orders.cancel_order(cancelled, actor=None, reason="Doublon", now=at(DAY1, "09:00"))
    the_day_after = DAY2 + timedelta(days=1)
    run(at(the_day_after, "09:59"))
    assert rule_messages() == []
    assert run(at(the_day_after, "10:00")) == {f"rule:{rule.id}:after": 1}
    [message] = rule_messages("rule_thank_you")
    assert message.context == {"rule_id": rule.id, "order_id": paid.id}
    run(at(the_day_after, "11:00"))
    assert len(rule_messages()) == 1


def test_thank_you_not_weeks_later(edition, day_pass):
    switch_on(edition, RuleKind.THANK_YOU)
    paid_order(edition, day_pass, at(DAY1 - timedelta(days=10), "12:00"))
    run(at(DAY2 + timedelta(days=30), "10:00"))
    assert rule_messages() == []


def test_a_reminder_the_sender_reaches_too_late_is_given_up(app, smtp_server):
    """The scheduler queued it in time, but the sender only runs once the day has begun."""
    from festival.mail.models import MailStatus
    from festival.mail.sender import send_all_due
    from tests.outreach.conftest import make_edition
    from tests.ticketing.conftest import make_type
    with app.app_context():
        edition = make_edition()
        pass_type = make_type(edition, quota=5)
        switch_on(edition, RuleKind.REMINDER)
        paid_order(edition, pass_type, at(DAY1 - timedelta(days=10), "12:00"),
                   email="early@example.fr")
        db.session.commit()
        run(at(THE_DAY_BEFORE, "10:00"))
        [reminder] = rule_messages()
        assert reminder.send_before == at(DAY1, "05:00")
        send_all_due(now=at(DAY1, "05:00"))
        db.session.expire_all()
        [reminder] = rule_messages()
        assert reminder.status is MailStatus.FAILED
        assert "moment passed" in reminder.last_error
    assert [m["To"] for m in smtp_server.messages if m["Subject"].startswith("Tomorrow")] == []


def test_a_reminder_sent_in_time_reaches_the_smtp_server(app, smtp_server):
    from festival.mail.sender import send_all_due
    from tests.outreach.conftest import make_edition
    from tests.ticketing.conftest import make_type
    with app.app_context():
        edition = make_edition()
        switch_on(edition, RuleKind.REMINDER)
        paid_order(edition, make_type(edition, quota=5), at(DAY1 - timedelta(days=10), "12:00"),
                   email="early@example.fr")
        db.session.commit()
        run(at(THE_DAY_BEFORE, "10:00"))
        send_all_due(now=at(THE_DAY_BEFORE, "10:01"))
    [reminder] = [m for m in smtp_server.messages if m["Subject"].startswith("Tomorrow")]
    assert reminder["To"] == "early@example.fr"
    pdf = [part for part in reminder.iter_attachments()
           if part.get_content_type() == "application/pdf"]
    assert len(pdf) == 1 and pdf[0].get_filename().endswith(f"{DAY1.isoformat()}.pdf")


def test_refunded_or_unsubscribed_after_the_queueing_is_not_sent(app, smtp_server):
    """The scheduler queued the reminder, the thank-you and the announcement; then the orders
    were refunded and the address unsubscribed before the sender's round: nothing goes."""
    from festival.mail.models import MailStatus
    from festival.mail.sender import send_all_due
    from festival.outreach import unsubscribe as optout
    from tests.outreach.conftest import make_edition
    from tests.ticketing.conftest import make_type
    with app.app_context():
        past = make_edition(2026, days=(DAY1.replace(year=2026),))
        paid_order(past, make_type(past, quota=5), at(DAY1.replace(year=2026), "09:00"),
                   email="news@example.fr", consent=True)
        edition = make_edition()
        pass_type = make_type(edition, quota=5)
        for kind in RuleKind:
            switch_on(edition, kind)
        reminded = paid_order(edition, pass_type, at(DAY1 - timedelta(days=10), "12:00"),
                              email="reminded@example.fr")
        thanked = paid_order(edition, pass_type, at(DAY1 - timedelta(days=10), "12:00"),
                             email="thanked@example.fr")
        db.session.commit()
        run(at(THE_DAY_BEFORE, "10:00"))
        assert {m.to_address for m in rule_messages()} == {"news@example.fr",
                                                           "reminded@example.fr",
                                                           "thanked@example.fr"}
        refunds.refund(reminded, None, actor=None, reason="Empêchée", confirmed=True,
                       now=at(THE_DAY_BEFORE, "10:01"))
        optout.unsubscribe("news@example.fr")
        db.session.commit()
        send_all_due(now=at(THE_DAY_BEFORE, "10:02"))
        the_day_after = DAY2 + timedelta(days=1)
        run(at(the_day_after, "10:00"))
        orders.cancel_order(thanked, actor=None, reason="Doublon", now=at(the_day_after, "10:01"))
        db.session.commit()
        send_all_due(now=at(the_day_after, "10:02"))
        db.session.expire_all()
        withdrawn = {m.to_address: m for m in rule_messages()
                     if m.to_address != "thanked@example.fr" or m.template == "rule_thank_you"}
        assert {m.status for m in withdrawn.values()} == {MailStatus.FAILED}
        assert all("not sent" in m.last_error for m in withdrawn.values())
    assert sorted((m["To"], m["Subject"]) for m in smtp_server.messages
                  if not m["Subject"].startswith("Your tickets")) == [
        ("thanked@example.fr", "Tomorrow at the festival: your tickets")]


def test_a_rule_switched_off_while_its_messages_wait_sends_no_more(app, smtp_server):
    """An organiser who switches a rule off (a wrong text seen going out) stops what is still
    waiting in the outbox, not only the next occasions."""
    from festival.mail.models import MailStatus
    from festival.mail.sender import send_all_due
    from festival.outreach import services
    from tests.outreach.conftest import make_edition
    from tests.ticketing.conftest import make_type
    with app.app_context():
        edition = make_edition()
        pass_type = make_type(edition, quota=5)
        switch_on(edition, RuleKind.REMINDER)
        paid_order(edition, pass_type, at(DAY1 - timedelta(days=10), "12:00"),
                   email="waiting@example.fr")
        db.session.commit()
        run(at(THE_DAY_BEFORE, "10:00"))
        services.switch_rule(edition, RuleKind.REMINDER, False, actor=None)
        db.session.commit()
        send_all_due(now=at(THE_DAY_BEFORE, "10:01"))
        db.session.expire_all()
        [reminder] = rule_messages()
        assert reminder.status is MailStatus.FAILED and "switched off" in reminder.last_error
    assert [m for m in smtp_server.messages if m["To"] == "waiting@example.fr"
            and m["Subject"].startswith("Tomorrow")] == []
