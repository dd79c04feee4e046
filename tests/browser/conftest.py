"""Browser tests: the session's test application served over HTTP from a thread, driven by
Debian's Chromium through Playwright. One browser per session, a fresh context per test.

Without /usr/bin/chromium or the playwright package the tests are skipped locally, and fail
in CI (CI=true), where they are required."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
IN_CI = os.environ.get("CI", "").lower() == "true"
# Playwright's device descriptors ("Pixel 5", "iPhone 13"…), read once the browser starts.
DEVICES: dict[str, dict] = {}
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def assert_no_horizontal_overflow(page) -> None:
    """Nothing sticks out sideways. On a phone, Chromium widens the layout viewport to fit
    content that overflows, so innerWidth is compared with the viewport's width as well."""
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth,"
                           " inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"] <= page.viewport_size["width"], (
        f"{page.url} is wider than the screen: {widths}, viewport {page.viewport_size}")


def _unavailable() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing: apt-get install chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: pip install -e '.[test]'"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _unavailable()
    if reason:
        if IN_CI:
            pytest.fail(f"browser tests are required in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        DEVICES.update(playwright.devices)
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    return context, page


@pytest.fixture(autouse=True)
def _links_to_the_live_server(request, monkeypatch):
    """Absolute links (Stripe's return URLs, e-mails, pairing links) lead to the served
    application, as PUBLIC_URL does in production."""
    if "live_server" in request.fixturenames:
        app, server = request.getfixturevalue("app"), request.getfixturevalue("live_server")
        monkeypatch.setitem(app.config, "PUBLIC_URL", server.url)


@pytest.fixture
def phone(browser, live_server):
    """A 360-px touch phone (French browser), in a context of its own."""
    context, page = _page(browser, live_server, viewport={"width": 360, "height": 740},
                          is_mobile=True, has_touch=True, device_scale_factor=2)
    yield page
    context.close()
    assert page.js_errors == [], page.js_errors


def device_page(browser, live_server, device: str, **options):
    """(context, page) emulating one of Playwright's device descriptors, in French; the
    caller closes the context. `options` add to or replace the descriptor's."""
    descriptor = {k: v for k, v in DEVICES[device].items() if k != "default_browser_type"}
    return _page(browser, live_server, **{**descriptor, **options})


@pytest.fixture
def laptop(browser, live_server):
    """A 1280×800 laptop (French browser), in a context of its own."""
    context, page = _page(browser, live_server, viewport={"width": 1280, "height": 800})
    yield page
    context.close()
    assert page.js_errors == [], page.js_errors


@pytest.fixture
def screenshot(tmp_path):
    """`screenshot(page, name)`: a full-page PNG in the test's tmp dir, and in $SCREENSHOT_DIR
    when it is set, for a person to look at. Returns the path in the tmp dir."""
    wanted = os.environ.get("SCREENSHOT_DIR", "")

    def take(page, name: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"
        path = tmp_path / f"{safe}.png"
        page.screenshot(path=str(path), full_page=True)
        if wanted:
            Path(wanted).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, Path(wanted) / path.name)
        return path
    return take
