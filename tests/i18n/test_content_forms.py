"""The organisers' forms show a public text in every content language side by side (French
required), and save each language: rooms, speakers' bios, check-in lists (the name the
scanner shows)."""
from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from festival.checkin import devices
from festival.checkin.bundle import offline_bundle
from festival.checkin.models import CheckinList
from festival.checkin.queries import door_for_list
from festival.config import LANGUAGES
from festival.core.errors import ValidationError
from festival.editions import services
from festival.editions.models import Room, Speaker
from festival.extensions import db
from tests import factories


def _edition(app):
    with app.app_context():
        edition = factories.gen_edition(status="published")
        db.session.commit()
        return edition.year


def test_the_room_form_has_every_language_and_saves_each(app, client, auth):
    year = _edition(app)
    auth.login_as("organiser")
    page = client.get(f"/manage/editions/{year}/rooms").get_data(as_text=True)
    for language in LANGUAGES:
        name = "name" if language == "fr" else f"name_{language}"
        assert f'name="{name}"' in page
    arabic = re.search(r'<input[^>]*name="name_ar"[^>]*>', page).group(0)
    assert 'lang="ar"' in arabic and 'dir="rtl"' in arabic and "required" not in arabic
    sent = client.post(f"/manage/editions/{year}/rooms", data={
        "name": "Grande salle", "name_ar": "القاعة الكبرى", "name_en": "",
        "description": "Au rez-de-chaussée", "description_en": "Ground floor",
        "capacity": "100", "opens_at": "09:00", "closes_at": "23:30", "venue_id": "0",
        "position": "0", "overflow_room_id": "0", "stream_url": ""})
    assert sent.status_code in (302, 303), sent.get_data(as_text=True)[:2000]
    with app.app_context():
        room = db.session.scalar(db.select(Room).where(Room.name_fr == "Grande salle"))
        assert room.texts_of("name") == {"fr": "Grande salle", "ar": "القاعة الكبرى"}
        assert room.texts_of("description") == {"fr": "Au rez-de-chaussée",
                                                "en": "Ground floor"}
        room_id = room.id
    client.set_cookie("lang", "ar")  # the form shows each language's own text, not the page's
    form = client.get(f"/manage/editions/{year}/rooms/{room_id}").get_data(as_text=True)
    assert 'value="Grande salle"' in form and 'value="Ground floor"' in form


def test_french_is_required_the_others_are_not(app, client, auth):
    year = _edition(app)
    auth.login_as("organiser")
    refused = client.post(f"/manage/editions/{year}/rooms", data={
        "name": "", "name_ar": "القاعة الكبرى", "capacity": "100", "venue_id": "0",
        "position": "0", "overflow_room_id": "0"})
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Room.id))) == 0


def test_a_speakers_bio_in_every_language(app, client, auth):
    auth.login_as("organiser")
    sent = client.post("/manage/speakers", data={
        "name": "Fadma Aït", "bio": "Chanteuse du Souss.", "bio_ar": "مغنية من سوس.",
        "association_id": "0"})
    assert sent.status_code in (302, 303), sent.get_data(as_text=True)[:2000]
    with app.app_context():
        speaker = db.session.scalar(db.select(Speaker).where(Speaker.name == "Fadma Aït"))
        assert speaker.texts_of("bio") == {"fr": "Chanteuse du Souss.", "ar": "مغنية من سوس."}
        with force_locale("ar"):
            assert speaker.bio == "مغنية من سوس."
        with force_locale("en"):
            assert speaker.bio == "Chanteuse du Souss."  # never empty: French
        speaker_id = speaker.id
    form = client.get(f"/manage/speakers/{speaker_id}").get_data(as_text=True)
    assert "مغنية من سوس." in form and 'name="bio_en"' in form


def test_services_take_every_language_and_refuse_a_bad_one(app):
    with app.app_context():
        edition = factories.gen_edition()
        room = services.create_room(edition, {"name": {"fr": "Scène", "en": "Stage"}},
                                    actor=None)
        assert room.texts_of("name") == {"fr": "Scène", "en": "Stage"}
        services.update_room(room, {"name": "Scène A"}, actor=None)  # a string: French only
        assert room.texts_of("name") == {"fr": "Scène A", "en": "Stage"}
        with pytest.raises(ValidationError) as refused:
            services.create_speaker({"name": "X", "bio": {"fr": "Bio", "ar": "\u202eevil"}},
                                    actor=None)
        assert "bio_ar" in refused.value.fields
        with pytest.raises(ValidationError) as refused:
            services.create_room(edition, {"name": {"fr": "Salle", "de": "Saal"}}, actor=None)
        assert "name" in refused.value.fields
        db.session.rollback()


def test_a_check_in_lists_name_per_language_reaches_the_scanner(app, client, auth):
    year = _edition(app)
    auth.login_as("organiser")
    sent = client.post(f"/manage/checkin/{year}/lists", data={
        "name": "Entrée principale", "name_ar": "المدخل الرئيسي", "room_id": "0",
        "is_active": "y"})
    assert sent.status_code in (302, 303), sent.get_data(as_text=True)[:2000]
    with app.app_context():
        checkin_list = db.session.scalar(db.select(CheckinList))
        assert checkin_list.texts_of("name") == {"fr": "Entrée principale",
                                                 "ar": "المدخل الرئيسي"}
        list_id = checkin_list.id
        bundle = offline_bundle(door_for_list(list_id))
        assert bundle["list"]["name"] == "Entrée principale"
        assert bundle["list"]["names"] == {"fr": "Entrée principale", "ar": "المدخل الرئيسي"}
    client.set_cookie("lang", "ar")
    form = client.get(f"/manage/checkin/{year}/lists/{list_id}").get_data(as_text=True)
    assert 'value="Entrée principale"' in form and 'value="المدخل الرئيسي"' in form
    with app.app_context():
        checkin_list = db.session.get(CheckinList, list_id)
        with pytest.raises(ValidationError) as refused:
            devices.update_list(checkin_list, {"name": {"fr": "Entrée", "ar": "\u202ex"}})
        assert "name_ar" in refused.value.fields
        db.session.rollback()


