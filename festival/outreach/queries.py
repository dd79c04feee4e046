"""Reads for other pages: what a rule's outbox batch is, in words, and for the edition's
"Mailings" pages (registered with festival.mail.batches)."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from festival.extensions import db
from festival.mail.batches import BatchInfo
from festival.outreach.models import MessageRule, RuleKind
from festival.outreach.moments import AFTER, PUBLISHED

BATCH = re.compile(r"^rule:(\d{1,18}):([A-Za-z0-9-]{1,40})$")


def describe_batch(batch: str | None) -> str | None:
    """"Reminder the day before · Saturday 15 May 2027 (2027)" for `rule:<id>:<occasion>`;
    None for a batch that is not a rule's (or whose rule is gone)."""
    match = BATCH.match(batch or "")
    if not match:
        return None
    rule = db.session.get(MessageRule, int(match.group(1)))
    if rule is None:
        return None
    occasion = match.group(2)
    if rule.kind is RuleKind.REMINDER:
        try:
            when = format_date(date.fromisoformat(occasion), "EEEE d MMMM y")
        except ValueError:
            when = occasion
    else:
        when = {AFTER: _("After the festival"), PUBLISHED: _("Publication")}.get(occasion,
                                                                                 occasion)
    return f"{rule.kind.title} · {when} ({rule.edition.year})"


def describe_rule_batches(batches: list[str]) -> dict[str, BatchInfo]:
    """The mailings "rule:<id>:<occasion>": the rule and its occasion in words, and the
    rule's edition (a batch whose rule is gone is left out)."""
    infos = {}
    for batch in batches:
        label = describe_batch(batch)
        match = BATCH.match(batch)
        if label is None or match is None:
            continue
        rule = db.session.get(MessageRule, int(match.group(1)))
        infos[batch] = BatchInfo(label=label, edition_id=rule.edition_id, kind="rule")
    return infos
