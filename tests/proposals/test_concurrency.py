"""Two organisers deciding the same proposal at once on PostgreSQL: the row's lock makes the
second wait, re-read the status and be refused; one decision, one history row, one e-mail.
A speaker sending a new page while an organiser approves the one waiting: neither is lost."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from festival.accounts.models import User
from festival.core.errors import DomainError
from festival.core.timeutil import utcnow
from festival.editions.models import Speaker
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.proposals import services, speakers
from festival.proposals.models import (
    ProfileChangeStatus,
    Proposal,
    ProposalEvent,
    ProposalSpeaker,
    ProposalStatus,
    SessionCall,
    SpeakerProfileChange,
)
from tests.factories import (
    gen_association,
    gen_call,
    gen_edition,
    gen_proposal,
    gen_room,
    gen_user,
    paris,
)
from tests.together import race


def test_two_decisions_at_once_make_one(app, postgres):
    with app.app_context():
        edition = gen_edition(status="published")
        first, second = gen_user("organiser"), gen_user("organiser")
        call = gen_call(edition, actor=first)
        proposal = gen_proposal(call, gen_user("association", association=gen_association()))
        db.session.commit()
        ids = (proposal.id, first.id, second.id)
    def decide(user_id: int, note: str):
        def act(ready) -> None:
            item = db.session.get(Proposal, ids[0])
            actor = db.session.get(User, user_id)
            ready()
            services.decline_proposal(item, actor=actor, note=note)
        return act

    outcomes = race(app, [decide(user_id, f"by {user_id}") for user_id in ids[1:]], ready=True)
    assert outcomes == ["invalid_transition", "ok"]
    with app.app_context():
        assert db.session.get(Proposal, ids[0]).status is ProposalStatus.DECLINED
        assert db.session.scalar(select(func.count()).select_from(ProposalEvent).where(
            ProposalEvent.to_status == ProposalStatus.DECLINED)) == 1
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_page_sent_while_the_waiting_one_is_approved_is_not_lost(app, postgres,
                                                                    monkeypatch):
    """The speaker's send reads the change waiting, the organiser approves that change and
    commits, then the send writes: without a lock it wrote its new bio onto the approved
    change, which nobody would ever look at again (and the speaker was thanked)."""
    with app.app_context():
        edition = gen_edition(status="published")
        organiser = gen_user("organiser")
        call = gen_call(edition, actor=organiser)
        proposal = gen_proposal(call, gen_user("association", association=gen_association()),
                                speakers=[{"name": "Itto", "email": "itto@test.example"}])
        services.accept_proposal(proposal, actor=organiser, room_id=gen_room(edition).id,
                                 starts_at=paris(edition.dates[0], "11:00"))
        row = proposal.speakers[0]
        first = speakers.submit_profile(row, {"bio": {"fr": "Ancienne bio"}, "links": []})
        db.session.commit()
        ids = {"row": row.id, "speaker": row.speaker_id, "change": first.id,
               "organiser": organiser.id}
    outcomes: list[str] = []

    def approve() -> None:
        with app.app_context():
            try:
                speakers.decide_profile_change(
                    db.session.get(SpeakerProfileChange, ids["change"]), approve=True,
                    actor=db.session.get(User, ids["organiser"]), now=first_created)
                db.session.commit()
                outcomes.append("approved")
            except BaseException as error:  # noqa: BLE001 (reported by the assertion)
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    organiser_thread = threading.Thread(target=approve, daemon=True)
    reading = speakers.pending_change

    def read_then_let_the_organiser_decide(row):
        found = reading(row)
        if not organiser_thread.is_alive() and not outcomes:
            organiser_thread.start()
            # Either the organiser decides now (no lock held), or waits for this send's
            # lock and decides after it: the outcome below holds both ways.
            organiser_thread.join(3)
        return found

    monkeypatch.setattr(speakers, "pending_change", read_then_let_the_organiser_decide)
    with app.app_context():
        first_created = db.session.get(SpeakerProfileChange, ids["change"]).created_at
        speakers.submit_profile(db.session.get(ProposalSpeaker, ids["row"]),
                                {"bio": {"fr": "Nouvelle bio"}, "links": []})
        db.session.commit()
        db.session.remove()
    organiser_thread.join(60)
    assert outcomes == ["approved"]
    with app.app_context():
        published = db.session.get(Speaker, ids["speaker"]).bio_fr
        waiting = [c.bio.get("fr") for c in db.session.scalars(select(SpeakerProfileChange)
                   .where(SpeakerProfileChange.status == ProfileChangeStatus.PENDING))]
        assert published == "Nouvelle bio" or waiting == ["Nouvelle bio"]


def test_two_proposals_sent_at_once_keep_to_the_most_one_person_sends(app, postgres,
                                                                       monkeypatch):
    """Both sends counted 19 before either was saved, and the proposer had 21."""
    with app.app_context():
        edition = gen_edition(status="published")
        call = gen_call(edition)
        proposer = gen_user("association", association=gen_association())
        for _ in range(services.MAX_PROPOSALS - 1):
            gen_proposal(call, proposer)
        db.session.commit()
        ids = (call.id, proposer.id)
    counted = threading.Barrier(2)
    counting = services.proposals_sent

    def count_then_wait_for_the_other(call, user):
        found = counting(call, user)
        try:  # the other send counts too, unless it waits for this one's lock
            counted.wait(timeout=3)
        except threading.BrokenBarrierError:
            pass
        return found

    monkeypatch.setattr(services, "proposals_sent", count_then_wait_for_the_other)
    outcomes: list[str] = []

    def send() -> None:
        with app.app_context():
            try:
                services.propose(db.session.get(SessionCall, ids[0]), {
                    "title": "Encore", "abstract": "Texte", "language": "fr",
                    "format_id": db.session.get(SessionCall, ids[0]).formats[0].id,
                    "speakers": [{"name": "Amina", "email": "amina@test.example"}]},
                    actor=db.session.get(User, ids[1]), language="fr", now=utcnow())
                db.session.commit()
                outcomes.append("ok")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(error.code)
            except BaseException as error:  # noqa: BLE001 (reported by the assertion)
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["ok", "too_many_proposals"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Proposal).where(
            Proposal.proposer_id == ids[1])) == services.MAX_PROPOSALS


def test_two_accepts_or_a_withdrawal_and_an_accept_at_once_make_one_outcome(app, postgres):
    """Two organisers accepting at once, or the proposer withdrawing while an organiser
    accepts: one wins; an accept that loses makes no session."""
    from festival.editions.models import ProgrammeSession
    with app.app_context():
        edition = gen_edition(status="published")
        first, second = gen_user("organiser"), gen_user("organiser")
        call = gen_call(edition, actor=first)
        proposer = gen_user("association", association=gen_association())
        twice = gen_proposal(call, proposer)
        withdrawn = gen_proposal(call, proposer)
        rooms = (gen_room(edition).id, gen_room(edition).id)
        db.session.commit()
        ids = {"twice": twice.id, "withdrawn": withdrawn.id, "first": first.id,
               "second": second.id, "proposer": proposer.id,
               "start": paris(edition.dates[0], "10:00"),
               "later": paris(edition.dates[1], "15:00")}

    def accept(proposal_key: str, user_key: str, room: int, start: str = "start"):
        return lambda: services.accept_proposal(
            db.session.get(Proposal, ids[proposal_key]), actor=db.session.get(
                User, ids[user_key]), room_id=room, starts_at=ids[start])

    def withdraw():
        services.withdraw_proposal(db.session.get(Proposal, ids["withdrawn"]),
                                   actor=db.session.get(User, ids["proposer"]))

    assert race(app, [accept("twice", "first", rooms[0]),
                      accept("twice", "second", rooms[1])]) == ["invalid_transition", "ok"]
    assert race(app, [withdraw, accept("withdrawn", "first", rooms[1], "later")]) \
        == ["invalid_transition", "ok"]
    with app.app_context():
        sessions = db.session.scalars(select(ProgrammeSession)).all()
        accepted = [db.session.get(Proposal, ids[k]) for k in ("twice", "withdrawn")]
        assert len(sessions) == sum(p.status is ProposalStatus.ACCEPTED for p in accepted)
        assert {p.session_id for p in accepted if p.session_id} == {s.id for s in sessions}
        assert db.session.scalar(select(func.count()).select_from(ProposalEvent).where(
            ProposalEvent.to_status == ProposalStatus.ACCEPTED)) == len(sessions)
