"""Queueing e-mail in the outbox, and the organisers' actions on queued messages.

`queue_mail` renders the message in the recipient's language and adds it to the CURRENT
transaction without committing: the caller's commit stores it together with the change that
caused it (an order paid, an application received), and a rollback discards both. The sender
(festival/mail/sender.py) delivers committed messages afterwards.

`queue_mail_to_render` stores only what to render (template, language, the ids its renderer
needs): a message with costly parts (QR codes, a PDF) is then rendered by the sender, after
the commit, and the transaction that queued it stays short (festival/mail/rendering.py).
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid, parseaddr
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError

from festival.config import LANGUAGES
from festival.core.errors import DomainError, NotFound, ValidationError
from festival.core.i18n import RTL_LANGUAGES, language_tag
from festival.core.timeutil import utcnow
from festival.core.urls import absolute_url
from festival.extensions import db
from festival.mail.models import EXTRA_HEADERS, MailStatus, OutboxAttachment, OutboxMessage

TEMPLATE_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")
# A caller names an inline image with a short dot-atom; queue_mail makes it a msg-id.
CONTENT_ID = re.compile(r"^(?=.{1,40}$)[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
CONTENT_ID_LENGTH = 100  # OutboxAttachment.content_id
FALLBACK_DOMAIN = "almoggar.invalid"


@dataclass(frozen=True)
class Attachment:
    """A file attached to the message (a PDF ticket, a calendar file…)."""

    filename: str
    mimetype: str
    content: bytes


@dataclass(frozen=True)
class InlineImage:
    """An image shown inside the HTML part. `content_id` is a short name (`ticket-12`); the
    template gets the message's own Content-ID for it in `inline_cids[content_id]`."""

    content_id: str
    content: bytes
    mimetype: str = "image/png"
    filename: str = ""


def render_mail(template: str, context: Mapping[str, Any], language: str,
                content_ids: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The text and HTML bodies of templates/mail/<template>.txt and .html in `language`.
    `content_ids` maps each inline image's name to its Content-ID (`inline_cid(name)`)."""
    if not TEMPLATE_NAME.match(template):
        raise ValueError(f"bad mail template name: {template!r}")
    values = dict(context)
    rtl = language in RTL_LANGUAGES
    # E-mail clients ignore logical CSS values: the layout aligns with these.
    values.update(lang=language, lang_tag=language_tag(language), dir="rtl" if rtl else "ltr",
                  align="right" if rtl else "left", align_end="left" if rtl else "right",
                  absolute_url=absolute_url,
                  inline_cid=(content_ids if content_ids is not None else {}).__getitem__)
    with force_locale(language):
        text = render_template(f"mail/{template}.txt", **values)
        html = render_template(f"mail/{template}.html", **values)
    return re.sub(r"\n{3,}", "\n\n", text.strip()) + "\n", html


def _check_address(to: str, field: str = "to") -> str:
    """One address, optionally with a display name: `a@b.fr` or `Name <a@b.fr>`."""
    address = (to or "").strip()
    parsed = parseaddr(address)[1]
    try:
        if not parsed or len(address) > 254 or any(c in address for c in "\r\n,;"):
            raise EmailNotValidError("not one address")
        validate_email(parsed, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError({field: [_l("This is not a valid e-mail address.")]}) from None
    return address


def _as_attachment(item: Attachment | tuple) -> OutboxAttachment:
    if not isinstance(item, Attachment):
        item = Attachment(*item)
    return OutboxAttachment(filename=item.filename, mimetype=item.mimetype,
                            content=bytes(item.content))


def _content_id(name: str, domain: str) -> str:
    """A globally unique RFC 5322 msg-id (without its angle brackets) for an inline image:
    mail clients may ignore or mix up Content-IDs without their `@domain` part."""
    content_id = f"{name}.{secrets.token_hex(8)}@{domain}"
    if len(content_id) > CONTENT_ID_LENGTH:  # a very long sender domain: the id stays unique
        content_id = f"{name}.{secrets.token_hex(8)}@{FALLBACK_DOMAIN}"
    return content_id


def _as_inline(item: InlineImage, domain: str) -> OutboxAttachment:
    if not CONTENT_ID.match(item.content_id):
        raise ValueError(f"bad content id for an inline image: {item.content_id!r}")
    extension = item.mimetype.split("/")[-1]
    return OutboxAttachment(filename=item.filename or f"{item.content_id}.{extension}",
                            mimetype=item.mimetype, content=bytes(item.content),
                            content_id=_content_id(item.content_id, domain))


def _by_dedupe_key(key: str) -> OutboxMessage | None:
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))