def test_the_edition_page_counts_and_lists_what_is_missing(app, client, auth):
    from festival.editions.models import SessionSpeaker
    from festival.editions.translation_gaps import translation_gaps

    with app.test_request_context():
        edition = factories.gen_edition(status="published")
        room = factories.gen_room(edition, name="Grande salle")
        room.set_texts("name", {"fr": "Grande salle", "ar": "القاعة الكبرى"}, {},
                       max_length=120)
        speaker = factories.gen_speaker("Fadma", bio="Chanteuse")
        item = factories.gen_session(edition, room, title="L'eau")
        item.speaker_links.append(SessionSpeaker(speaker=speaker, position=0))
        devices.create_list(edition, {"name": {"fr": "Entrée", "en": "Entrance"}})
        db.session.flush()
        counts, missing = translation_gaps(edition)
        assert set(counts) == set(LANGUAGES) - {"fr"}
        arabic = {(gap.kind, gap.name): gap.fields for gap in missing if gap.language == "ar"}
        assert ("Room", "Grande salle") not in arabic  # written in Arabic
        assert arabic[("Session", "L'eau")] == ("title",)
        assert arabic[("Speaker", "Fadma")] == ("bio",)
        assert arabic[("Check-in list", "Entrée")] == ("name",)
        assert counts["ar"] == sum(len(fields) for fields in arabic.values())
        english = {(gap.kind, gap.name) for gap in missing if gap.language == "en"}
        assert ("Room", "Grande salle") in english and ("Check-in list", "Entrée") not in english
        db.session.commit()
        year, expected = edition.year, counts["ar"]
    auth.login_as("organiser")
    page = client.get(f"/manage/editions/{year}").get_data(as_text=True)
    assert re.search(rf'href="#translations" data-untranslated="ar"><strong>{expected}<', page)
    assert "Speaker “<bdi>Fadma</bdi>”</a>: biography" in page


@pytest.mark.parametrize("text", ["Salle \u202eA", "Salle\x01A", "Salle \x85A"])
def test_a_text_given_as_a_string_is_checked_like_one_given_per_language(app, text):
    """A public text written as a string (its French, as the API takes it) is refused for
    the characters the per-language object is refused for: direction overrides and
    control characters."""
    with app.app_context():
        edition = factories.gen_edition()
        with pytest.raises(ValidationError) as refused:
            services.create_room(edition, {"name": text}, actor=None)
        assert "name" in refused.value.fields
        with pytest.raises(ValidationError) as refused:
            services.create_speaker({"name": "Fadma", "bio": text}, actor=None)
        assert "bio" in refused.value.fields
        with pytest.raises(ValidationError) as refused:
            services.create_room(edition, {"name": {"fr": text}}, actor=None)
        assert "name" in refused.value.fields
        db.session.rollback()


def test_a_language_field_left_out_of_a_post_keeps_its_text(app, client, auth):
    """A page saved without some language's fields (opened before that language was added,
    or a client that sends French only) keeps what those languages had; a field sent empty
    still clears its language."""
    from festival.editions.models import Edition, EditionTheme

    year = _edition(app)
    with app.test_request_context():
        edition = db.session.scalar(db.select(Edition).where(Edition.year == year))
        room = services.create_room(edition, {"name": {"fr": "Scène", "ar": "المنصة",
                                                       "tzm": "ⴰⵙⵏⴰⵙ"}}, actor=None)
        speaker = services.create_speaker({"name": "Fadma", "bio": {
            "fr": "Chanteuse.", "ar": "مغنية."}}, actor=None)
        theme = services.create_theme(edition, {"fr": "Musique", "ar": "موسيقى"})
        checkin_list = devices.create_list(edition, {"name": {"fr": "Entrée", "ar": "المدخل"}})
        db.session.commit()
        ids = room.id, speaker.id, theme.id, checkin_list.id
    auth.login_as("organiser")
    posts = [
        (f"/manage/editions/{year}/rooms/{ids[0]}", {
            "name": "Scène A", "name_tzm": "", "capacity": "100", "venue_id": "0",
            "position": "0", "overflow_room_id": "0"}),
        (f"/manage/speakers/{ids[1]}", {"name": "Fadma", "bio": "Chanteuse du Souss.",
                                        "association_id": "0"}),
        (f"/manage/editions/{year}/themes/{ids[2]}", {"label": "Musiques"}),
        (f"/manage/checkin/{year}/lists/{ids[3]}", {"name": "Entrée A", "room_id": "0",
                                                     "is_active": "y"}),
    ]
    for url, data in posts:
        sent = client.post(url, data=data)
        assert sent.status_code in (302, 303), (url, sent.get_data(as_text=True)[:2000])
    with app.app_context():
        assert db.session.get(Room, ids[0]).texts_of("name") == {"fr": "Scène A",
                                                                 "ar": "المنصة"}
        assert db.session.get(Speaker, ids[1]).texts_of("bio") == {
            "fr": "Chanteuse du Souss.", "ar": "مغنية."}
        assert db.session.get(EditionTheme, ids[2]).texts_of("label") == {
            "fr": "Musiques", "ar": "موسيقى"}
        assert db.session.get(CheckinList, ids[3]).texts_of("name") == {
            "fr": "Entrée A", "ar": "المدخل"}
