"""Corrections and transfers through the pages: the buyer's order page (its secret link)
and the organisers' order page; errors beside their fields, nothing typed lost."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.ticketing import orders
from festival.ticketing.models import Order, PaymentMethod, TicketStatus
from tests.ticketing.conftest import make_edition, make_type


@pytest.fixture
def paid(app):
    with app.app_context():
        edition = make_edition()
        kind = make_type(edition, quota=10, requires_attendee_name=True)
        made = orders.create_order(edition, terms_accepted=True, buyer_name="Amina Tazi",
                                   email="amina@example.fr",
                                   items=[orders.Item(kind.id, 2, ["Amina", "Samir"])])
        orders.mark_paid(made, PaymentMethod.CASH, amount_cents=made.total_cents)
        db.session.commit()
        return {"code": made.code, "secret": made.secret, "id": made.id, "year": 2027,
                "tickets": [t.id for t in made.tickets],
                "url": f"/orders/{made.code}?secret={made.secret}"}


def _order(app, paid):
    with app.app_context():
        order = db.session.get(Order, paid["id"])
        return {"email": order.email, "events": [e.kind for e in order.events],
                "tickets": [(t.id, t.status, t.attendee_name, t.holder_email)
                            for t in order.tickets]}


def _tag(html: str, field_id: str) -> str:
    return re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', html).group(0)


def _mails(app):
    with app.app_context():
        return [(m.to_address, m.template) for m in db.session.scalars(
            select(OutboxMessage).order_by(OutboxMessage.id))]


def test_the_paid_order_page_offers_both_forms(client, paid):
    html = client.get(paid["url"]).get_data(as_text=True)
    assert f'action="/orders/{paid["code"]}/correct"' in html
    first, second = paid["tickets"]
    assert f'name="name-{first}" value="Amina"' in html
    assert f'action="/orders/{paid["code"]}/tickets/{second}/transfer"' in html
    assert "Hand this ticket over to someone else" in html
    assert "<details class=\"transfer\">" in html  # folded until asked for


def test_the_buyer_corrects_a_name_and_the_address(client, app, paid):
    first, second = paid["tickets"]
    sent = len(_mails(app))
    answer = client.post(f"/orders/{paid['code']}/correct",
                         data={"secret": paid["secret"], f"name-{first}": "Amina Tazi",
                               f"name-{second}": "Samir Tazi", "email": "amina@nouveau.fr"})
    assert answer.status_code == 303 and answer.location.endswith(paid["url"])
    state = _order(app, paid)
    assert state["email"] == "amina@nouveau.fr"
    assert [t[2] for t in state["tickets"]] == ["Amina Tazi", "Samir Tazi"]
    assert state["events"][-2:] == ["names_corrected", "email_corrected"]
    assert _mails(app)[sent:] == [("amina@example.fr", "order_email_changed"),
                                  ("amina@nouveau.fr", "order_confirmation")]
    page = client.get(paid["url"]).get_data(as_text=True)
    assert "The tickets are on their way to amina@nouveau.fr" in page


def test_a_refused_correction_keeps_what_was_typed_beside_its_errors(client, app, paid):
    first, second = paid["tickets"]
    answer = client.post(f"/orders/{paid['code']}/correct",
                         data={"secret": paid["secret"], f"name-{first}": "Amina Tazi",
                               f"name-{second}": "", "email": "pas-une-adresse"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert f'name="name-{first}" value="Amina Tazi"' in html
    assert re.search(rf'id="name-{second}-errors"><li>Please give the name', html)
    assert 'id="email-errors"' in html and 'value="pas-une-adresse"' in html
    # the keyboard goes to the first field in error, which brings the page back to the form
    assert "autofocus" in _tag(html, f"name-{second}")
    assert html.count("autofocus") == 1
    assert _order(app, paid)["tickets"][0][2] == "Amina"  # nothing written


def test_the_wrong_secret_is_a_404(client, app, paid):
    first = paid["tickets"][0]
    for path in (f"/orders/{paid['code']}/correct",
                 f"/orders/{paid['code']}/tickets/{first}/transfer"):
        assert client.post(path, data={"secret": "x" * 20, f"name-{first}": "Intrus"}
                           ).status_code == 404
    assert _order(app, paid)["tickets"][0][2] == "Amina"


def test_the_holder_hands_a_ticket_over(client, app, paid):
    second = paid["tickets"][1]
    answer = client.post(f"/orders/{paid['code']}/tickets/{second}/transfer",
                         data={"secret": paid["secret"], f"t{second}-name": "Yanis Amrani",
                               f"t{second}-email": "yanis@example.org"})
    assert answer.status_code == 303
    state = _order(app, paid)
    old, new = state["tickets"][1], state["tickets"][2]
    assert old[1] is TicketStatus.REVOKED
    assert new[1:] == (TicketStatus.VALID, "Yanis Amrani", "yanis@example.org")
    assert state["events"][-1] == "ticket_transferred"
    assert _mails(app)[-1] == ("yanis@example.org", "ticket_transferred")
    secret = paid["secret"]
    assert client.get(f"/orders/{paid['code']}/tickets/{second}.png?secret={secret}"
                      ).status_code == 404
    assert client.get(f"/orders/{paid['code']}/tickets/{new[0]}.png?secret={secret}"
                      ).status_code == 200
    html = client.get(paid["url"]).get_data(as_text=True)
    assert f"Now ticket #{new[0]}, in the name of Yanis Amrani." in html
    assert f"/tickets/{second}/transfer" not in html


def test_a_refused_transfer_opens_its_form_with_the_errors(client, app, paid):
    second = paid["tickets"][1]
    answer = client.post(f"/orders/{paid['code']}/tickets/{second}/transfer",
                         data={"secret": paid["secret"], f"t{second}-name": "Yanis",
                               f"t{second}-email": "yanis"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert '<details class="transfer" open>' in html
    assert f'id="t{second}-email-errors"' in html and 'value="Yanis"' in html
    assert "autofocus" in _tag(html, f"t{second}-email")
    assert _order(app, paid)["tickets"][1][1] is TicketStatus.VALID


def test_an_unknown_ticket_is_a_404(client, paid):
    assert client.post(f"/orders/{paid['code']}/tickets/999999/transfer",
                       data={"secret": paid["secret"]}).status_code == 404


def _festival_tomorrow(app):
    from festival.editions.models import EditionDay
    with app.app_context():
        tomorrow = (utcnow() + timedelta(days=1)).date()
        days = db.session.scalars(select(EditionDay).order_by(EditionDay.day)).all()
        for offset, row in enumerate(days):
            row.day = tomorrow + timedelta(days=offset)
        db.session.commit()


def test_corrections_close_before_the_festival_transfers_stay_open(client, app, paid):
    _festival_tomorrow(app)
    first = paid["tickets"][0]
    html = client.get(paid["url"]).get_data(as_text=True)
    assert "Corrections closed on" in html and "/correct" not in html
    assert "/transfer" in html  # tickets change hands until the festival begins
    answer = client.post(f"/orders/{paid['code']}/correct",
                         data={"secret": paid["secret"], f"name-{first}": "Autre",
                               "email": "amina@example.fr"})
    assert answer.status_code == 303
    assert "Changes close 48 hours before the festival" in \
        client.get(paid["url"]).get_data(as_text=True)
    assert _order(app, paid)["tickets"][0][2] == "Amina"


# The organisers' order page ---------------------------------------------------------------

def test_an_organiser_corrects_with_a_reason_and_it_is_audited(client, app, auth, paid):
    auth.login_as("organiser")
    _festival_tomorrow(app)  # organisers correct at any time
    first = paid["tickets"][0]
    url = f"/manage/{paid['year']}/orders/{paid['code']}"
    page = client.get(url).get_data(as_text=True)
    assert f'action="{url}/correct"' in page and f'name="name-{first}"' in page
    refused = client.post(url + "/correct", data={f"name-{first}": "Amina T.",
                                                   "email": "amina@example.fr"})
    assert refused.status_code == 422 and 'id="reason-errors"' in refused.get_data(as_text=True)
    assert 'value="Amina T."' in refused.get_data(as_text=True)
    done = client.post(url + "/correct", data={f"name-{first}": "Amina T.",
                                                "email": "amina@example.fr",
                                                "reason": "Demande au téléphone"})
    assert done.status_code == 302
    state = _order(app, paid)
    assert state["tickets"][0][2] == "Amina T." and state["events"][-1] == "names_corrected"
    from festival.audit.models import AuditEntry
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "manage_tickets.correct_order",
            AuditEntry.outcome == "done"))
        assert entry is not None and "Demande au téléphone" in entry.details
    history = client.get(url).get_data(as_text=True)
    assert "Attendee names corrected" in history and f"ticket #{first}" in history
    assert "by an organiser" in history and "Demande au téléphone" in history


def test_the_back_office_shows_a_ticket_handed_over(client, app, auth, paid):
    second = paid["tickets"][1]
    client.post(f"/orders/{paid['code']}/tickets/{second}/transfer",
                data={"secret": paid["secret"], f"t{second}-name": "Yanis Amrani",
                      f"t{second}-email": "yanis@example.org"})
    auth.login_as("organiser")
    html = client.get(f"/manage/{paid['year']}/orders/{paid['code']}").get_data(as_text=True)
    new = _order(app, paid)["tickets"][2][0]
    assert f"handed over: now #{new}" in html and "yanis@example.org" in html
    assert "Ticket handed over to someone else" in html
    assert f"ticket #{second} revoked, ticket #{new} issued and sent to the new holder" in html


def test_changes_are_rate_limited_per_visitor(test_environ, app, paid):
    """Each change may send e-mails: RATE_LIMIT_ORDER_CHANGE counts every attempt."""
    from festival.core.security import limiter
    from tests.conftest import make_app

    limited = make_app(dict(test_environ, RATE_LIMIT_ORDER_CHANGE="2 per minute"),
                       RATELIMIT_ENABLED=True)
    client = limited.test_client()
    first = paid["tickets"][0]
    try:
        answers = [client.post(f"/orders/{paid['code']}/correct",
                               data={"secret": paid["secret"], f"name-{first}": f"Amina {n}",
                                     "email": "amina@example.fr"}).status_code
                   for n in range(3)]
        assert answers == [303, 303, 429]
        assert client.get(paid["url"]).status_code == 200  # the page itself still answers
    finally:
        limiter.reset()
    assert _order(app, paid)["tickets"][0][2] == "Amina 1"


def test_the_buyers_forms_carry_their_csrf_token(test_environ, app, paid):
    from tests.conftest import make_app
    protected = make_app(test_environ, WTF_CSRF_ENABLED=True)
    client = protected.test_client()
    html = client.get(paid["url"]).get_data(as_text=True)
    second = paid["tickets"][1]
    assert 'name="csrf_token"' in html and f'name="t{second}-csrf_token"' in html
    refused = client.post(f"/orders/{paid['code']}/correct",
                          data={"secret": paid["secret"], "email": "x@example.fr"})
    assert refused.status_code == 400
    assert _order(app, paid)["email"] == "amina@example.fr"
