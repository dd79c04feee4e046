"""Migration 0027 gives each venue a map link and its transport and access texts (empty for
the venues already there), each festival day a venue and door hours (none: the main venue,
hours unknown), and goes back down (SQLite, and PostgreSQL with TEST_DATABASE_URL)."""
from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from festival import MIGRATIONS
from festival.editions.models import Edition, EditionDay, Venue
from festival.editions.practical import where_and_when
from festival.extensions import db
from tests.old_rows import insert_row

SATURDAY = date(2027, 5, 15)


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(db.session.connection()).get_columns(table)}


def test_0027_adds_where_and_when_and_goes_back_down(old_app):
    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0026")
        edition = insert_row("editions", year=2027, title="Almoggar 2027", status="on_sale")
        insert_row("edition_venues", edition_id=edition, name="Salle des fêtes",
                   address="3 rue de la République", postcode="93200", city="Saint-Denis")
        insert_row("edition_days", edition_id=edition, day=SATURDAY)
        db.session.commit()

        # to the newest revision: the models, which read the rows, describe it
        upgrade(directory=str(MIGRATIONS), revision="heads")
        found = db.session.get(Edition, edition)
        venue = found.venues[0]
        assert (venue.map_url, venue.transport, venue.access) == ("", {}, {})
        day = found.days[0]
        assert (day.venue_id, day.doors_open, day.doors_close) == (None, None, None)
        item = where_and_when(found, None, "ar")[0]
        assert item.venue_name == "Salle des fêtes" and item.transport == ""
        assert item.map_url.endswith("3+rue+de+la+R%C3%A9publique%2C+93200+Saint-Denis")
        day.doors_open, day.doors_close, day.venue = time(18), time(1, 30), venue
        venue.transport = {"ar": "المترو 13"}
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Venue, venue.id).transport == {"ar": "المترو 13"}
        # A venue that goes takes no day with it: the day is back at the main venue.
        if db.engine.dialect.name == "postgresql":
            other = insert_row("edition_venues", edition_id=edition, name="Gymnase")
            db.session.execute(sa.update(EditionDay).values(venue_id=other))
            db.session.execute(sa.delete(Venue).where(Venue.id == other))
            assert db.session.scalar(sa.select(EditionDay.venue_id)) is None
        db.session.commit()

        downgrade(directory=str(MIGRATIONS), revision="0026")
        assert not {"map_url", "transport", "access"} & _columns("edition_venues")
        assert not {"venue_id", "doors_open", "doors_close"} & _columns("edition_days")
        assert db.session.execute(sa.text("SELECT name FROM edition_venues")).scalar() == \
            "Salle des fêtes"
        db.session.commit()

