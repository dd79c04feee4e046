"""Fixtures: one database per test run (SQLite, or PostgreSQL with TEST_DATABASE_URL),
migrated once, emptied after every test; an application, its client and an auth helper."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from festival import MIGRATIONS, create_app
from festival.extensions import db
from tests import factories

IN_CI = os.environ.get("CI", "").lower() == "true"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def _create_postgres_database(base_url: str) -> tuple[str, str]:
    import psycopg

    url = make_url(base_url.replace("postgresql+psycopg://", "postgresql://"))
    name = f"almoggar_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        message = f"PostgreSQL at TEST_DATABASE_URL cannot be reached: {error}"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    test_url = url.set(drivername="postgresql+psycopg", database=name)
    return admin, test_url.render_as_string(hide_password=False)


def _drop_postgres_database(admin: str, url: str) -> None:
    import psycopg

    name = make_url(url).database
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    admin, url = _create_postgres_database(base)
    yield url
    _drop_postgres_database(admin, url)


@pytest.fixture(scope="session")
def test_environ(database_url, tmp_path_factory):
    """The environment the application reads, as in production but for tests."""
    return {
        "FESTIVAL_ENV": "development",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "PUBLIC_URL": "http://localhost",
    }


_made_apps: list = []


_NO_TRANSLATIONS = Path(__file__).resolve().parent / "_no_translations"


def make_app(test_environ, tmp_path_factory=None, **overrides):
    # Tests read the English msgids whatever the page language; tests of the translations
    # themselves make an app with the real catalogues (tests/mail/conftest.py, tests/i18n).
    config = {
        "BABEL_TRANSLATION_DIRECTORIES": str(_NO_TRANSLATIONS),
        "ENVIRON": dict(test_environ),
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_ENABLED": False,  # tests/core/test_security.py turns them on
    }
    config.update(overrides)
    application = create_app(config)
    _made_apps.append(application)
    return application


@pytest.fixture(scope="session", autouse=True)
def _dispose_engines(database_url):
    """Close every pooled connection before the test database is dropped."""
    yield
    for application in _made_apps:
        with application.app_context():
            for engine in db.engines.values():
                engine.dispose()


@pytest.fixture(scope="session")
def app(test_environ, tmp_path_factory):
    application = make_app(test_environ,
                           UPLOAD_FOLDER=str(tmp_path_factory.mktemp("uploads")),
                           CACHE_FOLDER=str(tmp_path_factory.mktemp("cache")))
    from flask_migrate import upgrade
    with application.app_context():
        upgrade(directory=str(MIGRATIONS), revision="head")
    return application


@pytest.fixture
def old_app(test_environ, tmp_path):
    """An application on an empty database of its own, for migration tests: they upgrade it
    to an old revision, write rows as they were then (tests/old_rows.py) and migrate on."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    admin = None
    if base:
        admin, url = _create_postgres_database(base)
    else:
        url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    application = make_app({**test_environ, "DATABASE_URL": url})
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    if admin:
        _drop_postgres_database(admin, url)


@pytest.fixture
def postgres(app):
    """Skips the test on SQLite: what it proves (concurrency, PostgreSQL's own statements) is
    proven on PostgreSQL, with TEST_DATABASE_URL (as CI does)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("proven on PostgreSQL (TEST_DATABASE_URL)")


@pytest.fixture(autouse=True)
def _empty_database(request):
    """After each test that used the database, delete every row (migrations stay)."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables)]
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            with db.engine.begin() as conn:
                for table in tables:
                    conn.execute(table.delete())
        db.session.remove()


@pytest.fixture
def ctx(app):
    """An application context, for tests that call services directly."""
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = factories.PASSWORD):
        return self._client.post("/login", data={"email": email, "password": password})

    def login_as(self, role: str, **kwargs):
        user = factories.user_in_db(self._client.application, role, **kwargs)
        response = self.login(user["email"])
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def api_token(app):
    """Make a bearer token of a role: `headers = api_token('organiser')`."""
    def make(role: str) -> dict[str, str]:
        from festival.accounts.services import create_api_token
        with app.app_context():
            _, plain = create_api_token(f"test {role}", role)
            db.session.commit()
        return {"Authorization": f"Bearer {plain}"}
    return make


@pytest.fixture(scope="session")
def shared_dir():
    """The shared schemas folder; only the schedule conformance tests read it."""
    if not (SHARED / "schemas").is_dir():
        pytest.skip("../shared/schemas is absent (a fresh clone): conformance check skipped")
    return SHARED


@pytest.fixture(scope="session")
def stripe_server():
    """The local Stripe API double, started once (tests/stripe_double.py); tests that do
    not need the app reset it themselves. Most tests want `stripe_double`."""
    from tests.stripe_double import StripeDouble
    double = StripeDouble().start()
    yield double
    double.stop()


_STRIPE_SETTINGS = ("STRIPE_SECRET_KEY", "STRIPE_API_BASE", "STRIPE_WEBHOOK_SECRET",
                    "DEMO_PAYMENTS")


@pytest.fixture
def stripe_double(app, stripe_server):
    """The local Stripe API double, emptied, with the app's Stripe settings pointing at it
    for this test (restored afterwards). See tests/stripe_double.py."""
    stripe_server.reset()
    saved = {name: app.config.get(name) for name in _STRIPE_SETTINGS}
    app.config.update(STRIPE_SECRET_KEY=stripe_server.secret_key,
                      STRIPE_API_BASE=stripe_server.base_url,
                      STRIPE_WEBHOOK_SECRET=stripe_server.webhook_secret,
                      DEMO_PAYMENTS=False)
    yield stripe_server
    app.config.update(saved)
    stripe_server.reset()


class SmtpSink:
    """An aiosmtpd handler keeping what it receives, parsed with the email package."""

    def __init__(self):
        self.messages: list = []      # email.message.EmailMessage, in order of arrival
        self.envelopes: list = []     # (mail_from, [rcpt_tos])
        self.refuse: set[str] = set()  # recipients answered with a permanent 550
        self.defer: set[str] = set()   # recipients answered with a temporary 451
        self.refuse_senders: set[str] = set()  # envelope senders answered with a 550

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address in self.refuse_senders:
            return "550 5.7.1 Sender not allowed"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        if address in self.defer:
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content,
                                                policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on loopback; the app sends to it for the test's duration."""
    from aiosmtpd.controller import Controller
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    keys = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME",
            "MAIL_PASSWORD")
    saved = {key: app.config[key] for key in keys}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                      MAIL_USE_SSL=False, MAIL_USERNAME="", MAIL_PASSWORD="")
    sink.port = controller.port
    try:
        yield sink
    finally:
        app.config.update(saved)
        controller.stop()


class LiveServer:
    """The address of the live server; `live_server("/path")` gives a page's URL."""

    def __init__(self, url: str):
        self.url = url

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture(scope="session")
def live_server(app):
    """The session's test application (same database as the other fixtures) served over HTTP
    from a thread on a free port: for the browser tests and the API contract run."""
    import threading

    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(autouse=True)
def _rate_limits_off_again():
    """The Limiter is one object shared by every app: a test that makes an app with
    RATELIMIT_ENABLED=True turns the limits on for the apps of later tests too. Turn them off
    again (and forget the counts) after each test."""
    yield
    from festival.core.security import limiter
    if limiter.enabled:
        limiter.enabled = False
        try:
            limiter.reset()
        except Exception:  # not initialised: nothing was counted
            pass
