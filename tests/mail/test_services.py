import re

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from festival.core.errors import ValidationError
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.mail.models import MailStatus, OutboxMessage
from festival.mail.services import Attachment, InlineImage, queue_mail, render_mail

CONTEXT = {"site": "https://almoggar.example"}


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_queue_mail_stores_a_rendered_message_without_committing(ctx):
    message = queue_mail("Amina <amina@example.org>", "test", CONTEXT, "en", "Hello",
                         attachments=[Attachment("a.txt", "text/plain", b"abc")],
                         inline_images=[InlineImage("qr", b"\x89PNG")],
                         reply_to="contact@almoggar.example")
    assert message.id is not None and message.status is MailStatus.PENDING
    assert message.attempts == 0 and message.next_attempt_at <= utcnow()
    assert message.to_address == "Amina <amina@example.org>"
    assert message.reply_to == "contact@almoggar.example"
    assert "e-mail delivery works" in message.text_body
    assert '<html lang="en" dir="ltr">' in message.html_body
    assert "https://almoggar.example" in message.html_body
    assert message.message_id.startswith("<") and message.message_id.endswith(">")
    assert [a.filename for a in message.attachments] == ["qr.png", "a.txt"]
    assert re.fullmatch(r"qr\.[0-9a-f]{16}@almoggar\.example", message.attachments[0].content_id)
    assert message.attachments[1].content_id is None
    db.session.rollback()
    assert count() == 0


def test_arabic_mail_is_right_to_left(ctx):
    text, html = render_mail("test", CONTEXT, "ar")
    assert '<html lang="ar" dir="rtl">' in html
    assert "text-align:right" in html and "text-align:left" not in html
    assert "العربية" in text


def test_subject_is_cleaned_and_lazy_subjects_are_rendered(ctx):
    message = queue_mail("a@example.org", "test", CONTEXT, "fr",
                         _l("Order %(code)s\r\nBcc: evil@example.org", code="AB12"))
    assert message.subject == "Order AB12 Bcc: evil@example.org"
    assert "\n" not in message.subject


@pytest.mark.parametrize("address", ["", "not-an-address", "a@b.fr, c@d.fr", "a@b.fr\nBcc: x@y.fr",
                                     "a@", "x" * 250 + "@b.fr"])
def test_a_bad_address_is_refused(ctx, address):
    with pytest.raises(ValidationError) as error:
        queue_mail(address, "test", CONTEXT, "fr", "Hi")
    assert "to" in error.value.fields
    assert count() == 0


def test_a_bad_reply_to_is_refused(ctx):
    with pytest.raises(ValidationError) as error:
        queue_mail("a@example.org", "test", CONTEXT, "fr", "Hi", reply_to="nope")
    assert list(error.value.fields) == ["reply_to"]


@pytest.mark.parametrize("template, language", [("../base", "fr"), ("test", "de"),
                                                ("Test", "fr")])
def test_programming_mistakes_raise(ctx, template, language):
    with pytest.raises(ValueError):
        queue_mail("a@example.org", template, CONTEXT, language, "Hi")


def test_bad_inline_content_id_raises(ctx):
    with pytest.raises(ValueError):
        queue_mail("a@example.org", "test", CONTEXT, "fr", "Hi",
                   inline_images=[InlineImage("bad id>", b"x")])


@pytest.mark.parametrize("name", ["a@b", ".qr", "qr..png", "x" * 41])
def test_an_inline_name_that_cannot_start_a_msg_id_raises(ctx, name):
    with pytest.raises(ValueError):
        queue_mail("a@example.org", "test", CONTEXT, "fr", "Hi",
                   inline_images=[InlineImage(name, b"x")])


def test_same_dedupe_key_is_queued_once(ctx):
    first = queue_mail("a@example.org", "test", CONTEXT, "fr", "Hi", dedupe_key="order:AB12")
    again = queue_mail("a@example.org", "test", CONTEXT, "fr", "Hi", dedupe_key="order:AB12")
    assert again is first
    db.session.commit()
    later = queue_mail("other@example.org", "test", CONTEXT, "en", "Hi", dedupe_key="order:AB12")
    assert later.id == first.id and later.to_address == "a@example.org"
    other = queue_mail("a@example.org", "test", CONTEXT, "fr", "Hi", dedupe_key="order:CD34")
    db.session.commit()
    assert other.id != first.id
    assert count() == 2


def test_a_message_keeps_the_mailing_it_belongs_to(ctx):
    queue_mail("a@example.org", "test", CONTEXT, "fr", "Hi", batch="message:7")
    queue_mail("b@example.org", "test", CONTEXT, "fr", "Hi", batch="message:7")
    queue_mail("c@example.org", "test", CONTEXT, "fr", "Hi")
    db.session.commit()
    per_batch = dict(db.session.execute(
        select(OutboxMessage.batch, func.count()).group_by(OutboxMessage.batch)).all())
    assert per_batch == {"message:7": 2, None: 1}


def test_messages_without_key_are_all_queued(ctx):
    queue_mail("a@example.org", "test", CONTEXT, "fr", "Hi")
    queue_mail("a@example.org", "test", CONTEXT, "fr", "Hi")
    db.session.commit()
    assert count() == 2


def test_french_and_english_are_rendered_in_their_language(translated_app):
    with translated_app.app_context():
        fr = queue_mail("a@example.org", "test", CONTEXT, "fr", _l("Almoggar: test message"))
        en = queue_mail("b@example.org", "test", CONTEXT, "en", _l("Almoggar: test message"))
        ar = queue_mail("c@example.org", "test", CONTEXT, "ar", _l("Almoggar: test message"))
        assert en.subject == "Almoggar: test message"
        assert fr.subject == "Almoggar\u00a0: message de test"
        assert "Bonjour" in fr.text_body and "Hello," in en.text_body
        assert "Bonjour" in fr.html_body and '<html lang="fr"' in fr.html_body
        assert "Hello," not in fr.text_body and "Bonjour" not in en.text_body
        assert ar.subject != en.subject and "مرحبًا" in ar.text_body
        db.session.rollback()


def test_rendering_in_a_language_leaves_the_page_language_alone(translated_app):
    from flask_babel import get_locale
    with translated_app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert str(get_locale()) == "en"
        render_mail("test", CONTEXT, "fr")
        assert str(get_locale()) == "en"


def test_a_subject_keeps_no_control_character_nor_direction_override(ctx):
    message = queue_mail("a@example.org", "test", CONTEXT, "fr",
                         "Infos\x07 pratiques\x1b[31m \u202eevil\u202c\x7f\x85 ٢٠٢٧")
    assert message.subject == "Infos pratiques[31m evil ٢٠٢٧"


def test_the_mail_language_is_the_persons_when_the_service_speaks_it():
    from festival.mail.services import mail_language
    assert [mail_language(lang) for lang in ("fr", "en", "ar", "tzm", "de", "", None)] == [
        "fr", "en", "ar", "tzm", "fr", "fr", "fr"]
