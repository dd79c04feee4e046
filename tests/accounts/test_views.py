import pytest

from festival.accounts.models import LoginThrottle, User
from festival.core.access import Role
from festival.extensions import db
from tests import factories


def test_login_logout(client, auth):
    user = auth.login_as("organiser")
    assert client.get("/account").status_code == 200
    assert user["email"] in client.get("/account").get_data(as_text=True)
    auth.logout()
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_ends_every_copy_of_the_session(app, client, auth):
    user = auth.login_as("organiser")
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get("/account").status_code == 200
    auth.logout()
    assert copy.get("/account").status_code == 302  # to the login page
    with app.app_context():
        assert db.session.get(User, user["id"]).session_version == 1
    assert auth.login(user["email"]).status_code == 302  # a new session works
    assert client.get("/account").status_code == 200


def test_wrong_password_says_so_and_stays_on_the_form(client, app):
    user = factories.user_in_db(app, "volunteer")
    response = client.post("/login", data={"email": user["email"], "password": "bad"})
    assert response.status_code == 200
    assert "e-mail" in response.get_data(as_text=True).lower()
    with app.app_context():
        assert db.session.scalar(db.select(LoginThrottle.failures).where(
            LoginThrottle.email == user["email"])) == 1


def test_failed_logins_from_one_ipv6_64_count_together(client, app):
    user = factories.user_in_db(app, "volunteer")
    for n in range(1, 7):
        page = client.post("/login", data={"email": user["email"], "password": "bad"},
                           environ_base={"REMOTE_ADDR": f"2001:db8:1:2::{n:x}"})
    assert "Too many failed" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(LoginThrottle.client)).all() == ["2001:db8:1:2::/64"]


def test_login_follows_only_local_next(client, app):
    user = factories.user_in_db(app, "volunteer")
    response = client.post("/login?next=https://evil.example/",
                           data={"email": user["email"], "password": factories.PASSWORD})
    assert response.headers["Location"] == "/scan/start"  # a volunteer's landing
    auth_next = client.post("/login?next=/account",
                            data={"email": user["email"], "password": factories.PASSWORD})
    assert auth_next.headers["Location"] == "/account"


def test_password_change_form(client, auth):
    auth.login_as("volunteer")
    bad = client.post("/account/password", data={"current_password": "x",
                                                  "new_password": "0123456789ab",
                                                  "confirm": "0123456789ab"})
    assert bad.status_code == 422
    good = client.post("/account/password", data={"current_password": factories.PASSWORD,
                                                   "new_password": "0123456789ab",
                                                   "confirm": "0123456789ab"})
    assert good.status_code == 302


def test_admin_creates_users_and_tokens(client, auth, app):
    auth.login_as("admin")
    response = client.post("/admin/users", data={"email": "new@b.fr", "name": "New",
                                                 "role": "volunteer", "password": "0123456789ab"})
    assert response.status_code == 302
    duplicate = client.post("/admin/users", data={"email": "new@b.fr", "name": "New",
                                                  "role": "volunteer",
                                                  "password": "0123456789ab"})
    assert duplicate.status_code == 422
    page = client.post("/admin/tokens", data={"name": "Door 2", "role": "volunteer"})
    assert page.status_code == 200
    token = page.get_data(as_text=True).split("data-token>")[1].split("<")[0]
    assert token.startswith("alm_")
    assert client.get("/api/v1/", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def _logged_in_client(app, email):
    other = app.test_client()
    assert other.post("/login", data={"email": email,
                                      "password": factories.PASSWORD}).status_code == 302
    assert other.get("/account").status_code == 200
    return other


def test_a_password_change_logs_out_every_other_session(client, auth, app):
    user = auth.login_as("organiser")
    phone = _logged_in_client(app, user["email"])
    changed = client.post("/account/password", data={"current_password": factories.PASSWORD,
                                                      "new_password": "0123456789ab",
                                                      "confirm": "0123456789ab"})
    assert changed.status_code == 302
    assert client.get("/account").status_code == 200  # the session that changed it stays
    stale = phone.get("/account")
    assert stale.status_code == 302 and "/login" in stale.headers["Location"]


def test_a_password_reset_logs_out_every_session(client, app):
    from festival.accounts.services import request_password_reset
    user = factories.user_in_db(app, "admin")
    laptop = _logged_in_client(app, user["email"])
    with app.app_context():
        _, token = request_password_reset(user["email"])
        db.session.commit()
    done = client.post(f"/password/reset/{token}", data={"new_password": "0123456789ab",
                                                         "confirm": "0123456789ab"})
    assert done.status_code == 302
    assert laptop.get("/account").status_code == 302
    with app.app_context():
        assert db.session.get(User, user["id"]).session_version == 1


def test_session_and_remember_ids_of_an_older_version_are_refused(app):
    from festival.accounts.services import end_other_sessions
    user = factories.user_in_db(app, "volunteer")
    with app.app_context():
        stored = db.session.get(User, user["id"])
        old_id = stored.get_id()
        end_other_sessions(stored)
        db.session.commit()
        assert app.login_manager._user_callback(old_id) is None
        assert app.login_manager._user_callback(stored.get_id()).id == user["id"]
        assert app.login_manager._user_callback(str(user["id"])) is None


def test_a_volunteer_lands_on_the_door(client, auth):
    user = factories.user_in_db(client.application, "volunteer")
    response = auth.login(user["email"])
    assert response.status_code == 302 and response.headers["Location"] == "/scan/start"


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_the_account_page_names_every_role(client, auth, role):
    from festival.accounts.labels import ROLE
    assert set(ROLE) == set(Role)
    auth.login_as(role)
    html = client.get("/account").get_data(as_text=True)
    assert f"<dd>{ROLE[Role(role)]}</dd>" in html
    assert f"<dd>{role}</dd>" not in html
