"""The organisers' side of the rules: each edition's three rules, switched on or off, and
their texts per language."""
from __future__ import annotations

from collections.abc import Mapping

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from festival.core.errors import ValidationError
from festival.core.guards import without_flaws
from festival.core.i18n import visible
from festival.core.translated import UNSHOWN, unshowable
from festival.editions.models import Edition
from festival.extensions import db
from festival.outreach.models import MessageRule, RuleKind
from festival.outreach.texts import BODY_LENGTH, SUBJECT_LENGTH


def rule_of(edition: Edition, kind: RuleKind) -> MessageRule | None:
    return db.session.scalar(select(MessageRule).where(MessageRule.edition_id == edition.id,
                                                       MessageRule.kind == kind))


def rules_of(edition: Edition) -> list[MessageRule]:
    """The edition's three rules, in order; a rule never saved is shown off, with no text
    (not stored: nothing is written by reading)."""
    return [rule_of(edition, kind) or MessageRule(edition_id=edition.id, kind=kind,
                                                  is_enabled=False, subjects={}, bodies={})
            for kind in RuleKind]


def _stored(edition: Edition, kind: RuleKind) -> MessageRule:
    """The stored rule, inserted first when there is none: insert or nothing, so that a
    double click (or two organisers) saving a rule not stored yet store it once."""
    rule = rule_of(edition, kind)
    if rule is None:
        dialect = db.session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(MessageRule)
        db.session.execute(insert.values(edition_id=edition.id, kind=kind, is_enabled=False,
                                         subjects={}, bodies={})
                           .on_conflict_do_nothing(index_elements=["edition_id", "kind"]))
        rule = db.session.scalar(select(MessageRule).where(
            MessageRule.edition_id == edition.id, MessageRule.kind == kind)
            .execution_options(populate_existing=True))
    return rule


def save_rule(edition: Edition, kind: RuleKind, *, is_enabled: bool,
              subjects: Mapping[str, str], bodies: Mapping[str, str], actor) -> MessageRule:
    """Store a rule's switch and its texts per language (an empty text: the default one).
    Errors: ValidationError on `subject_<lang>` / `body_<lang>` for a text too long."""
    errors: dict[str, list] = {}
    clean_subjects, clean_bodies = {}, {}
    for language in current_app.config["LANGUAGES"]:
        subject = " ".join(without_flaws(subjects.get(language) or "").split())
        body = without_flaws(bodies.get(language) or "").replace("\r\n", "\n").strip()
        subject, body = (t if visible(t) else "" for t in (subject, body))  # shows nothing
        if len(subject) > SUBJECT_LENGTH:
            errors[f"subject_{language}"] = [_l("At most %(n)s characters, please.",
                                                n=SUBJECT_LENGTH)]
        if len(body) > BODY_LENGTH:
            errors[f"body_{language}"] = [_l("At most %(n)s characters, please.",
                                             n=BODY_LENGTH)]
        for name, text in ((f"subject_{language}", subject), (f"body_{language}", body)):
            if unshowable(text):
                errors.setdefault(name, []).append(UNSHOWN)
        if subject:
            clean_subjects[language] = subject
        if body:
            clean_bodies[language] = body
    if errors:
        raise ValidationError(errors)
    rule = _stored(edition, kind)
    rule.is_enabled = bool(is_enabled)
    rule.subjects, rule.bodies = clean_subjects, clean_bodies
    db.session.flush()
    return rule


def switch_rule(edition: Edition, kind: RuleKind, on: bool, actor) -> MessageRule:
    """Turn a rule on or off (its texts stay)."""
    rule = _stored(edition, kind)
    rule.is_enabled = bool(on)
    db.session.flush()
    return rule
