"""Speakers of accepted proposals keep their page from a signed, expiring link; organisers
approve their changes before publication; speakers confirm when they are free."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from festival.editions.models import Speaker
from festival.extensions import db
from festival.proposals import links, services, speakers
from festival.proposals.models import ProfileChangeStatus, ProposalSpeaker, SpeakerProfileChange
from tests.factories import (
    PASSWORD,
    gen_association,
    gen_call,
    gen_edition,
    gen_proposal,
    gen_room,
    gen_user,
    paris,
)


@pytest.fixture
def invited(app):
    with app.app_context():
        edition = gen_edition(status="published")
        organiser = gen_user("organiser")
        call = gen_call(edition, actor=organiser)
        proposal = gen_proposal(call, gen_user("association", association=gen_association()),
                                speakers=[{"name": "Itto", "email": "itto@test.example"}])
        services.accept_proposal(proposal, actor=organiser, room_id=gen_room(edition).id,
                                 starts_at=paris(edition.dates[0], "11:00"))
        row = proposal.speakers[0]
        token = links.link_token(row)
        db.session.commit()
        return {"token": token, "row": row.id, "speaker": row.speaker_id,
                "organiser": organiser.email, "day": edition.dates[1].isoformat(),
                "proposal": proposal.id}


def _png(size=(40, 30)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def test_the_speaker_writes_a_page_that_waits_for_approval(client, app, invited):
    url = f"/speaker-page/{invited['token']}"
    page = client.get(url)
    assert page.status_code == 200 and "Itto" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    sent = client.post(url, data={"part": "profile", "bio_fr": "Poétesse.",
                                  "bio_ar": "شاعرة.", "links": ["https://itto.example",
                                                                "", ""],
                                  "photo": (_png(), "me.png")},
                       content_type="multipart/form-data")
    assert sent.status_code == 303
    with app.app_context():
        speaker = db.session.get(Speaker, invited["speaker"])
        assert speaker.bio_fr == "" and speaker.links == [] and speaker.photo_filename is None
        change = db.session.scalar(select(SpeakerProfileChange))
        assert change.status is ProfileChangeStatus.PENDING and change.photo_filename
        pending = speakers.pending_photo_path(change.photo_filename)
        assert pending is not None and pending.read_bytes()[:2] == b"\xff\xd8"  # a JPEG
    # not served with the public photos, only to organisers
    assert client.get(f"/speakers/photos/{change.photo_filename}").status_code == 404
    # the organiser approves it: now it is public
    assert client.post("/login", data={"email": invited["organiser"],
                                       "password": PASSWORD}).status_code == 302
    assert "Poétesse." in client.get("/manage/speaker-changes").get_data(as_text=True)
    with app.app_context():
        change_id = db.session.scalar(select(SpeakerProfileChange.id))
    preview = client.get(f"/manage/speaker-changes/{change_id}/photo")
    assert preview.status_code == 200 and preview.mimetype == "image/jpeg"
    preview.close()
    assert client.post(f"/manage/speaker-changes/{change_id}",
                       data={"action": "approve"}).status_code == 303
    with app.app_context():
        speaker = db.session.get(Speaker, invited["speaker"])
        assert speaker.texts_of("bio") == {"fr": "Poétesse.", "ar": "شاعرة."}
        assert speaker.links == ["https://itto.example"] and speaker.photo_filename
        assert speakers.pending_photo_path(change.photo_filename) is None  # moved across
    public = client.get(f"/speakers/photos/{speaker.photo_filename}")
    assert public.status_code == 200
    public.close()
    again = client.post(f"/manage/speaker-changes/{change_id}", data={"action": "reject"})
    assert again.status_code == 303  # already decided: said in a message, nothing changes


def test_a_rejected_change_publishes_nothing(app, invited):
    with app.app_context():
        row = db.session.get(ProposalSpeaker, invited["row"])
        change = speakers.submit_profile(row, {"bio": {"fr": "Texte"}, "links": []})
        organiser = db.session.scalar(select(type(row.proposal.proposer)).where(
            type(row.proposal.proposer).email == invited["organiser"]))
        speakers.decide_profile_change(change, approve=False, actor=organiser,
                                       now=change.created_at)
        assert change.status is ProfileChangeStatus.REJECTED
        assert db.session.get(Speaker, invited["speaker"]).bio_fr == ""
        db.session.rollback()


def test_bad_photos_and_links_are_refused_clearly(client, app, invited):
    url = f"/speaker-page/{invited['token']}"
    refused = client.post(url, data={"part": "profile", "bio_fr": "Ok",
                                     "photo": (io.BytesIO(b"not an image at all"), "x.png")},
                          content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "is not an image we accept" in refused.get_data(as_text=True)
    links = client.post(url, data={"part": "profile", "links": ["javascript:alert(1)"]})
    assert links.status_code == 422 and 'id="links-errors"' in links.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(SpeakerProfileChange)) is None


def test_a_photo_over_5_mb_is_refused_before_it_is_decoded(app, invited):
    from festival.core.errors import ValidationError
    with app.app_context():
        row = db.session.get(ProposalSpeaker, invited["row"])
        huge = io.BytesIO(b"\x89PNG" + b"0" * (speakers.MAX_PHOTO_BYTES + 1))
        with pytest.raises(ValidationError) as refused:
            speakers.submit_profile(row, {"bio": {"fr": "Ok"}}, huge)
        assert "photo" in refused.value.fields
        db.session.rollback()


def test_the_speaker_confirms_the_slots_they_are_free_for(client, app, invited):
    url = f"/speaker-page/{invited['token']}"
    confirmed = client.post(url, data={"part": "availability",
                                       "slots": [f"{invited['day']}/morning",
                                                 f"{invited['day']}/evening"]})
    assert confirmed.status_code == 303
    with app.app_context():
        row = db.session.get(ProposalSpeaker, invited["row"])
        assert {a.part.value for a in row.availability} == {"morning", "evening"}
        assert row.availability_confirmed_at is not None
    bad = client.post(url, data={"part": "availability", "slots": ["1999-01-01/morning"]})
    assert bad.status_code == 422 and 'id="slots-errors"' in bad.get_data(as_text=True)


def test_links_that_are_forged_old_or_replaced_open_nothing(client, app, invited,
                                                            monkeypatch):
    assert client.get(f"/speaker-page/{invited['token']}x").status_code == 404
    assert client.get("/speaker-page/" + "a" * 300).status_code == 404
    monkeypatch.setattr(links, "LINK_DAYS", -1)  # every link is now past its age
    assert client.get(f"/speaker-page/{invited['token']}").status_code == 404
    monkeypatch.undo()
    with app.app_context():
        from festival.proposals.notifications import queue_speaker_invitation
        queue_speaker_invitation(db.session.get(ProposalSpeaker, invited["row"]))
        db.session.commit()
    assert client.get(f"/speaker-page/{invited['token']}").status_code == 404  # replaced


def test_approved_links_are_on_the_public_speakers_page(client, app, invited):
    from festival.editions.models import ProgrammeSession
    from festival.proposals.models import Proposal
    with app.app_context():
        speaker = db.session.get(Speaker, invited["speaker"])
        speaker.links = ["https://itto.example/"]
        session = db.session.get(ProgrammeSession,
                                 db.session.get(Proposal, invited["proposal"]).session_id)
        session.status = session.status.PUBLISHED
        year = session.edition.year
        db.session.commit()
    page = client.get(f"/{year}/speakers").get_data(as_text=True)
    assert 'href="https://itto.example/"' in page and ">itto.example<" in page


def test_a_speakers_address_is_exported_and_erased(app, invited):
    from festival.privacy.services import erase_person, export_person
    with app.app_context():
        exported = export_person("ITTO@test.example")
        assert [p["name"] for p in exported["proposals_naming_you"]] == ["Itto"]
        done = erase_person("itto@test.example", actor=None)
        assert done.speakers == 1
        row = db.session.get(ProposalSpeaker, invited["row"])
        assert row.email == "" and export_person("itto@test.example")[
            "proposals_naming_you"] == []
        db.session.commit()


def test_an_erased_speakers_link_stops_working(client, app, invited):
    from festival.privacy.services import erase_person
    with app.app_context():
        erase_person("itto@test.example", actor=None)
        db.session.commit()
    assert client.get(f"/speaker-page/{invited['token']}").status_code == 404


def test_a_speaker_of_a_long_festival_says_they_are_free_for_every_slot(client, app):
    """A proposal prefers 12 slots at most; a speaker free all through a 14-day festival
    ticks all its 42 slots (the 12 refused them, and the form read 40 values only)."""
    from datetime import date, timedelta
    with app.app_context():
        days = [date(2031, 7, 1) + timedelta(days=n) for n in range(14)]
        edition = gen_edition(2031, status="published", days=days)
        organiser = gen_user("organiser")
        call = gen_call(edition, actor=organiser)
        proposal = gen_proposal(call, gen_user("association", association=gen_association()),
                                speakers=[{"name": "Itto", "email": "itto@test.example"}])
        services.accept_proposal(proposal, actor=organiser, room_id=gen_room(edition).id,
                                 starts_at=paris(days[0], "11:00"))
        row = proposal.speakers[0]
        token = links.link_token(row)
        db.session.commit()
        row_id = row.id
    everything = [f"{day.isoformat()}/{part}" for day in days
                  for part in ("morning", "afternoon", "evening")]
    url = f"/speaker-page/{token}"
    assert client.post(url, data={"part": "availability", "slots": everything}).status_code \
        == 303
    with app.app_context():
        assert len(db.session.get(ProposalSpeaker, row_id).availability) == 42
    too_many = client.post(url, data={"part": "availability",
                                      "slots": everything + ["2031-07-01/morning"] * 100})
    assert too_many.status_code == 422


def test_an_organisers_note_with_a_nul_decides_nothing(client, app, invited):
    with app.app_context():
        row = db.session.get(ProposalSpeaker, invited["row"])
        change_id = speakers.submit_profile(row, {"bio": {"fr": "Texte"}, "links": []}).id
        db.session.commit()
    assert client.post("/login", data={"email": invited["organiser"],
                                       "password": PASSWORD}).status_code == 302
    answer = client.post(f"/manage/speaker-changes/{change_id}",
                         data={"action": "approve", "note": "vu\x00"})
    assert answer.status_code == 303  # said in a message (a 500 on PostgreSQL before)
    with app.app_context():
        assert db.session.get(SpeakerProfileChange, change_id).status \
            is ProfileChangeStatus.PENDING


@pytest.mark.parametrize("link", ["https://itto.example/\u202egnp.exe",
                                  "https://itto.example/\u2067x", "https://itto.example/\x9bx"])
def test_a_link_that_reads_otherwise_than_it_goes_is_refused(app, invited, link):
    from festival.core.errors import ValidationError
    with app.app_context():
        row = db.session.get(ProposalSpeaker, invited["row"])
        with pytest.raises(ValidationError) as refused:
            speakers.submit_profile(row, {"bio": {"fr": "Ok"}, "links": [link]})
        assert "links" in refused.value.fields
        db.session.rollback()
