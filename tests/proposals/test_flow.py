"""End to end through the pages: an organiser opens a call, a member association proposes,
a reviewer scores, the organiser accepts; the draft session is scheduled on the session
form with a clash warning, confirmed and published, and appears in the Frab JSON and XML
(valid against the c3voc schema and XSD) and in the iCalendar export."""
from __future__ import annotations

import json
import re

from icalendar import Calendar
from sqlalchemy import select

from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.proposals.models import Proposal, ProposalStatus
from tests.editions.test_exports import _frab_clock_time, _json_events
from tests.factories import (
    PASSWORD,
    gen_association,
    gen_edition,
    gen_room,
    gen_session,
    gen_user,
)


def _login(client, email: str) -> None:
    client.post("/logout")
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def test_from_the_call_to_the_exports(app, client, shared_dir):
    with app.app_context():
        edition = gen_edition(2038, status="on_sale")
        room = gen_room(edition, name="Grande salle")
        other_room = gen_room(edition, name="Salle Tiznit")
        busy = gen_session(edition, room, day=1, start="15:00", end="16:00",
                           title="Conférence déjà prévue")
        organiser = gen_user("organiser")
        reviewer = gen_user("volunteer")
        representative = gen_user("association",
                                  association=gen_association(name="Tamount Europe"))
        db.session.commit()
        emails = (organiser.email, reviewer.email, representative.email)
        ids = {"room": room.id, "other_room": other_room.id, "busy": busy.id}
    organiser_email, reviewer_email, representative_email = emails

    # 1. The organiser opens the call and names a reviewer.
    _login(client, organiser_email)
    opened = client.post("/manage/2038/call", data={
        "opens_on": "2026-01-01", "opens_time": "09:00", "closes_on": "2038-05-01",
        "closes_time": "23:59", "guidelines_fr": "Les associations membres proposent.",
        "guidelines_en": "Member associations propose.", "languages": ["fr", "ar"],
        "poles": ["popular_education"], "formats-0-kind": "workshop",
        "formats-0-name_fr": "Atelier", "formats-0-duration_minutes": "90",
        "criteria-0-name_fr": "Intérêt pour le public", "criteria-0-max_score": "5"})
    assert opened.status_code == 302
    assert client.post("/manage/2038/call/reviewers",
                       data={"email": reviewer_email}).status_code == 303
    assert "Les associations membres proposent." in client.get("/2038/call").get_data(
        as_text=True)

    # 2. The representative proposes from the call's page.
    _login(client, representative_email)
    assert "/2038/call" in client.get("/my-proposals").get_data(as_text=True)
    form = client.get("/2038/call/propose").get_data(as_text=True)
    format_id = re.search(r'<option value="(\d+)"[^>]*>Atelier', form).group(1)
    sent = client.post("/2038/call/propose", data={
        "title": "Atelier d'écriture tifinagh", "abstract": "Écrire son prénom.",
        "format_id": format_id, "language": "fr", "pole": "popular_education",
        "speakers-0-name": "Itto Amazigh", "speakers-0-email": "itto@test.example",
        "needs_projector": "y", "slots": ["2038-05-16/afternoon"]})
    assert sent.status_code == 302
    with app.app_context():
        proposal_id = db.session.scalar(select(Proposal.id))
        criterion = db.session.get(Proposal, proposal_id).call.criteria[0].id

    # 3. The reviewer scores it.
    _login(client, reviewer_email)
    url = f"/manage/2038/proposals/{proposal_id}"
    assert client.post(url + "/review", data={f"score-{criterion}": "5",
                                              "comment": "Excellent"}).status_code == 303

    # 4. The organiser accepts it on Sunday 15:00 in the small room: a draft session.
    _login(client, organiser_email)
    assert "Excellent" in client.get(url).get_data(as_text=True)
    accepted = client.post(url + "/accept", data={
        "room_id": str(ids["other_room"]), "day": "2038-05-16", "start": "15:00"})
    assert accepted.status_code == 303
    session_url = accepted.headers["Location"]
    session_id = int(session_url.rstrip("/").rsplit("/", 1)[1])
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal.status is ProposalStatus.ACCEPTED
        assert [e.to_status for e in proposal.events] == [
            ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW, ProposalStatus.ACCEPTED]
        speaker_id = proposal.speakers[0].speaker_id
        outbox = {m.to_address for m in db.session.scalars(select(OutboxMessage))}
        assert outbox == {representative_email, "itto@test.example"}
    assert "Atelier d&#39;écriture tifinagh" not in client.get("/2038/programme").get_data(
        as_text=True)  # a draft is not public

    # 5. Scheduled in the big room, where a session already is: a clash warning first.
    schedule = {"title": "Atelier d'écriture tifinagh", "kind": "workshop",
                "abstract": "Écrire son prénom.", "languages": ["fr"],
                "pole": "popular_education", "day": "2038-05-16", "start_time": "15:30",
                "end_time": "17:00", "room_id": str(ids["room"]),
                "speaker_ids": [str(speaker_id)], "status": "published"}
    warned = client.post(session_url, data=schedule)
    assert warned.status_code == 409
    assert "Conférence déjà prévue" in warned.get_data(as_text=True)
    saved = client.post(session_url, data={**schedule, "confirm_clashes": "y"})
    assert saved.status_code == 302

    # 6. Published: in the Frab JSON (valid against the c3voc schema) and in iCalendar.
    client.post("/logout")
    import jsonschema
    schema = json.loads((shared_dir / "schemas" / "schedule.schema.json").read_text())
    data = client.get("/2038/schedule.json").get_json()
    validator = jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    errors = [e for e in validator.iter_errors(data) if not _frab_clock_time(e)]
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []
    event = next(e for e in _json_events(data) if e["id"] == session_id)
    assert event["title"] == "Atelier d'écriture tifinagh"
    assert event["start"] == "15:30" and event["duration"] == "01:30"
    assert event["room"] == "Grande salle"
    assert [p["public_name"] for p in event["persons"]] == ["Itto Amazigh"]
    from lxml import etree
    xsd = etree.XMLSchema(etree.parse(str(shared_dir / "schemas" / "schedule.xml.xsd")))
    xml = etree.fromstring(client.get("/2038/schedule.xml").data)
    assert xsd.validate(xml), xsd.error_log
    assert xml.find(f"day/room/event[@id='{session_id}']").findtext("start") == "15:30"
    calendar = Calendar.from_ical(client.get("/2038/programme.ics").data)
    summaries = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert "Atelier d'écriture tifinagh" in summaries
    single = Calendar.from_ical(client.get(f"/2038/sessions/{session_id}.ics").data)
    start = single.walk("VEVENT")[0].decoded("DTSTART")
    assert (start.hour, start.minute) == (15, 30) and str(start.tzinfo) == "Europe/Paris"
