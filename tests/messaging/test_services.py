"""Writing and sending a message: its texts, the count and the outbox rows agree, each
person's language, the bounds, and a message is never sent twice."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from festival.core.errors import DomainError, ValidationError
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.messaging import services
from festival.messaging.audience import Audience, count_recipients
from festival.messaging.models import Broadcast, BroadcastStatus
from festival.messaging.services import Texts, save_broadcast, send_broadcast
from festival.ticketing.models import OrderStatus
from tests import factories
from tests.messaging.conftest import SAT, edition_of

FR = ("Portes ouvertes", "Bonjour,\n\nLes portes ouvrent à 10 h.")
AR = ("الأبواب مفتوحة", "مرحبا،\n\nتفتح الأبواب على الساعة العاشرة.")


def texts(**languages) -> Texts:
    return Texts(subjects={k: v[0] for k, v in languages.items()},
                 bodies={k: v[1] for k, v in languages.items()})


def queued(batch: str) -> dict[str, OutboxMessage]:
    return {m.to_address: m for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.batch == batch))}


def send(world, broadcast, organiser):
    edition = edition_of(world)
    count = count_recipients(edition, Audience.from_json(broadcast.audience))
    return send_broadcast(edition, broadcast.id, actor=organiser, confirmed_count=count)


@pytest.fixture
def organiser(ctx):
    return factories.gen_user("organiser")


def test_french_is_required_and_another_language_is_whole_or_empty(ctx, world, organiser):
    edition = edition_of(world)
    with pytest.raises(ValidationError) as refused:
        save_broadcast(edition, texts(en=("Hello", "Hi")), Audience(), actor=organiser)
    assert set(refused.value.fields) == {"subject_fr", "body_fr"}
    with pytest.raises(ValidationError) as refused:
        save_broadcast(edition, Texts(subjects={"fr": FR[0], "ar": AR[0]},
                                      bodies={"fr": FR[1], "ar": "  "}), Audience(),
                       actor=organiser)
    assert set(refused.value.fields) == {"body_ar"}
    with pytest.raises(ValidationError) as refused:
        save_broadcast(edition, texts(fr=("x" * 201, FR[1])), Audience(), actor=organiser)
    assert set(refused.value.fields) == {"subject_fr"}


def test_a_direction_override_or_a_control_character_is_refused(ctx, world, organiser):
    """Like every public text (core/translated.py): in an inbox, U+202E turns a subject
    around."""
    edition = edition_of(world)
    with pytest.raises(ValidationError) as refused:
        save_broadcast(edition, Texts(subjects={"fr": FR[0], "ar": "\u202e" + AR[0]},
                                      bodies={"fr": FR[1] + "\x1b[2J", "ar": AR[1]}),
                       Audience(), actor=organiser)
    assert set(refused.value.fields) == {"subject_ar", "body_fr"}


def test_a_language_written_with_invisible_characters_only_is_left_empty(ctx, world,
                                                                         organiser):
    """A subject and text of direction marks or zero-width spaces would reach the Arabic
    readers as an empty e-mail: that language counts as not written (they get French), and
    French is still asked for."""
    edition = edition_of(world)
    draft = save_broadcast(edition, Texts(subjects={"fr": FR[0], "ar": "\u200f"},
                                          bodies={"fr": FR[1], "ar": "\u200b\n\u200f"}),
                           Audience(), actor=organiser)
    assert set(draft.subjects) == set(draft.bodies) == {"fr"}
    with pytest.raises(ValidationError) as refused:
        save_broadcast(edition, Texts(subjects={"fr": "\u200e"}, bodies={"fr": FR[1]}),
                       Audience(), actor=organiser)
    assert set(refused.value.fields) == {"subject_fr"}


def test_a_draft_keeps_its_texts_and_filters(ctx, world, organiser):
    edition = edition_of(world)
    audience = Audience(days=(SAT,), languages=("ar",))
    draft = save_broadcast(edition, texts(fr=FR, ar=AR, en=("", "")), audience,
                           actor=organiser)
    assert draft.status is BroadcastStatus.DRAFT and draft.created_by_id == organiser.id
    assert draft.languages == ["fr", "ar"]
    assert Audience.from_json(draft.audience) == audience
    changed = save_broadcast(edition, texts(fr=("Nouveau", "Texte")), Audience(),
                             actor=organiser, broadcast=draft)
    assert changed.id == draft.id and changed.languages == ["fr"]


def test_sending_queues_one_message_per_address_as_counted(ctx, world, organiser):
    broadcast = factories.gen_broadcast(edition_of(world), subject=FR[0], body=FR[1])
    edition = edition_of(world)
    count = count_recipients(edition, Audience())
    sent = send_broadcast(edition, broadcast.id, actor=organiser, confirmed_count=count)
    rows = queued(broadcast.batch)
    assert count == 4 and len(rows) == 4 and sent.recipient_count == 4
    assert set(rows) == {"amina@example.fr", "brahim@example.fr", "chama@example.fr",
                         "ines@example.fr"}
    assert {m.dedupe_key for m in rows.values()} == {
        f"message:{broadcast.id}:{address}" for address in rows}
    assert sent.status is BroadcastStatus.SENT and sent.sent_by_id == organiser.id
    assert sent.sent_at is not None


def test_each_person_gets_their_language_when_written_else_french(ctx, world, organiser):
    broadcast = factories.gen_broadcast(edition_of(world), texts={"fr": FR, "ar": AR})
    send(world, broadcast, organiser)
    rows = queued(broadcast.batch)
    language = {address: m.language for address, m in rows.items()}
    assert language == {"amina@example.fr": "ar",   # her latest order
                        "brahim@example.fr": "ar",
                        "chama@example.fr": "fr",   # English not written: French
                        "ines@example.fr": "fr"}
    assert rows["brahim@example.fr"].subject == AR[0]
    assert rows["chama@example.fr"].subject == FR[0]


def test_the_audience_is_bounded_before_anything_is_queued(ctx, world, organiser,
                                                          monkeypatch):
    monkeypatch.setattr(services, "MAX_RECIPIENTS", 3)
    broadcast = factories.gen_broadcast(edition_of(world))
    with pytest.raises(DomainError) as refused:
        send(world, broadcast, organiser)
    assert refused.value.code == "too_many_recipients"
    assert queued(broadcast.batch) == {}
    assert db.session.get(Broadcast, broadcast.id).status is BroadcastStatus.DRAFT


def test_a_message_that_reaches_nobody_is_refused(ctx, world, organiser):
    broadcast = factories.gen_broadcast(edition_of(world), languages=("ar",),
                                        statuses=(OrderStatus.PENDING,))
    with pytest.raises(DomainError) as refused:
        send_broadcast(edition_of(world), broadcast.id, actor=organiser, confirmed_count=0)
    assert refused.value.code == "no_recipients"


def test_a_group_that_changed_since_the_confirmation_is_refused(ctx, world, organiser):
    broadcast = factories.gen_broadcast(edition_of(world))
    with pytest.raises(DomainError) as refused:
        send_broadcast(edition_of(world), broadcast.id, actor=organiser, confirmed_count=3)
    assert refused.value.code == "audience_changed" and refused.value.status == 409
    assert queued(broadcast.batch) == {}


def test_a_second_send_sends_nothing_more(ctx, world, organiser):
    broadcast = factories.gen_broadcast(edition_of(world))
    send(world, broadcast, organiser)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        send_broadcast(edition_of(world), broadcast.id, actor=organiser, confirmed_count=4)
    assert refused.value.code == "already_sent"
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 4
    with pytest.raises(DomainError) as refused:
        save_broadcast(edition_of(world), texts(fr=FR), Audience(), actor=organiser,
                       broadcast=broadcast)
    assert refused.value.code == "already_sent"


def test_a_message_of_another_edition_is_not_found(ctx, world, organiser):
    from tests.ticketing.conftest import make_edition
    broadcast = factories.gen_broadcast(edition_of(world))
    with pytest.raises(DomainError) as refused:
        send_broadcast(make_edition(2028), broadcast.id, actor=organiser, confirmed_count=4)
    assert refused.value.code == "message_not_found"


def test_a_very_long_address_gets_a_short_dedupe_key(ctx, world):
    broadcast = factories.gen_broadcast(edition_of(world))
    key = services.dedupe_key(broadcast, ("a" * 64) + "@" + ("b" * 180) + ".fr")
    assert len(key) <= services.DEDUPE_KEY_LENGTH and key.startswith(broadcast.batch + ":")
