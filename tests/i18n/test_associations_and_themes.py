"""The registry's descriptions and the programme's themes in every language: associations
write their descriptions side by side (French required where it was), the public and the
API read them in their language; a session's theme is a code whose name translates (the
registry's themes, or an edition's own, named by its organisers in each language)."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from festival.associations import services as registry
from festival.associations.models import Association
from festival.config import LANGUAGES
from festival.core.errors import ValidationError
from festival.editions import services
from festival.editions.labels import track_label, track_texts
from festival.editions.models import EditionTheme
from festival.editions.themes import resolve_theme, theme_label
from festival.extensions import db
from tests import factories

SHORT = {"fr": "Écoles et eau potable à Tafraout.", "ar": "مدارس وماء صالح للشرب في تافراوت."}


def test_an_associations_descriptions_per_language(app, client):
    with app.app_context():
        association = factories.gen_association(name="Amis de Tafraout", slug="amis-tafraout")
        db.session.commit()
        registry.update_profile(association, {"short_description": SHORT,
                                               "description": {"fr": "Longue histoire."}},
                                actor=None)
        assert association.texts_of("short_description") == SHORT
        db.session.commit()
        with force_locale("ar"):
            assert association.short_description == SHORT["ar"]
        with force_locale("en"):  # not written in English: French, never empty
            assert association.short_description == SHORT["fr"]
            assert association.description == "Longue histoire."
        with pytest.raises(ValidationError) as refused:
            registry.update_profile(association, {"short_description": {
                "fr": "Écoles", "ar": "\u202eمدارس"}}, actor=None)
        assert "short_description_ar" in refused.value.fields
        db.session.rollback()
    client.set_cookie("lang", "ar")
    assert SHORT["ar"] in client.get("/associations/amis-tafraout").get_data(as_text=True)
    listed = client.get("/api/v1/associations", headers={"Accept-Language": "ar"}).get_json()
    [item] = [a for a in listed["associations"] if a["slug"] == "amis-tafraout"]
    assert item["texts"]["short_description"] == SHORT
    detail = client.get("/api/v1/associations/amis-tafraout").get_json()
    assert detail["texts"]["description"] == {"fr": "Longue histoire."}


def test_the_representative_writes_each_language(app, client, auth):
    with app.app_context():
        association = factories.gen_association(name="Amis d'Agadir", slug="amis-agadir",
                                                short_description="Solidarité",
                                                email="contact@agadir.example")
        association_id = association.id
        user = factories.gen_user("association", association=association)
        email = user.email
        db.session.commit()
    assert auth.login(email).status_code == 302
    client.set_cookie("lang", "ar")
    page = client.get("/my-association").get_data(as_text=True)
    for language in LANGUAGES:
        assert (f'name="short_description_{language}"' in page) == (language != "fr")
    assert ">\r\nSolidarité</textarea>" in page
    sent = client.post("/my-association", data={
        "short_description": "Solidarité", "short_description_ar": "تضامن",
        "description": "", "themes": ["water"], "email": "contact@agadir.example"})
    assert sent.status_code in (302, 303), sent.get_data(as_text=True)[:3000]
    with app.app_context():
        association = db.session.get(Association, association_id)
        assert association.texts_of("short_description") == {"fr": "Solidarité", "ar": "تضامن"}


def test_a_theme_is_a_code_and_its_name_translates(app):
    with app.test_request_context():
        edition = factories.gen_edition()
        errors: dict = {}
        assert resolve_theme(edition, "Eau", errors) == "water"  # the registry's, by its name
        assert resolve_theme(edition, "water", errors) == "water"
        assert resolve_theme(edition, "eau", errors) == "water"  # whatever the case
        own = resolve_theme(edition, "Économie solidaire", errors)
        assert own == "x-economie-solidaire" and not errors
        assert resolve_theme(edition, " Économie   solidaire ", errors) == own  # the same
        theme = edition.themes[0]
        services.set_theme_names(theme, {"fr": "Économie solidaire",
                                         "ar": "الاقتصاد التضامني"})
        room = factories.gen_room(edition)
        session = factories.gen_session(edition, room, title="Coopératives")
        services.update_session(session, {"theme": "Économie solidaire"}, actor=None)
        assert session.theme == own
        with force_locale("ar"):
            assert track_label(session) == "الاقتصاد التضامني"
        with force_locale("en"):
            assert track_label(session) == "Économie solidaire"  # French, never empty
        assert track_texts(session) == {"fr": "Économie solidaire", "ar": "الاقتصاد التضامني"}
        assert theme_label(edition, "") == ""
        with pytest.raises(ValidationError) as refused:
            services.create_theme(edition, {"fr": "eau"})  # the registry has it
        assert "label" in refused.value.fields
        with pytest.raises(ValidationError) as refused:
            services.create_theme(edition, {"ar": "ماء"})
        assert "label" in refused.value.fields
        db.session.rollback()


def test_organisers_name_an_editions_themes_in_each_language(app, client, auth):
    with app.app_context():
        edition = factories.gen_edition(status="published")
        factories.gen_room(edition)
        db.session.commit()
        year = edition.year
    auth.login_as("organiser")
    page = client.get(f"/manage/editions/{year}/themes").get_data(as_text=True)
    assert 'name="label_ar"' in page
    sent = client.post(f"/manage/editions/{year}/themes", data={
        "label": "Énergie solaire", "label_ar": "الطاقة الشمسية"})
    assert sent.status_code in (302, 303), sent.get_data(as_text=True)[:3000]
    with app.app_context():
        theme = db.session.scalar(db.select(EditionTheme))
        assert theme.code == "x-energie-solaire"
        assert theme.texts_of("label") == {"fr": "Énergie solaire", "ar": "الطاقة الشمسية"}
        theme_id = theme.id
    form = client.get(f"/manage/editions/{year}/sessions/new").get_data(as_text=True)
    assert 'value="x-energie-solaire"' in form and 'value="water"' in form
    renamed = client.post(f"/manage/editions/{year}/themes/{theme_id}", data={
        "label": "Énergie solaire", "label_ar": "", "label_en": "Solar energy"})
    assert renamed.status_code in (302, 303)
    with app.app_context():
        assert db.session.get(EditionTheme, theme_id).texts_of("label") == {
            "fr": "Énergie solaire", "en": "Solar energy"}


def test_two_organisers_adding_one_theme_at_once_make_two_codes(app, postgres):
    """PostgreSQL: the second waits for the first's lock on the edition, then finds the code
    taken and takes the next one; no duplicate code, no error."""
    from sqlalchemy import select

    from festival.editions.models import Edition
    from tests.together import one_waiting_on_the_other

    with app.app_context():
        edition_id = factories.gen_edition().id
        db.session.commit()

    def add(name: str):
        def act() -> object:
            errors: dict = {}
            return resolve_theme(db.session.get(Edition, edition_id), name, errors) or errors
        return act

    results = one_waiting_on_the_other(app, add("Économie sociale"), add("Economie sociale!"))
    assert results == ("x-economie-sociale", "x-economie-sociale-2")
    with app.app_context():
        assert sorted(db.session.scalars(select(EditionTheme.code))) == [
            "x-economie-sociale", "x-economie-sociale-2"]


@pytest.mark.parametrize("name", ["Water", "water", "WATER", "social_link", "Local  economy",
                                  "x-musique"])
def test_a_theme_is_never_named_as_another_theme_is_reached(app, name):
    """A theme of the edition is never named with what a session's theme field reads as
    another theme (editions.themes.resolve_theme): a registry theme's code or English name,
    or an edition theme's code, whatever the case and spaces; a rename neither."""
    with app.test_request_context():
        edition = factories.gen_edition()
        musique = services.create_theme(edition, {"fr": "Musique"})
        assert musique.code == "x-musique"
        with pytest.raises(ValidationError) as refused:
            services.create_theme(edition, {"fr": name})
        assert "label" in refused.value.fields
        other = services.create_theme(edition, {"fr": "Danse"})
        with pytest.raises(ValidationError) as refused:
            services.set_theme_names(other, {"fr": name})
        assert "label" in refused.value.fields
        db.session.rollback()


