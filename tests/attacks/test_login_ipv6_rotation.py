"""Item 7 (login lockout per (account, client address) with back-off; rate limits). Both the
login rate limit (flask-limiter's get_remote_address) and the failed-login throttle key on
the full client address. Over IPv6 one customer line holds a /64 (2^64 addresses): trying
the treasurer's password from ::1, ::2, ::3 … of the same /64 is never rate limited and
never waits. Expected: count IPv6 clients per /64 (or /56)."""
from __future__ import annotations

from tests import factories
from tests.conftest import make_app


def test_password_guesses_from_one_ipv6_64_are_limited(app, test_environ):
    from festival.core.security import limiter
    limited = make_app(dict(test_environ, RATE_LIMIT_LOGIN="3 per minute"),
                       RATELIMIT_ENABLED=True)
    limiter.enabled = True
    user = factories.user_in_db(app, "admin")
    client = limited.test_client()
    answers = []
    for n in range(1, 13):
        response = client.post("/login", data={"email": user["email"],
                                               "password": f"guess number {n}"},
                               environ_base={"REMOTE_ADDR": f"2001:db8:1:2::{n:x}"})
        page = response.get_data(as_text=True)
        answers.append("wait" if response.status_code == 429 or "Too many failed" in page
                       else response.status_code)
    assert "wait" in answers, answers
