import threading

import pytest
from sqlalchemy import select

from festival.accounts.models import User
from festival.associations import services
from festival.associations.models import (Association, MembershipEvent, MembershipStatus,
                                          Pole, Theme, UserPole)
from festival.core.access import Role
from festival.core.errors import DomainError, ValidationError
from festival.extensions import db
from festival.mail.models import OutboxMessage
from tests import factories
from tests.associations.helpers import APPLICATION, PATHS, REPRESENTATIVE, S, \
    association_with_status

ALL_ACTIONS = list(services.ACTIONS)
ALLOWED = {
    (S.APPLIED, "start_review"): S.UNDER_REVIEW,
    (S.APPLIED, "reject"): S.REJECTED,
    (S.UNDER_REVIEW, "approve"): S.MEMBER,
    (S.UNDER_REVIEW, "reject"): S.REJECTED,
    (S.MEMBER, "suspend"): S.SUSPENDED,
    (S.MEMBER, "mark_left"): S.LEFT,
    (S.SUSPENDED, "reinstate"): S.MEMBER,
    (S.SUSPENDED, "mark_left"): S.LEFT,
}


def events_of(association):
    return db.session.scalars(select(MembershipEvent).where(
        MembershipEvent.association_id == association.id).order_by(MembershipEvent.id)).all()


# --- applications ---------------------------------------------------------------------------

def test_apply_creates_the_application_its_history_and_the_representative(ctx):
    association = services.apply(APPLICATION, **REPRESENTATIVE)
    assert association.status is S.APPLIED and association.member_since is None
    assert association.slug == "amis-de-tafraout"
    assert association.email == "contact@amis-tafraout.example"
    assert association.website == "https://amis-tafraout.example"
    assert association.theme_values == [Theme.EDUCATION, Theme.WATER]
    user = db.session.scalar(select(User).where(User.email == REPRESENTATIVE[
        "representative_email"]))
    assert user.role is Role.ASSOCIATION and user.association_id == association.id
    assert user.name == "Aïcha Representante"
    [event] = events_of(association)
    assert (event.from_status, event.to_status, event.actor_id) == (None, S.APPLIED, user.id)


def test_apply_reports_every_problem_at_once(ctx):
    with pytest.raises(ValidationError) as caught:
        services.apply({"name": "", "postcode": "123", "themes": []},
                       representative_name="", representative_email="not-an-address",
                       password="short")
    assert {"name", "short_description", "city", "postcode", "province", "themes", "email",
            "representative_name", "representative_email", "password"} <= set(
        caught.value.fields)
    assert db.session.scalar(select(db.func.count()).select_from(Association)) == 0


@pytest.mark.parametrize("change, field", [
    ({"name": "AMIS DE TAFRAOUT"}, "name"),           # same name, other case
    ({"name": "Amis de Tafraout !"}, "name"),         # same slug
    ({"email": "contact@amis-tafraout.example"}, "email"),
])
def test_apply_refuses_duplicates_with_field_errors(ctx, change, field):
    services.apply(APPLICATION, **REPRESENTATIVE)
    second = dict(APPLICATION, name="Autre nom", email="autre@x.example") | change
    with pytest.raises(ValidationError) as caught:
        services.apply(second, **dict(REPRESENTATIVE, representative_email="autre@x.example"))
    assert list(caught.value.fields) == [field]


def test_an_address_with_an_account_is_told_by_mail_not_on_the_form(ctx):
    existing = factories.gen_user("volunteer", email="taken@x.example")
    password_hash = existing.password_hash
    association = services.apply(APPLICATION, **dict(REPRESENTATIVE,
                                                     representative_email="Taken@X.example"))
    assert association.status is S.APPLIED and association.representatives == []
    assert existing.association_id is None and existing.role is Role.VOLUNTEER
    assert existing.password_hash == password_hash  # the form proves nothing about the owner
    [event] = events_of(association)
    assert event.actor_id is None and "taken@x.example" in event.note
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.to_address == "taken@x.example"
    assert message.template == "association_applied_existing"
    assert "no new account was created" in message.text_body


