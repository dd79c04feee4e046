"""A message on its way: the e-mails as received by a real SMTP server, the counts of its
mailing with messages in each state, and two clicks at once on PostgreSQL."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from festival.core.errors import DomainError
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.mail import sender
from festival.mail.batches import BatchInfo, describe_batches, edition_mailings
from festival.mail.models import MailStatus, OutboxMessage
from festival.mail.queries import batch_stats, batch_undelivered
from festival.mail.sender import send_all_due
from festival.messaging.audience import Audience, count_recipients
from festival.messaging.models import Broadcast, BroadcastStatus
from festival.messaging.services import send_broadcast
from tests import factories
from tests.messaging.conftest import edition_of

AR = ("الأبواب مفتوحة", "مرحبا،\n\nتفتح الأبواب على الساعة العاشرة.")
TRAP = "Venez <b>nombreux</b> & {{ 7 * 7 }} {% if 1 %}x{% endif %}\nDeuxième ligne"


def _send(world, broadcast_id: int, organiser) -> Broadcast:
    edition = edition_of(world)
    broadcast = db.session.get(Broadcast, broadcast_id)
    count = count_recipients(edition, Audience.from_json(broadcast.audience))
    return send_broadcast(edition, broadcast_id, actor=organiser, confirmed_count=count)


def test_the_emails_carry_the_text_as_written_never_evaluated(ctx, app, world, smtp_server):
    organiser = factories.gen_user("organiser")
    broadcast = factories.gen_broadcast(
        edition_of(world), texts={"fr": ("Infos <pratiques>", "Bonjour,\n\n" + TRAP),
                                  "ar": AR}, languages=("ar", "en"))
    _send(world, broadcast.id, organiser)
    db.session.commit()
    assert send_all_due().sent == 4  # amina (ar), brahim (ar), chama and ines (en → fr)
    received = {m["To"]: m for m in smtp_server.messages}
    chama = received["chama@example.fr"]
    assert chama["Subject"] == "Infos <pratiques>" and chama["Content-Language"] == "fr"
    text = chama.get_body(("plain",)).get_content()
    assert "{{ 7 * 7 }}" in text and "49" not in text and "{% if 1 %}x{% endif %}" in text
    html = chama.get_body(("html",)).get_content()
    assert "Venez &lt;b&gt;nombreux&lt;/b&gt; &amp; {{ 7 * 7 }}" in html
    assert "<b>nombreux</b>" not in html and "49" not in html
    assert "{{ 7 * 7 }} {% if 1 %}x{% endif %}<br>Deuxième ligne" in html
    assert "Almoggar 2027" in text  # why they receive it
    brahim = received["brahim@example.fr"]
    assert brahim["Subject"] == AR[0] and brahim["Content-Language"] == "ar"
    arabic = brahim.get_body(("html",)).get_content()
    assert 'dir="rtl"' in arabic and "تفتح الأبواب" in arabic


def test_a_mailing_counts_its_messages_in_each_state(ctx, app, world, smtp_server):
    organiser = factories.gen_user("organiser")
    broadcast = factories.gen_broadcast(edition_of(world))
    _send(world, broadcast.id, organiser)
    db.session.commit()
    batch = broadcast.batch
    stats = batch_stats([batch])[batch]
    assert (stats.queued, stats.pending, stats.sent, stats.is_done) == (4, 4, 0, False)
    rows = {m.to_address: m for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.batch == batch))}
    smtp_server.refuse.add("brahim@example.fr")               # refused for good: bounced
    smtp_server.defer.add("chama@example.fr")                 # busy, on its last attempt
    rows["chama@example.fr"].attempts = sender.MAX_ATTEMPTS - 1
    rows["ines@example.fr"].next_attempt_at = utcnow() + timedelta(hours=1)  # still waiting
    db.session.commit()
    report = send_all_due()
    assert (report.sent, report.failed) == (1, 2)
    stats = batch_stats([batch])[batch]
    assert (stats.queued, stats.sent, stats.failed, stats.bounced, stats.waiting) \
        == (4, 1, 1, 1, 1)
    assert stats.percent_sent == 25 and not stats.is_done
    undelivered = {u.to_address: u.is_bounced for u in batch_undelivered(batch)}
    assert undelivered == {"brahim@example.fr": True, "chama@example.fr": False}
    assert all(u.last_error for u in batch_undelivered(batch))
    assert batch_stats(["message:0"]) == {} and batch in batch_stats()


def test_every_mailing_of_the_edition_is_listed_with_its_label(ctx, app, world):
    from festival.mail.services import queue_mail
    organiser = factories.gen_user("organiser")
    broadcast = factories.gen_broadcast(edition_of(world), subject="Programme du samedi")
    _send(world, broadcast.id, organiser)
    queue_mail("x@example.fr", "test", {"site": "x"}, "fr", "Rappel",
               batch="rule:7:2027-05-14")
    other = factories.gen_broadcast(factories.gen_edition(2030, status="on_sale"))
    queue_mail("y@example.fr", "test", {"site": "x"}, "fr", "Ailleurs", batch=other.batch)
    db.session.commit()
    with app.test_request_context():
        listed = {m.batch: m for m in edition_mailings(world.edition_id)}
        # Its own message, and the automatic mailing whose edition is not known yet;
        # not the other edition's message.
        assert set(listed) == {broadcast.batch, "rule:7:2027-05-14"}
        assert listed[broadcast.batch].info.label == "Programme du samedi"
        assert listed[broadcast.batch].info.kind == "message"
        assert listed["rule:7:2027-05-14"].info == BatchInfo(label="rule:7:2027-05-14",
                                                             kind="rule")
        assert listed[broadcast.batch].stats.queued == 4


def test_a_registered_batch_kind_names_its_batches_and_their_edition(ctx, app, world):
    from festival.mail.batches import KINDS, register_batch_kind
    saved = dict(app.extensions.get(KINDS, {}))
    try:
        register_batch_kind(app, "rule", lambda names: {
            name: BatchInfo(label="Rappel de la veille", edition_id=world.edition_id,
                            kind="rule") for name in names})
        with app.test_request_context():
            info = describe_batches(["rule:7:2027-05-14", "other:1"])
        assert info["rule:7:2027-05-14"].label == "Rappel de la veille"
        assert info["rule:7:2027-05-14"].edition_id == world.edition_id
        assert info["other:1"] == BatchInfo(label="other:1", kind="other")
    finally:
        app.extensions[KINDS] = saved


def test_two_clicks_at_once_send_the_message_once(app, world, postgres):
    with app.app_context():
        organiser_id = factories.gen_user("organiser").id
        broadcast_id = factories.gen_broadcast(edition_of(world)).id
        db.session.commit()
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[Exception] = []

    def click() -> None:
        try:
            with app.app_context():
                from festival.accounts.models import User
                organiser = db.session.get(User, organiser_id)
                start.wait(timeout=10)
                try:
                    _send(world, broadcast_id, organiser)
                    db.session.commit()
                    outcomes.append("sent")
                except DomainError as error:
                    db.session.rollback()
                    outcomes.append(error.code)
                finally:
                    db.session.remove()
        except Exception as error:  # noqa: BLE001 (reported below, in the test's thread)
            errors.append(error)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(outcomes) == ["already_sent", "sent"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 4
        assert db.session.get(Broadcast, broadcast_id).status is BroadcastStatus.SENT
        assert set(db.session.scalars(select(OutboxMessage.status))) == {MailStatus.PENDING}


def test_a_second_click_that_read_the_draft_before_the_first_committed_finds_it_sent(
        app, world, monkeypatch):
    """On SQLite no row lock holds the second click back: it read the message as a draft,
    the first click sent it and committed, then the second queued its rows and failed on
    the outbox's unique key (a 500). It must find the message sent instead. (On PostgreSQL
    the row lock orders the clicks: test_two_clicks_at_once_send_the_message_once.)"""
    import pytest

    from festival.messaging import services
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL's row lock makes the first click wait: the test above")
    with app.app_context():
        organiser_id = factories.gen_user("organiser").id
        broadcast_id = factories.gen_broadcast(edition_of(world)).id
        db.session.commit()
    real_recipients = services.recipients
    first_click: list[str] = []

    def first() -> None:
        with app.app_context():
            from festival.accounts.models import User
            _send(world, broadcast_id, db.session.get(User, organiser_id))
            db.session.commit()
            first_click.append("sent")
            db.session.remove()

    def recipients_then_the_other_click(*args, **kwargs):
        found = real_recipients(*args, **kwargs)
        if not first_click:
            monkeypatch.setattr(services, "recipients", real_recipients)
            thread = threading.Thread(target=first)
            thread.start()
            thread.join(timeout=30)
        return found

    monkeypatch.setattr(services, "recipients", recipients_then_the_other_click)
    with app.app_context():
        from festival.accounts.models import User
        with pytest.raises(DomainError) as second:
            _send(world, broadcast_id, db.session.get(User, organiser_id))
        db.session.rollback()
        assert first_click == ["sent"] and second.value.code == "already_sent"
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 4
