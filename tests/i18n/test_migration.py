"""Migration 0037 keeps every text organisers wrote as its French version and adds the other
languages beside it, empty: tried on the demo's database (SQLite, and PostgreSQL with
TEST_DATABASE_URL), down and up again, nothing lost."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from festival import MIGRATIONS
from festival.extensions import db

TEXTS = {"editions": ("title", "tagline", "description"),
         "ticket_types": ("name", "description"), "edition_rooms": ("name", "description"),
         "speakers": ("bio",), "programme_sessions": ("title", "abstract"),
         "checkin_lists": ("name",), "associations": ("short_description", "description")}
TRANSLATED = ("editions", "ticket_types", "edition_rooms", "speakers", "programme_sessions",
              "checkin_lists")  # their `translations` came with 0037


def _themes() -> dict[int, str]:
    """Each session's theme as written before 0041: its text."""
    return dict(db.session.execute(sa.text(
        "SELECT id, theme FROM programme_sessions WHERE theme <> ''")).all())


def _theme_names() -> dict[int, str]:
    """Each session's theme after 0041: the French name of its code."""
    from festival.editions.themes import FRENCH_NAMES, REGISTRY

    own = {(row.edition_id, row.code): row.label for row in db.session.execute(sa.text(
        "SELECT edition_id, code, label FROM edition_themes"))}
    return {row.id: FRENCH_NAMES[REGISTRY[row.theme]] if row.theme in REGISTRY
            else own[(row.edition_id, row.theme)]
            for row in db.session.execute(sa.text(
                "SELECT id, edition_id, theme FROM programme_sessions WHERE theme <> ''"))}


def _texts() -> dict:
    return {table: sorted(tuple(row) for row in db.session.execute(
        sa.text(f"SELECT id, {', '.join(columns)} FROM {table}")))  # noqa: S608 (constants)
        for table, columns in TEXTS.items()}


def test_0037_keeps_the_demos_texts_as_french(old_app):
    from festival.demo import load_demo

    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="heads")
        load_demo(echo=lambda line: None)
        db.session.commit()
        before = _texts()
        assert sum(len(rows) for rows in before.values()) > 50
        translated = db.session.execute(sa.text(
            "SELECT translations FROM ticket_types ORDER BY id")).scalars().first()
        assert translated  # the demo writes its ticket names in English and Arabic too
        db.session.commit()
        downgrade(directory=str(MIGRATIONS), revision="0036")
        assert _texts() == before
        columns = {c["name"] for c in sa.inspect(db.session.connection()).get_columns(
            "ticket_types")}
        assert "translations" not in columns
        db.session.commit()
        upgrade(directory=str(MIGRATIONS), revision="heads")
        assert _texts() == before
        for table in TRANSLATED:
            values = db.session.execute(sa.text(f"SELECT translations FROM {table}")).scalars()
            assert all(v in ({}, "{}") for v in values), table  # noqa: S608 (constants)
        db.session.commit()


def test_the_demo_database_from_before_0037_to_the_head_loses_nothing(old_app):
    """The demo's database taken back to 0036 (single-language texts, free-text themes),
    then migrated to the head: every text is its French version, every theme a code whose
    French name is the text that was written; and back down to 0036 as it was."""
    from festival.demo import load_demo

    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="heads")
        load_demo(echo=lambda line: None)
        db.session.commit()
        downgrade(directory=str(MIGRATIONS), revision="0036")
        db.session.commit()
        texts, themes = _texts(), _themes()
        assert len(themes) > 10 and {"Eau", "Économie solidaire"} <= set(themes.values())
        db.session.commit()  # no lock of ours held while the migrations alter the tables
        upgrade(directory=str(MIGRATIONS), revision="heads")
        db.session.commit()
        assert _texts() == texts
        assert _theme_names() == themes
        codes = dict(db.session.execute(sa.text(
            "SELECT id, theme FROM programme_sessions WHERE theme <> ''")).all())
        assert {codes[i] for i, text in themes.items() if text == "Eau"} == {"water"}
        assert {codes[i] for i, text in themes.items() if text == "Économie solidaire"} == {
            "x-economie-solidaire"}
        for table in (*TRANSLATED, "associations", "edition_themes"):
            values = db.session.execute(sa.text(f"SELECT translations FROM {table}")).scalars()
            assert all(v in ({}, "{}") for v in values), table  # noqa: S608 (constants)
        db.session.commit()
        downgrade(directory=str(MIGRATIONS), revision="0036")
        assert _texts() == texts and _themes() == themes
        db.session.commit()


def test_0041_matches_themes_as_the_application_does(old_app):
    """Free-text themes written with other spaces or case name the same theme: the
    registry's ("  eau " is Water, like "water", its code), or one theme of the edition
    ("Musique" and "musique " are one, named without the spaces); a theme of spaces only is
    no theme (never a blank name on the public pages)."""
    from tests.old_rows import insert_row

    written = ["  eau ", "EAU", "water", "Musique", "musique ", "   ", "Musique\u00a0 du  Souss"]
    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0040")
        edition = insert_row("editions", year=2031, title="Festival", status="published")
        room = insert_row("edition_rooms", edition_id=edition, name="Salle")
        ids = {text: insert_row("programme_sessions", edition_id=edition, room_id=room,
                                title=f"Séance {n}", theme=text, guid=f"g-{n}")
               for n, text in enumerate(written)}
        db.session.commit()
        upgrade(directory=str(MIGRATIONS), revision="0041")
        db.session.commit()
        codes = dict(db.session.execute(sa.text(
            "SELECT id, theme FROM programme_sessions")).all())
        names = dict(db.session.execute(sa.text("SELECT code, label FROM edition_themes")).all())
        assert {codes[ids[t]] for t in ("  eau ", "EAU", "water")} == {"water"}
        assert codes[ids["Musique"]] == codes[ids["musique "]] == "x-musique"
        assert codes[ids["   "]] == ""
        assert names == {"x-musique": "Musique", "x-musique-du-souss": "Musique du Souss"}
        db.session.commit()
        downgrade(directory=str(MIGRATIONS), revision="0040")
        back = dict(db.session.execute(sa.text(
            "SELECT id, theme FROM programme_sessions")).all())
        assert back[ids["EAU"]] == "Eau" and back[ids["musique "]] == "Musique"
        db.session.commit()
