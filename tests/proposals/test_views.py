"""The calls' pages through the test client: the public call, proposing with clear errors,
the review page (anonymised for reviewers), the decisions, and who is refused."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from festival.extensions import db
from festival.proposals import calls
from festival.proposals.models import Proposal, ProposalEvent, ProposalStatus
from tests.factories import (
    PASSWORD,
    gen_association,
    gen_call,
    gen_edition,
    gen_proposal,
    gen_room,
    gen_user,
)


@pytest.fixture
def world(app):
    with app.app_context():
        edition = gen_edition(status="published")
        organiser = gen_user("organiser")
        call = gen_call(edition, actor=organiser)
        association = gen_association(name="Tiwizi Solidarité")
        representative = gen_user("association", association=association)
        reviewer = gen_user("volunteer")
        calls.add_reviewer(call, reviewer.email, actor=organiser)
        proposal = gen_proposal(call, representative, title="L'eau au village",
                                speakers=[{"name": "Amina Oufkir",
                                           "email": "amina@test.example"}])
        room = gen_room(edition, name="Grande salle")
        db.session.commit()
        return {"year": edition.year, "organiser": organiser.email,
                "representative": representative.email, "reviewer": reviewer.email,
                "representative_name": representative.display_name,
                "proposal": proposal.id, "room": room.id, "format": call.formats[0].id,
                "day": edition.dates[0].isoformat(),
                "criteria": [c.id for c in call.criteria]}


def _login(client, email):
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def test_the_call_page_is_public_with_its_guidelines_and_formats(client, world):
    page = client.get(f"/{world['year']}/call").get_data(as_text=True)
    assert "Proposez une conférence ou un atelier." in page
    assert "Conférence" in page and "Atelier" in page
    assert "Log in to propose a session" in page
    english = client.get(f"/{world['year']}/call", headers={"Accept-Language": "en"})
    assert "Propose a talk or a workshop." in english.get_data(as_text=True)


def test_a_year_without_a_call_answers_404(client, app):
    with app.app_context():
        edition = gen_edition(status="published")
        db.session.commit()
        year = edition.year
    assert client.get(f"/{year}/call").status_code == 404


def _proposal_form(world, **changes):
    data = {"title": "Atelier tifinagh", "abstract": "Apprendre l'alphabet.",
            "format_id": str(world["format"]), "language": "fr", "pole": "",
            "speakers-0-name": "Said Ouhammou", "speakers-0-email": "said@test.example",
            "audience": "40", "needs_projector": "y",
            "slots": [f"{world['day']}/morning", f"{world['day']}/evening"]}
    data.update(changes)
    return data


def test_a_representative_proposes_from_the_form(client, app, world):
    _login(client, world["representative"])
    form = client.get(f"/{world['year']}/call/propose")
    assert form.status_code == 200 and "Tiwizi Solidarité" in form.get_data(as_text=True)
    response = client.post(f"/{world['year']}/call/propose", data=_proposal_form(world))
    assert response.status_code == 302 and response.headers["Location"] == "/my-proposals"
    with app.app_context():
        proposal = db.session.scalar(select(Proposal).where(Proposal.title ==
                                                            "Atelier tifinagh"))
        assert proposal.needs_projector and proposal.audience == 40
        assert [s.email for s in proposal.speakers] == ["said@test.example"]
        assert len(proposal.slots) == 2
    mine = client.get("/my-proposals").get_data(as_text=True)
    assert "Atelier tifinagh" in mine and "L&#39;eau au village" in mine


def test_a_bad_proposal_shows_each_error_next_to_its_field_and_keeps_the_text(client, world):
    _login(client, world["representative"])
    response = client.post(f"/{world['year']}/call/propose", data=_proposal_form(
        world, title="", **{"speakers-0-email": "pas une adresse"}, audience="-3",
        slots=["2001-01-01/morning"]))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for field in ("title", "speakers-0-email", "audience", "slots"):
        assert f'id="{field}-errors"' in page, field
    assert "Apprendre l&#39;alphabet." in page and 'value="pas une adresse"' in page


def test_a_huge_form_is_bounded(client, world):
    _login(client, world["representative"])
    response = client.post(f"/{world['year']}/call/propose", data=_proposal_form(
        world, slots=[f"{world['day']}/morning"] * 5000))
    assert response.status_code == 422  # read up to 40 values, and 12 slots at most


@pytest.mark.parametrize("role", ["volunteer", "organiser"])
def test_other_roles_cannot_propose_to_a_members_only_call(client, app, world, role):
    with app.app_context():
        email = gen_user(role).email
        db.session.commit()
    _login(client, email)
    assert client.get(f"/{world['year']}/call/propose").status_code == 403
    assert client.post(f"/{world['year']}/call/propose",
                       data=_proposal_form(world)).status_code == 403


def test_the_reviewer_sees_an_anonymised_proposal_and_scores_it(client, app, world):
    with app.app_context():
        proposal = db.session.get(Proposal, world["proposal"])
        proposal.call.is_anonymised = True
        db.session.commit()
    _login(client, world["reviewer"])
    assert f"/manage/{world['year']}/proposals" in client.get("/my-proposals").get_data(
        as_text=True)  # where a reviewer finds the proposals
    url = f"/manage/{world['year']}/proposals/{world['proposal']}"
    page = client.get(url).get_data(as_text=True)
    assert "L&#39;eau au village" in page
    assert "Tiwizi Solidarité" not in page and "Amina Oufkir" not in page
    assert world["representative_name"] not in page  # not even in the history
    assert "Pertinence" in page and "0 to 5" in page  # the rubric, with its scale
    assert "Accept the proposal" not in page
    listing = client.get(f"/manage/{world['year']}/proposals").get_data(as_text=True)
    assert "L&#39;eau au village" in listing and "Tiwizi Solidarité" not in listing
    first, second = world["criteria"]
    refused = client.post(url + "/review", data={f"score-{first}": "9", "comment": "?"})
    assert refused.status_code == 422
    assert f'id="score-{first}-errors"' in refused.get_data(as_text=True)
    saved = client.post(url + "/review", data={f"score-{first}": "4", f"score-{second}": "2",
                                               "comment": "Solide"})
    assert saved.status_code == 303
    with app.app_context():
        proposal = db.session.get(Proposal, world["proposal"])
        assert proposal.status is ProposalStatus.UNDER_REVIEW
        assert proposal.reviews[0].total == 6
    # deciding is the organisers'
    assert client.post(url + "/status", data={"action": "decline"}).status_code == 403


def test_a_stranger_cannot_open_the_review(client, app, world):
    with app.app_context():
        email = gen_user("volunteer").email
        db.session.commit()
    _login(client, email)
    assert client.get(f"/manage/{world['year']}/proposals").status_code == 403
    assert client.get(f"/manage/{world['year']}/proposals/{world['proposal']}").status_code \
        == 403
    _login(client, world["representative"])
    assert client.get(f"/manage/{world['year']}/proposals").status_code == 403


def test_the_organiser_sees_everything_and_declines_with_a_note(client, app, world):
    _login(client, world["organiser"])
    url = f"/manage/{world['year']}/proposals/{world['proposal']}"
    page = client.get(url).get_data(as_text=True)
    assert "Tiwizi Solidarité" in page and "Amina Oufkir" in page
    response = client.post(url + "/status", data={"action": "decline",
                                                  "note": "Trop d'ateliers"})
    assert response.status_code == 303
    with app.app_context():
        proposal = db.session.get(Proposal, world["proposal"])
        assert proposal.status is ProposalStatus.DECLINED
        assert proposal.events[-1].note == "Trop d'ateliers"


def test_accepting_into_a_clash_asks_for_the_confirmation(client, app, world):
    from tests.factories import gen_session
    with app.app_context():
        from festival.editions.services import edition_by_year
        edition = edition_by_year(world["year"])
        room = db.session.get(type(edition.rooms[0]), world["room"])
        gen_session(edition, room, start="10:00", end="11:00", title="Déjà là")
        db.session.commit()
    _login(client, world["organiser"])
    url = f"/manage/{world['year']}/proposals/{world['proposal']}/accept"
    data = {"room_id": str(world["room"]), "day": world["day"], "start": "10:30"}
    refused = client.post(url, data=data)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Déjà là" in page and 'name="confirm_clashes"' in page
    with app.app_context():
        assert db.session.get(Proposal, world["proposal"]).status is ProposalStatus.SUBMITTED
    accepted = client.post(url, data={**data, "confirm_clashes": "y"})
    assert accepted.status_code == 303 and "/sessions/" in accepted.headers["Location"]
    with app.app_context():
        assert db.session.get(Proposal, world["proposal"]).status is ProposalStatus.ACCEPTED


def test_the_organiser_sets_up_the_call_from_the_form(client, app, world):
    _login(client, world["organiser"])
    url = f"/manage/{world['year']}/call"
    page = client.get(url).get_data(as_text=True)
    assert "Proposez une conférence ou un atelier." in page
    data = {"opens_on": "2026-01-01", "opens_time": "09:00", "closes_on": "2026-01-01",
            "closes_time": "08:00", "guidelines_fr": "", "languages": ["fr"],
            "formats-0-kind": "concert", "formats-0-name_fr": "Concert",
            "formats-0-duration_minutes": "120"}
    refused = client.post(url, data=data)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'id="closes_on-errors"' in text and 'id="guidelines_fr-errors"' in text
    data.update(closes_on="2099-01-01", guidelines_fr="Tout est bienvenu.")
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        proposal = db.session.get(Proposal, world["proposal"])
        assert [f.name_fr for f in proposal.call.formats] == ["Concert"]
        assert proposal.format is None  # its format was removed: it keeps its texts


def test_every_form_carries_a_csrf_token_and_a_post_without_it_is_refused(test_environ,
                                                                          world):
    import re

    from tests.conftest import make_app
    guarded = make_app(test_environ, WTF_CSRF_ENABLED=True)
    client = guarded.test_client()

    def login(email):
        client.post("/logout")
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert client.post("/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": token}).status_code == 302

    year, proposal = world["year"], world["proposal"]
    login(world["organiser"])
    for url in (f"/manage/{year}/call", f"/manage/{year}/proposals/{proposal}"):
        forms = re.findall(r'<form method="post".*?</form>',
                           client.get(url).get_data(as_text=True), re.S)
        assert forms and all('name="csrf_token"' in f for f in forms), url
    assert client.post(f"/manage/{year}/proposals/{proposal}/status",
                       data={"action": "decline"}).status_code == 400
    login(world["representative"])
    for url in (f"/{year}/call/propose", "/my-proposals"):
        forms = re.findall(r'<form method="post".*?</form>',
                           client.get(url).get_data(as_text=True), re.S)
        assert forms and all('name="csrf_token"' in f for f in forms), url
    assert client.post(f"/{year}/call/propose", data=_proposal_form(world)).status_code == 400
    with guarded.app_context():
        assert db.session.get(Proposal, proposal).status is ProposalStatus.SUBMITTED


# Text no database holds, or that reads otherwise than it is written -------------------------

@pytest.mark.parametrize("title", ["Atelier\x00tifinagh", "Atelier \u202etifinagh",
                                   "Atelier\x1btifinagh"])
def test_a_title_with_a_nul_or_a_direction_override_is_refused_on_its_field(client, app,
                                                                             world, title):
    _login(client, world["representative"])
    response = client.post(f"/{world['year']}/call/propose",
                           data=_proposal_form(world, title=title))
    assert response.status_code == 422  # PostgreSQL answered a 500 to the NUL
    assert 'id="title-errors"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Proposal).where(Proposal.title.like("Atelier%"))) \
            is None


def test_a_withdrawal_note_with_a_nul_is_refused_not_a_server_error(client, app, world):
    _login(client, world["representative"])
    response = client.post(f"/my-proposals/{world['proposal']}/withdraw",
                           data={"note": "plus possible\x00"})
    assert response.status_code == 303
    with app.app_context():
        proposal = db.session.get(Proposal, world["proposal"])
        assert proposal.status is ProposalStatus.SUBMITTED
        assert db.session.scalar(select(ProposalEvent).where(
            ProposalEvent.to_status == ProposalStatus.WITHDRAWN)) is None


def test_a_review_comment_with_a_nul_is_refused_on_its_field(client, app, world):
    _login(client, world["reviewer"])
    scores = {f"score-{c}": "1" for c in world["criteria"]}
    response = client.post(f"/manage/{world['year']}/proposals/{world['proposal']}/review",
                           data={**scores, "comment": "bien\x00"})
    assert response.status_code == 422
    assert 'id="comment-errors"' in response.get_data(as_text=True)


def test_a_reviewer_sees_the_speakers_names_but_never_their_addresses(client, world):
    """A reviewer (any account an organiser names) needs who speaks, not how to reach them:
    the addresses stay with the organisers."""
    url = f"/manage/{world['year']}/proposals/{world['proposal']}"
    _login(client, world["reviewer"])
    page = client.get(url).get_data(as_text=True)
    assert "Amina Oufkir" in page and "amina@test.example" not in page
    _login(client, world["organiser"])
    assert "amina@test.example" in client.get(url).get_data(as_text=True)


def test_a_draft_editions_call_is_not_listed_to_members(client, app, world):
    """Organisers may prepare next year's call before the edition is public: its title and
    year stay theirs (the call's own page answers 404 to others)."""
    with app.app_context():
        draft = gen_edition(status="draft", title="Festival secret")
        gen_call(draft)
        db.session.commit()
        year = draft.year
    _login(client, world["representative"])
    page = client.get("/my-proposals").get_data(as_text=True)
    assert "Festival secret" not in page and f"/{year}/call" not in page
    assert f"/{world['year']}/call" in page  # the public edition's call is listed
    assert client.get(f"/{year}/call").status_code == 404
