"""A person's data: export it, erase it, and the retention purge.

Erasure anonymises, it does not delete: orders keep their amounts, status and history (the
accounting), tickets keep their ids (so the check-in figures stay right), but no name or
e-mail address remains (tax receipts and invoices keep the name and address printed on them,
as the law requires: accounting.personal). Messages sent to the person lose their bodies. Every erasure is an
OrderEvent row on each order, and the back-office request that caused it is in the audit log.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from festival.accounting.personal import forget_donor, papers_of
from festival.accounts.models import User
from festival.accounts.services import (
    _hash,
    end_other_sessions,
    normalise_email,
    require_another_admin,
    require_may_change_account,
)
from festival.core.errors import ValidationError
from festival.core.timeutil import to_paris, utcnow
from festival.editions.models import Edition, EditionStatus
from festival.extensions import db
from festival.mail.models import OutboxAttachment, OutboxMessage
from festival.outreach.feedback import feedback_of
from festival.outreach.unsubscribe import forget_address, is_unsubscribed
from festival.proposals.personal import forget_speaker_address, proposals_of_person
from festival.questions import services as questions
from festival.seats import services as seats
from festival.ticketing import orders as order_services
from festival.ticketing.models import Order, Ticket
from festival.ticketing.pdf_cache import forget_order_pdfs
from festival.volunteers import queries as volunteer_queries
from festival.volunteers import services as volunteer_services
from festival.volunteers.labels import post_of
from festival.waitlist import services as waitlist_services
from festival.waitlist.models import WaitlistEntry

ANONYMISED_DOMAIN = "anonymised.invalid"
ANONYMISED_NAME = "—"


def is_anonymised(email: str) -> bool:
    return email.endswith("@" + ANONYMISED_DOMAIN)


def _address(raw: str) -> str:
    email = normalise_email(raw)
    if is_anonymised(email):
        raise ValidationError({"email": [_l("This address is already anonymised.")]})
    return email


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export_person(raw_email: str) -> dict:
    """Everything the service holds about the person with this address, as JSON-ready data."""
    email = _address(raw_email)
    users = db.session.scalars(select(User).where(User.email == email)).all()
    orders = db.session.scalars(select(Order).where(func.lower(Order.email) == email)
                                .order_by(Order.id)).all()
    messages = db.session.scalars(select(OutboxMessage).where(
        func.lower(OutboxMessage.to_address) == email).order_by(OutboxMessage.id)).all()
    held = _tickets_held(email)
    reserved = seats.reservations_of_tickets(
        [t.id for o in orders for t in o.tickets] + [t.id for t in held])

    def seats_of(ticket: Ticket) -> list[dict]:
        return [{"session": r.session.title, "starts_at": _iso(r.session.starts_at),
                 "status": r.status.value, "reserved_at": _iso(r.created_at)}
                for r in reserved.get(ticket.id, [])]

    return {
        "email": email,
        "exported_at": _iso(utcnow()),
        "accounts": [{"email": u.email, "name": u.name, "role": u.role.value,
                      "created_at": _iso(u.created_at), "last_login_at": _iso(u.last_login_at),
                      "association": u.association.name if u.association else None}
                     for u in users],
        "orders": [{"code": o.code, "edition": o.edition.year, "status": o.status.value,
                    "name": o.buyer_name, "language": o.language,
                    "marketing_consent": o.marketing_consent, "total_cents": o.total_cents,
                    "created_at": _iso(o.created_at), "paid_at": _iso(o.paid_at),
                    "tickets": [{"id": t.id, "type": t.ticket_type.name,
                                 "attendee_name": t.attendee_name, "status": t.status.value,
                                 "seats": seats_of(t)}
                                for t in o.tickets],
                    "answers": questions.answers_for_export(o)}
                   for o in orders],
        "tickets_handed_over_to_you": [
            {"id": t.id, "edition": t.order.edition.year, "type": t.ticket_type.name,
             "attendee_name": t.attendee_name, "email": t.holder_email,
             "status": t.status.value, "created_at": _iso(t.created_at),
             "seats": seats_of(t)} for t in held],
        "messages": [{"subject": m.subject, "created_at": _iso(m.created_at),
                      "status": m.status.value} for m in messages],
        "feedback": [{"order": a.order.code, "mark": a.mark, "comment": a.comment,
                      "best_session": a.best_session.title if a.best_session else None,
                      "updated_at": _iso(a.updated_at)}
                     for a in feedback_of([o.id for o in orders])],
        "unsubscribed_from_announcements": is_unsubscribed(email),
        "waiting_lists": [{"edition": e.edition.year, "ticket_type": e.ticket_type.name,
                           "name": e.name, "quantity": e.quantity, "language": e.language,
                           "status": e.status.value, "joined_at": _iso(e.created_at),
                           "offers": [{"quantity": o.quantity, "state": o.state.value,
                                       "sent_at": _iso(o.created_at),
                                       "expires_at": _iso(o.expires_at)} for o in e.offers]}
                          for e in db.session.scalars(select(WaitlistEntry).where(
                              func.lower(WaitlistEntry.email) == email)
                              .order_by(WaitlistEntry.id))],
        "volunteer_shifts": [{"edition": a.shift.edition.year, "post": post_of(a.shift),
                              "starts_at": _iso(a.shift.starts_at),
                              "ends_at": _iso(a.shift.ends_at),
                              "since": _iso(a.created_at),
                              "assigned_by_an_organiser": a.assigned_by_id is not None,
                              "withdrawn_at": _iso(a.withdrawn_at)}
                             for u in users
                             for a in volunteer_queries.assignments_of_user(u.id)],
        **proposals_of_person(email, list(users)),
        **papers_of(list(orders)),
    }


@dataclass
class Erasure:
    orders: list[str] = field(default_factory=list)
    accounts: int = 0
    messages: int = 0
    waiting: int = 0  # places on waiting lists
    tickets: int = 0  # handed over to the person, in someone else's order
    shifts: int = 0   # places on volunteer shifts to come, given up
    speakers: int = 0  # proposals for sessions naming the person, whose address is removed

    @property
    def total(self) -> int:
        return (len(self.orders) + self.accounts + self.messages + self.waiting
                + self.tickets + self.shifts + self.speakers)


def _tickets_held(email: str) -> list[Ticket]:
    """The tickets handed over to this address (ticketing/changes.py)."""
    return list(db.session.scalars(select(Ticket).where(
        func.lower(Ticket.holder_email) == email).order_by(Ticket.id)))


def _anonymise_order(order: Order, *, actor: User | None, reason: str,
                     now: datetime) -> None:
    order.buyer_name = ANONYMISED_NAME
    order.email = f"order-{order.id}@{ANONYMISED_DOMAIN}"
    order.marketing_consent = False
    for ticket in order.tickets:
        ticket.attendee_name = ""
        ticket.holder_email = None
    questions.erase_order_answers(order)  # access needs, diet…: about the people
    forget_order_pdfs(order)  # the cached PDFs print the names
    forget_donor(order)  # receipts keep what the law keeps (accounting.personal)
    order_services.record(order, "anonymised", actor=actor, now=now, note=reason)


def _erase_messages(address: str) -> int:
    messages = db.session.scalars(select(OutboxMessage).where(
        func.lower(OutboxMessage.to_address) == address)).all()
    for message in messages:
        message.to_address = f"message-{message.id}@{ANONYMISED_DOMAIN}"
        message.subject = ANONYMISED_NAME
        message.text_body = ""
        message.html_body = None
        db.session.execute(db.delete(OutboxAttachment).where(
            OutboxAttachment.message_id == message.id))
    return len(messages)


def _anonymise_waiting(entries, now: datetime) -> int:
    """Take each entry off its list (an offer held for it gives its seats back) and forget
    who it was."""
    for entry in entries:
        waitlist_services.leave(entry, now=now)
        entry.name = ANONYMISED_NAME
        entry.email = f"waiting-{entry.id}@{ANONYMISED_DOMAIN}"
    return len(entries)


def erase_person(raw_email: str, *, actor: User | None, now: datetime | None = None) -> Erasure:
    """Anonymise every order, account and message of this address. A staff account is
    erased by an administrator only, and never the last active administrator; its sessions
    end. Errors: validation_failed (email), staff_account, last_admin (nothing is changed).
    A pending order keeps its seats until it expires; its buyer can no longer be reached,
    which is what they asked for."""
    email = _address(raw_email)
    now = now or utcnow()
    users = db.session.scalars(select(User).where(User.email == email)).all()
    for user in users:  # every check before the first change
        require_may_change_account(user, actor=actor)
        require_another_admin(user)
    done = Erasure()
    for order in db.session.scalars(select(Order).where(func.lower(Order.email) == email)):
        done.orders.append(order.code)
        _anonymise_order(order, actor=actor, reason="erased on request", now=now)
    for ticket in _tickets_held(email):  # a holder is not the buyer: the order stays
        ticket.attendee_name = ""
        ticket.holder_email = None
        questions.erase_ticket_answers(ticket)
        forget_order_pdfs(ticket.order)
        done.tickets += 1
    for user in users:
        done.shifts += volunteer_services.withdraw_everywhere(user, actor=actor, now=now)
        user.email = f"user-{user.id}@{ANONYMISED_DOMAIN}"
        user.name = ""
        user.is_enabled = False
        user.password_hash = _hash(secrets.token_urlsafe(32))
        end_other_sessions(user)
        done.accounts += 1
    done.messages = _erase_messages(email)
    done.waiting = _anonymise_waiting(db.session.scalars(select(WaitlistEntry).where(
        func.lower(WaitlistEntry.email) == email)).all(), now)
    done.speakers = forget_speaker_address(email)
    forget_address(email)
    db.session.flush()
    return done


def _ended(months: int, now: datetime) -> list[int]:
    """The editions that ended more than `months` months ago."""
    limit_day = (to_paris(now) - timedelta(days=round(months * 30.44))).date()
    return [e.id for e in db.session.scalars(select(Edition).where(Edition.status.in_(
        (EditionStatus.CLOSED, EditionStatus.ARCHIVED))))
            if e.last_day is not None and e.last_day < limit_day]


def due_for_purge(months: int, now: datetime | None = None) -> list[Order]:
    """Orders of editions that ended more than `months` months ago and still name someone."""
    now = now or utcnow()
    ended = _ended(months, now)
    if not ended:
        return []
    return list(db.session.scalars(select(Order).where(
        Order.edition_id.in_(ended), ~Order.email.like(f"%@{ANONYMISED_DOMAIN}"))
        .order_by(Order.id)))


def purge(months: int, *, dry_run: bool, now: datetime | None = None) -> list[Order]:
    """Anonymise the attendees of editions closed for more than `months` months (the
    retention period). With dry_run, change nothing and return what would change."""
    now = now or utcnow()
    due = due_for_purge(months, now)
    if not dry_run:
        addresses = {o.email.lower() for o in due}
        for order in due:
            _anonymise_order(order, actor=None, reason=f"retention: {months} months", now=now)
        db.session.flush()
        for address in addresses:  # messages go once the person has no named order left
            if db.session.scalar(select(func.count(Order.id)).where(
                    func.lower(Order.email) == address)) == 0:
                _erase_messages(address)
        ended = _ended(months, now)
        if ended:  # their waiting lists too
            _anonymise_waiting(db.session.scalars(select(WaitlistEntry).where(
                WaitlistEntry.edition_id.in_(ended),
                ~WaitlistEntry.email.like(f"%@{ANONYMISED_DOMAIN}"))).all(), now)
        db.session.flush()
    return due
