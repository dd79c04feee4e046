"""Exports, each checked against its format: iCalendar (round trip), Frab schedule.xml (the c3voc
XSD) and schedule.json (the c3voc JSON schema, then field by field)."""
from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

from festival.extensions import db
from tests.factories import gen_edition, gen_room, gen_session, gen_speaker


@pytest.fixture
def programme(app):
    """A published edition with two rooms, three published sessions and one draft."""
    with app.app_context():
        edition = gen_edition(2037, status="on_sale", tagline="L'eau, l'école et la lumière")
        big = gen_room(edition, name="Grande salle", capacity=600)
        small = gen_room(edition, name="Salle Tiznit", capacity=180)
        aicha = gen_speaker("Aïcha Oubella", bio="Hydrologue.")
        water = gen_session(edition, big, start="11:00", end="12:30",
                            title="L'eau dans le Souss-Massa", speakers=[aicha],
                            languages=["fr", "ar"], theme="Eau",
                            abstract="Vivre avec la rareté.")
        argan = gen_session(edition, small, start="14:00", end="15:30", kind="round_table",
                            title="التعاونيات النسائية للأركان", languages=["ar"], pole="mre")
        concert = gen_session(edition, big, day=1, start="21:00", end="23:00", kind="concert",
                              title="Soirée ahwach", languages=["tzm"])
        gen_session(edition, small, day=1, start="10:00", end="11:00", title="Brouillon secret",
                    status="draft")
        db.session.commit()
        return {"year": edition.year, "water": water.id, "argan": argan.id,
                "concert": concert.id, "water_guid": water.guid, "aicha_guid": aicha.guid}


