"""The e-mail of a message: rendered by the sender from the message's row, after the commit
that queued it (festival/mail/rendering.py). The organiser's text is data, never a template:
the e-mail templates print it escaped, paragraph by paragraph."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from festival.config import LANGUAGES
from festival.extensions import db
from festival.mail.rendering import Prepared, register_renderer
from festival.mail.services import render_mail
from festival.messaging.models import Broadcast
from festival.messaging.services import MAIL_TEMPLATE


def paragraphs(text: str) -> list[list[str]]:
    """Paragraphs (separated by blank lines), each a list of its lines."""
    blocks = [block.strip("\n") for block in text.replace("\r\n", "\n").split("\n\n")]
    return [[line.rstrip() for line in block.split("\n")] for block in blocks if block.strip()]


def mail_context(broadcast: Broadcast) -> dict[str, Any]:
    """The context of templates/mail/message.*: each language's subject and paragraphs
    (render_mail gives the template the message's language as `lang`)."""
    texts = {lang: {"subject": broadcast.subject_in(lang), "body": broadcast.body_in(lang),
                    "paragraphs": paragraphs(broadcast.body_in(lang))}
             for lang in LANGUAGES}
    edition = broadcast.edition
    return {"texts": texts, "edition_title": edition.title, "edition_year": edition.year}


def render_message(ids: Mapping[str, Any], with_files: bool) -> Prepared:
    broadcast = db.session.get(Broadcast, int(ids["broadcast_id"]))
    if broadcast is None:
        raise LookupError(f"message {ids['broadcast_id']} is gone")
    return Prepared(context=mail_context(broadcast))


def preview(broadcast: Broadcast, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of the e-mail in `language`, as recipients will get it."""
    language = broadcast.language_for(language)
    text, html = render_mail(MAIL_TEMPLATE, mail_context(broadcast), language)
    return broadcast.subject_in(language), text, html


def register_mail_renderers(app: Flask) -> None:
    register_renderer(app, MAIL_TEMPLATE, render_message)
