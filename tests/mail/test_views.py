import pytest
from sqlalchemy import select, update

from festival.extensions import db
from festival.mail.models import MailStatus, OutboxMessage
from festival.mail.services import Attachment, queue_mail


def make_messages(app) -> dict[str, int]:
    """One message in each status; returns their ids by status."""
    ids = {}
    with app.app_context():
        for status in MailStatus:
            message = queue_mail(f"{status.value}@example.org", "test",
                                 {"site": "https://almoggar.example"}, "fr",
                                 f"Subject {status.value}",
                                 attachments=[Attachment("t.pdf", "application/pdf", b"%PDF")])
            message.status = status
            message.attempts = 3 if status is MailStatus.FAILED else 1
            if status is MailStatus.FAILED:
                message.last_error = "ConnectionRefusedError: [Errno 111] Connection refused"
            ids[status.value] = message.id
        db.session.commit()
    return ids


@pytest.mark.parametrize("role, status", [(None, 302), ("volunteer", 403), ("association", 403),
                                          ("organiser", 200), ("admin", 200)])
def test_only_organisers_see_the_outbox(client, auth, role, status):
    if role:
        auth.login_as(role)
    assert client.get("/manage/outbox").status_code == status
    assert client.post("/manage/outbox/1/retry").status_code in (status, 404)


def test_outbox_lists_messages_with_status_attempts_and_errors(client, auth, app):
    make_messages(app)
    auth.login_as("organiser")
    page = client.get("/manage/outbox").get_data(as_text=True)
    for status in MailStatus:
        assert f"{status.value}@example.org" in page
    assert "Connection refused" in page
    assert page.count('action="/manage/outbox/') == 1  # retry only for the failed one


def test_outbox_filters_by_status(client, auth, app):
    make_messages(app)
    auth.login_as("organiser")
    page = client.get("/manage/outbox?status=failed").get_data(as_text=True)
    assert "failed@example.org" in page and "sent@example.org" not in page
    everything = client.get("/manage/outbox?status=nonsense&page=abc").get_data(as_text=True)
    assert "sent@example.org" in everything and "failed@example.org" in everything
    assert client.get("/manage/outbox?page=99999999999999999999").status_code == 200


