"""The clash rules: a room booked twice, a speaker in two places, a session outside the
edition's days or its room's hours; and the confirmation that saving one needs."""
from __future__ import annotations

import threading
from datetime import date, time

import pytest

from festival.core.errors import ValidationError
from festival.editions import services
from festival.editions.clashes import (
    OUTSIDE_DAYS,
    OUTSIDE_HOURS,
    ROOM,
    SPEAKER,
    ClashError,
    edition_clashes,
)
from festival.editions.models import ProgrammeSession
from festival.extensions import db
from tests.factories import gen_edition, gen_room, gen_session, gen_speaker, paris


def _data(edition, room, start, end, day=0, **fields):
    on = edition.dates[day]
    data = {"kind": "conference", "title": "Nouvelle session", "languages": ["fr"],
            "room_id": room.id, "starts_at": paris(on, start), "ends_at": paris(on, end)}
    data.update(fields)
    return data


def test_a_room_double_booking_is_refused_with_a_clear_message(ctx):
    edition = gen_edition()
    room = gen_room(edition, name="Grande salle")
    gen_session(edition, room, start="14:00", end="15:30", title="L'eau dans le Souss")
    with pytest.raises(ClashError) as error:
        services.create_session(edition, _data(edition, room, "15:00", "16:00"), actor=None)
    clash = error.value
    assert clash.status == 409 and clash.code == "clash"
    assert [c.kind for c in clash.clashes] == [ROOM]
    assert "Grande salle" in clash.message and "L'eau dans le Souss" in clash.message
    assert "14:00–15:30" in clash.message
    assert "room_id" in clash.fields and "confirm_clashes" in clash.fields
    assert db.session.query(ProgrammeSession).count() == 1


def test_touching_sessions_do_not_clash(ctx):
    edition = gen_edition()
    room = gen_room(edition)
    gen_session(edition, room, start="14:00", end="15:00")
    session, clashes = services.create_session(edition, _data(edition, room, "15:00", "16:00"),
                                               actor=None)
    assert clashes == [] and session.id


def test_a_confirmed_clash_is_saved_and_reported(ctx):
    edition = gen_edition()
    room = gen_room(edition)
    gen_session(edition, room, start="14:00", end="15:00")
    session, clashes = services.create_session(
        edition, _data(edition, room, "14:30", "15:30"), actor=None, confirm_clashes=True)
    assert session.id and [c.kind for c in clashes] == [ROOM]
    assert [c.kind for c in edition_clashes(edition)] == [ROOM]


def test_a_speaker_in_two_places_at_once(ctx):
    edition = gen_edition()
    speaker = gen_speaker("Aïcha Oubella")
    gen_session(edition, gen_room(edition, name="Salle A"), start="11:00", end="12:30",
                speakers=[speaker])
    other_room = gen_room(edition, name="Salle B")
    with pytest.raises(ClashError) as error:
        services.create_session(edition, _data(edition, other_room, "12:00", "13:00",
                                               speaker_ids=[speaker.id]), actor=None)
    assert [c.kind for c in error.value.clashes] == [SPEAKER]
    assert "Aïcha Oubella" in error.value.message and "Salle A" in error.value.message
    assert "speaker_ids" in error.value.fields


def test_draft_sessions_count_for_clashes(ctx):
    edition = gen_edition()
    room = gen_room(edition)
    gen_session(edition, room, start="10:00", end="11:00", status="draft")
    with pytest.raises(ClashError):
        services.create_session(edition, _data(edition, room, "10:30", "11:30"), actor=None)


def test_a_cancelled_session_frees_its_room_and_speaker(ctx):
    edition = gen_edition()
    room, other = gen_room(edition), gen_room(edition)
    speaker = gen_speaker()
    cancelled = gen_session(edition, room, start="10:00", end="11:00", speakers=[speaker])
    services.update_session(cancelled, {"status": "cancelled"}, actor=None)
    _, clashes = services.create_session(edition, _data(edition, room, "10:30", "11:30"),
                                         actor=None)
    assert clashes == []
    _, clashes = services.create_session(edition, _data(edition, other, "10:00", "11:00",
                                                        speaker_ids=[speaker.id]), actor=None)
    assert clashes == []
    assert edition_clashes(edition) == []


