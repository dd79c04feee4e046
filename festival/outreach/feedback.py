"""The attendees' feedback: one short form per order (reached by the order's secret link),
an overall mark, the best session and a comment. Sending it again replaces the answer."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from festival.core.errors import DomainError, ValidationError
from festival.core.guards import without_flaws
from festival.core.timeutil import utcnow
from festival.editions.days import cutoff_of, day_bounds
from festival.editions.models import Edition, ProgrammeSession, SessionStatus
from festival.extensions import db
from festival.outreach.models import FeedbackAnswer
from festival.ticketing.models import Order, OrderStatus
from festival.ticketing.orders import lock_order

COMMENT_LENGTH = 2000
COMMENTS_SHOWN = 200


def sessions_to_choose(edition: Edition) -> list[ProgrammeSession]:
    """The edition's published sessions, in programme order."""
    return db.session.scalars(
        select(ProgrammeSession).where(ProgrammeSession.edition_id == edition.id,
                                       ProgrammeSession.status == SessionStatus.PUBLISHED)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)).all()


def feedback_opens_at(edition: Edition) -> datetime | None:
    """The form opens when the festival's first day begins."""
    if edition.first_day is None:
        return None
    return day_bounds(edition.first_day, cutoff_of(edition))[0]


def answer_of(order: Order) -> FeedbackAnswer | None:
    return db.session.scalar(select(FeedbackAnswer).where(FeedbackAnswer.order_id == order.id))


def feedback_of(order_ids: list[int]) -> list[FeedbackAnswer]:
    """The answers of these orders (a person's export)."""
    if not order_ids:
        return []
    return db.session.scalars(select(FeedbackAnswer).where(
        FeedbackAnswer.order_id.in_(order_ids)).order_by(FeedbackAnswer.id)).all()


def can_answer(order: Order, now: datetime) -> bool:
    opens = feedback_opens_at(order.edition)
    return order.status is OrderStatus.PAID and opens is not None and now >= opens


def give_feedback(order: Order, mark: object, best_session_id: object, comment: str,
                  language: str, now: datetime | None = None) -> FeedbackAnswer:
    """Record (or replace) the order's answer. The order's row is locked first
    (ticketing.orders.lock_order), so two submissions at once make one answer, the later
    one's; where there is no row lock (SQLite) the answer's row is inserted or left as it
    is, then written.

    Errors: DomainError `feedback_closed` (409) for an order that is not paid or before the
    festival; ValidationError on `mark` (a whole number 1–5), `best_session_id` (a published
    session of the edition, or none) and `comment` (at most COMMENT_LENGTH characters).
    """
    order = lock_order(order.id)
    if not can_answer(order, now or utcnow()):
        raise DomainError("feedback_closed",
                          _l("Feedback opens on the first day of the festival, for paid "
                             "orders."), status=409)
    errors: dict[str, list] = {}
    try:
        mark_value = int(str(mark))
    except ValueError:
        mark_value = 0
    if not 1 <= mark_value <= 5:
        errors["mark"] = [_l("Choose a mark from 1 to 5.")]
    session_id = None
    if best_session_id not in (None, "", 0, "0"):
        chosen = {s.id for s in sessions_to_choose(order.edition)}
        try:
            session_id = int(str(best_session_id))
        except ValueError:
            session_id = None
        if session_id not in chosen:
            errors["best_session_id"] = [_l("Choose a session of the programme.")]
    text = without_flaws((comment or "").strip())
    if len(text) > COMMENT_LENGTH:
        errors["comment"] = [_l("At most %(n)s characters, please.", n=COMMENT_LENGTH)]
    if errors:
        raise ValidationError(errors)
    if answer_of(order) is None:
        # Where no row lock holds a second submission back (SQLite), the other one may
        # write the answer between this look and the insert: insert or nothing, then write.
        dialect = db.session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
            FeedbackAnswer)
        db.session.execute(insert.values(order_id=order.id, edition_id=order.edition_id,
                                         mark=mark_value, comment="", language=language)
                           .on_conflict_do_nothing(index_elements=["order_id"]))
    answer = db.session.scalar(select(FeedbackAnswer).where(
        FeedbackAnswer.order_id == order.id).execution_options(populate_existing=True))
    answer.mark, answer.best_session_id, answer.comment = mark_value, session_id, text
    answer.language = language
    db.session.flush()
    return answer


def best_votes(edition: Edition) -> dict[int, int]:
    """How many answers named each session of the edition the best one (session id → n)."""
    return dict(db.session.execute(
        select(FeedbackAnswer.best_session_id, func.count(FeedbackAnswer.id))
        .where(FeedbackAnswer.edition_id == edition.id,
               FeedbackAnswer.best_session_id.is_not(None))
        .group_by(FeedbackAnswer.best_session_id)).all())


def feedback_summary(edition: Edition) -> dict:
    """The dashboard's figures: count, average, answers per mark, best sessions ranked, the
    number of comments and the latest COMMENTS_SHOWN of them."""
    edition_answers = FeedbackAnswer.edition_id == edition.id
    per_mark = dict(db.session.execute(
        select(FeedbackAnswer.mark, func.count()).where(edition_answers)
        .group_by(FeedbackAnswer.mark)).all())
    count = sum(per_mark.values())
    average = (sum(m * n for m, n in per_mark.items()) / count) if count else None
    best = db.session.execute(
        select(ProgrammeSession.title, func.count(FeedbackAnswer.id).label("n"))
        .join(ProgrammeSession, ProgrammeSession.id == FeedbackAnswer.best_session_id)
        .where(edition_answers).group_by(ProgrammeSession.id, ProgrammeSession.title)
        .order_by(func.count(FeedbackAnswer.id).desc(), ProgrammeSession.title)).all()
    comment_count = db.session.scalar(
        select(func.count(FeedbackAnswer.id)).where(edition_answers, FeedbackAnswer.comment != ""))
    comments = db.session.execute(
        select(FeedbackAnswer.mark, FeedbackAnswer.comment, FeedbackAnswer.language,
               FeedbackAnswer.updated_at)
        .where(edition_answers, FeedbackAnswer.comment != "")
        .order_by(FeedbackAnswer.updated_at.desc(), FeedbackAnswer.id.desc())
        .limit(COMMENTS_SHOWN)).all()
    return {"count": count, "average": average,
            "per_mark": [(m, per_mark.get(m, 0)) for m in range(1, 6)],
            "best_sessions": [(title, n) for title, n in best], "comments": comments,
            "comment_count": comment_count or 0}
