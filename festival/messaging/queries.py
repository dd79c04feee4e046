"""Reads of the messages for the back office and the mailings pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.core.errors import NotFound
from festival.editions.models import Edition
from festival.extensions import db
from festival.mail.batches import BatchInfo
from festival.messaging.models import BATCH_PREFIX, Broadcast

MAX_LISTED = 200  # messages of an edition listed at once, newest first


def edition_broadcasts(edition: Edition) -> list[Broadcast]:
    return list(db.session.scalars(
        select(Broadcast).where(Broadcast.edition_id == edition.id)
        .order_by(Broadcast.created_at.desc(), Broadcast.id.desc()).limit(MAX_LISTED)))


def broadcast_in(edition: Edition, broadcast_id: int) -> Broadcast:
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.edition_id != edition.id:
        raise NotFound("message_not_found", _l("This message does not exist."))
    return broadcast


def _id_of(batch: str) -> int | None:
    prefix, _, rest = batch.partition(":")
    return int(rest) if prefix == BATCH_PREFIX and rest.isascii() and rest.isdigit() \
        and len(rest) < 10 else None


def broadcast_of_batch(edition: Edition, batch: str) -> Broadcast | None:
    broadcast_id = _id_of(batch)
    broadcast = db.session.get(Broadcast, broadcast_id) if broadcast_id else None
    return broadcast if broadcast is not None and broadcast.edition_id == edition.id else None


def describe_message_batches(batches: list[str]) -> dict[str, BatchInfo]:
    """The mailings "message:<id>": the message's French subject and its edition."""
    ids = {batch: _id_of(batch) for batch in batches}
    found = {b.id: b for b in db.session.scalars(
        select(Broadcast).where(Broadcast.id.in_([i for i in ids.values() if i])))}
    infos = {}
    for batch, broadcast_id in ids.items():
        broadcast = found.get(broadcast_id)
        if broadcast is not None:
            infos[batch] = BatchInfo(label=broadcast.title, edition_id=broadcast.edition_id,
                                     kind=BATCH_PREFIX)
    return infos
