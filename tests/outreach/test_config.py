"""MAIL_UNSUBSCRIBE_TO: one address, or nothing."""
from __future__ import annotations

import pytest

from festival.config import ConfigError, load_config


def test_the_unsubscribe_mailbox_is_one_address(tmp_path):
    assert load_config({}, tmp_path)["MAIL_UNSUBSCRIBE_TO"] == ""
    assert load_config({"MAIL_UNSUBSCRIBE_TO": " stop@almoggar.example "}, tmp_path)[
        "MAIL_UNSUBSCRIBE_TO"] == "stop@almoggar.example"
    for bad in ("stop", "a@b.example, c@d.example", "a@b.example?subject=x", "<a@b.example>"):
        with pytest.raises(ConfigError, match="MAIL_UNSUBSCRIBE_TO"):
            load_config({"MAIL_UNSUBSCRIBE_TO": bad}, tmp_path)
