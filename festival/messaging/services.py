"""Writing a message to attendees and sending it, once, through the outbox.

A message is a draft until it is sent; sending queues one outbox row per recipient address
(festival.mail.services.queue_mail_to_render, rendered by the sender after the commit: a
large mailing keeps the request's transaction short), all in the request's transaction.
The audit records who sent which message to how many: the send form carries the count the
organiser confirmed, and the send is refused when the audience no longer has that size.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import update

from festival.accounts.models import User
from festival.config import LANGUAGES
from festival.core.errors import DomainError, NotFound, ValidationError
from festival.core.i18n import visible
from festival.core.timeutil import utcnow
from festival.core.translated import UNSHOWN, unshowable
from festival.editions.models import Edition
from festival.extensions import db
from festival.mail.services import queue_mail_to_render
from festival.messaging.audience import Audience, recipients
from festival.messaging.models import MAX_BODY, MAX_SUBJECT, Broadcast, BroadcastStatus

# At most this many addresses per message: beyond, the organiser narrows the group (or
# splits it by language or ticket type). A constant, not a setting.
MAX_RECIPIENTS = 5_000
MAIL_TEMPLATE = "message"
DEDUPE_KEY_LENGTH = 200  # OutboxMessage.dedupe_key


@dataclass(frozen=True)
class Texts:
    """Subject and body per language, as typed."""

    subjects: dict[str, str]
    bodies: dict[str, str]


def _check_texts(texts: Texts) -> tuple[dict[str, str], dict[str, str]]:
    errors: dict[str, list] = {}
    subjects: dict[str, str] = {}
    bodies: dict[str, str] = {}
    for lang in LANGUAGES:
        subject = " ".join((texts.subjects.get(lang) or "").split())
        body = (texts.bodies.get(lang) or "").replace("\r\n", "\n").strip()
        subject, body = (t if visible(t) else "" for t in (subject, body))  # shows nothing
        if len(subject) > MAX_SUBJECT:
            errors.setdefault(f"subject_{lang}", []).append(
                _l("At most %(n)s characters.", n=MAX_SUBJECT))
        if len(body) > MAX_BODY:
            errors.setdefault(f"body_{lang}", []).append(
                _l("At most %(n)s characters.", n=MAX_BODY))
        for name, text in ((f"subject_{lang}", subject), (f"body_{lang}", body)):
            if unshowable(text):
                errors.setdefault(name, []).append(UNSHOWN)
        if lang == "fr" or subject or body:
            if not subject:
                errors.setdefault(f"subject_{lang}", []).append(
                    _l("Write the subject in French.") if lang == "fr"
                    else _l("Write the subject too, or leave this language empty."))
            if not body:
                errors.setdefault(f"body_{lang}", []).append(
                    _l("Write the message in French.") if lang == "fr"
                    else _l("Write the message too, or leave this language empty."))
        if subject and body:
            subjects[lang], bodies[lang] = subject, body
    if errors:
        raise ValidationError(errors)
    return subjects, bodies


def save_broadcast(edition: Edition, texts: Texts, audience: Audience, *, actor: User,
                   broadcast: Broadcast | None = None) -> Broadcast:
    """Create a draft (no `broadcast`) or change one. French is required; another language
    is written whole (subject and body) or left empty, and its readers get the French.

    Errors: ValidationError (subject_<lang>, body_<lang>); already_sent (409).
    """
    if broadcast is not None:
        broadcast = lock_broadcast(edition, broadcast.id)
        if broadcast.is_sent:
            raise DomainError("already_sent", _l("This message was sent: it can no longer "
                                                 "be changed."), status=409)
    subjects, bodies = _check_texts(texts)
    if broadcast is None:
        broadcast = Broadcast(edition_id=edition.id, status=BroadcastStatus.DRAFT,
                              created_by_id=actor.id if actor else None)
        db.session.add(broadcast)
    broadcast.subjects, broadcast.bodies = subjects, bodies
    broadcast.audience = audience.as_json()
    db.session.flush()
    return broadcast


def lock_broadcast(edition: Edition, broadcast_id: int) -> Broadcast:
    """The message, its row locked for this transaction (PostgreSQL) and read afresh."""
    broadcast = db.session.get(Broadcast, broadcast_id, with_for_update=True,
                               populate_existing=True)
    if broadcast is None or broadcast.edition_id != edition.id:
        raise NotFound("message_not_found", _l("This message does not exist."))
    return broadcast


def check_size(count: int) -> None:
    """Errors: no_recipients (422); too_many_recipients (422)."""
    if count == 0:
        raise DomainError("no_recipients", _l("This message reaches nobody: widen the "
                                              "group."), status=422)
    if count > MAX_RECIPIENTS:
        raise DomainError("too_many_recipients", _l(
            "A message may reach at most %(max)s people: narrow the group (for example by "
            "language or ticket type) and send several messages.", max=MAX_RECIPIENTS),
            status=422)


def dedupe_key(broadcast: Broadcast, email: str) -> str:
    """"message:<id>:<address>"; an address too long for the column is named by its hash."""
    key = f"{broadcast.batch}:{email.lower()}"
    if len(key) > DEDUPE_KEY_LENGTH:
        key = f"{broadcast.batch}:sha256:{hashlib.sha256(email.lower().encode()).hexdigest()}"
    return key


def send_broadcast(edition: Edition, broadcast_id: int, *, actor: User,
                   confirmed_count: int) -> Broadcast:
    """Queue the message once for each recipient, in their language (their order's, when the
    message is written in it; otherwise French), under the batch "message:<id>" and the
    dedupe key "message:<id>:<address>". The row is locked and its status re-read first:
    a second click, or two organisers at once, never send it twice.

    Errors: message_not_found (404); already_sent (409); no_recipients,
    too_many_recipients (422); audience_changed (409) when the group no longer has the
    `confirmed_count` people the organiser saw.
    """
    broadcast = lock_broadcast(edition, broadcast_id)
    if broadcast.is_sent:
        raise DomainError("already_sent", _l("This message was already sent."), status=409)
    found = recipients(edition, Audience.from_json(broadcast.audience), MAX_RECIPIENTS + 1)
    check_size(len(found))
    if len(found) != confirmed_count:
        raise DomainError("audience_changed", ngettext(
            "The group has changed: it now has %(num)s person. Check it again before "
            "sending.", "The group has changed: it now has %(num)s people. Check it again "
            "before sending.", len(found)), status=409)
    # The draft becomes sent by a conditional UPDATE, before anything is queued: where no
    # row lock holds a second click back (SQLite), it waits here for the first one's
    # commit and then finds the message sent.
    marked = db.session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast.id, Broadcast.status == BroadcastStatus.DRAFT)
        .values(status=BroadcastStatus.SENT, sent_by_id=actor.id if actor else None,
                sent_at=utcnow(), recipient_count=len(found))
        .execution_options(synchronize_session=False))
    if marked.rowcount != 1:
        raise DomainError("already_sent", _l("This message was already sent."), status=409)
    db.session.refresh(broadcast)
    for recipient in found:
        language = broadcast.language_for(recipient.language)
        queue_mail_to_render(recipient.email, MAIL_TEMPLATE, {"broadcast_id": broadcast.id},
                             language, broadcast.subject_in(language),
                             dedupe_key=dedupe_key(broadcast, recipient.email),
                             batch=broadcast.batch)
    db.session.flush()
    return broadcast