def test_a_code_of_an_editions_own_theme_is_only_read_in_its_edition(app):
    """An `x-…` code given for a session's theme names a theme of that edition, or is
    refused: it never becomes a new theme named "x-…" (another edition's code, a guess)."""
    with app.test_request_context():
        edition = factories.gen_edition()
        other = factories.gen_edition()
        services.create_theme(other, {"fr": "Musique"})
        errors: dict = {}
        assert resolve_theme(edition, "x-musique", errors) == ""
        assert "theme" in errors and not edition.themes
        errors = {}
        services.create_theme(edition, {"fr": "Musique"})
        assert resolve_theme(edition, " X-Musique ", errors) == "x-musique" and not errors
        db.session.rollback()


def test_two_organisers_naming_one_new_theme_at_once_share_it(app, postgres):
    """PostgreSQL: two sessions given the same new theme at once ("Musique") get the same
    theme: the second, once the first's lock is released, finds it by its name (it made a
    second theme of the same name, which no rename could then keep)."""
    from festival.editions.models import Edition
    from tests.together import one_waiting_on_the_other

    with app.app_context():
        edition_id = factories.gen_edition().id
        db.session.commit()

    def add() -> object:
        edition = db.session.get(Edition, edition_id)
        assert not edition.themes
        errors: dict = {}
        return resolve_theme(edition, "Musique", errors) or errors

    results = one_waiting_on_the_other(app, add, add)
    assert results == ("x-musique", "x-musique")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(EditionTheme.id))) == 1


def test_two_themes_renamed_to_one_name_at_once_are_refused_the_second_time(app, postgres):
    """PostgreSQL: the second rename waits for the first's lock on the edition, then sees the
    name taken: never two themes of one French name."""
    from festival.editions.models import Edition
    from tests.together import one_waiting_on_the_other

    with app.app_context():
        edition = factories.gen_edition()
        ids = [services.create_theme(edition, {"fr": name}).id for name in ("Danse", "Chant")]
        edition_id = edition.id
        db.session.commit()
    def rename(theme_id: int):
        def act() -> object:
            edition = db.session.get(Edition, edition_id)
            theme = next(t for t in edition.themes if t.id == theme_id)
            try:
                services.set_theme_names(theme, {"fr": "Musique"})
            except ValidationError as refused:
                db.session.rollback()
                return sorted(refused.fields)
            return "renamed"
        return act

    results = one_waiting_on_the_other(app, rename(ids[0]), rename(ids[1]))
    assert results == ("renamed", ["label"])
