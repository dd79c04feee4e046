"""The receipt settings: off by default, and when on, the details a receipt needs."""
from __future__ import annotations

import pytest

from festival.config import ConfigError, load_config

ON = {"RECEIPTS_ENABLED": "true", "RECEIPT_OBJECT": "Solidarité avec le Souss-Massa",
      "RECEIPT_SIGNATORY_NAME": "Fatima Ait Lahcen", "RECEIPT_SIGNATORY_ROLE": "Trésorière"}


def test_receipts_are_off_by_default_and_fall_back_to_the_seller(tmp_path):
    config = load_config({}, tmp_path)
    assert config["RECEIPTS_ENABLED"] is False
    assert config["RECEIPT_REGISTRATION"] == config["SELLER_REGISTRATION"]
    assert config["RECEIPT_ADDRESS"] == config["SELLER_ADDRESS"]
    assert config["RECEIPT_CGI_ARTICLES"] == ("200",)


def test_enabled_receipts_read_their_details(tmp_path):
    config = load_config({**ON, "RECEIPT_CGI_ARTICLES": "200, 238 bis",
                          "RECEIPT_REGISTRATION": "SIREN 123 456 789"}, tmp_path)
    assert config["RECEIPTS_ENABLED"] is True
    assert config["RECEIPT_CGI_ARTICLES"] == ("200", "238 bis")
    assert config["RECEIPT_REGISTRATION"] == "SIREN 123 456 789"


@pytest.mark.parametrize("environ, message", [
    ({**ON, "RECEIPT_SIGNATORY_NAME": ""}, "RECEIPT_SIGNATORY_NAME must be set"),
    ({"RECEIPTS_ENABLED": "true"}, "RECEIPT_OBJECT must be set"),
    ({**ON, "RECEIPT_CGI_ARTICLES": "201"}, "RECEIPT_CGI_ARTICLES must be"),
    ({**ON, "RECEIPT_OBJECT": "<b>"}, "RECEIPT_OBJECT must be one line"),
    ({"RECEIPTS_ENABLED": "maybe"}, "RECEIPTS_ENABLED must be true or false"),
])
def test_bad_receipt_settings_stop_with_one_line(tmp_path, environ, message):
    with pytest.raises(ConfigError, match=message):
        load_config(environ, tmp_path)
