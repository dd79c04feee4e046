"""The announcement's unsubscribe: a signed token per address (it never expires: a link in
an old e-mail must keep working), the List-Unsubscribe headers (RFC 2369, RFC 8058
one-click), and the stored opt-out that every later announcement honours."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from festival.core.errors import NotFound
from festival.core.timeutil import utcnow
from festival.core.urls import absolute_url
from festival.extensions import db
from festival.outreach.models import RuleDelivery, Unsubscribe

SALT = "almoggar.unsubscribe"
TOKEN_LENGTH = 400  # far above any token of a 254-character address


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def normalise(address: str) -> str:
    return (address or "").strip().lower()


def unsubscribe_token(address: str) -> str:
    return _serializer().dumps(normalise(address))


def address_of(token: str) -> str:
    """The address a token was made for. Errors: NotFound `bad_unsubscribe_link`."""
    if not token or len(token) > TOKEN_LENGTH:
        raise NotFound("bad_unsubscribe_link", _l("This unsubscribe link is not valid."))
    try:
        address = _serializer().loads(token)
    except BadSignature:
        raise NotFound("bad_unsubscribe_link", _l("This unsubscribe link is not valid.")) from None
    if not isinstance(address, str) or not address:
        raise NotFound("bad_unsubscribe_link", _l("This unsubscribe link is not valid."))
    return address


def unsubscribe_url(address: str) -> str:
    return absolute_url("outreach.unsubscribe", token=unsubscribe_token(address))


def unsubscribe_headers(address: str) -> dict[str, str]:
    """List-Unsubscribe with the https one-click address (and a mailto: when
    MAIL_UNSUBSCRIBE_TO is set), and List-Unsubscribe-Post for RFC 8058."""
    links = [f"<{unsubscribe_url(address)}>"]
    mailbox = current_app.config.get("MAIL_UNSUBSCRIBE_TO")
    if mailbox:
        links.append(f"<mailto:{mailbox}?subject=unsubscribe>")
    return {"List-Unsubscribe": ", ".join(links),
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def is_unsubscribed(address: str) -> bool:
    return db.session.scalar(select(Unsubscribe.id).where(
        Unsubscribe.address == normalise(address))) is not None


def unsubscribe(address: str) -> None:
    """Store the opt-out of `address` (again: nothing changes). No commit."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Unsubscribe)
    db.session.execute(insert.values(address=normalise(address), created_at=utcnow())
                       .on_conflict_do_nothing(index_elements=["address"]))


def forget_address(address: str) -> None:
    """An erasure (festival/privacy): the address leaves the opt-out list and the
    announcements' delivery rows (its orders are anonymised, so nothing is sent to it any
    more). No commit."""
    address = normalise(address)
    db.session.execute(db.delete(Unsubscribe).where(Unsubscribe.address == address))
    for delivery in db.session.scalars(select(RuleDelivery).where(
            RuleDelivery.recipient == f"address:{address}")):
        delivery.recipient = f"address:erased-{delivery.id}"
