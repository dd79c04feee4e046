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


def make_app(test_environ, tmp_path_factory=None, **overrides):
    config = {
        "ENVIRON": dict(test_environ),
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
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
            db.engine.dispose()


@pytest.fixture(scope="session")
def app(test_environ, tmp_path_factory):
    application = make_app(test_environ,
                           UPLOAD_FOLDER=str(tmp_path_factory.mktemp("uploads")))
    from flask_migrate import upgrade
    with application.app_context():
        upgrade(directory=str(MIGRATIONS), revision="heads")
    return application


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
