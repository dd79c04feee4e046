"""What organisers write, in every language: French in its column (the fallback), the other
languages beside it; read in the reader's language on pages, in the shop, the API and the
PDF tickets; a missing translation shown to organisers, never an empty text to the public."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from festival.core.errors import ValidationError
from festival.core.translated import gaps
from festival.editions import services as edition_services
from festival.extensions import db
from festival.ticketing import catalog, orders
from festival.ticketing.models import PaymentMethod, TicketType
from festival.ticketing.printing import order_pdf
from tests.ticketing.conftest import edition, make_edition  # noqa: F401 (fixtures)

NAMES = {"fr": "Pass festival (2 jours)", "en": "Festival pass (2 days)",
         "ar": "تذكرة المهرجان (يومان)"}


def _type(an_edition, **texts):
    return catalog.create_ticket_type(an_edition, {
        "name": texts.get("name", NAMES), "price_cents": 2500, "quota": 10,
        "description": texts.get("description", {"fr": "Entrée les deux jours.",
                                                 "ar": "الدخول خلال اليومين."})})


def test_a_text_is_read_in_the_readers_language_else_in_french(edition):
    ticket_type = _type(edition)
    for language, expected in (("ar", NAMES["ar"]), ("en", NAMES["en"]), ("fr", NAMES["fr"])):
        with force_locale(language):
            assert ticket_type.name == expected
    with force_locale("en"):  # no English description: French, never an empty text
        assert ticket_type.description == "Entrée les deux jours."
    assert ticket_type.texts_of("description") == {"fr": "Entrée les deux jours.",
                                                   "ar": "الدخول خلال اليومين."}
    assert ticket_type.missing_languages("description") == ["en", "tzm"]
    # in SQL the field is the French column, and rows are read back by the field's name
    row = db.session.execute(select(TicketType.id, TicketType.name)
                             .where(TicketType.name == NAMES["fr"])).one()
    assert (row.id, row.name) == (ticket_type.id, NAMES["fr"])


def test_a_string_sets_french_and_keeps_the_other_languages(edition):
    ticket_type = _type(edition)
    catalog.update_ticket_type(edition, ticket_type, {"name": "Pass 2 jours"})
    assert ticket_type.texts_of("name") == {**NAMES, "fr": "Pass 2 jours"}
    catalog.update_ticket_type(edition, ticket_type, {"name": {"fr": "Pass", "ar": ""}})
    assert ticket_type.texts_of("name") == {"fr": "Pass"}  # an object replaces every language


@pytest.mark.parametrize("name, field", [
    ({"en": "Only English"}, "name"), ({"fr": "Pass", "ar": "x" * 121}, "name_ar"),
    ({"fr": "Pass", "de": "Pass"}, "name"), ({"fr": "Pass", "en": 12}, "name_en"),
    ({"fr": "Pass", "ar": "\u202eevil"}, "name_ar"),
])
def test_bad_texts_are_refused_on_their_language(edition, name, field):
    with pytest.raises(ValidationError) as refused:
        _type(edition, name=name)
    assert field in refused.value.fields


def test_organisers_see_what_is_missing(edition):
    edition_services.update_edition(edition, {"title": {"fr": "Festival", "ar": "مهرجان"},
                                              "tagline": "Deux jours"}, actor=None)
    ticket_type = _type(edition)
    # title, tagline, description (and the name in Tamazight)
    assert gaps([edition, ticket_type]) == {"en": 3, "ar": 1, "tzm": 4}


def test_the_shop_and_the_api_in_arabic(app, client):
    with app.app_context():
        an_edition = make_edition()
        edition_services.update_edition(an_edition, {"title": {"fr": "Festival Almoggar",
                                                               "ar": "مهرجان أموكار"}},
                                        actor=None)
        ticket_type = _type(an_edition)
        db.session.commit()
        year, type_id = an_edition.year, ticket_type.id
    client.set_cookie("lang", "ar")
    shop = client.get(f"/{year}/tickets").get_data(as_text=True)
    assert NAMES["ar"] in shop and "مهرجان أموكار" in shop and NAMES["fr"] not in shop
    client.set_cookie("lang", "en")
    assert NAMES["en"] in client.get(f"/{year}/tickets").get_data(as_text=True)
    listed = client.get(f"/api/v1/editions/{year}/ticket-types",
                        headers={"Accept-Language": "ar"}).get_json()["ticket_types"][0]
    assert listed["texts"]["name"] == NAMES and listed["id"] == type_id


def test_the_pdf_ticket_prints_the_name_in_the_buyers_language(edition, tmp_path: Path):
    ticket_type = _type(edition)
    order = orders.create_order(edition, buyer_name="Amina", email="amina@example.fr",
                                items=[orders.Item(ticket_type.id, 1, ["Amina Tazi"])],
                                language="ar", terms_accepted=True)
    orders.mark_paid(order, PaymentMethod.BANK_TRANSFER)
    path = tmp_path / "ticket.pdf"
    path.write_bytes(order_pdf(order))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    assert "المهرجان" in text and "Pass festival" not in text


def test_organisers_on_arabic_pages_save_the_french_text_back(app, client, auth):
    """A form is filled with the French texts whatever the page's language, so a room saved
    unchanged from the Arabic back office keeps its French name; a session's form writes
    each language."""
    from festival.editions.models import ProgrammeSession, Room
    from tests import factories

    with app.app_context():
        an_edition = factories.gen_edition(status="published")
        room = factories.gen_room(an_edition, name="Grande salle")
        room.set_texts("name", {"fr": "Grande salle", "ar": "القاعة الكبرى"}, {},
                       max_length=120)
        session = factories.gen_session(an_edition, room, title="L'eau")
        db.session.commit()
        year, room_id, session_id = an_edition.year, room.id, session.id
    auth.login_as("organiser")
    client.set_cookie("lang", "ar")
    page = client.get(f"/manage/editions/{year}/rooms/{room_id}").get_data(as_text=True)
    assert 'value="Grande salle"' in page and 'value="القاعة الكبرى"' in page
    saved = client.post(f"/manage/editions/{year}/rooms/{room_id}", data={
        "name": "Grande salle", "name_ar": "القاعة الكبرى", "description": "",
        "capacity": "100", "opens_at": "09:00", "closes_at": "23:30", "venue_id": "0",
        "position": "0", "overflow_room_id": "0", "stream_url": ""})
    assert saved.status_code in (302, 303)
    form = client.get(f"/manage/editions/{year}/sessions/{session_id}").get_data(as_text=True)
    assert 'name="title_ar"' in form and 'value="L&#39;eau"' in form
    with app.app_context():
        room = db.session.get(Room, room_id)
        assert room.texts_of("name") == {"fr": "Grande salle", "ar": "القاعة الكبرى"}
        session = db.session.get(ProgrammeSession, session_id)
        assert session.texts_of("title") == {"fr": "L'eau"}


def test_an_optional_text_in_another_language_needs_its_french_too(edition):
    """French is the fallback: an optional text written only in Arabic would show Arabic to
    the French, English and Tamazight readers, and no missing translation to organisers."""
    with pytest.raises(ValidationError) as refused:
        _type(edition, description={"ar": "الدخول خلال اليومين."})
    assert set(refused.value.fields) == {"description"}
    with pytest.raises(ValidationError) as refused:
        edition_services.update_edition(edition, {"tagline": {"fr": " ", "tzm": "ⵙⵉⵏ ⵡⵓⵙⵙⴰⵏ"}},
                                        actor=None)
    assert set(refused.value.fields) == {"tagline"}
    with pytest.raises(ValidationError) as refused:
        edition_services.create_speaker({"name": "Fadma", "bio": {"ar": "مغنية من سوس."}},
                                        actor=None)
    assert set(refused.value.fields) == {"bio"}
    ticket_type = _type(edition, description={"fr": "", "ar": ""})  # no text at all: fine
    assert ticket_type.texts_of("description") == {"fr": ""}


@pytest.mark.parametrize("invisible", ["\u200f", "\u200b\u200b", "\u2067\u2069", "\ufeff",
                                       "\u200e \u3000"])
def test_a_text_of_invisible_characters_only_is_no_text(edition, invisible):
    """A text holding only marks, joiners or spaces would show nothing: it counts as not
    written, so the reader gets the French (never an empty-looking name), and a required
    French text is still asked for."""
    ticket_type = _type(edition, name={"fr": "Pass", "ar": invisible})
    assert ticket_type.texts_of("name") == {"fr": "Pass"}
    with force_locale("ar"):
        assert ticket_type.name == "Pass"
    with pytest.raises(ValidationError) as refused:
        _type(edition, name={"fr": invisible, "ar": "تذكرة"})
    assert "name" in refused.value.fields
