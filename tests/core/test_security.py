"""Security headers on every route, request ids, and rate limits that bite and lift."""
from __future__ import annotations

import pytest

from festival.core.security import CONTENT_SECURITY_POLICY, limiter
from tests.conftest import make_app




def test_every_route_carries_the_security_headers(app, client):
    from tests.test_access import _methods, _rules
    seen = 0
    for rule in _rules(app):
        if "GET" not in _methods(rule) or rule.arguments:
            continue
        response = client.get(rule.rule)
        headers = response.headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, rule.rule
        assert "script-src 'self'" in CONTENT_SECURITY_POLICY
        assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff", rule.rule
        assert headers["Referrer-Policy"] == "same-origin", rule.rule
        assert len(headers["X-Request-ID"]) >= 8
        assert "Strict-Transport-Security" not in headers  # development
        seen += 1
    assert seen > 10
    # Error pages too.
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Content-Security-Policy" in missing.headers


def test_pages_have_no_inline_script(app, client):
    import re
    for path in ("/", "/associations", "/login", "/legal"):
        html = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag, (path, tag)
        assert " onclick=" not in html and " onload=" not in html


def test_request_id_is_echoed_when_sane(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123-XYZ"}).headers[
        "X-Request-ID"] == "abc-123-XYZ"
    generated = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert generated.headers["X-Request-ID"] != "<script>"


