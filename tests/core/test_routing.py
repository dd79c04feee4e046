"""A number too large for an id column in an address is a 404 on every route, for everyone,
never a 500 (PostgreSQL: integer out of range; SQLite's driver cannot even send 2**63)."""
from __future__ import annotations

import pytest

from festival.extensions import db
from tests import factories

TOO_LARGE = str(2**31)  # an id column is a PostgreSQL INTEGER
BEYOND_SQLITE = str(2**63)


@pytest.fixture
def year(app):
    with app.app_context():
        edition = factories.gen_edition(status="on_sale")
        db.session.commit()
        return edition.year


@pytest.mark.parametrize("path", [
    "/{year}/sessions/{n}", "/{year}/sessions/{n}.ics", "/manage/{year}/messages/{n}",
    "/manage/editions/{year}/venues/{n}", "/manage/editions/{year}/sessions/{n}",
    "/manage/editions/{year}/rooms/{n}", "/{n}/agenda"])
def test_a_number_beyond_any_database_integer_is_not_found(app, client, auth, year, path):
    auth.login_as("organiser")
    for number in (2**31 - 1, TOO_LARGE, BEYOND_SQLITE):
        assert client.get(path.format(year=year, n=number)).status_code == 404, number


def test_posts_too(client, auth, year):
    auth.login_as("organiser")
    for path in (f"/manage/editions/{year}/sessions/{TOO_LARGE}/move",
                 f"/manage/{year}/messages/{TOO_LARGE}/send",
                 f"/manage/editions/{year}/venues/{TOO_LARGE}/remove"):
        assert client.post(path, data={}).status_code == 404, path
