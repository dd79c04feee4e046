"""Shift reminders through the outbox: the day before and one hour before, each queued once,
by `flask mail schedule`."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from festival.extensions import db
from festival.mail.batches import describe_batches
from festival.mail.models import OutboxMessage
from festival.outreach.cli import schedule_due
from festival.volunteers import reminders, services
from tests.factories import gen_user
from tests.volunteers.conftest import SATURDAY_6PM, WEEK_BEFORE, make_setup, make_shift


def _messages(**filters) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).filter_by(**filters)
                                   .order_by(OutboxMessage.id)))


def _schedule(now) -> dict:
    return schedule_due(now, echo=lambda *_: None)


def _team(edition):
    """A shift at Saturday 18:00 with a lead and two volunteers; the second withdraws."""
    lead = gen_user("volunteer", name="Nadia Amrani")
    shift = make_shift(edition, title="Porte 2", people=3, lead_id=lead.id,
                       lead_phone="+33 6 12 34 56 78",
                       notes={"fr": "Gilet jaune", "en": "Yellow vest"})
    amine = gen_user("volunteer", name="Amine Tazi", email="amine@example.org")
    amine.language = "en"
    services.sign_up(shift, amine, now=WEEK_BEFORE)
    services.sign_up(shift, gen_user("volunteer", name="Leila Bennani"), now=WEEK_BEFORE)
    gone = gen_user("volunteer", name="Omar Gone", email="gone@example.org")
    services.sign_up(shift, gone, now=WEEK_BEFORE)
    services.withdraw(shift, gone, now=WEEK_BEFORE)
    db.session.commit()
    return shift


def test_the_day_before_and_one_hour_before_each_once(ctx):
    edition, *_ = make_setup()
    _team(edition)
    assert _schedule(SATURDAY_6PM - timedelta(hours=25)) == {}  # too early
    assert _schedule(SATURDAY_6PM - timedelta(hours=23)) == {"shifts": 2}
    assert _schedule(SATURDAY_6PM - timedelta(hours=22)) == {}  # once
    day = _messages(to_address="amine@example.org")
    assert len(day) == 1 and day[0].language == "en"
    assert day[0].subject == "Your volunteer shift tomorrow: Porte 2"
    text = day[0].text_body
    assert "Hello Amine," in text and "Yellow vest" in text and "Leila" in text
    assert "Nadia Amrani · +33 6 12 34 56 78" in text and "Saturday 15 May, 18:00–22:00" in text
    assert "/volunteer/shifts/" in text
    assert _schedule(SATURDAY_6PM - timedelta(minutes=50)) == {"shifts": 2}
    assert _schedule(SATURDAY_6PM - timedelta(minutes=40)) == {}
    assert _schedule(SATURDAY_6PM + timedelta(minutes=1)) == {}
    assert _messages(to_address="gone@example.org") == []
    hour = _messages(to_address="amine@example.org")[1]
    assert hour.subject == "Your volunteer shift in one hour: Porte 2"
    assert hour.batch == f"shifts:{edition.id}:hour"
    info = describe_batches([hour.batch])[hour.batch]
    assert info.edition_id == edition.id and "one hour before" in info.label


def test_a_late_sign_up_gets_only_the_reminder_still_due(ctx, app):
    edition, *_ = make_setup()
    shift = make_shift(edition)
    app.config["VOLUNTEER_DEADLINE_HOURS"] = 0
    try:
        services.sign_up(shift, gen_user("volunteer"), now=SATURDAY_6PM - timedelta(minutes=30))
    finally:
        app.config["VOLUNTEER_DEADLINE_HOURS"] = 24
    db.session.commit()
    _schedule(SATURDAY_6PM - timedelta(minutes=29))
    assert [m.batch.rsplit(":", 1)[1] for m in _messages()] == ["hour"]


def test_a_moved_shift_is_reminded_again(ctx):
    edition, *_ = make_setup()
    shift = _team(edition)
    _schedule(SATURDAY_6PM - timedelta(hours=23))
    later = SATURDAY_6PM + timedelta(days=1)
    services.update_shift(shift, {"task": "welcome_desk", "title": "Porte 2",
                                  "starts_at": later, "ends_at": later + timedelta(hours=2),
                                  "people_needed": 3}, actor=None)
    db.session.commit()
    assert _schedule(later - timedelta(hours=23)) == {"shifts": 2}
    assert len(_messages(to_address="amine@example.org")) == 2


def test_the_reminders_are_in_the_volunteers_language(translated_app):
    with translated_app.app_context():
        edition, *_ = make_setup()
        _team(edition)
        _schedule(SATURDAY_6PM - timedelta(hours=23))
        french = [m for m in _messages() if m.language == "fr"]
        assert french and french[0].subject == "Votre créneau bénévole demain : Porte 2"
        assert "samedi 15 mai, 18:00–22:00" in french[0].text_body
        assert "Gilet jaune" in french[0].text_body
        db.session.rollback()


def test_two_schedulers_at_once_queue_each_reminder_once(app, postgres):
    with app.app_context():
        edition, *_ = make_setup()
        _team(edition)
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                _schedule(SATURDAY_6PM - timedelta(hours=23))
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
        assert reminders.due(reminders.Reminder.DAY, SATURDAY_6PM - timedelta(hours=23)) == []
