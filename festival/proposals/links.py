"""The link a speaker of an accepted proposal gets to keep their own page: a signed token
(itsdangerous, with the app's SECRET_KEY) naming the proposal's speaker and the link's
version, valid LINK_DAYS days. Sending a new link raises the version, so only the latest
one opens the page."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from festival.extensions import db
from festival.proposals.models import ProposalSpeaker, ProposalStatus

SALT = "almoggar.speaker-page"
LINK_DAYS = 60
MAX_TOKEN = 200


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_token(row: ProposalSpeaker) -> str:
    return _serializer().dumps([row.id, row.link_version])


def speaker_of_token(token: str) -> ProposalSpeaker | None:
    """The proposal's speaker a live link names: signed, at most LINK_DAYS old, the latest
    link sent, of an accepted proposal. None otherwise."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        return None
    try:
        row_id, version = _serializer().loads(token, max_age=LINK_DAYS * 86400)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(row_id, int) or isinstance(row_id, bool) or not 1 <= row_id < 2**31:
        return None
    row = db.session.get(ProposalSpeaker, row_id)
    if row is None or row.link_version != version or row.speaker_id is None:
        return None
    if row.proposal.status is not ProposalStatus.ACCEPTED:
        return None
    return row
