"""The Tamazight interface (tzm): written in Tifinagh, or in Latin letters when organisers set
TAMAZIGHT_SCRIPT=latn; chosen by the switcher or by browsers asking for tzm, zgh or shi;
dates in Tamazight; and every string not yet translated shown in French (never English),
with a note on the page."""
from __future__ import annotations

from datetime import date

import pytest
from babel.messages.pofile import read_po
from flask import g, render_template_string
from flask_babel import force_locale, gettext

from tests.conftest import make_app
from tests.mail.conftest import TRANSLATIONS

NOTE = 'class="untranslated-note"'


def _catalog(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po)


@pytest.fixture(scope="module")
def not_in_tamazight() -> tuple[str, str]:
    """A message the Tamazight catalogue does not have yet, and its French."""
    tamazight, french = _catalog("tzm"), _catalog("fr")
    for entry in french:
        if (entry.id and isinstance(entry.id, str) and not entry.context
                and "%" not in entry.id and not tamazight[entry.id].string):
            return entry.id, entry.string
    pytest.fail("every message is translated: pick another proof of the fallback")


@pytest.fixture
def latin_app(test_environ, compiled_translations, translated_app):
    return make_app({**test_environ, "TAMAZIGHT_SCRIPT": "latn"},
                    BABEL_TRANSLATION_DIRECTORIES=str(compiled_translations))


def test_a_missing_string_falls_back_to_french_and_is_noted(translated_app, not_in_tamazight):
    msgid, french = not_in_tamazight
    with translated_app.test_request_context("/"), force_locale("tzm"):
        assert gettext("Programme") == "ⴰⵀⵉⵍ"
        assert not g.get("untranslated")
        assert gettext(msgid) == french != msgid
        assert g.untranslated
    with translated_app.test_request_context("/"), force_locale("en"):
        assert gettext(msgid) == msgid  # English keeps its msgids


def test_a_page_with_french_left_says_so_in_tamazight(translated_app):
    client = translated_app.test_client()
    client.set_cookie("lang", "tzm")
    page = client.get("/login").get_data(as_text=True)  # the login form: not yet translated
    assert '<html lang="tzm-Tfng" dir="ltr">' in page
    assert NOTE in page and "ⵜⴰⵎⴰⵣⵉⵖⵜ" in page
    client.set_cookie("lang", "fr")
    assert NOTE not in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("header", ["tzm", "zgh", "shi-Tfng-MA", "shi-MA, fr;q=0.5",
                                    "en;q=0.2, zgh-MA;q=0.9"])
def test_browsers_asking_for_tamazight_get_it(translated_app, header):
    page = translated_app.test_client().get("/", headers={"Accept-Language": header})
    assert '<html lang="tzm-Tfng"' in page.get_data(as_text=True)


@pytest.mark.parametrize("header", ["ar;q=0", "tzm;q=0", "shi-MA;q=0.0, *;q=0.5",
                                    "ar;q=0, en;q=0.3"])
def test_a_language_the_browser_refuses_is_never_chosen(translated_app, header):
    """q=0 says "not this one" (RFC 9110, 12.4.2): the next acceptable, else French."""
    page = translated_app.test_client().get("/", headers={"Accept-Language": header})
    expected = "en" if "en;" in header else "fr"
    assert f'<html lang="{expected}"' in page.get_data(as_text=True)


def test_other_languages_are_chosen_as_before(translated_app):
    client = translated_app.test_client()
    assert '<html lang="ar"' in client.get("/", headers={"Accept-Language": "ar-MA, fr;q=0.5"}
                                           ).get_data(as_text=True)
    assert '<html lang="fr"' in client.get("/", headers={"Accept-Language": "de, kab;q=0.5"}
                                           ).get_data(as_text=True)


def test_the_switcher_offers_tamazight(translated_app):
    client = translated_app.test_client()
    page = client.get("/").get_data(as_text=True)
    assert 'hreflang="tzm-Tfng"' in page and "ⵜⴰⵎⴰⵣⵉⵖⵜ" in page
    client.get("/lang/tzm")
    assert '<html lang="tzm-Tfng"' in client.get("/").get_data(as_text=True)


def test_dates_and_prices_in_tifinagh_or_latin(translated_app, latin_app):
    template = "{{ day|day('EEEE d MMMM y') }} · {{ 1250|money }}"
    for application, expected in ((translated_app, "ⴰⵙⵉⴹⵢⴰⵙ 15 ⵎⴰⵢⵢⵓ 2027"),
                                  (latin_app, "Asiḍyas 15 Mayyu 2027")):
        with application.test_request_context("/"), force_locale("tzm"):
            shown = render_template_string(template, day=date(2027, 5, 15))
        assert shown.startswith(expected) and "12,50" in shown, shown


def test_the_latin_setting_transcribes_the_catalogue(latin_app, not_in_tamazight):
    client = latin_app.test_client()
    client.set_cookie("lang", "tzm")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="tzm-Latn"' in page and "Tamaziɣt" in page
    assert not any("\u2d30" <= char <= "\u2d7f" for char in page)
    with latin_app.test_request_context("/"), force_locale("tzm"):
        assert gettext("Programme") == "Ahil"
        assert gettext("or") == "niɣd"  # a capital only where the English has one
        assert gettext("Hello %(name)s,", name="Amina") == "Azul Amina,"
        assert gettext(not_in_tamazight[0]) == not_in_tamazight[1]


def test_a_bad_script_setting_stops_the_start(test_environ):
    from festival.config import ConfigError, load_config
    with pytest.raises(ConfigError, match="TAMAZIGHT_SCRIPT"):
        load_config({**test_environ, "TAMAZIGHT_SCRIPT": "arab"})


def test_the_confirmation_e_mail_in_tamazight(translated_app):
    from sqlalchemy import select

    from festival.extensions import db
    from festival.mail.models import OutboxMessage
    from festival.mail.rendering import render
    from festival.ticketing import catalog, orders
    from festival.ticketing.models import PaymentMethod
    from tests import factories
    with translated_app.app_context():
        edition = factories.gen_edition(status="on_sale")
        catalog.set_venue_capacity(edition, 100)
        ticket_type = catalog.create_ticket_type(edition, {
            "name": {"fr": "Pass festival", "tzm": "ⵜⴰⵡⵔⵉⵇⵜ ⵏ ⵓⵏⵎⵓⴳⴳⴰⵔ"}, "price_cents": 1500,
            "quota": 10, "requires_attendee_name": False})
        order = orders.create_order(edition, buyer_name="Amina", email="amina@example.fr",
                                    items=[orders.Item(ticket_type.id, 1)], language="tzm",
                                    terms_accepted=True)
        orders.mark_paid(order, PaymentMethod.DEMO)
        message = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.to_address == "amina@example.fr")).one()
        render(message)
        assert message.subject.startswith("ⵜⵉⵡⵔⵉⵇⵉⵏ ⵏⵏⴽ ⵉ ")  # "Your tickets for …"
        assert '<html lang="tzm-Tfng" dir="ltr">' in message.html_body
        assert "Noto Sans Tifinagh" in message.html_body
        for body in (message.text_body, message.html_body):
            assert "ⴰⵣⵓⵍ Amina," in body and "ⵜⴰⵡⵔⵉⵇⵜ ⵏ ⵓⵏⵎⵓⴳⴳⴰⵔ" in body
            assert "Your tickets" not in body and "Vos billets" not in body
        db.session.rollback()