def test_the_session_calendar_round_trips(client, programme):
    response = client.get(f"/{programme['year']}/sessions/{programme['water']}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    timezones = [c for c in calendar.walk("VTIMEZONE")]
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Paris"]
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == "L'eau dans le Souss-Massa"
    assert str(event["UID"]) == f"{programme['water_guid']}@almoggar"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert str(start.tzinfo) == "Europe/Paris" and start.hour == 11
    assert start == datetime(2037, 5, 15, 9, 0, tzinfo=UTC)  # 11:00 in Paris (CEST)
    assert end == datetime(2037, 5, 15, 10, 30, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert "Grande salle" in str(event["LOCATION"]) and "Saint-Denis" in str(event["LOCATION"])
    assert "Aïcha Oubella" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/{programme['year']}/sessions/{programme['water']}")
    assert b"TZID=Europe/Paris" in response.data


def test_the_programme_calendar_has_every_published_session(client, programme):
    calendar = Calendar.from_ical(client.get(f"/{programme['year']}/programme.ics").data)
    titles = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert titles == sorted(["L'eau dans le Souss-Massa", "التعاونيات النسائية للأركان",
                             "Soirée ahwach"])
    assert len(calendar.walk("VTIMEZONE")) == 1


def test_a_draft_session_has_no_calendar(client, programme, app):
    from festival.editions.models import ProgrammeSession
    with app.app_context():
        draft = db.session.scalar(db.select(ProgrammeSession.id).where(
            ProgrammeSession.title == "Brouillon secret"))
    assert client.get(f"/{programme['year']}/sessions/{draft}.ics").status_code == 404


def test_schedule_xml_is_valid_against_the_c3voc_xsd(client, programme, shared_dir):
    from lxml import etree
    schema = etree.XMLSchema(etree.parse(str(shared_dir / "schemas" / "schedule.xml.xsd")))
    response = client.get(f"/{programme['year']}/schedule.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    document = etree.fromstring(response.data)
    assert schema.validate(document), schema.error_log
    assert document.findtext("conference/acronym") == "almoggar2037"
    assert document.findtext("conference/start") == "2037-05-15"
    assert document.findtext("conference/days") == "2"
    events = document.findall("day/room/event")
    assert len(events) == 3  # the draft is not exported
    water = document.find(f"day/room/event[@id='{programme['water']}']")
    assert water.findtext("start") == "11:00" and water.findtext("duration") == "01:30"
    assert water.findtext("date") == "2037-05-15T11:00:00+02:00"
    assert water.findtext("room") == "Grande salle"
    # "Eau" is the registry's theme `water`, named in the reader's language (tests: English)
    assert water.findtext("track") == "Water" and water.findtext("language") == "fr"
    assert [p.text for p in water.findall("persons/person")] == ["Aïcha Oubella"]
    days = document.findall("day")
    assert [d.get("date") for d in days] == ["2037-05-15", "2037-05-16"]


def test_event_slugs_are_ascii_and_valid_for_both_schemas(client, app, programme, shared_dir):
    """The XSD's `voc-slug-new` and the JSON schema's slug pattern, for a French, an Arabic and a
    symbol-only title (which falls back to the session's id)."""
    import re

    from lxml import etree
    with app.app_context():
        from festival.editions.models import Edition
        edition = db.session.scalar(db.select(Edition).where(Edition.year == programme["year"]))
        stars = gen_session(edition, edition.rooms[0], day=1, start="18:00", end="19:00",
                            title="★ ✿ ★")
        db.session.commit()
        stars_id = stars.id
    xsd = etree.parse(str(shared_dir / "schemas" / "schedule.xml.xsd"))
    xsd_pattern = xsd.find(".//{*}simpleType[@name='voc-slug-new']//{*}pattern").get("value")
    json_pattern = json.loads((shared_dir / "schemas" / "schedule.schema.json").read_text())[
        "definitions"]["Event"]["properties"]["slug"]["pattern"]
    year = programme["year"]
    xml_slugs = {int(e.get("id")): e.findtext("slug") for e in etree.fromstring(
        client.get(f"/{year}/schedule.xml").data).iter("event")}
    json_slugs = {e["id"]: e["slug"]
                  for day in client.get(f"/{year}/schedule.json").get_json()["schedule"][
                      "conference"]["days"]
                  for events in day["rooms"].values() for e in events}
    assert xml_slugs == json_slugs and len(xml_slugs) == 4
    for slug in xml_slugs.values():
        assert re.fullmatch(xsd_pattern, slug) and re.search(json_pattern, slug), slug
    assert xml_slugs[programme["water"]] == (
        f"almoggar{year}-{programme['water']}-l-eau-dans-le-souss-massa")
    assert xml_slugs[programme["argan"]] == (
        f"almoggar{year}-{programme['argan']}-altaawnyat-alnsaiya-llarkan")
    assert xml_slugs[stars_id] == f"almoggar{year}-session-{stars_id}"


def test_schedule_json_is_valid_against_the_c3voc_schema(client, programme, shared_dir):
    import jsonschema
    schema = json.loads((shared_dir / "schemas" / "schedule.schema.json").read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-06/schema#"
    response = client.get(f"/{programme['year']}/schedule.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    validator = jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    assert "date-time" in validator.format_checker.checkers  # formats are really asserted
    errors = [e for e in validator.iter_errors(data) if not _frab_clock_time(e)]
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def _frab_clock_time(error) -> bool:
    """The schema marks an event's `start` as a date-time, yet every Frab producer and reader
    (pretalx, Giggity, ConfClerk, EventFahrplan) writes and reads it as the wall-clock "HH:MM"
    next to the full `date`. Only that one deviation is allowed, and only in that form."""
    import re
    path = list(error.path)
    return (error.validator == "format" and error.validator_value == "date-time"
            and len(path) >= 2 and path[-1] == "start" and "rooms" in path
            and re.fullmatch(r"[0-2][0-9]:[0-5][0-9]", str(error.instance)) is not None)


def test_schedule_json_field_by_field(client, programme):
    data = client.get(f"/{programme['year']}/schedule.json").get_json()
    assert data["$schema"] == "https://c3voc.de/schedule/schema.json"
    assert data["generator"]["name"] == "Almoggar"
    schedule = data["schedule"]
    assert schedule["version"] and schedule["base_url"].startswith("http")
    conference = schedule["conference"]
    assert conference["acronym"] == "almoggar2037"
    assert conference["title"] == "Almoggar 2037"
    assert conference["description"] == "L'eau, l'école et la lumière"
    assert (conference["start"], conference["end"], conference["daysCount"]) == (
        "2037-05-15", "2037-05-16", 2)
    assert conference["time_zone_name"] == "Europe/Paris"
    assert conference["timeslot_duration"] == "00:15"
    assert [(r["name"], r["capacity"]) for r in conference["rooms"]] == [
        ("Grande salle", 600), ("Salle Tiznit", 180)]
    assert all(uuid.UUID(r["guid"]) for r in conference["rooms"])
    assert {t["name"] for t in conference["tracks"]} == {"Water",
                                                        "Moroccans living abroad (MRE)"}

    day_one, day_two = conference["days"]
    assert (day_one["index"], day_one["date"]) == (1, "2037-05-15")
    assert day_one["day_start"] == "2037-05-15T05:00:00+02:00"
    assert day_one["day_end"] == "2037-05-16T04:59:00+02:00"
    assert sorted(day_one["rooms"]) == ["Grande salle", "Salle Tiznit"]
    assert list(day_two["rooms"]) == ["Grande salle"]  # the draft in Salle Tiznit is left out

    (water,) = day_one["rooms"]["Grande salle"]
    assert water == {
        "id": programme["water"],
        "guid": programme["water_guid"],
        "date": "2037-05-15T11:00:00+02:00",
        "start": "11:00",
        "duration": "01:30",
        "room": "Grande salle",
        "slug": f"almoggar2037-{programme['water']}-l-eau-dans-le-souss-massa",
        "url": f"http://localhost/{programme['year']}/sessions/{programme['water']}",
        "title": "L'eau dans le Souss-Massa",
        "subtitle": "",
        "track": "Water",
        "type": "conference",
        "language": "fr",
        "abstract": "Vivre avec la rareté.",
        "description": None,
        "recording_license": "",
        "do_not_record": None,
        "persons": [{"guid": programme["aicha_guid"], "code": water["persons"][0]["code"],
                     "name": "Aïcha Oubella", "public_name": "Aïcha Oubella",
                     "biography": "Hydrologue."}],
        "links": [],
        "attachments": [],
    }
    (argan,) = day_one["rooms"]["Salle Tiznit"]
    assert argan["slug"] == f"almoggar2037-{programme['argan']}-altaawnyat-alnsaiya-llarkan"
    assert argan["language"] == "ar" and argan["type"] == "round_table"
    assert argan["persons"] == []
    (concert,) = day_two["rooms"]["Grande salle"]
    assert (concert["start"], concert["duration"], concert["track"]) == ("21:00", "02:00", None)


def test_exports_of_a_draft_edition_are_hidden(client, app):
    with app.app_context():
        year = gen_edition(status="draft").year
        db.session.commit()
    for path in ("schedule.xml", "schedule.json", "programme.ics"):
        assert client.get(f"/{year}/{path}").status_code == 404


def test_exports_allow_other_sites_to_read_them(client, programme):
    response = client.get(f"/{programme['year']}/schedule.json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_day_with_no_session_is_still_listed(client, app, shared_dir):
    from lxml import etree
    with app.app_context():
        gen_edition(2038, status="published",
                    days=[date(2038, 4, 10), date(2038, 4, 11)])
        db.session.commit()
    data = client.get("/2038/schedule.json").get_json()
    assert [d["rooms"] for d in data["schedule"]["conference"]["days"]] == [{}, {}]
    schema = etree.XMLSchema(etree.parse(str(shared_dir / "schemas" / "schedule.xml.xsd")))
    assert schema.validate(etree.fromstring(client.get("/2038/schedule.xml").data))


# Changes and cancellations --------------------------------------------------------------------

def _reschedule_and_cancel(app, programme) -> None:
    """Move "L'eau…" one hour later, then cancel the concert, through the service."""
    from datetime import timedelta

    from festival.editions import services
    from festival.editions.models import ProgrammeSession
    with app.app_context():
        water = db.session.get(ProgrammeSession, programme["water"])
        services.update_session(water, {"starts_at": water.starts_at + timedelta(hours=1),
                                        "ends_at": water.ends_at + timedelta(hours=1)},
                                actor=None)
        concert = db.session.get(ProgrammeSession, programme["concert"])
        services.update_session(concert, {"status": "cancelled"}, actor=None)
        db.session.commit()


def test_calendars_get_a_higher_sequence_and_the_cancellation(client, app, programme):
    year = programme["year"]
    before = Calendar.from_ical(client.get(f"/{year}/programme.ics").data)
    assert {int(e["SEQUENCE"]) for e in before.walk("VEVENT")} == {0}
    assert {str(e["STATUS"]) for e in before.walk("VEVENT")} == {"CONFIRMED"}
    _reschedule_and_cancel(app, programme)
    after = Calendar.from_ical(client.get(f"/{year}/programme.ics").data)
    events = {str(e["SUMMARY"]): e for e in after.walk("VEVENT")}
    assert len(events) == 3  # the cancelled concert is still there, for calendars to drop it
    water, concert = events["L'eau dans le Souss-Massa"], events["Soirée ahwach"]
    assert (int(water["SEQUENCE"]), str(water["STATUS"])) == (1, "CONFIRMED")
    assert water.decoded("DTSTART") == datetime(2037, 5, 15, 10, 0, tzinfo=UTC)
    assert (int(concert["SEQUENCE"]), str(concert["STATUS"])) == (1, "CANCELLED")
    one = Calendar.from_ical(client.get(f"/{year}/sessions/{programme['concert']}.ics").data)
    (event,) = one.walk("VEVENT")
    assert (int(event["SEQUENCE"]), str(event["STATUS"])) == (1, "CANCELLED")
    page = client.get(f"/{year}/sessions/{programme['concert']}")
    assert page.status_code == 200 and "This session is cancelled." in page.get_data(as_text=True)


def test_schedule_apps_see_the_cancellation(client, app, programme, shared_dir):
    import jsonschema
    from lxml import etree
    _reschedule_and_cancel(app, programme)
    year, concert = programme["year"], programme["concert"]
    xml = etree.fromstring(client.get(f"/{year}/schedule.xml").data)
    xsd = etree.XMLSchema(etree.parse(str(shared_dir / "schemas" / "schedule.xml.xsd")))
    assert xsd.validate(xml), xsd.error_log
    assert xml.find(f"day/room/event[@id='{concert}']").findtext("title") == (
        "Cancelled: Soirée ahwach")
    data = client.get(f"/{year}/schedule.json").get_json()
    schema = json.loads((shared_dir / "schemas" / "schedule.schema.json").read_text())
    errors = [e for e in jsonschema.Draft6Validator(schema).iter_errors(data)
              if not _frab_clock_time(e)]
    assert errors == []
    titles = {e["id"]: e["title"] for e in _json_events(data)}
    assert titles[concert] == "Cancelled: Soirée ahwach"
    assert titles[programme["water"]] == "L'eau dans le Souss-Massa"
    assert xml.findtext("version") == data["schedule"]["version"]


def _json_events(data) -> list[dict]:
    return [e for day in data["schedule"]["conference"]["days"]
            for events in day["rooms"].values() for e in events]


# The two Frab exports say the same thing ------------------------------------------------------

def test_schedule_xml_and_json_agree_event_by_event(client, app, programme, shared_dir):
    from lxml import etree
    with app.app_context():
        from festival.editions.models import Edition
        edition = db.session.scalar(db.select(Edition).where(Edition.year == programme["year"]))
        gen_session(edition, edition.rooms[1], day=1, start="16:00", end="17:00",
                    title="Atelier", speakers=[gen_speaker("Hassan"), gen_speaker("Fatima")],
                    languages=["en", "tzm"], pole="popular_education")
        db.session.commit()
    _reschedule_and_cancel(app, programme)
    year = programme["year"]
    xml = etree.fromstring(client.get(f"/{year}/schedule.xml").data)
    data = client.get(f"/{year}/schedule.json").get_json()
    xsd = etree.XMLSchema(etree.parse(str(shared_dir / "schemas" / "schedule.xml.xsd")))
    assert xsd.validate(xml), xsd.error_log

    conference, schedule = xml.find("conference"), data["schedule"]
    assert conference.findtext("time_zone_name") == schedule["conference"]["time_zone_name"] \
        == "Europe/Paris"
    assert conference.findtext("base_url") == schedule["base_url"]
    assert conference.findtext("url") == schedule["conference"]["url"]
    assert xml.findtext("url") == schedule["url"]

    def optout(event) -> bool | None:
        value = event.findtext("recording/optout")
        return None if value is None else value == "true"

    from_xml = {int(e.get("id")): {
        "guid": e.get("guid"), "url": e.findtext("url"), "do_not_record": optout(e),
        "slug": e.findtext("slug"), "date": e.findtext("date"), "start": e.findtext("start"),
        "duration": e.findtext("duration"), "room": e.findtext("room"),
        "room_of_day": e.getparent().get("name"), "title": e.findtext("title"),
        "track": e.findtext("track") or None, "type": e.findtext("type"),
        "language": e.findtext("language"),
        "persons": [(p.get("guid"), p.text) for p in e.findall("persons/person")],
    } for e in xml.iter("event")}
    from_json = {e["id"]: {
        "guid": e["guid"], "url": e["url"], "do_not_record": e["do_not_record"],
        "slug": e["slug"], "date": e["date"], "start": e["start"],
        "duration": e["duration"], "room": e["room"], "room_of_day": room,
        "title": e["title"], "track": e["track"], "type": e["type"],
        "language": e["language"],
        "persons": [(p["guid"], p["name"]) for p in e["persons"]],
    } for day in schedule["conference"]["days"] for room, events in day["rooms"].items()
        for e in events}
    assert len(from_xml) == 4
    assert from_xml == from_json
    for event in from_xml.values():
        assert event["url"].startswith("http://localhost/")



# Conditional requests -------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["schedule.xml", "schedule.json", "programme.ics",
                                  "sessions/{water}.ics"])
def test_exports_answer_304_until_the_programme_changes(client, app, programme, path):
    url = f"/{programme['year']}/" + path.format(water=programme["water"])
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('"')  # strong
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get(url)
    assert again.headers["ETag"] == etag  # the same bytes for the same programme
    cached = client.get(url, headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.data == b""
    assert cached.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    _reschedule_and_cancel(app, programme)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.data
    assert changed.headers["ETag"] != etag


def test_schedule_apps_get_each_title_in_its_sessions_own_language(client, app, programme):
    """A session held in Arabic first shows its Arabic title (when written), whatever the
    page's language; one held in French keeps its French title."""
    from festival.editions.models import ProgrammeSession
    with app.app_context():
        concert = db.session.get(ProgrammeSession, programme["concert"])
        concert.set_texts("title", {"fr": "Soirée ahwach", "ar": "سهرة أحواش"}, {},
                          max_length=250)
        water = db.session.get(ProgrammeSession, programme["water"])
        water.set_texts("title", {"fr": "L'eau dans le Souss-Massa",
                                  "ar": "الماء في سوس ماسة"}, {}, max_length=250)
        argan = db.session.get(ProgrammeSession, programme["argan"])
        argan.set_texts("title", {"fr": "Les coopératives féminines d'argan",
                                  "ar": "التعاونيات النسائية للأركان"}, {}, max_length=250)
        db.session.commit()
    events = {e["id"]: e for day in client.get(f"/{programme['year']}/schedule.json")
              .get_json()["schedule"]["conference"]["days"]
              for events in day["rooms"].values() for e in events}
    assert events[programme["argan"]]["title"] == "التعاونيات النسائية للأركان"  # held in ar
    assert events[programme["water"]]["title"] == "L'eau dans le Souss-Massa"     # fr first
    assert events[programme["concert"]]["title"] == "Soirée ahwach"  # tzm: not written in it
