"""The terms of sale: their versions, which each order keeps with how they were agreed to.

Until an organiser publishes terms of their own, the terms are the text of
templates/ticketing/terms.html (translated with the interface), version TERMS_VERSION:
change it whenever that text changes in substance. Once a version is published
(`publish_terms`), the latest one is in force: organisers write it per language (French
required, the others falling back to French), as plain text. Every version stays readable at
/terms-of-sale/<label>, so an order shows which terms its buyer accepted.
"""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.errors import Conflict, ValidationError
from festival.core.timeutil import utcnow
from festival.core.translated import Translated, clean_texts, translated
from festival.core.types import UTCDateTime
from festival.extensions import db

TERMS_VERSION = "2026-12-07"  # the template's text
LABEL_FORMAT = "%Y-%m-%d-%H%M%S"  # a published version's label: its moment of publication, UTC
MAX_TEXT = 30_000  # characters, per language
BLANK_LINE = re.compile(r"\n[ \t]*\n")  # between two paragraphs


class TermsVersion(Translated, db.Model):
    """One published version of the terms of sale: its text per language (Translated)."""

    __tablename__ = "terms_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(40), unique=True)  # what orders record
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    text_fr: Mapped[str] = mapped_column("text", Text)
    TRANSLATED = {"text": "text_fr"}
    text = translated("text_fr", "text")

    def paragraphs(self, language: str) -> list[str]:
        """The text in `language` (else French), cut at its blank lines."""
        return [part.strip() for part in BLANK_LINE.split(self.text_in("text", language))
                if part.strip()]


def current_terms() -> TermsVersion | None:
    """The latest published version, or None while the template's text is in force."""
    return db.session.scalars(select(TermsVersion).order_by(
        TermsVersion.published_at.desc(), TermsVersion.id.desc()).limit(1)).first()


def version_in_force() -> str:
    """The label an order made now records."""
    current = current_terms()
    return current.label if current is not None else TERMS_VERSION


def terms_version(label: str) -> TermsVersion | None:
    """A published version by its label (None for the template's or an unknown one)."""
    if not label or len(label) > 40:
        return None
    return db.session.scalars(select(TermsVersion).filter_by(label=label)).first()


def all_versions() -> list[TermsVersion]:
    """Every published version, the latest first."""
    return list(db.session.scalars(select(TermsVersion).order_by(
        TermsVersion.published_at.desc(), TermsVersion.id.desc())))


def publish_terms(texts: dict[str, str], *, actor, now: datetime | None = None) -> TermsVersion:
    """Publish a new version of the terms of sale, in force at once for the orders made from
    now on; the earlier versions stay as they were. `texts`: {language: text}, plain text
    (shown escaped, paragraphs at blank lines), French required.
    Errors: validation_failed (a text missing, too long or unreadable, or the same as the
    version in force), same_moment (a version was already published this second)."""
    now = (now or utcnow()).replace(microsecond=0)
    errors: dict[str, list] = {}
    # A browser sends a textarea's line breaks as CRLF: kept as plain line breaks.
    texts = {lang: text.replace("\r\n", "\n").replace("\r", "\n") if isinstance(text, str)
             else text for lang, text in texts.items()}
    clean = clean_texts(texts, errors, key=lambda lang: "text" if lang == "fr" else f"text_{lang}",
                        max_length=MAX_TEXT, required=True)
    if errors:
        raise ValidationError(errors)
    current = current_terms()
    if current is not None and current.texts_of("text") == clean:
        raise ValidationError({"text": [_l("These are the terms already in force: change "
                                           "them before publishing.")]})
    label = now.strftime(LABEL_FORMAT)
    if terms_version(label) is not None:
        raise Conflict("same_moment", _l("A version was published a moment ago: wait a "
                                         "second and publish again."))
    version = TermsVersion(label=label, published_at=now,
                           published_by_id=actor.id if actor is not None else None)
    version.set_texts("text", clean, errors, max_length=MAX_TEXT, required=True)
    db.session.add(version)
    db.session.flush()
    return version
