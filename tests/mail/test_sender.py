import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.mail import sender
from festival.mail.models import MailStatus, OutboxMessage
from festival.mail.sender import backoff, claim_due, send_all_due, send_pending
from festival.mail.services import Attachment, InlineImage, queue_mail
from tests.conftest import free_port

CONTEXT = {"site": "https://almoggar.example"}
WITH_QR = dict(CONTEXT, qr_cid="ticket-qr")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
       b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n% a ticket\n%%EOF\n"


def queue(to="amina@example.org", **kwargs) -> int:
    message = queue_mail(to, "test", kwargs.pop("context", CONTEXT),
                         kwargs.pop("language", "en"), kwargs.pop("subject", "Your tickets"),
                         **kwargs)
    db.session.commit()
    return message.id


def reload(message_id) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_a_rolled_back_message_is_never_sent(ctx, smtp_server):
    queue_mail("ghost@example.org", "test", CONTEXT, "en", "Never")
    db.session.rollback()  # the change that caused it failed: the e-mail goes with it
    queue("kept@example.org")
    report = send_all_due()
    assert (report.sent, report.deferred, report.failed) == (1, 0, 0)
    assert [m["To"] for m in smtp_server.messages] == ["kept@example.org"]
    assert send_all_due().claimed == 0
    assert len(smtp_server.messages) == 1


def test_delivers_text_html_inline_image_and_attachment(ctx, smtp_server, app):
    message_id = queue(context=WITH_QR, inline_images=[InlineImage("ticket-qr", PNG)],
                       attachments=[Attachment("ticket-AB12.pdf", "application/pdf", PDF)],
                       reply_to="contact@almoggar.example", subject="Your tickets – AB12")
    assert send_pending().sent == 1
    stored = reload(message_id)
    assert stored.status is MailStatus.SENT and stored.sent_at is not None
    assert stored.attempts == 1 and stored.last_error is None

    [received] = smtp_server.messages
    assert smtp_server.envelopes == [("billetterie@almoggar.example", ["amina@example.org"])]
    assert received["From"] == app.config["MAIL_FROM"]
    assert received["To"] == "amina@example.org"
    assert received["Reply-To"] == "contact@almoggar.example"
    assert received["Subject"] == "Your tickets – AB12"
    assert received["Message-ID"] == stored.message_id
    assert received["Date"] and received["Content-Language"] == "en"
    assert received.get_content_type() == "multipart/mixed"
    alternative, attachment = received.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    text, related = alternative.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert "e-mail delivery works" in text.get_content()
    assert related.get_content_type() == "multipart/related"
    html, image = related.iter_parts()
    assert html.get_content_type() == "text/html"
    content_id = stored.inline_images[0].content_id
    assert f'src="cid:{content_id}"' in html.get_content()
    assert image["Content-ID"] == f"<{content_id}>" and image.get_content() == PNG
    assert image.get_content_disposition() == "inline"
    assert attachment.get_filename() == "ticket-AB12.pdf"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_content() == PDF


def test_arabic_subject_and_body_arrive_intact(ctx, smtp_server):
    queue(language="ar", subject="تذاكرك لمهرجان أموكار")
    send_pending()
    [received] = smtp_server.messages
    assert received["Subject"] == "تذاكرك لمهرجان أموكار"
    assert 'dir="rtl"' in received.get_body(("html",)).get_content()
    assert received["Content-Language"] == "ar"