def test_production_sends_hsts_and_secure_cookies(test_environ):
    prod = make_app(dict(test_environ, FESTIVAL_ENV="production",
                         RATELIMIT_SINGLE_PROCESS="true"))
    response = prod.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert prod.config["SESSION_COOKIE_SECURE"] and prod.config["SESSION_COOKIE_HTTPONLY"]
    assert prod.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_logs_one_json_line_per_request(test_environ, caplog):
    import json
    import logging
    prod = make_app(dict(test_environ, FESTIVAL_ENV="production",
                         RATELIMIT_SINGLE_PROCESS="true"))
    with caplog.at_level(logging.INFO, logger="festival.requests"):
        prod.test_client().get("/healthz", headers={"X-Request-ID": "req-00000001"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "festival.requests"]
    assert lines and lines[-1]["request_id"] == "req-00000001" and lines[-1]["status"] == 200


@pytest.mark.parametrize("path, endpoint", [
    ("/password/reset/{secret}", "accounts.reset_password"),
    ("/account/confirm/{secret}", "accounts.confirm_address"),
    ("/scan/pair/{secret}", "checkin.pair"),
])
def test_the_request_log_masks_the_secrets_of_a_path(test_environ, caplog, path, endpoint):
    import json
    import logging

    from festival.core.masking import MASK
    prod = make_app(dict(test_environ, FESTIVAL_ENV="production",
                         RATELIMIT_SINGLE_PROCESS="true"))
    secret = "Sup3r-s3cret_token-value"
    with caplog.at_level(logging.INFO, logger="festival.requests"):
        prod.test_client().get(path.format(secret=secret) + f"?secret={secret}")
    [line] = [json.loads(r.getMessage()) for r in caplog.records
              if r.name == "festival.requests"]
    assert secret not in json.dumps(line)
    assert line["path"] == path.format(secret=MASK) and line["endpoint"] == endpoint


@pytest.fixture
def limited(test_environ):
    application = make_app(dict(test_environ, RATE_LIMIT_LOGIN="3 per 2 seconds"),
                           RATELIMIT_ENABLED=True)
    yield application
    limiter.reset()


def test_login_limit_bites_and_lifts(limited):
    client = limited.test_client()
    form = {"email": "nobody@example.fr", "password": "wrong password"}
    codes = [client.post("/login", data=form).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/login").status_code == 200  # only attempts are counted
    import time
    time.sleep(2.1)  # the window passes
    assert client.post("/login", data=form).status_code == 200


def test_order_lookup_limit_answers_json(test_environ):
    application = make_app(dict(test_environ, RATE_LIMIT_ORDER_LOOKUP="2 per minute"),
                           RATELIMIT_ENABLED=True)
    client = application.test_client()
    try:
        answers = [client.get("/api/v1/orders/ABCDEFG") for _ in range(3)]
        assert [a.status_code for a in answers] == [404, 404, 429]
        assert answers[-1].get_json()["error"] == "too_many_requests"
        assert "Retry-After" in answers[-1].headers
    finally:
        limiter.reset()


def test_a_bad_limit_setting_is_refused(tmp_path):
    from festival.config import ConfigError, load_config
    with pytest.raises(ConfigError, match="RATE_LIMIT_LOGIN"):
        load_config({"RATE_LIMIT_LOGIN": "lots"}, tmp_path)


def test_pairing_codes_cannot_be_brute_forced(test_environ):
    application = make_app(dict(test_environ, RATE_LIMIT_PAIRING="3 per minute"),
                           RATELIMIT_ENABLED=True)
    client = application.test_client()
    try:
        codes = [client.get(f"/scan/pair/guess{n}").status_code for n in range(4)]
        assert codes[-1] == 429 and 429 not in codes[:3]
    finally:
        limiter.reset()


def test_checkin_search_is_limited(test_environ, app, api_token):
    application = make_app(dict(test_environ, RATE_LIMIT_CHECKIN_SEARCH="2 per minute"),
                           RATELIMIT_ENABLED=True)
    headers = api_token("volunteer")
    client = application.test_client()
    try:
        codes = [client.get("/api/v1/checkin/search?q=ab", headers=headers).status_code
                 for _ in range(3)]
        assert codes[-1] == 429 and 429 not in codes[:2]
    finally:
        limiter.reset()


# One application process: posts to /login with the environment it is given and prints the
# status codes, one per attempt.
_ATTEMPTS = """
import json, sys
from festival import create_app
environ, prefix, attempts = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
app = create_app({"ENVIRON": environ, "TESTING": True, "WTF_CSRF_ENABLED": False,
                  "RATELIMIT_KEY_PREFIX": prefix, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
client = app.test_client()
form = {"email": "nobody@example.fr", "password": "wrong password"}
print(json.dumps([client.post("/login", data=form).status_code for _ in range(attempts)]))
"""


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in the Redis at 127.0.0.1:6379, whose keys are deleted
    afterwards; skips (fails in CI) when no Redis answers there."""
    import os
    import secrets

    import redis
    connection = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        connection.ping()
    except redis.RedisError as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis at {REDIS_URL} cannot be reached: {error}", pytrace=False)
        pytest.skip(f"Redis at {REDIS_URL} cannot be reached: {error}")
    prefix = f"almoggar-test-{secrets.token_hex(6)}"
    yield connection, prefix
    keys = list(connection.scan_iter(match=f"*{prefix}*"))
    if keys:
        connection.delete(*keys)
    connection.close()


REDIS_URL = "redis://127.0.0.1:6379/0"


def test_two_processes_share_their_counts_in_redis(app, test_environ, redis_prefix):
    """A limit of 4 per minute holds across two application processes together: the second
    process sees the first one's three attempts in Redis."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    connection, prefix = redis_prefix
    environ = dict(test_environ, REDIS_URL=REDIS_URL, RATELIMIT_ENABLED="true",
                   RATE_LIMIT_LOGIN="4 per minute", PATH="/usr/bin:/bin")

    def attempts(n: int) -> list[int]:
        result = subprocess.run(
            [sys.executable, "-c", _ATTEMPTS, json.dumps(environ), prefix, str(n)],
            capture_output=True, text=True, timeout=120,
            cwd=Path(__file__).resolve().parents[2])
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    assert attempts(3) == [200, 200, 200]
    assert attempts(3) == [200, 429, 429]
    assert list(connection.scan_iter(match=f"*{prefix}*"))


@pytest.mark.parametrize("environ, starts", [
    ({}, False),
    ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, True),
    ({"RATELIMIT_SINGLE_PROCESS": "true"}, True),
    ({"RATELIMIT_ENABLED": "false"}, True),
])
def test_production_keeps_rate_limits_in_redis_unless_one_process_serves(
        tmp_path, environ, starts):
    from festival.config import ConfigError, load_config
    production = {"FESTIVAL_ENV": "production", "SECRET_KEY": "k" * 40,
                  "PUBLIC_URL": "https://billetterie.almoggar.example", **environ}
    if starts:
        assert load_config(production, tmp_path)["RATELIMIT_STORAGE_URI"] == (
            environ.get("REDIS_URL") or "memory://")
        return
    with pytest.raises(ConfigError, match="REDIS_URL must be set when FESTIVAL_ENV=production")\
            as info:
        load_config(production, tmp_path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("address, key", [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
    ("2001:DB8:1:3::1", "2001:db8:1:3::/64"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("fe80::1%eth0", "fe80::/64"),
    ("not an address", "not an address"),
    ("", ""),
])
def test_an_ipv6_client_is_counted_by_its_64(address, key):
    from festival.core.security import client_key
    assert client_key(address) == key


@pytest.fixture
def redis_down(app, test_environ):
    """Rate limits kept in a Redis that does not answer (nothing listens on its port)."""
    from tests.conftest import free_port
    url = f"redis://127.0.0.1:{free_port()}/0"
    application = make_app(dict(test_environ, REDIS_URL=url), RATELIMIT_ENABLED=True,
                           PROPAGATE_EXCEPTIONS=False, RATELIMIT_STORAGE_URI=url)
    limiter.enabled = True
    return application


def test_with_the_rate_limits_storage_down_a_limited_page_says_503(redis_down):
    client = redis_down.test_client()
    response = client.post("/login", data={"email": "someone@test.example",
                                           "password": "x" * 12})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "attempts cannot be counted right now" in response.get_data(as_text=True)
    assert client.get("/associations").status_code == 200  # pages without limits still work


def test_healthz_reports_the_rate_limits_storage(redis_down, test_environ):
    down = redis_down.test_client().get("/healthz")
    assert down.status_code == 503
    assert down.get_json() == {"status": "unavailable", "database": "ok",
                               "ratelimit": "unavailable"}
    url = "redis://127.0.0.1:6379/0"
    up = make_app(dict(test_environ, REDIS_URL=url), RATELIMIT_ENABLED=True,
                  RATELIMIT_STORAGE_URI=url)
    response = up.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json()["ratelimit"] == "ok"
