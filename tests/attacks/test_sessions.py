"""Item 5 (a password change ends every other session). Sessions are signed cookies holding
`<user id>:<session version>`: logging out clears the browser's copy but the version does not
move, so a copy of the cookie taken before (a shared computer, a leaked HAR file, malware)
keeps working after the holder logged out — for PERMANENT_SESSION_LIFETIME (31 days)."""
from __future__ import annotations


def _cookie(client):
    return client.get_cookie("session").value


def test_logout_ends_the_session_for_copies_of_its_cookie(app, client, auth):
    """Log in as an organiser, copy the session cookie, log out: the copy still opens the
    back office. Logging out should end the session (bump the session version, or keep a
    server-side session id that logout deletes)."""
    auth.login_as("organiser")
    stolen = _cookie(client)
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/manage/outbox").status_code != 200


def test_password_change_ends_other_sessions(app, client, auth):
    """Holds: a copy of the cookie is refused after the holder changes the password."""
    from tests.factories import PASSWORD
    auth.login_as("organiser")
    stolen = _cookie(client)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "another long passphrase",
        "confirm": "another long passphrase"})
    assert response.status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/manage/outbox").status_code in (302, 401, 403)
    assert client.get("/manage/outbox").status_code == 200
