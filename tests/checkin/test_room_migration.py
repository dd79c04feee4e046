"""Migration 0035: a check-in list named after a room of its edition (case and outer spaces
aside) becomes that room's door list; the others stay the venue's doors."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from festival import MIGRATIONS
from festival.extensions import db
from tests.old_rows import insert_row


def test_0035_gives_lists_named_after_a_room_that_room(old_app):
    with old_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0031")
        edition = insert_row("editions", year=2027, title="Almoggar 2027", status="on_sale")
        other = insert_row("editions", year=2028, title="Almoggar 2028", status="draft")
        room = insert_row("edition_rooms", edition_id=edition, name="Grande salle",
                          guid="00000000-0000-0000-0000-000000000001")
        named = insert_row("checkin_lists", edition_id=edition, name="  grande SALLE ",
                           days=[])
        door = insert_row("checkin_lists", edition_id=edition, name="Entrée principale",
                          days=[])
        elsewhere = insert_row("checkin_lists", edition_id=other, name="Grande salle", days=[])
        db.session.commit()
        upgrade(directory=str(MIGRATIONS), revision="0035")
        lists = sa.table("checkin_lists", sa.column("id"), sa.column("room_id"))
        rooms = dict(db.session.execute(sa.select(lists.c.id, lists.c.room_id)).all())
        assert rooms == {named: room, door: None, elsewhere: None}
        db.session.rollback()  # (PostgreSQL: the read's lock would hold the downgrade back)
        downgrade(directory=str(MIGRATIONS), revision="0031")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("checkin_lists")}
        assert "room_id" not in columns
