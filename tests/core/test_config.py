import subprocess
import sys
from pathlib import Path

import pytest

from festival.config import ConfigError, load_config, normalise_database_url


def test_defaults_to_sqlite_under_instance_and_keeps_a_generated_key(tmp_path):
    first = load_config({}, tmp_path)
    assert first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path.resolve()}/almoggar.sqlite"
    assert first["FESTIVAL_ENV"] == "development"
    assert len(first["SECRET_KEY"]) >= 32
    assert load_config({}, tmp_path)["SECRET_KEY"] == first["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("raw, expected", [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_are_normalised(raw, expected):
    assert normalise_database_url(raw) == expected


@pytest.mark.parametrize("environ, message", [
    ({"FESTIVAL_ENV": "staging"}, "FESTIVAL_ENV must be development or production"),
    ({"FESTIVAL_ENV": "production"}, "SECRET_KEY must be set"),
    ({"SECRET_KEY": "short"}, "at least 16 characters"),
    ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL must start with"),
    ({"MAIL_PORT": "abc"}, "MAIL_PORT must be a whole number"),
    ({"MAIL_PORT": "70000"}, "MAIL_PORT must be between 1 and 65535"),
    ({"MAIL_USE_TLS": "maybe"}, "MAIL_USE_TLS must be true or false"),
    ({"MAIL_USE_TLS": "1", "MAIL_USE_SSL": "1"}, "cannot both be true"),
    ({"STRIPE_SECRET_KEY": "pk_live_x"}, "STRIPE_SECRET_KEY must start with sk_"),
    ({"STRIPE_API_BASE": "localhost:1"}, "STRIPE_API_BASE must be an http"),
    ({"PUBLIC_URL": "billetterie.almoggar.example"}, "PUBLIC_URL must start with http"),
    ({"PUBLIC_URL": "https://"}, "PUBLIC_URL must start with http"),
])
def test_bad_values_are_named_in_one_line(tmp_path, environ, message):
    with pytest.raises(ConfigError, match=message) as info:
        load_config(environ, tmp_path)
    assert "\n" not in str(info.value)


PRODUCTION = {"FESTIVAL_ENV": "production", "SECRET_KEY": "k" * 40,
              "REDIS_URL": "redis://127.0.0.1:6379/0",
              "PUBLIC_URL": "https://billetterie.almoggar.example"}


def test_production_refuses_to_start_without_public_url(tmp_path):
    """Links would otherwise follow the Host a client sends."""
    environ = {k: v for k, v in PRODUCTION.items() if k != "PUBLIC_URL"}
    with pytest.raises(ConfigError, match="PUBLIC_URL must be set when FESTIVAL_ENV=production"
                       ) as info:
        load_config(environ, tmp_path)
    assert "\n" not in str(info.value)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "festival", "routes"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
             **environ}, capture_output=True, text=True,
        cwd=tmp_path, timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "almoggar: configuration error: " + str(info.value)]


def test_production_needs_no_demo_payments_and_secure_cookies(tmp_path):
    config = load_config(PRODUCTION, tmp_path)
    assert config["DEMO_PAYMENTS"] is False
    assert config["SESSION_COOKIE_SECURE"] is True
    with pytest.raises(ConfigError, match="DEMO_PAYMENTS cannot be enabled"):
        load_config(dict(PRODUCTION, DEMO_PAYMENTS="true"), tmp_path)


