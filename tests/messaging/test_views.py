"""The messages' back office through the test client: who may reach it, writing, counting
(live and with the button), confirming, sending once, and following the mailing."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from festival.audit.models import AuditEntry
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.messaging import services
from festival.messaging.models import Broadcast, BroadcastStatus
from tests.messaging.conftest import SAT

FORM = {"subject_fr": "Portes ouvertes", "body_fr": "Bonjour,\n\nÀ samedi !",
        "subject_ar": "الأبواب مفتوحة", "body_ar": "مرحبا", "statuses": "paid"}


def outbox_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def broadcast(app) -> Broadcast:
    with app.app_context():
        found = db.session.scalar(select(Broadcast))
        db.session.expunge_all()
        return found


@pytest.fixture
def organiser(auth):
    return auth.login_as("organiser")


def write(client, world, **changes):
    data = dict(FORM, **changes)
    return client.post(f"/manage/{world.year}/messages/new", data=data)


@pytest.mark.parametrize("path", ["messages", "messages/new", "mailings",
                                  "messages/count?statuses=paid"])
def test_volunteers_and_strangers_are_refused(client, auth, world, path):
    url = f"/manage/{world.year}/{path}"
    assert client.get(url).status_code == 302  # to the login page
    auth.login_as("volunteer")
    assert client.get(url).status_code == 403
    assert client.post(f"/manage/{world.year}/messages/new", data=FORM).status_code == 403
    assert broadcast(client.application) is None


def test_an_admin_may_write_too(client, auth, world):
    auth.login_as("admin")
    assert client.get(f"/manage/{world.year}/messages/new").status_code == 200


def test_the_compose_page_shows_the_filters_and_the_count(client, organiser, world):
    page = client.get(f"/manage/{world.year}/messages/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "This message reaches 4 people." in html
    assert 'aria-live="polite"' in html and "data-count-url" in html
    for label in ("Pass", "Samedi", "Dimanche", "Refunded", "العربية"):
        assert label in html
    assert 'name="action" value="count"' in html


def test_saving_a_draft_and_counting_without_javascript(client, organiser, world):
    response = write(client, world, action="count", statuses=["paid", "refunded"],
                     days=SAT.isoformat())
    assert response.status_code == 302 and "counted=1" in response.headers["Location"]
    draft = broadcast(client.application)
    assert draft.status is BroadcastStatus.DRAFT and draft.languages == ["fr", "ar"]
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    # Saturday: Amina (Pass), Brahim (Samedi), Ines (Pass), Fatima (refunded Samedi).
    assert "This message reaches 4 people." in html
    checked = set(re.findall(r'<input checked[^>]*name="statuses"[^>]*value="(\w+)"', html))
    assert checked == {"paid", "refunded"}


def test_a_message_without_french_is_not_saved(client, organiser, world):
    response = write(client, world, subject_fr="", body_fr="", action="save")
    assert response.status_code == 422
    assert "Write the subject in French." in response.get_data(as_text=True)
    assert broadcast(client.application) is None


def test_a_filter_the_edition_does_not_offer_is_refused_clearly(client, organiser, world):
    response = write(client, world, days="2031-01-01", action="save")
    assert response.status_code == 422
    assert "This day is not a day of this edition." in response.get_data(as_text=True)
    assert broadcast(client.application) is None


def test_the_live_count_answers_json(client, organiser, world):
    url = f"/manage/{world.year}/messages/count"
    assert client.get(url + "?statuses=refunded").get_json() == {
        "count": 1, "text": "This message reaches 1 person.", "too_many": False}
    combined = client.get(url, query_string={"ticket_type_ids": world.types["pass"],
                                             "checked_in": "no",
                                             "statuses": ["paid", "pending"]})
    assert combined.get_json()["count"] == 2
    refused = client.get(url + "?languages=de")
    assert refused.status_code == 422
    assert refused.get_json()["message"] == "This language is not offered."


def test_the_live_count_says_when_the_group_is_too_large(client, organiser, world,
                                                         monkeypatch):
    monkeypatch.setattr(services, "MAX_RECIPIENTS", 3)
    answer = client.get(f"/manage/{world.year}/messages/count").get_json()
    assert answer["count"] == 4 and answer["too_many"]
    assert "more than the 3" in answer["text"]


def test_review_then_send_once(client, app, organiser, world):
    response = write(client, world, action="review")
    draft = broadcast(app)
    confirm_url = f"/manage/{world.year}/messages/{draft.id}/send"
    assert response.headers["Location"].endswith(confirm_url)
    page = client.get(confirm_url).get_data(as_text=True)
    assert "This message reaches 4 people." in page
    assert "Send to 4 people" in page
    # Previews in the languages of the recipients: Arabic (Amina, Brahim), French (the rest).
    assert "The e-mail in Français" in page and "The e-mail in العربية" in page
    assert "The e-mail in English" not in page
    assert "srcdoc=" in page and "sandbox" in page

    sent = client.post(confirm_url, data={"recipient_count": "4"})
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith(f"/manage/{world.year}/mailings/message:{draft.id}")
    assert outbox_count(app) == 4
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "messaging.confirm"))
        assert entry.outcome == "done" and entry.actor_id == organiser["id"]
        assert f"broadcast_id={draft.id}" in entry.target
        assert json.loads(entry.details)["recipient_count"] == "4"
        done = db.session.get(Broadcast, draft.id)
        assert done.status is BroadcastStatus.SENT and done.sent_by_id == organiser["id"]

    again = client.post(confirm_url, data={"recipient_count": "4"}, follow_redirects=True)
    assert "already sent" in again.get_data(as_text=True)
    assert outbox_count(app) == 4
    # A sent message is no longer edited; its page is its mailing.
    assert client.get(f"/manage/{world.year}/messages/{draft.id}").status_code == 302
    edit = client.post(f"/manage/{world.year}/messages/{draft.id}",
                       data=dict(FORM, subject_fr="Changé", action="save"))
    assert edit.status_code == 302
    assert broadcast(app).subjects["fr"] == "Portes ouvertes"


def test_a_group_that_changed_is_shown_again_before_sending(client, app, organiser, world):
    write(client, world, action="save")
    draft = broadcast(app)
    response = client.post(f"/manage/{world.year}/messages/{draft.id}/send",
                           data={"recipient_count": "3"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The group has changed: it now has 4 people." in html
    assert "Send to 4 people" in html
    assert outbox_count(app) == 0
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "messaging.confirm"))
        assert entry.outcome == "refused"


def test_a_group_too_large_cannot_be_sent(client, app, organiser, world, monkeypatch):
    monkeypatch.setattr(services, "MAX_RECIPIENTS", 3)
    write(client, world, action="save")
    draft = broadcast(app)
    url = f"/manage/{world.year}/messages/{draft.id}/send"
    page = client.get(url).get_data(as_text=True)
    assert "at most 3 people" in page and "Send to" not in page
    assert client.post(url, data={"recipient_count": "4"}).status_code == 422
    assert outbox_count(app) == 0


def test_the_mailing_page_and_its_progress(client, app, organiser, world, smtp_server):
    write(client, world, action="save")
    draft = broadcast(app)
    client.post(f"/manage/{world.year}/messages/{draft.id}/send",
                data={"recipient_count": "4"})
    batch = f"message:{draft.id}"
    progress_url = f"/manage/{world.year}/mailings/{batch}/progress"
    assert client.get(progress_url).get_json() == {
        "queued": 4, "sent": 0, "failed": 0, "bounced": 0, "waiting": 4, "done": False,
        "percent": 0, "text": "0 sent of 4"}
    page = client.get(f"/manage/{world.year}/mailings/{batch}").get_data(as_text=True)
    assert f'data-progress-url="{progress_url}"' in page
    assert '<progress max="4" value="0"' in page and "Refresh" in page
    smtp_server.refuse.add("brahim@example.fr")
    with app.app_context():
        from festival.mail.sender import send_all_due
        send_all_due()
    answer = client.get(progress_url).get_json()
    assert (answer["sent"], answer["bounced"], answer["done"]) == (3, 1, True)
    page = client.get(f"/manage/{world.year}/mailings/{batch}").get_data(as_text=True)
    assert "data-progress-url" not in page  # done: nothing to poll
    assert "brahim@example.fr" in page and "Bounced" in page
    listing = client.get(f"/manage/{world.year}/mailings").get_data(as_text=True)
    assert "Portes ouvertes" in listing and '<progress max="4" value="3"' in listing


def test_a_mailing_of_another_edition_or_unknown_is_not_found(client, app, organiser, world):
    from tests import factories
    with app.app_context():
        other = factories.gen_broadcast(factories.gen_edition(2030, status="on_sale"))
        from festival.mail.services import queue_mail
        queue_mail("y@example.fr", "test", {"site": "x"}, "fr", "Ailleurs", batch=other.batch)
        db.session.commit()
        other_batch, other_id = other.batch, other.id
    assert client.get(f"/manage/{world.year}/mailings/{other_batch}").status_code == 404
    assert client.get(f"/manage/{world.year}/mailings/message:999").status_code == 404
    assert client.get(f"/manage/{world.year}/mailings/{'x' * 300}").status_code == 404
    assert client.get(f"/manage/{world.year}/messages/{other_id}").status_code == 404
    assert client.get(f"/manage/{world.year}/messages/{other_id}/send").status_code == 404


def test_count_before_writing_shows_the_count_and_saves_nothing(client, organiser, world):
    response = write(client, world, subject_fr="", body_fr="", action="count",
                     statuses="refunded")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This message reaches 1 person." in html
    assert "Not saved yet" in html and "Write the subject in French." not in html
    assert broadcast(client.application) is None


def test_a_queued_message_reads_in_the_outbox_as_it_will_be_sent(client, app, organiser,
                                                                  world):
    write(client, world, action="save", body_fr="Bonjour <b>tous</b>,\n\n{{ 7 * 7 }}")
    draft = broadcast(app)
    client.post(f"/manage/{world.year}/messages/{draft.id}/send",
                data={"recipient_count": "4"})
    with app.app_context():
        message_id = db.session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.to_address == "chama@example.fr"))
    page = client.get(f"/manage/outbox/{message_id}").get_data(as_text=True)
    assert "Bonjour &lt;b&gt;tous&lt;/b&gt;," in page and "{{ 7 * 7 }}" in page


def test_a_superscript_digit_as_ticket_type_is_a_clear_refusal(app, client, auth):
    """"²" passes str.isdigit() but not int(): the live count and the form answered 500."""
    with app.app_context():
        from tests.factories import gen_edition
        year = gen_edition(status="on_sale").year
        db.session.commit()
    auth.login_as("organiser")
    counted = client.get(f"/manage/{year}/messages/count", query_string={"ticket_type_ids": "²"})
    assert counted.status_code == 422
    assert counted.get_json()["error"] == "validation_failed"
    saved = client.post(f"/manage/{year}/messages/new",
                        data={"subject_fr": "Infos", "body_fr": "Bonjour", "action": "save",
                              "ticket_type_ids": "²"})
    assert saved.status_code == 422
