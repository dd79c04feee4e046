"""Delivering the outbox: claim due messages, send them, record the outcome.

Several senders may run at once, on several machines: on PostgreSQL the claim takes the due
rows with `SELECT … FOR UPDATE SKIP LOCKED`, so two senders never take the same message, and
the claim is committed before anything is sent. A message is marked sent, one by one, right
after the SMTP server accepted it, so a crash loses none and repeats at most the one message
in flight. A message left in `sending` by a sender that died is claimed again after
STUCK_AFTER. Failures are retried with exponential backoff, then given up as `failed`. A
message whose `send_before` has passed (a reminder once its day has begun) is given up too,
never sent late.

A message queued unrendered (festival/mail/rendering.py) is rendered here, just before it is
sent; what was rendered is stored with its `sent` mark. A rendering that fails (its order
gone, a full disk) is retried like a delivery that failed; one its renderer says is no longer
wanted (rendering.NotToSend: a reminder to an order refunded since) is given up.
"""
from __future__ import annotations

import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, or_, select, update

from festival.core.timeutil import utcnow
from festival.core.unit_of_work import transaction
from festival.extensions import db
from festival.mail.models import EXTRA_HEADERS, MailStatus, OutboxMessage
from festival.mail.rendering import NotToSend, render

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8                       # then the message is `failed`
FIRST_DELAY = timedelta(minutes=1)     # 1, 2, 4, 8 … minutes between attempts
MAX_DELAY = timedelta(hours=1)
STUCK_AFTER = timedelta(minutes=10)    # far longer than one SMTP exchange (SMTP_TIMEOUT)
SMTP_TIMEOUT = 30                      # seconds


@dataclass
class SendReport:
    sent: int = 0
    deferred: int = 0   # failed this time, will be retried
    failed: int = 0     # given up

    @property
    def claimed(self) -> int:
        return self.sent + self.deferred + self.failed

    def add(self, other: SendReport) -> None:
        self.sent += other.sent
        self.deferred += other.deferred
        self.failed += other.failed


class PermanentFailure(Exception):
    """The message cannot be sent, ever: retrying cannot help."""


class Refused(PermanentFailure):
    """The SMTP server refused the message for good (5xx): the message bounced."""


class RenderFailure(Exception):
    """A message queued unrendered could not be rendered this time."""


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt, after `attempts` attempts (1 → FIRST_DELAY)."""
    return min(FIRST_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)


def _stuck(now: datetime):
    return and_(OutboxMessage.status == MailStatus.SENDING,
                OutboxMessage.claimed_at <= now - STUCK_AFTER)


def _due(now: datetime):
    return or_(
        and_(OutboxMessage.status == MailStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(_stuck(now), OutboxMessage.attempts < MAX_ATTEMPTS),
    )


def claim_due(limit: int, now: datetime | None = None) -> list[int]:
    """Mark up to `limit` due messages as `sending` for this sender, commit, return their ids.

    Rows locked by another sender are skipped (PostgreSQL). The conditional UPDATE re-checks
    that each row is still due, so no two senders can claim the same message on any database.
    """
    with transaction():
        now = now or utcnow()
        # A message that was in flight whenever a sender died, MAX_ATTEMPTS times, is given up.
        db.session.execute(
            update(OutboxMessage).where(_stuck(now), OutboxMessage.attempts >= MAX_ATTEMPTS)
            .values(status=MailStatus.FAILED, claimed_at=None,
                    last_error="The sender stopped while sending this message, too many times.")
            .execution_options(synchronize_session=False))
        candidates = db.session.scalars(
            select(OutboxMessage.id).where(_due(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit).with_for_update(skip_locked=True)).all()
        claimed = []
        for message_id in candidates:
            result = db.session.execute(
                update(OutboxMessage).where(OutboxMessage.id == message_id, _due(now))
                .values(status=MailStatus.SENDING, claimed_at=now,
                        attempts=OutboxMessage.attempts + 1)
                .execution_options(synchronize_session=False))
            if result.rowcount == 1:
                claimed.append(message_id)
    return claimed


class _UrlListHeader(UnstructuredHeader):
    """List-Unsubscribe as mail clients read it (RFC 2369): its <URL>s as they are, one per
    line. The default folding turns a URL longer than a line into RFC 2047 encoded-words,
    which no client decodes in this header: the unsubscribe link would be lost."""

    def fold(self, *, policy) -> str:
        urls = re.findall(r"<[^<>]*>", str(self))
        return f"{self.name}: " + f",{policy.linesep} ".join(urls) + policy.linesep


def _mail_policy() -> policy.EmailPolicy:
    headers = HeaderRegistry()
    headers.map_to_type("list-unsubscribe", _UrlListHeader)
    return policy.default.clone(header_factory=headers)


MAIL_POLICY = _mail_policy()


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """multipart/mixed( alternative( text, related( html, inline images ) ), attachments )."""
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = sender
    email["To"] = message.to_address
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"
    for name, value in (message.headers or {}).items():
        if name in EXTRA_HEADERS:  # (checked when queued; a row edited by hand stays safe)
            email[name] = value
    email.set_content(message.text_body)
    if message.html_body is not None:
        email.add_alternative(message.html_body, subtype="html")
        html_part = email.get_payload()[1]
        for image in message.inline_images:
            maintype, _, subtype = image.mimetype.partition("/")
            html_part.add_related(image.content, maintype, subtype, cid=f"<{image.content_id}>",
                                  filename=image.filename, disposition="inline")
    for item in message.files:
        maintype, _, subtype = item.mimetype.partition("/")
        email.add_attachment(item.content, maintype, subtype or "octet-stream",
                             filename=item.filename)
    email["Content-Language"] = message.language  # after the parts: set_content clears it
    return email


class SmtpTransport:
    """One SMTP connection, opened on first use and reused for a batch."""

    def __init__(self, config) -> None:
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        if config["MAIL_USE_SSL"]:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT,
                context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"],
                                      timeout=SMTP_TIMEOUT)
        try:
            if config["MAIL_USE_TLS"]:
                connection.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, email: EmailMessage, envelope_from: str, to: str) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            refused = self.connection.send_message(email, from_addr=envelope_from, to_addrs=[to])
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise Refused(f"recipient refused: {error.recipients}") from error
            raise
        except smtplib.SMTPResponseException as error:
            # Our own login or envelope sender refused says nothing of the recipient: retried.
            if error.smtp_code >= 500 and not isinstance(
                    error, (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused)):
                raise Refused(f"{error.smtp_code} {error.smtp_error!r}") from error
            self.close()
            raise
        except (OSError, smtplib.SMTPException):
            self.close()  # the connection may be unusable: start afresh for the next one
            raise
        if refused:
            raise Refused(f"recipient refused: {refused}")

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None


class FileTransport:
    """Development without SMTP settings: each message becomes an .eml file to open."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, email: EmailMessage, envelope_from: str, to: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        local = email["Message-ID"].strip("<>").split("@")[0]
        stamp = utcnow().strftime("%Y%m%dT%H%M%S")
        (self.folder / f"{stamp}-{local}.eml").write_bytes(email.as_bytes())

    def close(self) -> None:
        pass


