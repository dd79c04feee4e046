"""The back office's order list bounds its page number (core.paging): a huge one overflowed
the OFFSET (PostgreSQL: bigint out of range; SQLite: OverflowError) and answered 500. Run on
SQLite and PostgreSQL (TEST_DATABASE_URL)."""
from __future__ import annotations

import pytest

from festival.extensions import db
from tests.ticketing.conftest import make_edition


@pytest.fixture
def year(app):
    with app.app_context():
        make_edition(2034)
        db.session.commit()
    return 2034


@pytest.mark.parametrize("page", ["100000000000000000000", "9223372036854775807",
                                  "2147483648", "100001", "-3", "0", "x", "١٢"])
def test_any_page_number_of_the_order_list_is_a_page(client, auth, year, page):
    auth.login_as("organiser")
    try:
        response = client.get(f"/manage/{year}/orders", query_string={"page": page})
    except Exception as error:  # TESTING propagates what production turns into a 500
        pytest.fail(f"{type(error).__name__}: production answers 500")
    assert response.status_code == 200
