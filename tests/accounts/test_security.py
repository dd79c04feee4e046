"""Accounts lock after repeated failures and say how to unlock; reset links are single-use
and expire."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.accounts import services
from festival.accounts.models import PasswordReset, User
from festival.core.errors import DomainError
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.mail.models import OutboxMessage
from tests import factories


def test_five_failures_lock_the_account_for_a_while(ctx):
    user = factories.gen_user("volunteer")
    now = utcnow()
    for _ in range(4):
        with pytest.raises(DomainError) as info:
            services.authenticate(user.email, "wrong", now=now)
        assert info.value.code == "invalid_credentials"
    with pytest.raises(DomainError) as info:
        services.authenticate(user.email, "wrong", now=now)
    assert info.value.code == "account_locked" and "Forgot your password" in info.value.message
    with pytest.raises(DomainError) as info:  # even the right password waits
        services.authenticate(user.email, factories.PASSWORD, now=now + timedelta(minutes=5))
    assert info.value.code == "account_locked"
    later = now + services.LOCK_DURATION + timedelta(seconds=1)
    assert services.authenticate(user.email, factories.PASSWORD, now=later) is user
    assert user.locked_until is None


def test_a_reset_link_sets_the_password_once_and_unlocks(ctx):
    user = factories.gen_user("organiser")
    user.locked_until = utcnow() + timedelta(minutes=10)
    _, plain = services.request_password_reset(user.email.upper(), ip="127.0.0.1")
    message = db.session.scalar(select(OutboxMessage))
    assert message.to_address == user.email and plain in message.text_body
    assert plain not in db.session.scalar(select(PasswordReset.token_hash))
    services.reset_password(plain, "a new long password")
    assert user.locked_until is None
    assert services.authenticate(user.email, "a new long password") is user
    with pytest.raises(DomainError) as info:
        services.reset_password(plain, "yet another password")
    assert info.value.code == "reset_link_invalid"


def test_reset_links_expire_and_unknown_addresses_say_nothing(ctx):
    user = factories.gen_user("volunteer")
    now = utcnow()
    _, plain = services.request_password_reset(user.email, now=now)
    with pytest.raises(DomainError):
        services.reset_password(plain, "a new long password",
                                now=now + services.RESET_LIFETIME + timedelta(seconds=1))
    assert services.request_password_reset("nobody@example.fr") is None
    assert services.request_password_reset("not an address") is None


def test_login_page_tells_the_locked_user_how_to_unlock(client, app):
    user = factories.user_in_db(app, "volunteer")
    for _ in range(5):
        page = client.post("/login", data={"email": user["email"], "password": "nope"})
    text = page.get_data(as_text=True)
    assert "locked until" in text and "/password/forgot" in text


def test_forgot_and_reset_pages(client, app):
    user = factories.user_in_db(app, "volunteer")
    same = [client.post("/password/forgot", data={"email": e}).get_data(as_text=True)
            for e in (user["email"], "nobody@example.fr")]
    assert all("Check your e-mail" in page for page in same)
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.text_body))
    link = next(word for word in body.split() if "/password/reset/" in word)
    path = link[link.index("/password/reset/"):]
    assert client.get(path).status_code == 200
    mismatch = client.post(path, data={"new_password": "0123456789ab", "confirm": "nope"})
    assert mismatch.status_code == 422
    done = client.post(path, data={"new_password": "0123456789ab", "confirm": "0123456789ab"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert client.get(path).status_code == 400
    assert client.post("/login", data={"email": user["email"],
                                       "password": "0123456789ab"}).status_code == 302


def test_admin_unlocks_an_account(client, auth, app):
    locked = factories.user_in_db(app, "volunteer")
    with app.app_context():
        db.session.get(User, locked["id"]).locked_until = utcnow() + timedelta(minutes=10)
        db.session.commit()
    auth.login_as("admin")
    assert "Unlock" in client.get("/admin/users").get_data(as_text=True)
    client.post(f"/admin/users/{locked['id']}/unlock")
    with app.app_context():
        assert db.session.get(User, locked["id"]).locked_until is None


def _reset_mails(app) -> list[str]:
    with app.app_context():
        return [m.text_body for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.template == "password_reset"))]


def test_a_reset_asked_through_another_host_sends_no_link_there(client, app, monkeypatch):
    """Without PUBLIC_URL (development), `Host: evil.example` is refused before anything is
    done: no reset, no mail. With PUBLIC_URL, the link is on it whatever the Host."""
    user = factories.user_in_db(app, "admin")
    monkeypatch.setitem(app.config, "PUBLIC_URL", "")
    for host in ("evil.example", "evil.example:80"):
        refused = client.post("/password/forgot", data={"email": user["email"]},
                              headers={"Host": host})
        assert refused.status_code == 400
    forwarded = client.post("/password/forgot", data={"email": user["email"]},
                            headers={"X-Forwarded-Host": "evil.example"})  # no PROXY_COUNT
    assert forwarded.status_code == 200
    (first,) = _reset_mails(app)
    assert "evil.example" not in first and "http://localhost/password/reset/" in first

    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://billetterie.almoggar.example")
    for host in ("127.0.0.1:8000", "localhost"):  # allowed hosts that are not PUBLIC_URL's
        assert client.post("/password/forgot", data={"email": user["email"]},
                           headers={"Host": host}).status_code == 200
    links = [line for body in _reset_mails(app)[1:] for line in body.split()
             if "/password/reset/" in line]
    assert len(links) == 2
    assert all(link.startswith("https://billetterie.almoggar.example/password/reset/")
               for link in links)


def test_behind_a_proxy_the_forwarded_host_is_checked_too(test_environ, app):
    from tests.conftest import make_app
    proxied = make_app(dict(test_environ, PROXY_COUNT="1"))
    client = proxied.test_client()
    assert client.get("/healthz", headers={"X-Forwarded-Host": "evil.example"}
                      ).status_code == 400
    assert client.get("/healthz", headers={"X-Forwarded-Host": "localhost"}).status_code == 200
