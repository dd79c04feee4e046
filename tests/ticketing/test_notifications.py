"""The order confirmation as a mail reader sees it."""
from __future__ import annotations

import email
import re
from email import policy

from sqlalchemy import select

from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.mail.sender import build_email
from festival.ticketing import orders
from festival.ticketing.models import PaymentMethod
from festival.ticketing.orders import Item
from tests.ticketing.conftest import make_type

# RFC 5322 msg-id: "<" dot-atom-text "@" dot-atom-text ">" (no obsolete or literal forms).
ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
DOT_ATOM = rf"{ATOM}(?:\.{ATOM})*"
MSG_ID = re.compile(rf"^<({DOT_ATOM}@{DOT_ATOM})>$")


def test_inline_images_have_valid_content_ids_that_the_html_references(edition):
    pass_type = make_type(edition, quota=5)
    order = orders.create_order(edition, buyer_name="Amina", email="amina@example.fr",
                                items=[Item(pass_type.id, 2)])
    orders.mark_paid(order, PaymentMethod.DEMO)
    message = db.session.scalars(select(OutboxMessage)).one()
    sent = email.message_from_bytes(bytes(build_email(message, "billetterie@almoggar.example")),
                                    policy=policy.default)
    content_ids = [part["Content-ID"] for part in sent.walk() if part["Content-ID"]]
    assert len(content_ids) == 2 and len(set(content_ids)) == 2
    ids = []
    for header in content_ids:
        match = MSG_ID.match(str(header))
        assert match, header
        ids.append(match.group(1))
    html = sent.get_body(("html",)).get_content()
    assert sorted(re.findall(r'src="cid:([^"]+)"', html)) == sorted(ids)