def queue_mail(to: str, template: str, context: Mapping[str, Any], language: str, subject: Any,
               attachments: Iterable[Attachment | tuple] = (),
               inline_images: Iterable[InlineImage | tuple] = (),
               dedupe_key: str | None = None, reply_to: str | None = None,
               batch: str | None = None) -> OutboxMessage:
    """Render a message in `language` and add it to the current transaction (no commit).

    `subject` may be a lazy string: it is translated in `language`. Inline images are named by
    the caller (`ticket-12`); each gets a unique Content-ID `<name.random@domain>`, which the
    templates write as `cid:{{ inline_cid(name) }}` (the `inline_image` macro). With a
    `dedupe_key`, a message already queued under that key is returned and nothing new is
    queued, so a retried webhook or a double click never sends the same e-mail twice. `batch`
    names the mailing the message belongs to (OutboxMessage.batch).
    Errors: ValidationError (`to`, `reply_to`) for an address that is not one; ValueError for a
    language, template name or content id that the code should never pass.
    """
    _check_language(language)
    if dedupe_key is not None:
        existing = _by_dedupe_key(dedupe_key)
        if existing is not None:
            return existing
    message = _new_message(to, template, language, subject, dedupe_key, reply_to, batch)
    inline, inline_cids = inline_parts(inline_images)
    message.text_body, message.html_body = render_mail(template, context, language,
                                                       inline_cids)
    message.attachments = inline + [_as_attachment(a) for a in attachments]
    return _store(message, dedupe_key)


def queue_mail_to_render(to: str, template: str, ids: Mapping[str, int | str], language: str,
                         subject: Any, dedupe_key: str | None = None,
                         reply_to: str | None = None, batch: str | None = None,
                         headers: Mapping[str, str] | None = None,
                         send_before: datetime | None = None) -> int:
    """Queue a message that the sender renders when it sends it (no commit, nothing rendered
    but the subject): `ids` are what the renderer registered for `template` needs, stored as
    JSON. Returns the message's id (that of the message already queued under `dedupe_key`,
    if any). The same rules and errors as `queue_mail`; ValueError as well for a template
    that has no renderer, or `headers` other than EXTRA_HEADERS (or with a line break).
    `send_before`: the sender gives the message up (failed, with the reason) rather than send
    it at or after that instant (a reminder once its day has begun).

    Its callers often hold a busy lock (a quota's row): on PostgreSQL the row is one
    `INSERT … ON CONFLICT (dedupe_key) DO NOTHING`, with no look-up before it and no savepoint.
    """
    from festival.mail.rendering import renderer_for  # (cycle: mail.rendering ↔ services)

    _check_language(language)
    if not TEMPLATE_NAME.match(template) or renderer_for(template) is None:
        raise ValueError(f"no renderer for the mail template {template!r}")
    message = _new_message(to, template, language, subject, dedupe_key, reply_to, batch)
    message.context = dict(ids)
    message.headers = _checked_headers(headers)
    message.send_before = send_before
    if db.session.get_bind().dialect.name != "postgresql":
        existing = _by_dedupe_key(dedupe_key) if dedupe_key is not None else None
        return (existing or _store(message, dedupe_key)).id
    values = {column.key: getattr(message, column.key)
              for column in OutboxMessage.__table__.columns if column.key != "id"}
    queued = db.session.scalar(
        postgresql.insert(OutboxMessage).values(**values)
        .on_conflict_do_nothing(index_elements=[OutboxMessage.dedupe_key])
        .returning(OutboxMessage.id))
    if queued is None:  # already queued under this key, by this transaction or a committed one
        queued = db.session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.dedupe_key == dedupe_key))
    return queued


