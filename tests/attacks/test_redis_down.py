"""Item 14's neighbour. With REDIS_URL set (as production must) and Redis unreachable for a
moment (restart, failover, network), every rate-limited page answers 500 with a traceback in
the log: login, forgot-password, the shop's POST, association applications, order pages.
GET /healthz still says ok (it only checks the database), so the load balancer keeps sending
buyers to a shop that fails. Expected: a clear 503 (or the documented fallback), and
/healthz reporting the rate-limit storage."""
from __future__ import annotations

import pytest

from tests.conftest import free_port, make_app


@pytest.fixture
def app_without_redis(test_environ):
    application = make_app(dict(test_environ, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"),
                           RATELIMIT_ENABLED=True, PROPAGATE_EXCEPTIONS=False,
                           RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0")
    return application


def test_login_with_redis_down_is_not_a_500(app, app_without_redis):
    from festival.core.security import limiter
    limiter.enabled = True
    response = app_without_redis.test_client().post(
        "/login", data={"email": "someone@test.example", "password": "x" * 12})
    assert response.status_code != 500


def test_healthz_reports_the_rate_limit_storage(app, app_without_redis):
    response = app_without_redis.test_client().get("/healthz")
    assert response.status_code == 503