def test_a_bad_setting_stops_the_command_line_with_one_clear_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "festival", "routes"],
        env={"FESTIVAL_ENV": "production", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode != 0
    assert "almoggar: configuration error: SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_postgresql_gets_the_door_engine_and_sqlite_none(tmp_path):
    """The scan at the door has an engine of its own on PostgreSQL: autocommit (its one
    statement is atomic by itself) and no ping before each use (checkin.services._alone
    sends a scan again on a lost connection when the retry is recognisable)."""
    assert load_config({}, tmp_path)["SQLALCHEMY_BINDS"] == {}
    url = "postgresql://u@h:5432/db"
    binds = load_config({"DATABASE_URL": url}, tmp_path)["SQLALCHEMY_BINDS"]
    assert binds == {"door": {"url": normalise_database_url(url),
                              "isolation_level": "AUTOCOMMIT", "pool_pre_ping": False,
                              "pool_reset_on_return": None}}


def test_the_legal_details_have_demo_values_marked_as_examples_until_set(tmp_path):
    demo = load_config({}, tmp_path)
    assert demo["SELLER_NAME"] == "Coordination N’Souss Massa (CNSM)"
    assert "SELLER_NAME" in demo["LEGAL_EXAMPLES"] and "HOSTING_NAME" in demo["LEGAL_EXAMPLES"]
    assert demo["SELLER_VAT_NUMBER"] == "" and "SELLER_VAT_NUMBER" not in demo["LEGAL_EXAMPLES"]
    given = load_config({"SELLER_NAME": "  CNSM   Paris ", "HOSTING_CONTACT": "+33 9 00 00 00 00",
                         "SELLER_EMAIL": "bureau@cnsm.example"}, tmp_path)
    assert given["SELLER_NAME"] == "CNSM Paris"  # one line, as the pages show it
    assert given["SELLER_EMAIL"] == "bureau@cnsm.example"
    assert {"SELLER_NAME", "HOSTING_CONTACT", "SELLER_EMAIL"}.isdisjoint(given["LEGAL_EXAMPLES"])
    assert "SELLER_ADDRESS" in given["LEGAL_EXAMPLES"]


@pytest.mark.parametrize("environ, message", [
    ({"SELLER_EMAIL": "not an address"}, "SELLER_EMAIL must be an e-mail address"),
    ({"SELLER_NAME": "x" * 301}, "SELLER_NAME must be one line of at most 300 characters"),
    ({"HOSTING_NAME": "<b>Host</b>"}, "HOSTING_NAME must be one line"),
])
def test_bad_legal_details_stop_the_start(tmp_path, environ, message):
    with pytest.raises(ConfigError, match=message):
        load_config(environ, tmp_path)


def test_the_delays_and_limits_of_order_changes(tmp_path):
    default = load_config({}, tmp_path)
    assert (default["ORDER_CHANGES_CLOSE_HOURS"], default["TRANSFERS_PER_TICKET"],
            default["TRANSFERS_PER_ORDER"]) == (48, 3, 10)
    assert default["RATE_LIMIT_ORDER_CHANGE"] == "10 per minute; 30 per hour"
    given = load_config({"ORDER_CHANGES_CLOSE_HOURS": "0", "TRANSFERS_PER_TICKET": "0"},
                        tmp_path)
    assert (given["ORDER_CHANGES_CLOSE_HOURS"], given["TRANSFERS_PER_TICKET"]) == (0, 0)


@pytest.mark.parametrize("environ, message", [
    ({"ORDER_CHANGES_CLOSE_HOURS": "-1"}, "ORDER_CHANGES_CLOSE_HOURS must be between 0 and 720"),
    ({"ORDER_CHANGES_CLOSE_HOURS": "deux jours"}, "ORDER_CHANGES_CLOSE_HOURS must be a whole"),
    ({"TRANSFERS_PER_TICKET": "21"}, "TRANSFERS_PER_TICKET must be between 0 and 20"),
    ({"TRANSFERS_PER_ORDER": "1000"}, "TRANSFERS_PER_ORDER must be between 0 and 200"),
    ({"RATE_LIMIT_ORDER_CHANGE": "often"}, "RATE_LIMIT_ORDER_CHANGE must read like"),
])
def test_bad_order_change_settings_stop_the_start(tmp_path, environ, message):
    with pytest.raises(ConfigError, match=message):
        load_config(environ, tmp_path)
