"""Reads for other pages: what a rule's outbox batch is, in words."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from festival.extensions import db
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