def test_a_session_outside_the_edition_days(ctx):
    edition = gen_edition(2035, days=[date(2035, 5, 15)])
    room = gen_room(edition, opens=None, closes=None)
    data = _data(edition, room, "14:00", "15:00")
    data.update(starts_at=paris(date(2035, 5, 17), "14:00"),
                ends_at=paris(date(2035, 5, 17), "15:00"))
    with pytest.raises(ClashError) as error:
        services.create_session(edition, data, actor=None)
    assert OUTSIDE_DAYS in {c.kind for c in error.value.clashes}
    assert "starts_at" in error.value.fields


def test_a_late_concert_belongs_to_its_day_until_the_cutoff(ctx):
    edition = gen_edition(2036, days=[date(2036, 5, 15)])
    room = gen_room(edition, opens="10:00", closes="02:00")
    data = _data(edition, room, "22:00", "01:30")
    data["ends_at"] = paris(date(2036, 5, 16), "01:30")
    session, clashes = services.create_session(edition, data, actor=None)
    assert clashes == []
    night = gen_room(edition, name="Chapiteau", opens=None, closes=None)  # open all night
    # 01:30 belongs to the evening before, and the day ends at 05:00 (the edition's cut-off).
    data.update(title="Tard", room_id=night.id, starts_at=paris(date(2036, 5, 16), "01:30"),
                ends_at=paris(date(2036, 5, 16), "05:00"))
    _late, clashes = services.create_session(edition, data, actor=None)
    assert clashes == []
    data.update(title="Trop tard", ends_at=paris(date(2036, 5, 16), "05:30"))
    with pytest.raises(ClashError) as error:
        services.create_session(edition, data, actor=None)
    assert OUTSIDE_DAYS in {c.kind for c in error.value.clashes}
    assert "05:00" in error.value.message
    data.update(title="Le lendemain", starts_at=paris(date(2036, 5, 16), "05:00"),
                ends_at=paris(date(2036, 5, 16), "06:00"))
    with pytest.raises(ClashError) as error:
        services.create_session(edition, data, actor=None)
    assert OUTSIDE_DAYS in {c.kind for c in error.value.clashes}
    edition.day_cutoff = time(4, 0)
    data.update(title="Trop tard", starts_at=paris(date(2036, 5, 16), "03:00"),
                ends_at=paris(date(2036, 5, 16), "04:30"))
    with pytest.raises(ClashError) as error:
        services.create_session(edition, data, actor=None)
    assert "04:00" in error.value.message


def test_a_session_outside_the_room_hours(ctx):
    edition = gen_edition()
    room = gen_room(edition, name="Salle Tiznit", opens="10:00", closes="19:00")
    with pytest.raises(ClashError) as error:
        services.create_session(edition, _data(edition, room, "18:30", "19:30"), actor=None)
    assert [c.kind for c in error.value.clashes] == [OUTSIDE_HOURS]
    assert "10:00" in error.value.message and "19:00" in error.value.message


def test_an_update_needs_confirmation_only_for_new_clashes(ctx):
    edition = gen_edition()
    room = gen_room(edition)
    gen_session(edition, room, start="14:00", end="15:00")
    clashing = gen_session(edition, room, start="14:30", end="15:30", confirm_clashes=True)
    services.update_session(clashing, {"title": "Renamed"}, actor=None)  # known clash only
    assert clashing.title == "Renamed"
    other_room = gen_room(edition)
    gen_session(edition, other_room, start="16:00", end="17:00")
    with pytest.raises(ClashError):
        services.update_session(clashing, {"room_id": other_room.id,
                                           "starts_at": paris(edition.dates[0], "16:30"),
                                           "ends_at": paris(edition.dates[0], "17:30")},
                                actor=None)
    db.session.refresh(clashing)
    assert clashing.room_id == room.id


