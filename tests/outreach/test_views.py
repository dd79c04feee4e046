"""The rules' back office, the feedback form and the one-click unsubscribe page, through the
test client."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.extensions import db
from festival.outreach import unsubscribe as optout
from festival.outreach.models import FeedbackAnswer, MessageRule, RuleKind, Unsubscribe
from tests import factories
from tests.outreach.conftest import DAY1, at, make_edition, paid_order
from tests.ticketing.conftest import make_type


@pytest.fixture
def order(app):
    """A paid order of an edition whose festival has begun (2020), with two sessions."""
    with app.app_context():
        edition = make_edition(2020, days=(DAY1.replace(year=2020),))
        room = factories.gen_room(edition)
        first = factories.gen_session(edition, room, title="Concert d'ouverture")
        factories.gen_session(edition, room, title="Table ronde", start="16:00", end="17:00")
        bought = paid_order(edition, make_type(edition, quota=10),
                            at(DAY1.replace(year=2020) - timedelta(days=3), "12:00"))
        db.session.commit()
        return {"code": bought.code, "secret": bought.secret, "session_id": first.id,
                "id": bought.id}


def feedback_url(order, **extra):
    return f"/orders/{order['code']}/feedback?secret={order['secret']}"


def answers(app):
    with app.app_context():
        return [(a.order_id, a.mark, a.best_session_id, a.comment)
                for a in db.session.scalars(select(FeedbackAnswer))]


def test_the_feedback_form_records_then_replaces_the_answer(app, client, order):
    page = client.get(feedback_url(order))
    assert page.status_code == 200
    assert "Concert d&#39;ouverture" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"
    sent = client.post(f"/orders/{order['code']}/feedback",
                       data={"secret": order["secret"], "mark": "5",
                             "best_session_id": str(order["session_id"]),
                             "comment": "Merci !"})
    assert sent.status_code == 303
    assert answers(app) == [(order["id"], 5, order["session_id"], "Merci !")]
    again = client.post(f"/orders/{order['code']}/feedback",
                        data={"secret": order["secret"], "mark": "3", "best_session_id": "",
                              "comment": ""})
    assert again.status_code == 303
    assert answers(app) == [(order["id"], 3, None, "")]  # one answer per order, replaced
    shown = client.get(feedback_url(order) + "&saved=1").get_data(as_text=True)
    assert "Your answer is saved" in shown


def test_the_order_page_leads_to_the_feedback_form_once_the_festival_has_begun(
        app, client, order):
    page = client.get(f"/orders/{order['code']}?secret={order['secret']}").get_data(
        as_text=True)
    assert "How was the festival?" in page and "Give my opinion" in page
    assert f"/orders/{order['code']}/feedback?secret=" in page
    client.post(f"/orders/{order['code']}/feedback",
                data={"secret": order["secret"], "mark": "4"})
    again = client.get(f"/orders/{order['code']}?secret={order['secret']}").get_data(
        as_text=True)
    assert "Change my answer" in again


def test_no_feedback_link_before_the_festival(app, client):
    with app.app_context():
        edition = make_edition(2031, days=(DAY1.replace(year=2031),))
        bought = paid_order(edition, make_type(edition, quota=10),
                            at(DAY1.replace(year=2031) - timedelta(days=3), "12:00"))
        db.session.commit()
        url = f"/orders/{bought.code}?secret={bought.secret}"
    assert "How was the festival?" not in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize("data, field", [
    ({"mark": "6"}, "mark"),
    ({"mark": ""}, "mark"),
    ({"mark": "4", "best_session_id": "999999"}, "best_session_id"),
    ({"mark": "4", "comment": "x" * 2001}, "comment"),
])
def test_bad_answers_are_refused_clearly(app, client, order, data, field):
    response = client.post(f"/orders/{order['code']}/feedback",
                           data={"secret": order["secret"], **data})
    assert response.status_code == 422
    assert 'class="errors"' in response.get_data(as_text=True)
    assert answers(app) == []


def test_the_feedback_form_needs_the_orders_secret(client, order):
    assert client.get(f"/orders/{order['code']}/feedback?secret=wrong").status_code == 404
    assert client.post(f"/orders/{order['code']}/feedback",
                       data={"mark": "5"}).status_code == 404


def test_unsubscribe_get_shows_a_button_and_post_unsubscribes(app, client):
    with app.app_context():
        token = optout.unsubscribe_token("Amina@Example.fr")
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200 and "<form method=\"post\">" in page.get_data(as_text=True)
    assert "<bdi>amina@example.fr</bdi>" in page.get_data(as_text=True)  # (left to right in Arabic)
    with app.app_context():
        assert not optout.is_unsubscribed("amina@example.fr")
    assert client.post(f"/unsubscribe/{token}").status_code == 200
    assert client.post(f"/unsubscribe/{token}").status_code == 200  # again: no harm
    with app.app_context():
        assert db.session.scalars(select(Unsubscribe.address)).all() == ["amina@example.fr"]


def test_the_one_click_post_of_a_mail_client_needs_no_csrf_token(app, test_environ):
    """RFC 8058: the client POSTs `List-Unsubscribe=One-Click`, with no cookie and no CSRF
    token; the signed token in the address is the authority. Other forms keep their CSRF."""
    from tests.conftest import make_app
    strict = make_app(test_environ, WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    with strict.app_context():
        token = optout.unsubscribe_token("amina@example.fr")
    response = client.post(f"/unsubscribe/{token}", data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    with strict.app_context():
        assert optout.is_unsubscribed("amina@example.fr")
    refused = client.post("/orders/NOPE/feedback", data={"mark": "5"})
    assert refused.status_code == 400  # the feedback form keeps its CSRF check


def test_a_forged_unsubscribe_token_is_refused(app, client):
    with app.app_context():
        token = optout.unsubscribe_token("amina@example.fr")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(f"/unsubscribe/{forged}").status_code == 404
    assert client.get("/unsubscribe/" + "x" * 500).status_code == 404
    with app.app_context():
        assert db.session.scalars(select(Unsubscribe)).all() == []


def test_organisers_switch_edit_and_preview_a_rule(app, client, auth):
    auth.login_as("organiser")
    with app.app_context():
        make_edition(2027)
        db.session.commit()
    page = client.get("/manage/editions/2027/messages")
    assert page.status_code == 200
    assert "Reminder the day before" in page.get_data(as_text=True)
    assert client.post("/manage/editions/2027/messages/reminder/switch",
                       data={"on": "1"}).status_code == 302
    saved = client.post("/manage/editions/2027/messages/thank_you",
                        data={"is_enabled": "y", "subject_fr": "Merci !",
                              "body_fr": "Merci d'être venu·e·s.", "subject_ar": "شكرا"})
    assert saved.status_code == 302
    with app.app_context():
        rules = {r.kind: r for r in db.session.scalars(select(MessageRule))}
        assert rules[RuleKind.REMINDER].is_enabled
        assert rules[RuleKind.THANK_YOU].subjects == {"fr": "Merci !", "ar": "شكرا"}
    preview = client.get("/manage/editions/2027/messages/thank_you/preview?language=ar")
    assert preview.status_code == 200 and "شكرا" in preview.get_data(as_text=True)
    frame = client.get("/manage/editions/2027/messages/thank_you/preview.html?language=ar")
    assert frame.status_code == 200 and 'dir="rtl"' in frame.get_data(as_text=True)
    assert "sandbox" in frame.headers["Content-Security-Policy"]
    assert "script-src" not in frame.headers["Content-Security-Policy"]
    too_long = client.post("/manage/editions/2027/messages/reminder",
                           data={"subject_en": "x" * 300})
    assert too_long.status_code == 422


def test_the_feedback_dashboard(app, client, auth, order):
    client.post(f"/orders/{order['code']}/feedback",
                data={"secret": order["secret"], "mark": "4",
                      "best_session_id": str(order["session_id"]), "comment": "Très bien"})
    auth.login_as("organiser")
    page = client.get("/dashboard/2020/feedback")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "4,0 / 5" in body  # (French, the default language) and "Concert d&#39;ouverture" in body and "Très bien" in body
    assert "<svg" in body  # the answers per mark, as a chart


def test_the_feedback_dashboard_counts_every_comment_not_only_those_listed(
        app, client, auth, monkeypatch):
    """Only the latest COMMENTS_SHOWN comments are listed; the figure above counts them all."""
    from festival.outreach import feedback as feedback_service
    monkeypatch.setattr(feedback_service, "COMMENTS_SHOWN", 2)
    with app.app_context():
        edition = make_edition(2020, days=(DAY1.replace(year=2020),))
        kind = make_type(edition, quota=10)
        for n in range(3):
            bought = paid_order(edition, kind, at(DAY1.replace(year=2020) - timedelta(days=3),
                                                  "12:00"), email=f"p{n}@example.fr")
            feedback_service.give_feedback(bought, 5, None, f"Commentaire {n}", "fr",
                                           now=at(DAY1.replace(year=2020), "20:00"))
        db.session.commit()
        assert feedback_service.feedback_summary(edition)["comment_count"] == 3
    auth.login_as("organiser")
    body = client.get("/dashboard/2020/feedback").get_data(as_text=True)
    assert body.count("Commentaire ") == 2
    assert re.search(r'data-figure="feedback_comments">\s*3\s*<', body)
