"""The door for volunteers who start alone: a scanner that is not paired says what to do,
every address of the scanner opens offline once visited, the camera keeps scanning after
any answer, and the torch button shows only where the camera has one."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SCANNER_ADDRESSES = ("/scan", "/scan/", "/scan?source=home-screen")


def test_an_unpaired_scanner_says_what_to_do_and_opens_offline(phone):
    page = phone
    page.goto("/scan/")
    page.wait_for_selector("#scan-unpaired", state="visible")
    assert page.locator("body").get_attribute("data-state") == "unpaired"
    assert page.locator("#scan-status-text").inner_text() != "Starting…"
    assert page.locator("#scan-camera").is_hidden()
    text = page.locator("#scan-unpaired").inner_text()
    assert "pairing link" in text
    start = page.locator("#scan-unpaired a[href='/scan/start']")
    assert start.is_visible()
    page.wait_for_selector('body[data-offline-ready="true"]')

    page.context.set_offline(True)
    for address in SCANNER_ADDRESSES:
        page.goto(address)  # from the service worker's cache
        page.wait_for_selector("#scan-unpaired", state="visible")
        assert page.locator("body").get_attribute("data-state") == "unpaired"
    page.context.set_offline(False)
