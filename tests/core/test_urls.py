"""Absolute links come from PUBLIC_URL alone (festival/core/urls.py)."""
from __future__ import annotations

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
