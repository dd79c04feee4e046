"""The foundation's pages in a real browser: phone layout, keyboard menu, language, log in."""
import pytest

from tests import factories
from tests.browser.conftest import assert_no_horizontal_overflow

pytestmark = pytest.mark.browser


@pytest.fixture
def members(app):
    from festival.extensions import db
    with app.app_context():
        for name in ("Association Ouijjane pour le Développement et la Solidarité",
                     "Espoir du Sud", "Afoulki France"):
            factories.gen_association(name=name, short_description="Éducation et solidarité "
                                      "dans la province de Tiznit", city="Montreuil")
        db.session.commit()


@pytest.mark.parametrize("path", ["/", "/login", "/legal", "/associations"])
def test_phone_pages_have_no_horizontal_overflow(phone, members, screenshot, path):
    response = phone.goto(path)
    assert response.status == 200
    assert_no_horizontal_overflow(phone)
    screenshot(phone, f"phone-{path.strip('/') or 'home'}")


def test_phone_menu_opens_and_closes_with_the_keyboard(phone, screenshot):
    phone.goto("/")
    menu = phone.locator("details.menu")
    first_link = menu.locator("nav a").first
    assert not first_link.is_visible()
    for _ in range(6):  # skip link, brand, then the menu's button
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.matches('details.menu > summary')"):
            break
    else:
        pytest.fail("the menu button cannot be reached with Tab")
    phone.keyboard.press("Enter")
    assert menu.evaluate("el => el.open") and first_link.is_visible()
    screenshot(phone, "phone-menu-open")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.closest('details.menu nav') !== null")
    phone.keyboard.press("Shift+Tab")
    phone.keyboard.press("Enter")
    assert not menu.evaluate("el => el.open") and not first_link.is_visible()


def test_language_switch_is_remembered_across_pages(phone, screenshot):
    phone.goto("/")
    html = phone.locator("html")
    assert html.get_attribute("lang") == "fr" and html.get_attribute("dir") == "ltr"
    phone.click(".lang-switch a[hreflang='en']")
    assert html.get_attribute("lang") == "en"
    phone.goto("/associations")
    assert html.get_attribute("lang") == "en" and html.get_attribute("dir") == "ltr"
    phone.click(".lang-switch a[hreflang='ar']")
    assert phone.url.endswith("/associations")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    phone.goto("/login")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "phone-login-ar")


def test_admin_logs_in_through_the_form_and_reaches_users(laptop, app, screenshot):
    admin = factories.user_in_db(app, "admin")
    laptop.goto("/admin/users")
    assert "/login" in laptop.url  # not logged in yet: sent to the form
    laptop.fill("#email", admin["email"])
    laptop.fill("#password", factories.PASSWORD)
    laptop.press("#password", "Enter")
    laptop.wait_for_url("**/admin/users")
    assert laptop.locator("table").get_by_text(admin["email"]).is_visible()
    assert laptop.locator(".flash-success").is_visible()
    screenshot(laptop, "laptop-admin-users")
