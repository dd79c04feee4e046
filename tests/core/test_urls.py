"""Absolute links come from PUBLIC_URL alone (festival/core/urls.py)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from festival.core.urls import DEVELOPMENT_URL, absolute_url


def test_links_start_with_public_url_whatever_the_host(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://almoggar.example/festival")
    with app.test_request_context("/", headers={"Host": "127.0.0.1:8000"}):
        assert absolute_url("ticketing.order", code="AB7K", secret="s3", _anchor="tickets") \
            == "https://almoggar.example/festival/orders/AB7K?secret=s3#tickets"
    with app.app_context():  # the command line: no request at all
        assert absolute_url("core.home") == "https://almoggar.example/festival/"


def test_without_public_url_development_uses_the_checked_request_or_the_local_address(
        app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "")
    with app.test_request_context("/", base_url="http://127.0.0.1:5123"):
        assert absolute_url("core.home") == "http://127.0.0.1:5123/"
    with app.app_context():
        assert absolute_url("core.home") == f"{DEVELOPMENT_URL}/"


@pytest.mark.parametrize("environ, hosts", [
    ({}, ("localhost", "127.0.0.1")),
    ({"PUBLIC_URL": "https://Billetterie.almoggar.example:8443/"},
     ("localhost", "127.0.0.1", "billetterie.almoggar.example")),
    ({"ALLOWED_HOSTS": " app1.internal:8000, .almoggar.example ,",
      "PUBLIC_URL": "https://almoggar.example"},
     ("app1.internal", ".almoggar.example", "almoggar.example")),
])
def test_allowed_hosts_are_host_names_and_public_urls_host(tmp_path, environ, hosts):
    from festival.config import load_config
    assert load_config(environ, tmp_path)["ALLOWED_HOSTS"] == hosts


def test_a_bad_allowed_host_is_named(tmp_path):
    from festival.config import ConfigError, load_config
    with pytest.raises(ConfigError, match="ALLOWED_HOSTS must list host names"):
        load_config({"ALLOWED_HOSTS": "localhost, http://x/"}, tmp_path)


def test_without_public_url_the_command_line_links_to_the_port_served(test_environ):
    from tests.conftest import make_app
    application = make_app({**test_environ, "PUBLIC_URL": "", "PORT": "8123"})
    with application.app_context():
        assert absolute_url("core.home") == "http://127.0.0.1:8123/"


@pytest.mark.parametrize("environ, expected", [
    ({"PORT": "8123"}, "8123 http://127.0.0.1:8123"),
    ({}, "5000 http://127.0.0.1:5000"),
    ({"PORT": "8123", "PUBLIC_URL": "https://almoggar.example"},
     "8123 https://almoggar.example"),
])
def test_scripts_serve_makes_links_on_the_port_it_serves(environ, expected):
    """scripts/serve sets PUBLIC_URL on its PORT (when it is not set) before any command."""
    root = Path(__file__).resolve().parents[2]
    serve = (root / "scripts" / "serve").read_text()
    assert serve.index("local_addresses") < serve.index("flask_cmd")
    env = {key: value for key, value in os.environ.items()
           if key not in ("PORT", "PUBLIC_URL")} | environ
    shown = subprocess.run(
        ["bash", "-c", ('source scripts/lib/setup.sh && local_addresses && '
                        'echo "$PORT $PUBLIC_URL"')],
        cwd=root, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert shown == expected
