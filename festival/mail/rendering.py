"""Messages rendered by the sender, after the commit that queued them.

A domain registers a renderer per template at start-up (`register_renderer`, from its
blueprint): given the ids stored on the row (`OutboxMessage.context`), it returns the
template's context and, when asked, the files (inline images, attachments). Rendering a
ticket confirmation costs QR codes and a PDF: done here, by the sender, it no longer holds
the locks of the transaction that sold the tickets. The row is stored with that transaction,
so a process that dies before sending loses nothing; the sender renders it on its next round.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from festival.mail import services
from festival.mail.models import OutboxAttachment, OutboxMessage
from festival.mail.services import Attachment, InlineImage, _as_attachment, inline_parts

RENDERERS = "festival.mail_renderers"  # the key in app.extensions


@dataclass
class Prepared:
    """What a renderer gives: the template's context, and its files when asked for them."""

    context: dict[str, Any]
    attachments: list[Attachment] = field(default_factory=list)
    inline_images: list[InlineImage] = field(default_factory=list)


class NotToSend(Exception):
    """A renderer's answer for a message that must no longer go (its order was refunded
    after it was queued, its address unsubscribed): the sender gives it up, with this
    reason, and never retries it."""


# renderer(ids, with_files) -> Prepared; it raises when the ids name nothing any more, and
# NotToSend when the message is no longer wanted.
Renderer = Callable[[Mapping[str, Any], bool], Prepared]


def register_renderer(app: Flask, template: str, renderer: Renderer) -> None:
    app.extensions.setdefault(RENDERERS, {})[template] = renderer


def renderer_for(template: str) -> Renderer | None:
    return current_app.extensions.get(RENDERERS, {}).get(template)


def _prepare(message: OutboxMessage, with_files: bool) -> Prepared:
    renderer = renderer_for(message.template)
    if renderer is None:
        raise LookupError(f"no renderer for the mail template {message.template!r}")
    return renderer(message.context or {}, with_files)


def render(message: OutboxMessage) -> None:
    """Fill in the bodies and files of a message queued unrendered (the sender, before it
    sends; its commit keeps what was sent). A rendered message is left as it is."""
    if message.is_rendered:
        return
    prepared = _prepare(message, with_files=True)
    inline, content_ids = inline_parts(prepared.inline_images)
    message.text_body, message.html_body = services.render_mail(
        message.template, prepared.context, message.language, content_ids)
    files: list[OutboxAttachment] = inline + [_as_attachment(a) for a in prepared.attachments]
    message.attachments = files


class _Names(dict):
    """For a preview, which draws no image: each inline image is shown by its name."""

    def __missing__(self, name: str) -> str:
        return name


def preview(message: OutboxMessage) -> tuple[str | None, str | None]:
    """The bodies as the message would be sent now, for the outbox pages: nothing is stored
    and no file is rendered. (None, None) when it cannot be rendered (its order is gone)."""
    if message.is_rendered:
        return message.text_body, message.html_body
    try:
        prepared = _prepare(message, with_files=False)
        text, html = services.render_mail(message.template, prepared.context,
                                          message.language, _Names())
    except NotToSend:
        return None, None
    except Exception:  # the page then shows the message without its text
        current_app.logger.exception("mail %s cannot be rendered", message.id)
        return None, None
    return text, html
