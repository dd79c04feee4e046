"""Item 1's neighbour (secrets never shown to those who should not hold them). Production
logs one JSON line per request with its path. The password-reset link carries its token in
the path (/password/reset/<token>), and so does a door's pairing link (/scan/pair/<code>):
when the holder opens the link, the live token lands in the log (and wherever logs are
shipped). Whoever reads the logs can set the password in the minutes before the holder
submits the form. (Order links keep their secret in the query string, which is not logged.)
Expected: log the endpoint with the secret path arguments masked."""
from __future__ import annotations

import logging

from festival.extensions import db
from tests.conftest import make_app
from tests import factories


def test_reset_token_is_not_written_to_the_request_log(app, test_environ, caplog):
    prod = make_app(dict(test_environ, FESTIVAL_ENV="production",
                         RATELIMIT_SINGLE_PROCESS="true"))
    user = factories.user_in_db(app, "admin")
    with app.app_context():
        from festival.accounts.services import request_password_reset
        _, token = request_password_reset(user["email"])
        db.session.commit()
    with caplog.at_level(logging.INFO, logger="festival.requests"):
        response = prod.test_client().get(f"/password/reset/{token}",
                                          headers={"Host": "localhost"})
    assert response.status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "festival.requests"]
    assert lines and all(token not in line for line in lines), lines