def test_retry_now_puts_a_failed_message_back_in_the_queue(client, auth, app):
    ids = make_messages(app)
    auth.login_as("organiser")
    response = client.post(f"/manage/outbox/{ids['failed']}/retry",
                           data={"status": "failed"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/outbox?status=failed"
    with app.app_context():
        message = db.session.get(OutboxMessage, ids["failed"])
        assert message.status is MailStatus.PENDING and message.attempts == 0
        assert message.last_error  # kept until it is delivered


def test_retry_refuses_a_message_that_has_not_failed(client, auth, app):
    ids = make_messages(app)
    auth.login_as("organiser")
    response = client.post(f"/manage/outbox/{ids['sent']}/retry", follow_redirects=True,
                           headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Only a failed message can be retried." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(OutboxMessage, ids["sent"]).status is MailStatus.SENT
    assert client.post("/manage/outbox/999999/retry").status_code == 404


def test_message_page_shows_the_text_and_attachments(client, auth, app):
    ids = make_messages(app)
    auth.login_as("organiser")
    page = client.get(f"/manage/outbox/{ids['failed']}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Subject failed" in body and "t.pdf" in body and "Connection refused" in body
    retried = client.post(f"/manage/outbox/{ids['failed']}/retry", data={"back": "message"})
    assert retried.headers["Location"] == f"/manage/outbox/{ids['failed']}"
    assert client.get("/manage/outbox/999999").status_code == 404


def test_retry_button_works_with_csrf(test_environ, app):
    from tests import factories
    from tests.conftest import make_app
    guarded = make_app(test_environ, WTF_CSRF_ENABLED=True)
    ids = make_messages(app)
    user = factories.user_in_db(app, "organiser")
    client = guarded.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"email": user["email"], "password": factories.PASSWORD,
                                "csrf_token": token})
    page = client.get("/manage/outbox?status=failed").get_data(as_text=True)
    assert client.post(f"/manage/outbox/{ids['failed']}/retry").status_code == 400
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(f"/manage/outbox/{ids['failed']}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        db.session.execute(update(OutboxMessage).values(status=MailStatus.SENT))
        db.session.commit()


def test_organisers_never_see_the_reset_link_of_the_admin(client, auth, app, smtp_server):
    """Anyone may ask a reset for the administrator; an organiser reading the outbox must not
    find the link's token anywhere, while the sender still delivers the real link."""
    import re

    from festival.core.masking import MASK
    from festival.mail.sender import send_all_due
    from tests import factories
    admin = factories.user_in_db(app, "admin")
    assert client.post("/password/forgot", data={"email": admin["email"]}).status_code == 200
    with app.app_context():
        stored = db.session.scalar(select(OutboxMessage))
        message_id = stored.id
        token = re.search(r"/password/reset/([\w-]+)", stored.text_body).group(1)
        # A failed delivery whose error echoes the link is shown masked too.
        stored.status = MailStatus.FAILED
        stored.last_error = f"SMTPDataError: rejected http://localhost/password/reset/{token}"
        db.session.commit()
    assert len(token) >= 32

    auth.login_as("organiser")
    pages = [client.get(path) for path in (
        "/manage/outbox", "/manage/outbox?status=failed", f"/manage/outbox/{message_id}")]
    assert [page.status_code for page in pages] == [200, 200, 200]
    for page in pages:
        assert token not in page.get_data(as_text=True)
        assert token[:12] not in page.get_data(as_text=True)
    detail = pages[-1].get_data(as_text=True)
    assert f"/password/reset/{MASK}" in detail  # the organiser still sees what was sent

    # Retrying sends the real link, to the administrator's own address only.
    assert client.post(f"/manage/outbox/{message_id}/retry").status_code == 302
    with app.app_context():
        assert send_all_due().sent == 1
    (received,) = smtp_server.messages
    assert received["To"] == admin["email"]
    text = received.get_body(("plain",)).get_content()
    assert f"http://localhost/password/reset/{token}" in text


def test_a_message_rendered_when_sent_is_shown_as_it_would_be_sent(client, auth, app):
    """An order's confirmation waits in the outbox unrendered: its page renders the text for
    display only (the order's secret masked, no QR code or PDF drawn, nothing stored)."""
    from festival.core.masking import MASK
    from festival.ticketing import orders
    from tests.ticketing.conftest import make_edition, make_type
    with app.app_context():
        edition = make_edition()
        free = make_type(edition, name="Invitation", price=0)
        order = orders.create_order(edition, terms_accepted=True,
                                    buyer_name="Aïcha", email="aicha@example.fr",
                                    items=[orders.Item(free.id, 1)])
        db.session.commit()
        code, secret = order.code, order.secret
        message_id = db.session.scalar(select(OutboxMessage.id))
    auth.login_as("organiser")
    page = client.get(f"/manage/outbox/{message_id}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert code in body and "Aïcha" in body and f"secret={MASK}" in body
    assert secret not in body
    with app.app_context():
        stored = db.session.get(OutboxMessage, message_id)
        assert stored.text_body is None and stored.attachments == []
        assert stored.status is MailStatus.PENDING


def test_a_bounced_message_says_so(client, auth, app):
    ids = make_messages(app)
    auth.login_as("organiser")
    assert "↩ Bounced" not in client.get("/manage/outbox").get_data(as_text=True)
    with app.app_context():
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == ids["failed"])
                           .values(is_bounced=True))
        db.session.commit()
    assert client.get("/manage/outbox").get_data(as_text=True).count("↩ Bounced") == 1
    page = client.get(f"/manage/outbox/{ids['failed']}").get_data(as_text=True)
    assert "↩ Bounced" in page