def test_unreachable_server_retries_with_backoff_then_fails(ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    message_id = queue()
    now = utcnow()
    report = send_pending(now=now)
    assert (report.sent, report.deferred, report.failed) == (0, 1, 0)
    message = reload(message_id)
    assert message.status is MailStatus.PENDING and message.attempts == 1
    assert message.next_attempt_at == now + timedelta(minutes=1)
    assert "ConnectionRefusedError" in message.last_error

    assert send_pending(now=now + timedelta(seconds=59)).claimed == 0  # not yet due
    delays = []
    while message.status is MailStatus.PENDING:
        previous, now = now, message.next_attempt_at
        delays.append(now - previous)
        send_pending(now=now)
        message = reload(message_id)
    assert delays == [backoff(n) for n in range(1, sender.MAX_ATTEMPTS)]
    assert delays[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert max(delays) == sender.MAX_DELAY
    assert message.status is MailStatus.FAILED
    assert message.attempts == sender.MAX_ATTEMPTS
    assert "ConnectionRefusedError" in message.last_error
    assert send_pending(now=now + timedelta(days=1)).claimed == 0


def test_a_failed_attempt_is_retried_and_then_delivered(ctx, app, smtp_server, monkeypatch):
    port = smtp_server.port
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    message_id = queue()
    now = utcnow()
    assert send_pending(now=now).deferred == 1
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    assert send_pending(now=now + timedelta(minutes=1)).sent == 1
    message = reload(message_id)
    assert message.status is MailStatus.SENT and message.attempts == 2
    assert message.last_error is None
    assert len(smtp_server.messages) == 1


def test_a_permanent_refusal_fails_at_once(ctx, smtp_server):
    smtp_server.refuse.add("nobody@example.org")
    refused = queue("nobody@example.org")
    fine = queue("amina@example.org")
    report = send_pending()
    assert (report.sent, report.failed) == (1, 1)
    message = reload(refused)
    assert message.status is MailStatus.FAILED and message.attempts == 1
    assert "550" in message.last_error
    assert message.is_bounced  # refused by the server: a bounce
    assert reload(fine).status is MailStatus.SENT and not reload(fine).is_bounced
    assert [m["To"] for m in smtp_server.messages] == ["amina@example.org"]


def test_our_own_address_refused_is_no_bounce_of_the_recipients(ctx, app, smtp_server):
    """A 550 to MAIL FROM says nothing of the recipient's address: the organisers' list of
    bounced addresses must not fill with every recipient of a mailing; retried later."""
    from email.utils import parseaddr
    smtp_server.refuse_senders.add(parseaddr(app.config["MAIL_FROM"])[1])
    message_id = queue("amina@example.org")
    report = send_pending()
    assert (report.sent, report.deferred) == (0, 1)
    message = reload(message_id)
    assert message.status is MailStatus.PENDING and not message.is_bounced
    assert "550" in message.last_error
    smtp_server.refuse_senders.clear()
    assert send_pending(now=utcnow() + sender.MAX_DELAY).sent == 1


def test_a_message_given_up_after_temporary_failures_is_not_a_bounce(ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens: refused
    message_id = queue()
    now = utcnow()
    for _ in range(sender.MAX_ATTEMPTS):
        send_pending(now=now)
        now += sender.MAX_DELAY
    message = reload(message_id)
    assert message.status is MailStatus.FAILED and not message.is_bounced


def test_a_retried_bounce_is_no_longer_counted_as_bounced(ctx, smtp_server):
    from festival.mail.services import retry_message
    smtp_server.refuse.add("nobody@example.org")
    message_id = queue("nobody@example.org")
    send_pending()
    assert reload(message_id).is_bounced
    retry_message(message_id)
    db.session.commit()
    message = reload(message_id)
    assert message.status is MailStatus.PENDING and not message.is_bounced


def test_a_message_left_sending_by_a_dead_sender_is_sent_again(ctx, smtp_server):
    message_id = queue()
    now = utcnow()
    assert claim_due(10, now) == [message_id]  # ...and the sender dies here
    assert reload(message_id).status is MailStatus.SENDING
    assert send_pending(now=now + timedelta(minutes=5)).claimed == 0  # maybe still working
    assert send_pending(now=now + sender.STUCK_AFTER + timedelta(seconds=1)).sent == 1
    message = reload(message_id)
    assert message.status is MailStatus.SENT and message.attempts == 2
    assert len(smtp_server.messages) == 1


def test_a_message_that_kills_every_sender_is_given_up(ctx, smtp_server):
    message_id = queue()
    now = utcnow()
    for _ in range(sender.MAX_ATTEMPTS):
        assert claim_due(10, now) == [message_id]
        now += sender.STUCK_AFTER + timedelta(seconds=1)
    assert claim_due(10, now) == []
    message = reload(message_id)
    assert message.status is MailStatus.FAILED and "stopped" in message.last_error
    assert smtp_server.messages == []


def test_without_smtp_server_messages_become_eml_files(ctx, app, monkeypatch, tmp_path):
    import email
    from email import policy
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    message_id = queue(attachments=[Attachment("ticket.pdf", "application/pdf", PDF)])
    assert send_all_due().sent == 1
    [path] = (tmp_path / "mail").glob("*.eml")
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Your tickets" and parsed["To"] == "amina@example.org"
    assert "e-mail delivery works" in parsed.get_body(("plain",)).get_content()
    assert reload(message_id).status is MailStatus.SENT


def test_production_without_smtp_server_refuses_to_send(ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    monkeypatch.setitem(app.config, "FESTIVAL_ENV", "production")
    message_id = queue()
    with pytest.raises(RuntimeError, match="MAIL_SERVER"):
        send_pending()
    assert reload(message_id).status is MailStatus.PENDING


def test_a_dedupe_key_sends_once_even_when_queued_again_after_sending(ctx, smtp_server):
    queue(dedupe_key="order:AB12:confirmation")
    send_all_due()
    queue(dedupe_key="order:AB12:confirmation")
    assert send_all_due().claimed == 0
    assert len(smtp_server.messages) == 1


def test_one_shot_sends_everything_due_in_batches(ctx, smtp_server):
    for n in range(7):
        queue(f"person{n}@example.org")
    report = send_all_due(limit=3)
    assert report.sent == 7
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(
        f"person{n}@example.org" for n in range(7))


def test_two_senders_at_once_deliver_each_message_exactly_once(app, smtp_server):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises writers anyway")
        ids = [queue(f"guest{n}@example.org") for n in range(50)]
        db.session.remove()
    start = threading.Barrier(2)
    sent: list[int] = []
    errors: list[Exception] = []

    def run_sender():
        try:
            with app.app_context():
                start.wait(timeout=10)
                while (report := send_pending(limit=4)).claimed:
                    sent.append(report.sent)
                db.session.remove()
        except Exception as error:  # noqa: BLE001 (reported below, in the test's thread)
            errors.append(error)

    threads = [threading.Thread(target=run_sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(sent) == 50
    received = [m["To"] for m in smtp_server.messages]
    assert len(received) == 50 and len(set(received)) == 50
    assert len({m["Message-ID"] for m in smtp_server.messages}) == 50
    with app.app_context():
        statuses = db.session.scalars(select(OutboxMessage.status).where(
            OutboxMessage.id.in_(ids))).all()
        assert set(statuses) == {MailStatus.SENT}
        assert db.session.scalar(select(db.func.max(OutboxMessage.attempts))) == 1


def test_inline_images_get_a_unique_msg_id_referenced_by_the_html(ctx, smtp_server):
    queue(context=WITH_QR, inline_images=[InlineImage("ticket-qr", PNG)])
    queue(context=WITH_QR, inline_images=[InlineImage("ticket-qr", PNG)])
    assert send_pending().sent == 2
    content_ids = []
    for received in smtp_server.messages:
        [image] = [p for p in received.walk() if p["Content-ID"]]
        local, _, domain = image["Content-ID"].strip("<>").partition("@")
        assert local.startswith("ticket-qr.") and domain == "almoggar.example"
        html = received.get_body(("html",)).get_content()
        assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html
        content_ids.append(image["Content-ID"])
    assert content_ids[0] != content_ids[1]


@pytest.fixture
def test_renderer(app, monkeypatch):
    """A renderer for the `test` template; its calls, by the ids and files asked for."""
    from festival.mail.rendering import RENDERERS, Prepared
    calls = []

    def render_test(ids, with_files):
        calls.append((dict(ids), with_files))
        context = {"site": f"https://almoggar.example/{ids['page']}", "qr_cid": "site-qr"}
        if not with_files:
            return Prepared(context)
        return Prepared(context, inline_images=[InlineImage("site-qr", PNG)],
                        attachments=[Attachment("page.pdf", "application/pdf", PDF)])

    monkeypatch.setitem(app.extensions.setdefault(RENDERERS, {}), "test", render_test)
    return calls


def test_a_message_queued_to_render_is_rendered_by_the_sender(ctx, smtp_server, test_renderer):
    from festival.mail.services import queue_mail_to_render
    message_id = queue_mail_to_render("amina@example.org", "test", {"page": "programme"}, "en",
                                      "Your page", dedupe_key="page:programme")
    assert queue_mail_to_render("amina@example.org", "test", {"page": "other"}, "en",
                                "Again", dedupe_key="page:programme") == message_id
    db.session.commit()
    assert queue_mail_to_render("amina@example.org", "test", {"page": "other"}, "en",
                                "Again", dedupe_key="page:programme") == message_id
    assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == 1
    assert test_renderer == []  # nothing rendered while the caller's transaction was open
    stored = reload(message_id)
    assert stored.context == {"page": "programme"} and stored.text_body is None
    assert stored.html_body is None and stored.attachments == []

    assert send_pending().sent == 1
    assert test_renderer == [({"page": "programme"}, True)]
    [received] = smtp_server.messages
    assert received["Subject"] == "Your page" and received["Message-ID"] == stored.message_id
    alternative, attachment = received.iter_parts()
    text, related = alternative.iter_parts()
    assert "https://almoggar.example/programme" in text.get_content()
    html, image = related.iter_parts()
    sent = reload(message_id)  # what was sent is kept
    content_id = sent.inline_images[0].content_id
    assert content_id.startswith("site-qr.") and image["Content-ID"] == f"<{content_id}>"
    assert f'src="cid:{content_id}"' in html.get_content() and image.get_content() == PNG
    assert attachment.get_filename() == "page.pdf" and attachment.get_content() == PDF
    assert sent.status is MailStatus.SENT and "almoggar.example/programme" in sent.text_body
    assert [a.filename for a in sent.attachments] == ["site-qr.png", "page.pdf"]
    assert send_all_due().claimed == 0 and len(test_renderer) == 1


def test_a_template_without_renderer_cannot_be_queued_to_render(ctx):
    from festival.mail.services import queue_mail_to_render
    with pytest.raises(ValueError, match="no renderer"):
        queue_mail_to_render("amina@example.org", "no_such_mail", {"id": 1}, "en", "Hi")


def test_a_rendering_that_fails_is_retried_later(ctx, app, smtp_server, test_renderer,
                                                 monkeypatch):
    from festival.mail.rendering import RENDERERS
    from festival.mail.services import queue_mail_to_render
    message_id = queue_mail_to_render("amina@example.org", "test", {"page": "x"}, "en", "Hi")
    db.session.commit()
    working = app.extensions[RENDERERS]["test"]

    def broken(ids, with_files):
        raise OSError("No space left on device")

    monkeypatch.setitem(app.extensions[RENDERERS], "test", broken)
    now = utcnow()
    assert send_pending(now=now).deferred == 1
    waiting = reload(message_id)
    assert waiting.status is MailStatus.PENDING and waiting.text_body is None
    assert "No space left on device" in waiting.last_error
    monkeypatch.setitem(app.extensions[RENDERERS], "test", working)
    assert send_pending(now=waiting.next_attempt_at).sent == 1
    assert len(smtp_server.messages) == 1
