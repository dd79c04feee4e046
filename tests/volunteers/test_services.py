"""The rules of shifts: places, clashes, deadlines, who may sign up, organisers' moves."""
from __future__ import annotations

from datetime import timedelta

import pytest

from festival.associations.models import MembershipStatus
from festival.checkin.devices import create_list
from festival.core.errors import DomainError, ValidationError
from festival.volunteers import services
from tests.factories import gen_association, gen_user
from tests.ticketing.conftest import make_edition
from tests.volunteers.conftest import SATURDAY_6PM, WEEK_BEFORE, make_setup, make_shift


def _code(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def test_a_shift_is_defined_with_its_task_times_people_and_notes(ctx):
    edition, door, room = make_setup()
    lead = gen_user("volunteer", name="Nadia Amrani")
    shift = make_shift(edition, task="door", checkin_list_id=door.id, people=3,
                       notes={"fr": "Badge à l'accueil", "ar": "الشارة في الاستقبال", "en": " "},
                       lead_id=lead.id, lead_phone="+33 6 12 34 56 78")
    assert shift.checkin_list_id == door.id and shift.room_id is None
    assert shift.notes == {"fr": "Badge à l'accueil", "ar": "الشارة في الاستقبال"}
    assert shift.lead.name == "Nadia Amrani" and shift.places_left == 3
    steward = make_shift(edition, task="room_steward", room_id=room.id, checkin_list_id=door.id)
    assert (steward.room_id, steward.checkin_list_id) == (room.id, None)


@pytest.mark.parametrize("data, field", [
    ({"task": "door"}, "checkin_list_id"),
    ({"task": "room_steward"}, "room_id"),
    ({"task": "dancing"}, "task"),
    ({"people_needed": 0}, "people_needed"),
    ({"people_needed": 10_000}, "people_needed"),
    ({"hours": -1}, "ends_at"),
    ({"hours": 30}, "ends_at"),
    ({"lead_phone": "call me"}, "lead_phone"),
    ({"notes": {"fr": "x" * 2001}}, "notes_fr"),
])
def test_bad_shifts_are_refused_field_by_field(ctx, data, field):
    edition, _door, _room = make_setup()
    hours = data.pop("hours", 4)
    people = data.pop("people_needed", 2)
    with pytest.raises(ValidationError) as caught:
        services.create_shift(edition, {
            "task": "welcome_desk", "starts_at": SATURDAY_6PM,
            "ends_at": SATURDAY_6PM + timedelta(hours=hours), "people_needed": people,
            **data}, actor=None)
    assert field in caught.value.fields


def test_a_door_of_another_edition_is_refused(ctx):
    edition, _door, _room = make_setup()
    other = create_list(make_edition(year=2028, capacity=None), {"name": "Ailleurs"})
    with pytest.raises(ValidationError) as caught:
        make_shift(edition, task="door", checkin_list_id=other.id)
    assert "checkin_list_id" in caught.value.fields


def test_sign_up_until_the_shift_is_full(ctx):
    edition, *_ = make_setup()
    shift = make_shift(edition, people=2)
    first, second, third = (gen_user("volunteer") for _ in range(3))
    services.sign_up(shift, first, now=WEEK_BEFORE)
    services.sign_up(shift, second, now=WEEK_BEFORE)
    assert shift.places_left == 0
    assert _code(lambda: services.sign_up(shift, third, now=WEEK_BEFORE)) == "shift_full"
    assert _code(lambda: services.sign_up(shift, first, now=WEEK_BEFORE)) == "already_on_shift"


def test_no_one_is_on_two_overlapping_shifts_and_the_clash_is_named(ctx):
    edition, door, _room = make_setup()
    evening = make_shift(edition, task="door", checkin_list_id=door.id, title="Porte 2")
    overlapping = make_shift(edition, start=SATURDAY_6PM + timedelta(hours=3))
    after = make_shift(edition, start=SATURDAY_6PM + timedelta(hours=4))  # touches: allowed
    volunteer = gen_user("volunteer")
    services.sign_up(evening, volunteer, now=WEEK_BEFORE)
    with pytest.raises(DomainError) as caught:
        services.sign_up(overlapping, volunteer, now=WEEK_BEFORE)
    assert caught.value.code == "shift_clash" and caught.value.status == 409
    assert "Porte 2" in str(caught.value.message) and "18:00" in str(caught.value.message)
    services.sign_up(after, volunteer, now=WEEK_BEFORE)
    # A withdrawn place clashes with nothing.
    services.withdraw(evening, volunteer, now=WEEK_BEFORE)
    services.sign_up(overlapping, gen_user("volunteer"), now=WEEK_BEFORE)


def test_sign_up_and_withdraw_close_at_the_deadline(ctx, app):
    edition, *_ = make_setup()
    shift = make_shift(edition)
    volunteer = gen_user("volunteer")
    deadline = SATURDAY_6PM - timedelta(hours=24)
    services.sign_up(shift, volunteer, now=deadline - timedelta(seconds=1))
    assert _code(lambda: services.withdraw(shift, volunteer, now=deadline)) == "deadline_passed"
    late = gen_user("volunteer")
    assert _code(lambda: services.sign_up(shift, late, now=deadline)) == "deadline_passed"
    app.config["VOLUNTEER_DEADLINE_HOURS"] = 0
    try:
        services.sign_up(shift, late, now=SATURDAY_6PM - timedelta(minutes=1))
        assert _code(lambda: services.withdraw(shift, late, now=SATURDAY_6PM)) == "shift_started"
    finally:
        app.config["VOLUNTEER_DEADLINE_HOURS"] = 24


def test_who_may_sign_up(ctx):
    edition, *_ = make_setup()
    shift = make_shift(edition, people=5)
    member = gen_user("association", association=gen_association())
    services.sign_up(shift, member, now=WEEK_BEFORE)  # a member's representative offers help
    applicant = gen_user("association",
                         association=gen_association(status=MembershipStatus.APPLIED))
    for user in (applicant, gen_user("organiser")):
        assert _code(lambda u=user: services.sign_up(shift, u, now=WEEK_BEFORE)) \
            == "not_a_volunteer"
    disabled = gen_user("volunteer")
    disabled.is_enabled = False
    assert _code(lambda: services.sign_up(shift, disabled, now=WEEK_BEFORE)) == "not_a_volunteer"


def test_shifts_of_a_draft_edition_are_not_open(ctx):
    edition, *_ = make_setup(status="draft")
    shift = make_shift(edition)
    assert _code(lambda: services.sign_up(shift, gen_user("volunteer"), now=WEEK_BEFORE)) \
        == "shift_not_found"


def test_organisers_assign_after_the_deadline_but_never_over_capacity(ctx):
    edition, *_ = make_setup()
    shift = make_shift(edition, people=1)
    organiser = gen_user("organiser")
    late = SATURDAY_6PM + timedelta(hours=1)  # the shift has started
    services.assign(shift, gen_user("volunteer"), actor=organiser, now=late)
    assert _code(lambda: services.assign(shift, gen_user("volunteer"), actor=organiser,
                                         now=late)) == "shift_full"
    assert _code(lambda: services.assign(shift, gen_user("organiser"), actor=organiser,
                                         now=SATURDAY_6PM + timedelta(hours=4))) == "shift_over"
    assert _code(lambda: services.assign(shift, None, actor=organiser)) == "validation_failed"


def test_organisers_move_someone_in_one_step(ctx):
    edition, *_ = make_setup()
    first = make_shift(edition)
    second = make_shift(edition, start=SATURDAY_6PM + timedelta(hours=2), people=1)
    third = make_shift(edition, start=SATURDAY_6PM + timedelta(days=1), people=1)
    organiser, volunteer, other = gen_user("organiser"), gen_user("volunteer"), \
        gen_user("volunteer")
    assignment = services.sign_up(first, volunteer, now=WEEK_BEFORE)
    services.sign_up(second, other, now=WEEK_BEFORE)
    # The second shift is full: the move is refused and the person stays where they were.
    assert _code(lambda: services.move(assignment, second, actor=organiser,
                                       now=WEEK_BEFORE)) == "shift_full"
    assert [a.user_id for a in first.people] == [volunteer.id]
    # Moving within the hours they already hold is no clash with the shift they leave.
    overlapping = make_shift(edition, start=SATURDAY_6PM + timedelta(hours=1), people=1)
    services.move(assignment, overlapping, actor=organiser, now=WEEK_BEFORE)
    assignment = overlapping.people[0]
    moved = services.move(assignment, third, actor=organiser, now=WEEK_BEFORE)
    assert moved.shift_id == third.id and moved.assigned_by_id == organiser.id
    assert [a.user_id for a in first.people] == []


def test_unassign_keeps_the_history(ctx):
    edition, *_ = make_setup()
    shift = make_shift(edition)
    organiser, volunteer = gen_user("organiser"), gen_user("volunteer")
    assignment = services.assign(shift, volunteer, actor=organiser, now=WEEK_BEFORE)
    services.unassign(assignment, actor=organiser, now=WEEK_BEFORE)
    assert assignment.withdrawn_by_id == organiser.id and shift.people == []
    assert _code(lambda: services.unassign(assignment, actor=organiser)) == "not_on_shift"
    services.sign_up(shift, volunteer, now=WEEK_BEFORE)  # they may come back
    assert len(shift.assignments) == 2


def test_changing_a_shift_keeps_its_people_in_one_place(ctx):
    edition, *_ = make_setup()
    shift = make_shift(edition, people=2)
    later = make_shift(edition, start=SATURDAY_6PM + timedelta(hours=5))
    volunteer = gen_user("volunteer", name="Karim Idrissi")
    services.sign_up(shift, volunteer, now=WEEK_BEFORE)
    services.sign_up(later, volunteer, now=WEEK_BEFORE)
    services.sign_up(shift, gen_user("volunteer"), now=WEEK_BEFORE)
    data = {"task": "welcome_desk", "starts_at": shift.starts_at,
            "ends_at": shift.starts_at + timedelta(hours=6), "people_needed": 2}
    with pytest.raises(DomainError) as caught:
        services.update_shift(shift, data, actor=None)
    assert caught.value.code == "shift_clash" and "Karim Idrissi" in str(caught.value.message)
    with pytest.raises(DomainError) as caught:
        services.update_shift(shift, {**data, "ends_at": shift.ends_at, "people_needed": 1},
                              actor=None)
    assert caught.value.code == "too_few_places"


def test_a_moved_shift_reminds_again_and_a_held_one_is_not_deleted(ctx):
    edition, *_ = make_setup()
    shift = make_shift(edition)
    assignment = services.sign_up(shift, gen_user("volunteer"), now=WEEK_BEFORE)
    assignment.day_reminder_at = WEEK_BEFORE
    services.update_shift(shift, {"task": "set_up", "starts_at": shift.starts_at
                                  - timedelta(hours=1), "ends_at": shift.ends_at,
                                  "people_needed": 2}, actor=None)
    assert assignment.day_reminder_at is None
    assert _code(lambda: services.delete_shift(shift, actor=None)) == "shift_has_people"
    empty = make_shift(edition, start=SATURDAY_6PM + timedelta(days=1))
    services.delete_shift(empty, actor=None)


def test_people_are_told_when_an_organiser_changes_their_shifts(ctx):
    from festival.mail.models import OutboxMessage
    edition, *_ = make_setup()
    first = make_shift(edition, title="Porte 2")
    second = make_shift(edition, title="Billetterie", start=SATURDAY_6PM + timedelta(days=1))
    organiser = gen_user("organiser")
    volunteer = gen_user("volunteer", name="Amine Tazi", email="amine@example.org")
    services.sign_up(first, gen_user("volunteer"), now=WEEK_BEFORE)  # by themselves: no mail
    assignment = services.assign(first, volunteer, actor=organiser, now=WEEK_BEFORE)
    moved = services.move(assignment, second, actor=organiser, now=WEEK_BEFORE)
    services.unassign(moved, actor=organiser, now=WEEK_BEFORE)
    mails = OutboxMessage.query.order_by(OutboxMessage.id).all()
    assert [m.to_address for m in mails] == ["amine@example.org"] * 3
    assert [m.subject for m in mails] == [
        "You are on a volunteer shift: Porte 2", "You are on a volunteer shift: Billetterie",
        "You are no longer on a volunteer shift: Billetterie"]
    # French by default (no language on the account); msgids in tests, dates in French
    assert "moved you from Porte 2 (samedi 15 mai, 18:00–22:00)" in mails[1].text_body