def test_apply_does_the_same_work_for_a_known_and_an_unknown_address(ctx, monkeypatch):
    from festival.accounts import services as accounts
    factories.gen_user("volunteer", email="taken@x.example")
    hashed, queued = [], []
    hash_password, queue_mail = accounts._hash, services.queue_mail
    monkeypatch.setattr(accounts, "_hash", lambda pw: hashed.append(pw) or hash_password(pw))
    monkeypatch.setattr(services, "queue_mail",
                        lambda *a, **k: queued.append(a[1]) or queue_mail(*a, **k))
    for n, email in enumerate(("taken@x.example", "new@x.example")):
        services.apply(dict(APPLICATION, name=f"Association {n}", email=f"c{n}@x.example"),
                       **dict(REPRESENTATIVE, representative_email=email))
    assert hashed == [REPRESENTATIVE["password"]] * 2
    assert queued == ["association_applied_existing", "association_applied"]
    assert db.session.scalar(select(User).where(User.email == "new@x.example")).association


# --- the membership process ------------------------------------------------------------------

@pytest.mark.parametrize("status", list(MembershipStatus))
@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_every_transition_is_allowed_or_refused_by_the_table(ctx, status, action):
    organiser = factories.gen_user("organiser")
    association = association_with_status(status, actor=organiser)
    before = len(events_of(association))
    expected = ALLOWED.get((status, action))
    if expected is None:
        with pytest.raises(DomainError) as caught:
            services.perform(association, action, actor=organiser, note="a reason")
        assert caught.value.code == "invalid_transition" and caught.value.status == 409
        assert association.status is status and len(events_of(association)) == before
    else:
        event = services.perform(association, action, actor=organiser, note="a reason")
        assert association.status is expected
        assert (event.from_status, event.to_status) == (status, expected)
        assert event.actor_id == organiser.id and event.note == "a reason"
        assert event.created_at.tzinfo is not None
        assert len(events_of(association)) == before + 1


def test_the_transition_table_matches_the_actions():
    assert services.TRANSITIONS[S.APPLIED] == {S.UNDER_REVIEW, S.REJECTED}
    assert services.TRANSITIONS[S.UNDER_REVIEW] == {S.MEMBER, S.REJECTED}
    assert services.TRANSITIONS[S.MEMBER] == {S.SUSPENDED, S.LEFT}
    assert services.TRANSITIONS[S.SUSPENDED] == {S.MEMBER, S.LEFT}
    assert services.TRANSITIONS[S.REJECTED] == services.TRANSITIONS[S.LEFT] == frozenset()
    assert services.available_actions(S.APPLIED) == ["start_review", "reject"]


def test_named_services_follow_the_process_and_keep_the_history(ctx):
    organiser = factories.gen_user("organiser")
    association = services.create_association({"name": "Asso"}, actor=organiser)
    services.start_review(association, actor=organiser)
    services.add_review_note(association, "Called the president.", actor=organiser)
    services.approve(association, actor=organiser, note="Welcome")
    first_member_since = association.member_since
    assert first_member_since is not None
    services.suspend(association, actor=organiser, reason="No news")
    services.reinstate(association, actor=organiser, reason="News again")
    assert association.member_since == first_member_since  # kept on reinstatement
    services.mark_left(association, actor=organiser, reason="Dissolved")
    steps = [(e.from_status, e.to_status, e.note) for e in events_of(association)]
    assert steps == [
        (None, S.APPLIED, "Entered in the registry by an organiser."),
        (S.APPLIED, S.UNDER_REVIEW, ""),
        (None, None, "Called the president."),
        (S.UNDER_REVIEW, S.MEMBER, "Welcome"),
        (S.MEMBER, S.SUSPENDED, "No news"),
        (S.SUSPENDED, S.MEMBER, "News again"),
        (S.MEMBER, S.LEFT, "Dissolved"),
    ]