def mail_folder() -> Path:
    return Path(current_app.instance_path) / "mail"


def make_transport():
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return SmtpTransport(config)
    if config.get("FESTIVAL_ENV") == "production":
        raise RuntimeError("MAIL_SERVER is not set: e-mail cannot be sent in production")
    return FileTransport(mail_folder())


def _record_failure(message_id: int, error: Exception, now: datetime, permanent: bool) -> bool:
    """Keep the error; schedule the next attempt or give up. True when given up. A message
    the server refused for good (Refused) is marked bounced."""
    message = db.session.get(OutboxMessage, message_id)
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    message.claimed_at = None
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.status = MailStatus.FAILED
        message.is_bounced = isinstance(error, Refused)
    else:
        message.status = MailStatus.PENDING
        message.next_attempt_at = now + backoff(message.attempts)
    return message.status is MailStatus.FAILED


def send_pending(limit: int = 50, now: datetime | None = None) -> SendReport:
    """Claim up to `limit` due messages and deliver them; returns what happened."""
    transport = make_transport()
    sender = current_app.config["MAIL_FROM"]
    envelope_from = parseaddr(sender)[1]
    report = SendReport()
    claimed = claim_due(limit, now)
    try:
        for message_id in claimed:
            to = ""
            try:
                with transaction():  # one message: marked sent once it is
                    message = db.session.get(OutboxMessage, message_id)
                    to = message.to_address
                    if message.send_before is not None and (now or utcnow()) >= \
                            message.send_before:
                        raise PermanentFailure(
                            "not sent: its moment passed at "
                            f"{message.send_before.isoformat(timespec='minutes')}")
                    try:
                        render(message)
                    except NotToSend as error:
                        raise PermanentFailure(f"not sent: {error}") from error
                    except Exception as error:
                        log.exception("mail %s cannot be rendered", message_id)
                        raise RenderFailure(f"cannot render the message: {error}") from error
                    try:
                        email = build_email(message, sender)
                    except Exception as error:  # a message that cannot be built never will be
                        log.exception("mail %s cannot be built", message_id)
                        raise PermanentFailure(f"cannot build the message: {error}") from error
                    transport.send(email, envelope_from, parseaddr(to)[1])
                    message.status = MailStatus.SENT
                    message.sent_at = utcnow()
                    message.claimed_at = None
                    message.last_error = None
            except (OSError, smtplib.SMTPException, PermanentFailure, RenderFailure) as error:
                log.warning("mail %s to %s not sent: %s", message_id, to, error)
                with transaction():
                    given_up = _record_failure(message_id, error, now or utcnow(),
                                               isinstance(error, PermanentFailure))
                if given_up:
                    report.failed += 1
                else:
                    report.deferred += 1
                continue
            report.sent += 1
    finally:
        transport.close()
    return report


def send_all_due(limit: int = 50, now: datetime | None = None) -> SendReport:
    """Send batches until nothing is due any more (a one-shot run)."""
    total = SendReport()
    while True:
        report = send_pending(limit, now)
        total.add(report)
        if report.claimed < limit:
            return total