def _checked_headers(headers: Mapping[str, str] | None) -> dict[str, str] | None:
    if not headers:
        return None
    for name, value in headers.items():
        if name not in EXTRA_HEADERS or not isinstance(value, str) or any(
                c in value for c in "\r\n"):
            raise ValueError(f"header not allowed on an outbox message: {name!r}")
    return dict(headers)


def mail_language(language: str | None) -> str:
    """The language to write to someone in: theirs when the service speaks it (fr, en, ar,
    tzm: a Tamazight message shows in French what its catalogue lacks), else French."""
    return language if language in LANGUAGES else "fr"


def _check_language(language: str) -> None:
    if language not in current_app.config["LANGUAGES"]:
        raise ValueError(f"unknown mail language: {language!r}")


# C0 and C1 controls, DEL, and the embeddings and overrides of text direction (U+202A–E).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e]")


def _new_message(to: str, template: str, language: str, subject: Any, dedupe_key: str | None,
                 reply_to: str | None, batch: str | None = None) -> OutboxMessage:
    address = _check_address(to)
    if reply_to:
        reply_to = _check_address(reply_to, "reply_to")
    with force_locale(language):
        # A line break would end the header: keep one line (non-breaking spaces stay); other
        # control characters and the direction overrides that disguise text are dropped.
        title = re.sub(r"[ \t]*[\r\n]+[ \t]*", " ", str(subject))
        title = _UNPRINTABLE.sub("", title).strip()[:300]
    return OutboxMessage(
        to_address=address, reply_to=reply_to or None, subject=title, language=language,
        template=template, message_id=make_msgid(domain=sender_domain()),
        dedupe_key=dedupe_key, batch=batch, status=MailStatus.PENDING, is_bounced=False,
        attempts=0, next_attempt_at=utcnow(), created_at=utcnow())


def sender_domain() -> str:
    return parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or FALLBACK_DOMAIN


def inline_parts(inline_images: Iterable[InlineImage | tuple]
                 ) -> tuple[list[OutboxAttachment], dict[str, str]]:
    """The outbox rows of inline images, and the Content-ID of each image's name."""
    domain = sender_domain()
    images = [i if isinstance(i, InlineImage) else InlineImage(*i) for i in inline_images]
    parts = [_as_inline(i, domain) for i in images]
    return parts, {i.content_id: part.content_id for i, part in zip(images, parts)}


def _store(message: OutboxMessage, dedupe_key: str | None) -> OutboxMessage:
    if dedupe_key is None or db.session.get_bind().dialect.name != "postgresql":
        # SQLite serialises writers, so the check above cannot race.
        db.session.add(message)
        db.session.flush()
        return message
    try:
        # A concurrent transaction may queue the same key: keep the caller's transaction usable.
        with db.session.begin_nested():
            db.session.add(message)
        return message
    except IntegrityError:
        existing = _by_dedupe_key(dedupe_key)
        if existing is None:
            raise
        return existing


def retry_message(message_id: int, actor=None) -> OutboxMessage:
    """Put a failed message back in the queue for a full new round of attempts, now.

    Errors: NotFound; DomainError `not_failed` (409) when the message has not failed.
    """
    message = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None:
        raise NotFound("message_not_found", _l("This message does not exist."))
    if message.status is not MailStatus.FAILED:
        raise DomainError("not_failed", _l("Only a failed message can be retried."),
                          status=409)
    message.status = MailStatus.PENDING
    message.is_bounced = False
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claimed_at = None
    db.session.flush()
    return message
