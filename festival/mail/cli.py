"""`flask --app festival mail …`: deliver the outbox (once or in a loop), send a test message."""
from __future__ import annotations

import io
import logging
import sys

import click
from flask.cli import AppGroup

from festival.config import LANGUAGES
from festival.core.errors import DomainError
from festival.core.loop import run_every
from festival.core.unit_of_work import with_unit_of_work
from festival.core.urls import public_base
from festival.mail.sender import make_transport, send_all_due
from festival.mail.services import Attachment, InlineImage, queue_mail

mail_cli = AppGroup("mail", help="Deliver the e-mail outbox.")
log = logging.getLogger("festival.mail")


def _summary(report) -> str:
    text = f"Sent {report.sent} message{'s' if report.sent != 1 else ''}"
    if report.deferred:
        text += f", {report.deferred} to retry later"
    if report.failed:
        text += f", {report.failed} failed"
    return text + "."


@mail_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, sending what becomes due.")
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=5.0, show_default=True,
              help="Seconds between two looks at the outbox (with --loop).")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True,
              help="Messages claimed at a time.")
def send_command(loop: bool, interval: float, limit: int) -> None:
    """Send the messages that are due and print how many (or keep doing so with --loop)."""
    try:
        make_transport().close()
    except RuntimeError as error:  # no SMTP server in production
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    if loop:
        _run_loop(send_all_due, interval, limit)
    else:
        click.echo(_summary(send_all_due(limit)))


def _run_loop(send_all_due, interval: float, limit: int) -> None:
    """Until SIGTERM or Ctrl-C; a database or SMTP hiccup is logged and the loop goes on."""
    def send_round() -> str | None:
        report = send_all_due(limit)
        return _summary(report) if report.claimed else None
    run_every(interval, send_round, name="Mail sender", log=log, survive_any_error=True)


def _qr_png(text: str) -> bytes:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=6, border=4)
    code.add_data(text)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


@mail_cli.command("test")
@click.argument("email")
@click.option("--language", type=click.Choice(list(LANGUAGES)), default="fr",
              show_default=True)
@with_unit_of_work
def test_command(email: str, language: str) -> None:
    """Queue a test message (HTML, text, an inline image and an attachment) to EMAIL."""
    from flask_babel import lazy_gettext as _l

    site = public_base()
    try:
        message = queue_mail(
            email, "test", {"site": site, "qr_cid": "site-qr"}, language,
            _l("Almoggar: test message"),
            inline_images=[InlineImage("site-qr", _qr_png(site))],
            attachments=[Attachment("almoggar-test.txt", "text/plain",
                                    f"Almoggar test attachment\n{site}\n".encode())])
    except DomainError as error:
        problems = [str(m) for messages in error.fields.values() for m in messages]
        click.echo(f"Error: {' '.join(problems) or error.message}", err=True)
        sys.exit(1)
    click.echo(f"Queued test message #{message.id} to {message.to_address}; "
               "`flask --app festival mail send` delivers it.")