@pytest.mark.parametrize("action, status", [("reject", S.APPLIED), ("suspend", S.MEMBER),
                                            ("reinstate", S.SUSPENDED),
                                            ("mark_left", S.MEMBER)])
def test_decisions_that_need_a_reason(ctx, action, status):
    association = association_with_status(status)
    with pytest.raises(DomainError) as caught:
        services.perform(association, action, actor=None, note="   ")
    assert caught.value.code == "reason_required" and "note" in caught.value.fields
    assert association.status is status


def test_notes_need_text_and_only_organisers_decide(ctx):
    association = association_with_status(S.APPLIED)
    with pytest.raises(DomainError) as caught:
        services.add_review_note(association, "", actor=None)
    assert caught.value.code == "note_required"
    for role in ("volunteer", "association"):
        user = factories.gen_user(role)
        with pytest.raises(DomainError) as caught:
            services.start_review(association, actor=user)
        assert caught.value.code == "forbidden"
        with pytest.raises(DomainError):
            services.add_review_note(association, "x", actor=user)
    with pytest.raises(DomainError) as caught:
        services.perform(association, "promote", actor=None)
    assert caught.value.code == "unknown_action"
    assert association.status is S.APPLIED and len(events_of(association)) == 1


def test_two_organisers_deciding_at_once_cannot_both_win(app):
    """On PostgreSQL the row lock makes the second decision wait, then see the first."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks need PostgreSQL")
        association = association_with_status(S.UNDER_REVIEW)
        association_id = association.id
        db.session.commit()
    locked, results = threading.Event(), {}

    def decide(name: str, action: str, wait_first: bool):
        with app.app_context():
            if wait_first:
                locked.wait(5)
            target = db.session.get(Association, association_id)
            try:
                services.perform(target, action, actor=None, note="because")
                if not wait_first:
                    locked.set()
                    threading.Event().wait(0.5)  # hold the lock a moment
                db.session.commit()
                results[name] = "ok"
            except DomainError as error:
                db.session.rollback()
                results[name] = error.code
            finally:
                locked.set()

    first = threading.Thread(target=decide, args=("approve", "approve", False))
    second = threading.Thread(target=decide, args=("reject", "reject", True))
    for thread in (first, second):
        thread.start()
    for thread in (first, second):
        thread.join(10)
    assert results == {"approve": "ok", "reject": "invalid_transition"}
    with app.app_context():
        assert db.session.get(Association, association_id).status is S.MEMBER


# --- records and profiles ---------------------------------------------------------------------

def test_create_association_by_an_organiser(ctx):
    organiser = factories.gen_user("organiser")
    association = services.create_association(
        {"name": "Lumières d'Été", "poles": ["mre", "popular_education"], "province": "tata"},
        actor=organiser, initial_status="member")
    assert association.slug == "lumieres-d-ete" and association.status is S.MEMBER
    assert association.member_since is not None
    assert association.pole_values == [Pole.MRE, Pole.POPULAR_EDUCATION]
    [event] = events_of(association)
    assert event.to_status is S.MEMBER and event.actor_id == organiser.id


def test_slugs_are_unique_and_checked(ctx):
    services.create_association({"name": "Espoir du Sud"}, actor=None)
    with pytest.raises(ValidationError) as caught:
        services.create_association({"name": "Espoir du sud !"}, actor=None)
    assert "slug" in caught.value.fields  # the generated address is taken: choose one
    other = services.create_association({"name": "Espoir du sud !", "slug": "espoir-2"},
                                        actor=None)
    assert other.slug == "espoir-2"
    with pytest.raises(ValidationError) as caught:
        services.create_association({"name": "Troisième", "slug": "espoir-2"}, actor=None)
    assert "slug" in caught.value.fields
    with pytest.raises(ValidationError) as caught:
        services.update_association(other, {"slug": "espoir-du-sud"}, actor=None)
    assert "slug" in caught.value.fields
    with pytest.raises(ValidationError) as caught:
        services.create_association({"name": "Quatre", "slug": "apply"}, actor=None)
    assert "slug" in caught.value.fields
    arabic = services.create_association({"name": "جمعية الأمل"}, actor=None)
    assert arabic.slug == "jmaya-alaml"  # transliterated
    nameless = services.create_association({"name": "★ ✿"}, actor=None)
    assert nameless.slug == "association-1"


def test_update_association_changes_only_given_fields(ctx):
    association = services.create_association(
        {"name": "Asso", "city": "Lyon", "themes": ["water"], "poles": ["mre"]}, actor=None)
    services.update_association(association, {"themes": ["health", "water"], "poles": [],
                                               "postcode": "69007"}, actor=None)
    assert association.city == "Lyon" and association.postcode == "69007"
    assert association.theme_values == [Theme.WATER, Theme.HEALTH]
    assert association.pole_values == []
    assert association.status is S.APPLIED
    services.update_association(association, {"slug": ""}, actor=None)
    assert association.slug == "asso"  # an emptied address keeps the current one
    with pytest.raises(ValidationError):
        services.update_association(association, {"name": " "}, actor=None)
    with pytest.raises(DomainError) as caught:
        services.update_association(association, {"city": "Paris"},
                                    actor=factories.gen_user("volunteer"))
    assert caught.value.code == "forbidden"


def test_representatives_edit_only_their_own_public_profile(ctx):
    own = factories.gen_association(name="Own")
    other = factories.gen_association(name="Other")
    representative = factories.gen_user("association", association=own)
    services.update_profile(own, {"short_description": "New", "themes": ["culture"],
                                  "name": "Renamed", "status": "left", "slug": "x"},
                            actor=representative)
    assert own.short_description == "New" and own.theme_values == [Theme.CULTURE]
    assert own.name == "Own" and own.status is S.MEMBER and own.slug != "x"
    with pytest.raises(DomainError) as caught:
        services.update_profile(other, {"short_description": "Hacked"}, actor=representative)
    assert caught.value.code == "forbidden" and other.short_description == ""
    with pytest.raises(ValidationError):
        services.update_profile(own, {"themes": []}, actor=representative)


def test_working_groups_for_people_and_associations(ctx):
    organiser = factories.gen_user("organiser")
    person = factories.gen_user("volunteer")
    association = factories.gen_association()
    assert services.attach_user_pole(person, "mre", actor=organiser) is True
    assert services.attach_user_pole(person, Pole.MRE, actor=organiser) is False
    assert db.session.get(UserPole, (person.id, Pole.MRE)) is not None
    assert services.detach_user_pole(person, "mre", actor=organiser) is True
    assert services.detach_user_pole(person, "mre", actor=organiser) is False
    assert services.attach_association_pole(association, "popular_education", actor=organiser)
    assert not services.attach_association_pole(association, "popular_education",
                                                actor=organiser)
    assert association.pole_values == [Pole.POPULAR_EDUCATION]
    assert services.detach_association_pole(association, "popular_education", actor=organiser)
    assert association.pole_values == []
    with pytest.raises(ValidationError):
        services.attach_user_pole(person, "choir", actor=organiser)
    with pytest.raises(DomainError):
        services.attach_user_pole(person, "mre", actor=person)


def test_add_representative(ctx):
    association = factories.gen_association()
    user = services.add_representative(association, email="Rep@X.example", name="Rep",
                                       password="0123456789ab", actor=None)
    assert user.role is Role.ASSOCIATION and user.association_id == association.id
    with pytest.raises(DomainError) as caught:
        services.add_representative(association, email="rep@x.example", name="Rep",
                                    password="0123456789ab", actor=None)
    assert caught.value.code == "email_taken"


def test_every_path_of_the_helpers_is_reachable(ctx):
    for status in PATHS:
        assert association_with_status(status).status is status
