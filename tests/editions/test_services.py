"""Rules of editions, organisers and stands, on a database session."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from festival.associations.models import MembershipStatus
from festival.core.errors import DomainError, ValidationError
from festival.editions import services
from festival.editions.models import EditionStatus, StandRequest, StandSize, StandStatus
from festival.extensions import db
from tests.factories import gen_association, gen_edition, gen_room, gen_session, gen_stand, gen_user

# Editions and their status ------------------------------------------------------------------

def test_a_new_edition_is_a_draft_with_a_history_row(ctx):
    actor = gen_user("organiser")
    edition = services.create_edition(year=2031, title="Almoggar", days=[date(2031, 5, 17)],
                                      actor=actor)
    assert edition.status is EditionStatus.DRAFT
    assert [(c.from_status, c.to_status, c.actor_id) for c in edition.status_changes] == [
        (None, EditionStatus.DRAFT, actor.id)]


def test_the_year_is_unique(ctx):
    gen_edition(2032)
    with pytest.raises(DomainError) as error:
        services.create_edition(year=2032, title="Again", actor=None)
    assert error.value.code == "edition_exists" and error.value.status == 409
    assert "year" in error.value.fields


@pytest.mark.parametrize("fields, bad", [
    ({"year": 1999, "title": "x"}, "year"),
    ({"year": "2030", "title": "x"}, "year"),
    ({"year": 2030, "title": "  "}, "title"),
    ({"year": 2030, "title": "x", "days": [date(2029, 5, 1)]}, "days"),
    ({"year": 2030, "title": "x", "days": ["2030-05-01"]}, "days"),
])
def test_edition_fields_are_checked(ctx, fields, bad):
    with pytest.raises(ValidationError) as error:
        services.create_edition(actor=None, **fields)
    assert bad in error.value.fields


def test_the_status_walks_the_allowed_path_and_records_each_step(ctx):
    actor = gen_user("organiser")
    edition = gen_edition(2033)
    for target in ("published", "on_sale", "closed", "archived"):
        services.change_edition_status(edition, target, actor=actor, note=f"to {target}",
                                       confirm=True)
    assert edition.status is EditionStatus.ARCHIVED
    assert [c.to_status.value for c in edition.status_changes] == [
        "draft", "published", "on_sale", "closed", "archived"]
    assert edition.status_changes[-1].note == "to archived"
    assert edition.status_changes[-1].actor_id == actor.id


@pytest.mark.parametrize("start, target", [
    ("draft", "on_sale"), ("draft", "closed"), ("draft", "archived"),
    ("published", "archived"), ("on_sale", "archived"), ("on_sale", "draft"),
    ("archived", "closed"), ("archived", "draft"), ("archived", "published"),
])
def test_other_status_changes_are_refused(ctx, start, target):
    edition = gen_edition(status=start)
    with pytest.raises(DomainError) as error:
        services.change_edition_status(edition, target, actor=None, confirm=True)
    assert error.value.code == "invalid_transition" and error.value.status == 409
    assert edition.status.value == start


@pytest.mark.parametrize("start, target", [("published", "closed"), ("closed", "archived")])
def test_closing_and_archiving_need_an_explicit_confirmation(ctx, start, target):
    edition = gen_edition(status=start)
    with pytest.raises(ValidationError) as error:
        services.change_edition_status(edition, target, actor=None)
    assert "confirm" in error.value.fields
    assert edition.status.value == start
    services.change_edition_status(edition, target, actor=None, confirm=True)
    assert edition.status.value == target


def test_unknown_status_is_a_field_error(ctx):
    with pytest.raises(ValidationError) as error:
        services.change_edition_status(gen_edition(), "deleted", actor=None)
    assert "status" in error.value.fields


def test_publishing_needs_days_and_a_venue(ctx):
    edition = gen_edition(days=[], venue=False)
    with pytest.raises(DomainError) as error:
        services.change_edition_status(edition, "published", actor=None)
    assert error.value.code == "edition_incomplete"
    assert "day" in error.value.message and "venue" in error.value.message


def test_an_archived_edition_is_frozen(ctx):
    edition = gen_edition(status="archived")
    for attempt in (lambda: services.update_edition(edition, {"title": "New"}, actor=None),
                    lambda: gen_room(edition),
                    lambda: services.add_venue(edition, {"name": "V"}, actor=None)):
        with pytest.raises(DomainError) as error:
            attempt()
        assert error.value.code == "edition_archived"


def test_a_day_with_sessions_cannot_be_removed(ctx):
    edition = gen_edition(2034)
    gen_session(edition, gen_room(edition), day=1)
    with pytest.raises(ValidationError) as error:
        services.update_edition(edition, {"days": [date(2034, 5, 15)]}, actor=None)
    assert "2034-05-16" in str(error.value.fields["days"][0])
    services.update_edition(edition, {"days": [date(2034, 5, 16), date(2034, 5, 17)]},
                            actor=None)
    assert edition.dates == [date(2034, 5, 16), date(2034, 5, 17)]


def test_update_refuses_unknown_fields(ctx):
    with pytest.raises(ValidationError) as error:
        services.update_edition(gen_edition(), {"status": "published"}, actor=None)
    assert "status" in error.value.fields


# Organisers ---------------------------------------------------------------------------------

def test_only_member_associations_organise(ctx):
    edition = gen_edition()
    applicant = gen_association(status=MembershipStatus.APPLIED)
    with pytest.raises(ValidationError) as error:
        services.add_organiser(edition, applicant.id, "partner", actor=None)
    assert "association_id" in error.value.fields
    member = gen_association()
    organiser = services.add_organiser(edition, member.id, "lead", actor=None)
    assert organiser.association is member


def test_one_lead_and_no_duplicate_organiser(ctx):
    edition = gen_edition()
    first, second = gen_association(), gen_association()
    services.add_organiser(edition, first.id, "lead", actor=None)
    with pytest.raises(DomainError) as error:
        services.add_organiser(edition, second.id, "lead", actor=None)
    assert error.value.code == "lead_taken"
    with pytest.raises(DomainError) as error:
        services.add_organiser(edition, first.id, "partner", actor=None)
    assert error.value.code == "already_organiser"
    services.add_organiser(edition, second.id, "co_organiser", actor=None)
    assert len(edition.organisers) == 2


# Stands -------------------------------------------------------------------------------------

def _representative(association=None):
    association = association or gen_association()
    return gen_user("association", association=association), association


def test_a_representative_asks_for_a_stand(ctx):
    edition = gen_edition(status="published")
    user, association = _representative()
    stand = services.request_stand(edition, {"size": "medium", "needs_electricity": True,
                                             "showcase": "Maquette de l'école"}, actor=user)
    assert (stand.association_id, stand.status, stand.size) == (
        association.id, StandStatus.REQUESTED, StandSize.MEDIUM)
    assert [e.to_status for e in stand.events] == [StandStatus.REQUESTED]


def test_stand_requests_need_a_member_and_an_open_edition(ctx):
    published = gen_edition(status="published")
    with pytest.raises(DomainError) as error:
        services.request_stand(published, {"size": "small", "showcase": "x"},
                               actor=gen_user("organiser"))
    assert error.value.code == "not_a_representative"
    user, _ = _representative(gen_association(status=MembershipStatus.SUSPENDED))
    with pytest.raises(DomainError) as error:
        services.request_stand(published, {"size": "small", "showcase": "x"}, actor=user)
    assert error.value.code == "not_a_member"
    member, _ = _representative()
    with pytest.raises(DomainError) as error:
        services.request_stand(gen_edition(status="draft"), {"size": "small", "showcase": "x"},
                               actor=member)
    assert error.value.code == "stands_closed"
    with pytest.raises(ValidationError) as error:
        services.request_stand(published, {"size": "huge", "tables": 99}, actor=member)
    assert {"size", "tables", "showcase"} <= set(error.value.fields)


def test_a_stand_number_is_never_given_twice_in_one_edition(ctx):
    edition = gen_edition(status="on_sale")
    first = gen_stand(edition, gen_association(name="Espoir du Sud"), number="B12")
    second = gen_stand(edition, gen_association())
    with pytest.raises(DomainError) as error:
        services.decide_stand(second, approve=True, stand_number=" b 12 ", actor=None)
    assert error.value.code == "stand_number_taken" and error.value.status == 409
    assert "B12" in error.value.message and "Espoir du Sud" in error.value.message
    assert "stand_number" in error.value.fields
    services.decide_stand(second, approve=True, stand_number="B13", zone="Hall B", actor=None)
    assert (first.stand_number, second.stand_number) == ("B12", "B13")
    # Another edition may use the same number.
    other = gen_stand(gen_edition(status="on_sale"), gen_association(), number="B12")
    assert other.stand_number == "B12"


def test_the_database_also_refuses_a_duplicate_stand_number(ctx):
    edition = gen_edition(status="on_sale")
    gen_stand(edition, gen_association(), number="C1")
    db.session.add(StandRequest(edition=edition, association=gen_association(),
                                size=StandSize.SMALL, status=StandStatus.APPROVED,
                                stand_number="C1"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_declining_or_withdrawing_frees_the_number(ctx):
    edition = gen_edition(status="on_sale")
    user, association = _representative()
    stand = gen_stand(edition, association, number="D4")
    services.decide_stand(stand, approve=False, note="Plus de place", actor=None)
    assert (stand.status, stand.stand_number) == (StandStatus.DECLINED, None)
    assert stand.events[-1].note == "Plus de place"
    again = services.request_stand(edition, {"size": "small", "showcase": "x"}, actor=user)
    assert again.id == stand.id and again.status is StandStatus.REQUESTED
    services.decide_stand(again, approve=True, stand_number="D4", actor=None)
    services.withdraw_stand(again, actor=user)
    assert again.stand_number is None
    gen_stand(edition, gen_association(), number="D4")  # free again
    with pytest.raises(DomainError) as error:
        services.decide_stand(again, approve=True, stand_number="D5", actor=None)
    assert error.value.code == "stand_withdrawn"


def test_an_approved_stand_is_changed_by_the_organisers_only(ctx):
    edition = gen_edition(status="on_sale")
    user, association = _representative()
    gen_stand(edition, association, number="E1")
    with pytest.raises(DomainError) as error:
        services.request_stand(edition, {"size": "large", "showcase": "x"}, actor=user)
    assert error.value.code == "stand_already_approved"


def test_approving_needs_a_number(ctx):
    stand = gen_stand(gen_edition(status="on_sale"), gen_association())
    with pytest.raises(ValidationError) as error:
        services.decide_stand(stand, approve=True, stand_number="  ", actor=None)
    assert "stand_number" in error.value.fields


# Sessions: the sequence calendars read ------------------------------------------------------

def test_a_change_of_time_room_or_status_counts_in_the_sequence(ctx):
    from datetime import timedelta
    edition = gen_edition(status="published")
    big, small = gen_room(edition), gen_room(edition)
    session = gen_session(edition, big, start="11:00", end="12:00")
    assert session.sequence == 0

    def update(**data):
        services.update_session(session, data, actor=None)
        db.session.flush()
        return session.sequence

    assert update(title="Nouveau titre", abstract="Autre résumé") == 0  # no new time
    assert update(starts_at=session.starts_at + timedelta(hours=1),
                  ends_at=session.ends_at + timedelta(hours=1)) == 1
    assert update(ends_at=session.ends_at + timedelta(minutes=30)) == 2
    assert update(room_id=small.id) == 3
    assert update(room_id=small.id, starts_at=session.starts_at) == 3  # the same again
    assert update(status="cancelled") == 4
    assert session.is_cancelled and session.is_public and not session.is_published
    with pytest.raises(ValidationError):
        update(status="postponed")
    assert session.sequence == 4


def test_a_new_session_starts_at_sequence_zero(ctx):
    edition = gen_edition()
    session = gen_session(edition, gen_room(edition), status="cancelled")
    db.session.flush()
    assert (session.sequence, session.status.value) == (0, "cancelled")
