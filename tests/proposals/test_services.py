"""The rules of calls for sessions, proposals, review and decisions, on a database session."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.core.errors import DomainError
from festival.core.timeutil import utcnow
from festival.editions.clashes import ClashError
from festival.editions.models import SessionStatus, Speaker
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.proposals import calls, services
from festival.proposals.models import ProposalStatus
from tests.factories import (
    gen_association,
    gen_call,
    gen_edition,
    gen_proposal,
    gen_room,
    gen_session,
    gen_speaker,
    gen_user,
    paris,
)


@pytest.fixture
def setting(ctx):
    edition = gen_edition(status="published")
    organiser = gen_user("organiser")
    call = gen_call(edition, actor=organiser)
    representative = gen_user("association", association=gen_association())
    return {"edition": edition, "call": call, "organiser": organiser,
            "representative": representative}


def _error(action) -> DomainError:
    with pytest.raises(DomainError) as raised:
        action()
    return raised.value


# The call -----------------------------------------------------------------------------------

def test_a_call_needs_french_guidelines_a_format_and_closing_after_opening(ctx):
    edition = gen_edition()
    organiser = gen_user("organiser")
    now = utcnow()
    error = _error(lambda: calls.save_call(edition, {
        "opens_at": now, "closes_at": now - timedelta(days=1), "guidelines": {"en": "Hi"},
        "languages": [], "formats": [], "criteria": [{"name": {"fr": "X"}, "max_score": 11}]},
        actor=organiser))
    assert error.code == "validation_failed"
    assert set(error.fields) >= {"closes_at", "guidelines", "languages", "formats",
                                 "criteria-0-max_score"}


def test_only_organisers_set_up_a_call(ctx):
    edition = gen_edition()
    for role in ("association", "volunteer"):
        error = _error(lambda: gen_call(edition, actor=gen_user(role)))
        assert error.code == "organisers_only" and error.status == 403


def test_saving_again_keeps_the_formats_matched_by_id(setting):
    call = setting["call"]
    first = call.formats[0]
    calls.save_call(call.edition, {
        "opens_at": call.opens_at, "closes_at": call.closes_at,
        "guidelines": {"fr": "Nouveau texte", "ar": "نص"}, "languages": ["fr"],
        "formats": [{"id": first.id, "kind": "round_table", "name": {"fr": "Table ronde"},
                     "duration_minutes": 75}], "criteria": []}, actor=setting["organiser"])
    assert [f.id for f in call.formats] == [first.id]
    assert call.formats[0].duration_minutes == 75 and call.criteria == []
    assert call.texts_of("guidelines") == {"fr": "Nouveau texte", "ar": "نص"}


# Proposing ----------------------------------------------------------------------------------

def test_a_representative_proposes_with_speakers_needs_and_slots(setting):
    call = setting["call"]
    known = gen_speaker("Brahim Ait", association_id=setting["representative"].association_id)
    proposal = gen_proposal(call, setting["representative"], mail_language="ar",
                            speakers=[{"speaker_id": known.id},
                                      {"name": "Nadia", "email": "nadia@test.example"}],
                            audience=120, needs_projector=True, needs_interpreter=True,
                            pole="mre")
    assert proposal.status is ProposalStatus.SUBMITTED
    assert proposal.association_id == setting["representative"].association_id
    assert proposal.mail_language == "ar"
    assert [(s.speaker_id, s.name) for s in proposal.speakers] == [(known.id, "Brahim Ait"),
                                                                   (None, "Nadia")]
    assert [(e.from_status, e.to_status) for e in proposal.events] == [
        (None, ProposalStatus.SUBMITTED)]
    assert len(proposal.slots) == 1 and proposal.needs_interpreter


def test_a_volunteer_proposes_only_when_the_call_is_open_to_accounts(setting):
    volunteer = gen_user("volunteer")
    error = _error(lambda: gen_proposal(setting["call"], volunteer))
    assert error.code == "not_allowed_to_propose" and error.status == 403
    setting["call"].is_open_to_accounts = True
    assert gen_proposal(setting["call"], volunteer).association_id is None


def test_a_representative_of_an_applicant_cannot_propose(setting):
    from festival.associations.models import MembershipStatus
    applicant = gen_user("association",
                         association=gen_association(status=MembershipStatus.APPLIED))
    assert _error(lambda: gen_proposal(setting["call"], applicant)).code == \
        "not_allowed_to_propose"


def test_a_closed_call_refuses_proposals(setting):
    call = setting["call"]
    call.closes_at = utcnow() - timedelta(minutes=1)
    call.opens_at = utcnow() - timedelta(days=3)
    assert _error(lambda: gen_proposal(call, setting["representative"])).code == "call_closed"


@pytest.mark.parametrize("change, field", [
    ({"title": ""}, "title"),
    ({"format_id": 999999}, "format_id"),
    ({"language": "tzm"}, "language"),           # not one of the call's languages
    ({"pole": "general_activities"}, "pole"),    # not one of the call's pôles
    ({"speakers": []}, "speakers"),
    ({"speakers": [{"name": f"P{i}", "email": f"p{i}@test.example"} for i in range(7)]},
     "speakers"),
    ({"speakers": [{"name": "Sans adresse", "email": ""}]}, "speakers-0-email"),
    ({"speakers": [{"name": "X", "email": "not an address"}]}, "speakers-0-email"),
    ({"speakers": [{"speaker_id": 999999}]}, "speakers-0-speaker_id"),
    ({"slots": ["1999-01-01/morning"]}, "slots"),
    ({"slots": ["x"] * 13}, "slots"),
    ({"audience": 0}, "audience"),
    ({"surprise": 1}, "surprise"),
])
def test_bad_proposals_are_refused_field_by_field(setting, change, field):
    error = _error(lambda: gen_proposal(setting["call"], setting["representative"], **change))
    assert error.code == "validation_failed" and field in error.fields


def test_a_known_speakers_bad_address_is_said_on_their_own_row(setting):
    known = gen_speaker("Brahim Ait", association_id=setting["representative"].association_id)
    error = _error(lambda: gen_proposal(setting["call"], setting["representative"], speakers=[
        {"speaker_id": 999999}, {"speaker_id": known.id, "email": "pas une adresse"}]))
    assert set(error.fields) == {"speakers-0-speaker_id", "speakers-1-email"}


def test_a_private_speaker_of_another_association_cannot_be_named(setting):
    other = gen_speaker("Quelqu'un d'autre", association_id=gen_association().id)
    error = _error(lambda: gen_proposal(setting["call"], setting["representative"],
                                        speakers=[{"speaker_id": other.id}]))
    assert "speakers-0-speaker_id" in error.fields


# Review and decisions -----------------------------------------------------------------------

def test_a_named_reviewer_scores_and_the_proposal_goes_under_review(setting):
    call, organiser = setting["call"], setting["organiser"]
    reviewer = gen_user("volunteer")
    proposal = gen_proposal(call, setting["representative"])
    outsider = gen_user("volunteer")
    scores = {str(c.id): c.max_score for c in call.criteria}
    error = _error(lambda: services.review_proposal(proposal, actor=outsider, scores=scores))
    assert error.code == "not_a_reviewer" and error.status == 403
    calls.add_reviewer(call, reviewer.email.upper(), actor=organiser)
    review = services.review_proposal(proposal, actor=reviewer, scores=scores,
                                      comment="Très bien")
    assert review.total == 8
    assert proposal.status is ProposalStatus.UNDER_REVIEW
    assert proposal.events[-1].actor_id == reviewer.id
    services.review_proposal(proposal, actor=reviewer, scores={k: 0 for k in scores})
    assert len(proposal.reviews) == 1 and services.average_score(proposal) == 0


def test_scores_must_fit_the_rubric(setting):
    call = setting["call"]
    proposal = gen_proposal(call, setting["representative"])
    first, second = call.criteria
    error = _error(lambda: services.review_proposal(
        proposal, actor=setting["organiser"], scores={str(first.id): 6}))
    assert set(error.fields) == {f"score-{first.id}", f"score-{second.id}"}


def test_anonymised_calls_hide_the_identity_from_reviewers_not_organisers(setting):
    call = setting["call"]
    reviewer = gen_user("association", association=gen_association())
    calls.add_reviewer(call, reviewer.email, actor=setting["organiser"])
    assert calls.sees_identity(call, reviewer)
    call.is_anonymised = True
    assert not calls.sees_identity(call, reviewer)
    assert calls.sees_identity(call, setting["organiser"])


def test_declining_writes_history_and_mails_the_proposer_in_their_language(setting):
    proposal = gen_proposal(setting["call"], setting["representative"], mail_language="ar")
    services.start_review(proposal, actor=setting["organiser"])
    services.decline_proposal(proposal, actor=setting["organiser"], note="Programme complet")
    assert [e.to_status for e in proposal.events] == [
        ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW, ProposalStatus.DECLINED]
    assert proposal.events[-1].note == "Programme complet"
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.to_address == setting["representative"].email
    assert mail.language == "ar" and "Programme complet" in mail.text_body
    error = _error(lambda: services.decline_proposal(proposal, actor=setting["organiser"]))
    assert error.code == "invalid_transition"


def test_only_organisers_decide(setting):
    proposal = gen_proposal(setting["call"], setting["representative"])
    reviewer = gen_user("volunteer")
    calls.add_reviewer(setting["call"], reviewer.email, actor=setting["organiser"])
    for actor in (reviewer, setting["representative"]):
        assert _error(lambda: services.decline_proposal(proposal, actor=actor)).code == \
            "organisers_only"


def test_the_proposer_withdraws_but_nobody_else(setting):
    proposal = gen_proposal(setting["call"], setting["representative"])
    assert _error(lambda: services.withdraw_proposal(
        proposal, actor=gen_user("association", association=gen_association()))).code == \
        "not_yours"
    services.withdraw_proposal(proposal, actor=setting["representative"], note="Désolés")
    assert proposal.status is ProposalStatus.WITHDRAWN
    assert _error(lambda: services.start_review(proposal, actor=setting["organiser"])).code \
        == "invalid_transition"


def test_a_rubric_changed_after_reviews_counts_only_its_criteria_on_their_scale(setting):
    call, organiser = setting["call"], setting["organiser"]
    proposal = gen_proposal(call, setting["representative"])
    first, second = call.criteria
    review = services.review_proposal(proposal, actor=organiser,
                                      scores={str(first.id): 5, str(second.id): 3})
    assert review.total == 8
    calls.save_call(call.edition, {
        "opens_at": call.opens_at, "closes_at": call.closes_at,
        "guidelines": {"fr": "Texte"}, "languages": ["fr"],
        "formats": [{"id": f.id, "kind": f.kind.value, "name": {"fr": f.name_fr},
                     "duration_minutes": f.duration_minutes} for f in call.formats],
        "criteria": [{"id": first.id, "name": {"fr": "Pertinence"}, "max_score": 2}]},
        actor=organiser)
    db.session.expire_all()
    assert review.total == 2 and services.average_score(proposal) == 2


def test_nobody_reviews_their_own_or_their_associations_proposal(setting):
    call, representative = setting["call"], setting["representative"]
    colleague = gen_user("association", association=representative.association)
    proposal = gen_proposal(call, representative)
    scores = {str(c.id): c.max_score for c in call.criteria}
    for person in (representative, colleague):
        calls.add_reviewer(call, person.email, actor=setting["organiser"])
        error = _error(lambda: services.review_proposal(proposal, actor=person, scores=scores))
        assert error.code == "own_proposal" and error.status == 403
    assert proposal.reviews == [] and proposal.status is ProposalStatus.SUBMITTED
    outsider = gen_user("volunteer")
    calls.add_reviewer(call, outsider.email, actor=setting["organiser"])
    assert services.review_proposal(proposal, actor=outsider, scores=scores).total == 8


def test_accepting_makes_a_draft_session_with_new_speakers_and_invitations(setting):
    edition, call = setting["edition"], setting["call"]
    room = gen_room(edition)
    known = gen_speaker("Brahim Ait", association_id=setting["representative"].association_id)
    proposal = gen_proposal(call, setting["representative"], mail_language="en", pole="mre",
                            speakers=[{"speaker_id": known.id},
                                      {"name": "Nadia", "email": "nadia@test.example"}])
    start = paris(edition.dates[0], "16:00")
    _, session, clashes = services.accept_proposal(
        proposal, actor=setting["organiser"], room_id=room.id, starts_at=start)
    assert clashes == []
    assert session.status is SessionStatus.DRAFT and session.room_id == room.id
    assert session.ends_at - session.starts_at == timedelta(minutes=60)
    assert [s.name for s in session.speakers] == ["Brahim Ait", "Nadia"]
    nadia = db.session.scalar(select(Speaker).where(Speaker.name == "Nadia"))
    assert nadia.association_id == setting["representative"].association_id
    assert proposal.status is ProposalStatus.ACCEPTED and proposal.session_id == session.id
    mails = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(mails) == {setting["representative"].email, "nadia@test.example"}
    assert all(m.language == "en" for m in mails.values())
    assert "/speaker-page/" in mails["nadia@test.example"].text_body


def test_a_known_speaker_of_another_association_gets_no_link_from_a_typed_address(setting):
    """Naming a speaker of the public programme with one's own address must not hand over
    their page: the link would let the proposer rewrite someone else's bio, photo and
    links (and replace a change the real speaker is waiting on)."""
    edition = setting["edition"]
    room = gen_room(edition)
    theirs = gen_speaker("Fatima Oudghiri", association_id=gen_association().id)
    independent = gen_speaker("Hassan Amrani")
    for speaker, start in ((theirs, "10:00"), (independent, "11:00")):
        gen_session(edition, room, start=start, end=start.replace(":00", ":45"),
                    speakers=[speaker])
    proposal = gen_proposal(setting["call"], setting["representative"], speakers=[
        {"speaker_id": theirs.id, "email": "attacker@test.example"},
        {"speaker_id": independent.id, "email": "attacker2@test.example"}])
    services.accept_proposal(proposal, actor=setting["organiser"], room_id=room.id,
                             starts_at=paris(edition.dates[0], "16:00"))
    sent = {m.to_address for m in db.session.scalars(select(OutboxMessage))}
    assert sent == {setting["representative"].email}
    assert not any(row.link_version for row in proposal.speakers)


def test_accepting_into_a_clash_needs_a_confirmation(setting):
    edition = setting["edition"]
    room = gen_room(edition)
    gen_session(edition, room, start="16:00", end="17:00")
    proposal = gen_proposal(setting["call"], setting["representative"])
    with pytest.raises(ClashError):
        services.accept_proposal(proposal, actor=setting["organiser"], room_id=room.id,
                                 starts_at=paris(edition.dates[0], "16:30"))
    db.session.rollback()


def test_accepting_with_a_confirmed_clash_keeps_the_warning(setting):
    edition = setting["edition"]
    room = gen_room(edition)
    gen_session(edition, room, start="16:00", end="17:00")
    proposal = gen_proposal(setting["call"], setting["representative"])
    _, session, clashes = services.accept_proposal(
        proposal, actor=setting["organiser"], room_id=room.id,
        starts_at=paris(edition.dates[0], "16:30"), confirm_clashes=True)
    assert [c.kind for c in clashes] == ["room_double_booked"]
    assert session.status is SessionStatus.DRAFT