def test_moving_a_session_out_of_a_clash_clears_it(ctx):
    edition = gen_edition()
    room = gen_room(edition)
    gen_session(edition, room, start="14:00", end="15:00")
    clashing = gen_session(edition, room, start="14:30", end="15:30", confirm_clashes=True)
    assert len(edition_clashes(edition)) == 1
    services.update_session(clashing, {"starts_at": paris(edition.dates[0], "15:00"),
                                       "ends_at": paris(edition.dates[0], "16:00")}, actor=None)
    assert edition_clashes(edition) == []


def test_edition_clashes_reports_each_pair_once(ctx):
    edition = gen_edition()
    speaker = gen_speaker()
    room = gen_room(edition)
    gen_session(edition, room, start="14:00", end="15:00", speakers=[speaker])
    gen_session(edition, room, start="14:30", end="15:30", speakers=[speaker],
                confirm_clashes=True)
    assert sorted(c.kind for c in edition_clashes(edition)) == [ROOM, SPEAKER]


@pytest.mark.parametrize("fields, bad", [
    ({"title": ""}, "title"),
    ({"languages": []}, "languages"),
    ({"languages": ["de"]}, "languages"),
    ({"kind": "party"}, "kind"),
    ({"pole": "mre", "theme": "Eau"}, "theme"),
    ({"speaker_ids": [999999]}, "speaker_ids"),
    ({"room_id": 999999}, "room_id"),
])
def test_session_fields_are_checked(ctx, fields, bad):
    edition = gen_edition()
    room = gen_room(edition)
    with pytest.raises(ValidationError) as error:
        services.create_session(edition, _data(edition, room, "14:00", "15:00", **fields),
                                actor=None)
    assert bad in error.value.fields


def test_a_session_ends_after_it_starts(ctx):
    edition = gen_edition()
    room = gen_room(edition)
    with pytest.raises(ValidationError) as error:
        services.create_session(edition, _data(edition, room, "15:00", "14:00"), actor=None)
    assert "ends_at" in error.value.fields


def test_a_room_of_another_edition_is_refused(ctx):
    edition, other = gen_edition(), gen_edition()
    with pytest.raises(ValidationError) as error:
        services.create_session(edition, _data(edition, gen_room(other), "14:00", "15:00"),
                                actor=None)
    assert "room_id" in error.value.fields


@pytest.mark.postgres_only
def test_two_organisers_booking_one_room_at_once_cannot_both_succeed(app):
    """The room row is locked while the clash is checked: the second booking waits for the
    first and then sees it."""
    if "postgresql" not in app.config["SQLALCHEMY_DATABASE_URI"]:
        pytest.skip("row locks need PostgreSQL")
    with app.app_context():
        edition = gen_edition()
        room = gen_room(edition)
        year, room_id = edition.year, room.id
        db.session.commit()
    first_flushed, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def book(name: str, wait: bool) -> None:
        with app.app_context():
            from festival.editions.queries import edition_for_year
            ed = edition_for_year(year, include_drafts=True)
            try:
                services.create_session(ed, _data(ed, db.session.get(type(room), room_id),
                                                  "14:00", "15:00", title=name), actor=None)
                if wait:
                    first_flushed.set()
                    release.wait(5)
                db.session.commit()
                outcome[name] = "saved"
            except ClashError:
                db.session.rollback()
                outcome[name] = "clash"
            finally:
                first_flushed.set()
                db.session.remove()

    first = threading.Thread(target=book, args=("first", True))
    first.start()
    assert first_flushed.wait(5)
    second = threading.Thread(target=book, args=("second", False))
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second booking should wait for the room lock"
    release.set()
    first.join(5)
    second.join(5)
    assert outcome == {"first": "saved", "second": "clash"}
