"""Two schedulers at once (PostgreSQL): both find the same orders to remind, and each order
still gets one reminder, from whichever scheduler inserted its delivery row first."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.outreach import schedule
from festival.outreach.cli import schedule_due
from festival.outreach.models import RuleDelivery, RuleKind
from tests.outreach.conftest import DAY1, at, make_edition, paid_order, switch_on
from tests.ticketing.conftest import make_type


def test_two_schedulers_at_once_queue_each_reminder_once(app, postgres, monkeypatch):
    buyers = 12
    with app.app_context():
        edition = make_edition()
        pass_type = make_type(edition, quota=100)
        for n in range(buyers):
            paid_order(edition, pass_type, at(DAY1 - timedelta(days=3), "12:00"),
                       email=f"b{n}@example.fr")
        switch_on(edition, RuleKind.REMINDER)
        db.session.commit()

    # Both schedulers find every order still to remind before either inserts anything.
    found_both = threading.Barrier(2)
    real_pending = schedule.pending_orders

    def pending_orders(rule, occasion, limit):
        found = real_pending(rule, occasion, limit)
        if found:
            found_both.wait(timeout=30)
        return found
    monkeypatch.setattr(schedule, "pending_orders", pending_orders)

    results, errors = [], []

    def scheduler() -> None:
        with app.app_context():
            try:
                results.append(sum(schedule_due(at(DAY1 - timedelta(days=1), "10:00"),
                                                echo=lambda *_: None).values()))
            except Exception as error:  # noqa: BLE001 (shown by the assertion below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=scheduler, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(results) == 2
    assert sum(results) == buyers  # split between the two, never doubled
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.template == "rule_reminder")) == buyers
        assert db.session.scalar(select(func.count(RuleDelivery.id))) == buyers


def test_two_feedback_submissions_at_once_make_one_answer(app, postgres):
    """The second submission waits for the first one's lock on the order, then replaces its
    answer (without the lock it would insert a second answer and fail on the unique order)."""
    from datetime import date

    from festival.outreach.feedback import give_feedback
    from festival.outreach.models import FeedbackAnswer
    from festival.ticketing.models import Order
    from tests.together import lock_wait
    with app.app_context():
        day = date(2020, 5, 15)
        edition = make_edition(2020, days=(day,))
        order_id = paid_order(edition, make_type(edition, quota=5),
                              at(day - timedelta(days=2), "12:00")).id
        db.session.commit()

    first_written, outcomes, errors = threading.Event(), [], []

    def submit(mark: int) -> None:
        with app.app_context():
            try:
                if mark == 5:
                    first_written.wait(30)
                give_feedback(db.session.get(Order, order_id), mark, None, f"Note {mark}",
                              "fr", now=at(day, "22:00"))
                if mark == 2:  # written, not committed: the other submission must wait
                    first_written.set()
                    outcomes.append(lock_wait(app))
                db.session.commit()
            except Exception as error:  # noqa: BLE001 (shown by the assertion below)
                errors.append(error)
            finally:
                first_written.set()
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(mark,), daemon=True) for mark in (2, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and outcomes == [True]
    with app.app_context():
        assert db.session.execute(select(FeedbackAnswer.mark, FeedbackAnswer.comment)
                                  ).all() == [(5, "Note 5")]


def test_a_submission_that_found_no_answer_before_the_other_committed(app, monkeypatch):
    """SQLite has no row lock: the second submission looks for the order's answer, finds
    none, the first one writes and commits, then the second inserted a second answer and
    failed on the unique order (a 500). It must replace the answer instead. (On PostgreSQL
    the order's lock orders them: the test above.)"""
    from datetime import date

    import pytest

    from festival.outreach import feedback
    from festival.outreach.models import FeedbackAnswer
    from festival.ticketing.models import Order
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL's row lock makes the first submission wait: the test above")
    with app.app_context():
        day = date(2020, 5, 15)
        edition = make_edition(2020, days=(day,))
        order_id = paid_order(edition, make_type(edition, quota=5),
                              at(day - timedelta(days=2), "12:00")).id
        db.session.commit()
    real_answer_of = feedback.answer_of
    other: list[str] = []

    def the_other_submission() -> None:
        with app.app_context():
            feedback.give_feedback(db.session.get(Order, order_id), 2, None, "Note 2", "fr",
                                   now=at(day, "22:00"))
            db.session.commit()
            other.append("committed")
            db.session.remove()

    def no_answer_yet_then_the_other_submission(order):
        found = real_answer_of(order)
        monkeypatch.setattr(feedback, "answer_of", real_answer_of)
        thread = threading.Thread(target=the_other_submission)
        thread.start()
        thread.join(30)
        return found

    monkeypatch.setattr(feedback, "answer_of", no_answer_yet_then_the_other_submission)
    with app.app_context():
        feedback.give_feedback(db.session.get(Order, order_id), 5, None, "Note 5", "fr",
                               now=at(day, "22:00"))
        db.session.commit()
        assert other == ["committed"]
        assert db.session.execute(select(FeedbackAnswer.mark, FeedbackAnswer.comment)
                                  ).all() == [(5, "Note 5")]


def test_two_clicks_on_a_rule_never_saved_store_it_once(app, postgres, monkeypatch):
    """A double click on "Switch on" (or two organisers saving) for a rule not stored yet:
    both look for it, find none and insert it; the second failed on the unique
    (edition, kind) with a 500. Both must succeed, with one rule."""
    from festival.outreach import services
    from festival.outreach.models import MessageRule
    with app.app_context():
        edition_id = make_edition().id
        db.session.commit()
    both_looked = threading.Barrier(2)
    real_rule_of = services.rule_of

    def rule_of(edition, kind):
        found = real_rule_of(edition, kind)
        if found is None:
            both_looked.wait(timeout=30)
        return found
    monkeypatch.setattr(services, "rule_of", rule_of)
    errors: list[Exception] = []

    def click() -> None:
        from festival.editions.models import Edition
        with app.app_context():
            try:
                services.switch_rule(db.session.get(Edition, edition_id), RuleKind.REMINDER,
                                     True, actor=None)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 (shown by the assertion below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=click, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with app.app_context():
        assert db.session.execute(select(MessageRule.kind, MessageRule.is_enabled)).all() == [
            (RuleKind.REMINDER, True)]
