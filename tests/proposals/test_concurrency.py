"""Two organisers deciding the same proposal at once on PostgreSQL: the row's lock makes the
second wait, re-read the status and be refused; one decision, one history row, one e-mail."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from festival.accounts.models import User
from festival.core.errors import DomainError
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.proposals import services
from festival.proposals.models import Proposal, ProposalEvent, ProposalStatus
from tests.factories import gen_association, gen_call, gen_edition, gen_proposal, gen_user


def test_two_decisions_at_once_make_one(app, postgres):
    with app.app_context():
        edition = gen_edition(status="published")
        first, second = gen_user("organiser"), gen_user("organiser")
        call = gen_call(edition, actor=first)
        proposal = gen_proposal(call, gen_user("association", association=gen_association()))
        db.session.commit()
        ids = (proposal.id, first.id, second.id)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(user_id: int, note: str) -> None:
        with app.app_context():
            try:
                item = db.session.get(Proposal, ids[0])
                actor = db.session.get(User, user_id)
                barrier.wait(timeout=30)
                services.decline_proposal(item, actor=actor, note=note)
                db.session.commit()
                outcomes.append("ok")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(error.code)
            except BaseException as error:  # noqa: BLE001 (reported by the assertion)
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=decide, args=(user_id, f"by {user_id}"), daemon=True)
               for user_id in ids[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["invalid_transition", "ok"]
    with app.app_context():
        assert db.session.get(Proposal, ids[0]).status is ProposalStatus.DECLINED
        assert db.session.scalar(select(func.count()).select_from(ProposalEvent).where(
            ProposalEvent.to_status == ProposalStatus.DECLINED)) == 1
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
