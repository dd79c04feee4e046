"""The shifts' blueprint; its routes live in views.py (the volunteers' phone pages) and
manage_views.py (the organisers' plan)."""
from __future__ import annotations

from flask import Blueprint

from festival.core.i18n import in_language
from festival.mail.batches import register_batch_kind
from festival.volunteers.labels import TASK, hours_of, post_of, shift_name
from festival.volunteers.reminders import BATCH_PREFIX, describe_batches

bp = Blueprint("volunteers", __name__)


@bp.record_once
def _labels(state) -> None:
    state.app.jinja_env.globals.update(SHIFT_TASK=TASK, shift_post=post_of,
                                       shift_hours=hours_of, shift_name=shift_name,
                                       in_language=in_language)
    register_batch_kind(state.app, BATCH_PREFIX, describe_batches)
