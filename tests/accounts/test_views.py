from festival.accounts.models import User
from festival.extensions import db
from tests import factories


def test_login_logout(client, auth):
    user = auth.login_as("organiser")
    assert client.get("/account").status_code == 200
    assert user["email"] in client.get("/account").get_data(as_text=True)
    auth.logout()
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_wrong_password_says_so_and_stays_on_the_form(client, app):
    user = factories.user_in_db(app, "volunteer")
    response = client.post("/login", data={"email": user["email"], "password": "bad"})
    assert response.status_code == 200
    assert "e-mail" in response.get_data(as_text=True).lower()
    with app.app_context():
        assert db.session.get(User, user["id"]).failed_logins == 1


def test_login_follows_only_local_next(client, app):
    user = factories.user_in_db(app, "volunteer")
    response = client.post("/login?next=https://evil.example/",
                           data={"email": user["email"], "password": factories.PASSWORD})
    assert response.headers["Location"] == "/account"
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
