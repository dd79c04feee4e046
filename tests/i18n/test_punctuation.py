"""Arabic pages write dates and lists with the Arabic comma (،), never a Latin one."""
from __future__ import annotations

from datetime import UTC, date, datetime

from flask import render_template_string
from flask_babel import force_locale

MOMENT = datetime(2027, 5, 15, 14, 30, tzinfo=UTC)
TEMPLATE = ("{{ moment|when('medium') }}|{{ moment|when('EEEE d MMMM, HH:mm') }}|"
            "{{ day|day('EEE d MMM, y') }}|{{ names|listed }}|"
            "{% for d in days %}{{ d }}{% if not loop.last %}{{ list_sep }}{% endif %}{% endfor %}")


def _render(app, language: str) -> str:
    with app.test_request_context("/"), force_locale(language):
        return render_template_string(TEMPLATE, moment=MOMENT, day=date(2027, 5, 16),
                                      names=["Amina", "Brahim"], days=["A", "B"])


def test_arabic_dates_and_lists_use_the_arabic_comma(app):
    arabic = _render(app, "ar")
    assert "," not in arabic and arabic.count("\u060c") >= 4
    french = _render(app, "fr")
    assert "\u060c" not in french and "Amina, Brahim" in french and "A, B" in french


def test_an_arabic_tickets_places_and_calendar_lists_use_the_arabic_comma(app):
    """The places printed on a ticket valid at two venues, and a session's speakers in the
    calendar export, are listed with the reader's comma."""
    from festival.editions.exports.ical import session_ical
    from festival.editions.models import SessionSpeaker
    from festival.editions.practical import where_and_when
    from festival.ticketing.printing import _where_and_when
    from tests import factories

    with app.test_request_context("/"):
        edition = factories.gen_where_and_when(factories.gen_edition(status="published"),
                                               sunday_venue=True)
        room = factories.gen_room(edition)
        session = factories.gen_session(edition, room, title="L'eau")
        for position, name in enumerate(("Amina", "Brahim")):
            session.speaker_links.append(SessionSpeaker(speaker=factories.gen_speaker(name),
                                                        position=position))
        with force_locale("ar"):
            place = _where_and_when(where_and_when(edition, language="ar"))["place"]
            assert len(place) == 2 and "\u060c " in place[0]
            calendar = session_ical(edition, session).decode()
        assert "Amina\u060c Brahim" in calendar.replace("\r\n ", "")
        with force_locale("fr"):
            place = _where_and_when(where_and_when(edition, language="fr"))["place"]
            assert "\u060c" not in " ".join(place) and ", " in place[0]


def test_a_sessions_page_in_arabic_puts_the_arabic_comma_after_its_day(app, client):
    """The session's page writes « the day، the hours » and « the room، the venue »."""
    import re

    from festival.extensions import db
    from tests import factories

    with app.app_context():
        edition = factories.gen_where_and_when(factories.gen_edition(status="published"))
        session = factories.gen_session(edition, factories.gen_room(edition), title="L'eau")
        db.session.commit()
        url = f"/{edition.year}/sessions/{session.id}"
    arabic = client.get(url, headers={"Accept-Language": "ar"}).get_data(as_text=True)
    when = re.search(r"<dd>([^<]*)<bdi dir=\"ltr\"><time", arabic).group(1)
    assert when.endswith("\u060c ") and "," not in when
    french = client.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert re.search(r"<dd>[^<]*, <bdi dir=\"ltr\"><time", french)
