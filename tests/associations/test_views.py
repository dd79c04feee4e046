import io
import re

import pytest
from sqlalchemy import select

from festival.accounts.models import User
from festival.associations.models import Association, MembershipEvent
from festival.extensions import db
from tests import factories
from tests.associations.helpers import APPLICATION, REPRESENTATIVE, S, association_with_status


def make(app, status=S.MEMBER, **fields):
    with app.app_context():
        association = association_with_status(status, **fields)
        db.session.commit()
        return association.id, association.slug


def load(app, association_id):
    with app.app_context():
        association = db.session.get(Association, association_id)
        db.session.expunge(association)
        return association


def text(response) -> str:
    return response.get_data(as_text=True)


# --- public pages ------------------------------------------------------------------------------

def test_directory_lists_members_only_and_filters(app, client):
    make(app, name="Puits de Tafraout", province="tiznit", themes=["water"],
         short_description="Eau potable")
    make(app, name="Écoles de Tata", province="tata", themes=["education"])
    make(app, S.UNDER_REVIEW, name="Pending Water")
    page = text(client.get("/associations"))
    assert "Puits de Tafraout" in page and "Écoles de Tata" in page
    assert "Pending Water" not in page and "2 associations" in page
    assert "Eau potable" in page and "Water" in page  # summary and theme badge
    by_province = text(client.get("/associations?province=tata"))
    assert "Écoles de Tata" in by_province and "Puits de Tafraout" not in by_province
    by_theme = text(client.get("/associations?theme=water"))
    assert "Puits de Tafraout" in by_theme and "Écoles de Tata" not in by_theme
    accent_blind = text(client.get("/associations?q=ecoles"))
    assert "Écoles de Tata" in accent_blind and "1 association" in accent_blind
    nothing = text(client.get("/associations?q=zzz"))
    assert "No association matches this search" in nothing


def test_bad_filters_are_explained_not_crashed(app, client):
    make(app, name="Only One")
    response = client.get("/associations?province=paris&theme=nonsense&q=" + "x" * 300)
    assert response.status_code == 200
    assert "Unknown value" in text(response) and "Only One" not in text(response)


def test_directory_empty_state(client):
    assert "No member association yet" in text(client.get("/associations"))


def test_association_page_and_non_members(app, client):
    _, slug = make(app, name="Afoulki Test", description="Premier.\n\nSecond.",
                   city="Paris", postcode="75018", website="https://afoulki.example",
                   poles=["mre"])
    page = text(client.get(f"/associations/{slug}"))
    assert "<h1>Afoulki Test</h1>" in page and "<p class=\"pre-line\">Second.</p>" in page
    assert "Paris (75018)" in page and "afoulki.example" in page
    assert "Moroccans living abroad" in page
    for status in (S.APPLIED, S.UNDER_REVIEW, S.REJECTED, S.SUSPENDED, S.LEFT):
        _, hidden = make(app, status, name=f"Hidden {status.value}")
        assert client.get(f"/associations/{hidden}").status_code == 404
    assert client.get("/associations/no-such-slug").status_code == 404


def test_organisers_and_own_representatives_preview_non_members(app, client, auth):
    association_id, slug = make(app, S.UNDER_REVIEW, name="Waiting Asso")
    auth.login_as("association", association=load(app, association_id))
    page = text(client.get(f"/associations/{slug}"))
    assert "This page is not public." in page and "Edit our page" in page
    auth.logout()
    other_id, _ = make(app, name="Other")
    auth.login_as("association", association=load(app, other_id))
    assert client.get(f"/associations/{slug}").status_code == 404
    auth.logout()
    auth.login_as("organiser")
    assert "Open the record" in text(client.get(f"/associations/{slug}"))


def test_application_form_creates_the_application_and_the_account(app, client):
    data = dict(APPLICATION, **REPRESENTATIVE, password_confirm=REPRESENTATIVE["password"],
                consent="y")
    response = client.post("/associations/apply", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/associations/apply/sent")
    sent = text(client.get(response.headers["Location"]))
    assert "Amis de Tafraout" in sent and "What happens next" in sent
    assert REPRESENTATIVE["representative_email"] in sent
    with app.app_context():
        association = db.session.scalar(select(Association))
        assert association.status is S.APPLIED and association.slug == "amis-de-tafraout"
        user = db.session.scalar(select(User).where(User.association_id == association.id))
        assert user.email == REPRESENTATIVE["representative_email"]
    assert client.get("/associations/amis-de-tafraout").status_code == 404
    again = client.post("/associations/apply", data=data)
    assert again.status_code == 422
    assert "already registered" in text(again) and "already exists" not in text(again)


def test_the_applicant_logs_in_only_after_following_the_link_sent_to_the_address(app, client):
    from festival.mail.models import OutboxMessage
    data = dict(APPLICATION, **REPRESENTATIVE, password_confirm=REPRESENTATIVE["password"],
                consent="y")
    assert client.post("/associations/apply", data=data).status_code == 302
    credentials = {"email": REPRESENTATIVE["representative_email"],
                   "password": REPRESENTATIVE["password"]}
    refused = client.post("/login", data=credentials)
    wrong = client.post("/login", data=dict(credentials, password="not the password"))
    assert refused.status_code == wrong.status_code == 200
    assert "Wrong e-mail address or password." in text(refused)
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.text_body).where(
            OutboxMessage.template == "association_applied"))
    link = re.search(r"http://localhost(/account/confirm/\S+)", body).group(1)
    page = client.get(link)
    assert page.status_code == 200 and "Confirm my address" in text(page)
    assert client.post("/login", data=credentials).status_code == 200  # a GET confirms nothing
    confirmed = client.post(link)
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith("/login")
    assert client.post("/login", data=credentials).status_code == 302
    assert client.get("/my-association").status_code == 200
    assert client.get(link).status_code == 400  # used up


def test_the_form_answers_the_same_for_an_address_with_an_account(app):
    factories.user_in_db(app, "organiser", email="known@x.example")
    answers = []
    for n, email in enumerate(("known@x.example", "unknown@x.example")):
        client = app.test_client()
        name = f"Association numéro {n}"
        data = dict(APPLICATION, **REPRESENTATIVE, password_confirm=REPRESENTATIVE["password"],
                    consent="y")
        data.update(name=name, email=f"c{n}@x.example", representative_email=email)
        response = client.post("/associations/apply", data=data)
        page = text(client.get(response.headers["Location"]))
        answers.append((response.status_code, response.headers["Location"],
                        page.replace(email, "EMAIL").replace(name, "NAME")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 302


def test_the_application_form_is_rate_limited(test_environ):
    from festival.core.security import limiter
    from tests.conftest import make_app
    application = make_app(dict(test_environ, RATE_LIMIT_ASSOCIATION_APPLY="2 per minute"),
                           RATELIMIT_ENABLED=True)
    client = application.test_client()
    try:
        codes = [client.post("/associations/apply", data={"name": "x"}).status_code
                 for _ in range(3)]
        assert codes == [422, 422, 429]
        assert client.get("/associations/apply").status_code == 200
    finally:
        limiter.reset()


def test_application_form_shows_every_mistake_at_once(app, client):
    response = client.post("/associations/apply", data={
        "name": "X", "postcode": "123", "website": "ftp://x", "password": "short",
        "password_confirm": "other"})
    page = text(response)
    assert response.status_code == 422
    for message in ("This field is required", "five digits", "http://",
                    "The two passwords differ", "Tick this box"):
        assert message in page or message.lower() in page.lower(), message
    with app.app_context():
        assert db.session.scalar(select(Association)) is None
    assert client.get("/associations/apply/sent").status_code == 302


def test_organiser_reviews_a_new_application_and_it_becomes_public(app, client, auth):
    client.post("/associations/apply", data=dict(
        APPLICATION, **REPRESENTATIVE, password_confirm=REPRESENTATIVE["password"],
        consent="y"))
    organiser = auth.login_as("organiser")
    queue = text(client.get("/manage/associations/queue"))
    assert "Amis de Tafraout" in queue and "Start the review" in queue
    assert REPRESENTATIVE["representative_email"] in queue
    association_id = int(re.search(r'id="a(\d+)"', queue).group(1))
    decide = f"/manage/associations/{association_id}/decide"
    assert client.post(decide + "?next=/manage/associations/queue",
                       data={"action": "start_review", "note": ""}).status_code == 302
    client.post(decide, data={"action": "note", "note": "Statuts reçus."})
    refused = client.post(decide, data={"action": "reject", "note": ""},
                          follow_redirects=True)
    assert "Give the reason" in text(refused)
    approved = client.post(decide, data={"action": "approve", "note": "Bienvenue"},
                           follow_redirects=True)
    assert "is now a member" in text(approved)
    record = text(client.get(f"/manage/associations/{association_id}"))
    assert "Statuts reçus." in record and "Bienvenue" in record
    twice = client.post(decide, data={"action": "approve"}, follow_redirects=True)
    assert "not possible any more" in text(twice)
    with app.app_context():
        events = db.session.scalars(select(MembershipEvent).where(
            MembershipEvent.association_id == association_id).order_by(MembershipEvent.id)).all()
        assert [e.to_status for e in events] == [S.APPLIED, S.UNDER_REVIEW, None, S.MEMBER]
        assert {e.actor_id for e in events[1:]} == {organiser["id"]}
    auth.logout()
    assert "Amis de Tafraout" in text(client.get("/associations"))
    assert client.get("/associations/amis-de-tafraout").status_code == 200
    api = client.get("/api/v1/associations").get_json()
    assert [a["slug"] for a in api["associations"]] == ["amis-de-tafraout"]
    assert "Amis de Tafraout" not in text(client.get("/manage/associations/queue"))


def test_decide_refuses_unknown_actions(app, client, auth):
    association_id, _ = make(app, S.APPLIED)
    auth.login_as("organiser")
    response = client.post(f"/manage/associations/{association_id}/decide",
                           data={"action": "delete"}, follow_redirects=True)
    assert "Unknown action" in text(response)
    response = client.post(f"/manage/associations/{association_id}/decide?next=https://x.example",
                           data={"action": "note", "note": "n"})
    assert response.headers["Location"].startswith(f"/manage/associations/{association_id}")
    assert client.post("/manage/associations/999999/decide",
                       data={"action": "note"}).status_code == 404


def test_manage_list_counts_and_filters(app, client, auth):
    make(app, S.APPLIED, name="Applied One")
    make(app, S.MEMBER, name="Member One")
    make(app, S.MEMBER, name="Member Two")
    auth.login_as("organiser")
    page = text(client.get("/manage/associations"))
    assert "Applied One" in page and "Member Two" in page
    assert re.search(r"Member <span class=\"count-pill\">2</span>", page)
    members = text(client.get("/manage/associations?status=member"))
    assert "Applied One" not in members and "Member One" in members
    assert client.get("/manage/associations?status=bogus").status_code == 200


def test_create_and_edit_records(app, client, auth):
    auth.login_as("organiser")
    assert "Only the name is required" in text(client.get("/manage/associations/new"))
    bad = client.post("/manage/associations/new", data={"name": "New Asso", "postcode": "1",
                                                        "initial_status": "applied"})
    assert bad.status_code == 422 and "five digits" in text(bad)
    created = client.post("/manage/associations/new", data={
        "name": "New Asso", "initial_status": "member", "themes": ["water"],
        "poles": ["mre"], "province": "tata"})
    assert created.status_code == 302
    association_id = int(created.headers["Location"].rsplit("/", 1)[1])
    edit_url = f"/manage/associations/{association_id}/edit"
    form = text(client.get(edit_url))
    assert 'value="New Asso"' in form
    assert re.search(r'<input checked[^>]*value="water"', form)
    clash_id, clash_slug = make(app, name="Clash")
    clash = client.post(edit_url, data={"name": "New Asso", "slug": clash_slug})
    assert clash.status_code == 422 and "already used by Clash" in text(clash)
    saved = client.post(edit_url, data={"name": "Renamed", "slug": "renamed", "city": "Lyon",
                                        "themes": ["health"]})
    assert saved.status_code == 302
    with app.app_context():
        association = db.session.get(Association, association_id)
        assert (association.name, association.slug, association.city) == (
            "Renamed", "renamed", "Lyon")
        assert association.status is S.MEMBER and association.pole_values == []
    assert client.get("/manage/associations/999999/edit").status_code == 404


def test_representative_edits_the_public_page(app, client, auth):
    association_id, slug = make(app, name="Rep Asso", themes=["water"])
    auth.login_as("association", association=load(app, association_id))
    form = text(client.get("/my-association"))
    assert "Rep Asso" in form and "Our public page" in form
    bad = client.post("/my-association", data={"short_description": "x", "themes": [],
                                               "postcode": "abc"})
    assert bad.status_code == 422
    ok = client.post("/my-association", data={"short_description": "Nouveau résumé",
                                              "themes": ["culture"], "name": "Hijack"})
    assert ok.status_code == 302
    page = text(client.get(f"/associations/{slug}"))
    assert "Nouveau résumé" in page and "Hijack" not in page and "Culture" in page


def test_admin_without_association_gets_a_clear_404(client, auth):
    auth.login_as("admin")
    response = client.get("/my-association")
    assert response.status_code == 404 and "No association" in text(response)


def test_organiser_adds_a_representative(app, client, auth):
    association_id, _ = make(app)
    auth.login_as("organiser")
    url = f"/manage/associations/{association_id}/representatives"
    bad = client.post(url, data={"name": "R", "email": "nope", "password": "0123456789ab"})
    assert bad.status_code == 422
    good = client.post(url, data={"name": "Rep", "email": "rep@x.example",
                                  "password": "0123456789ab"})
    assert good.status_code == 302
    assert "rep@x.example" in text(client.get(f"/manage/associations/{association_id}"))


def test_csv_export_and_import_pages(app, client, auth):
    make(app, name="Exported", city="Paris")
    auth.login_as("organiser")
    export = client.get("/manage/associations/export.csv")
    assert export.mimetype == "text/csv" and "attachment" in export.headers[
        "Content-Disposition"]
    assert export.data.startswith(b"\xef\xbb\xbf") and b"Exported" in export.data
    edited = export.data.replace(b"Paris", b"Lyon") + b"\r\n;Imported Asso;;;;;;;;;;;;;;\r\n"
    preview = client.post("/manage/associations/import", data={
        "file": (io.BytesIO(edited), "a.csv")}, content_type="multipart/form-data")
    page = text(preview)
    assert preview.status_code == 200 and "Preview" in page and "Imported Asso" in page
    with app.app_context():
        assert db.session.scalar(select(Association).where(Association.city == "Lyon")) is None
    content = re.search(r'name="content" type="hidden" value="([^"]+)"', page).group(1)
    done = client.post("/manage/associations/import/confirm", data={"content": content})
    assert done.status_code == 200 and "1 created, 1 updated" in text(done)
    with app.app_context():
        assert db.session.scalar(select(Association).where(Association.city == "Lyon"))
        assert db.session.scalar(select(Association).where(Association.slug == "imported-asso"))


def test_csv_import_page_reports_bad_lines(app, client, auth):
    auth.login_as("organiser")
    bad = b"name;postcode\nGood;75001\nBad;1\n"
    response = client.post("/manage/associations/import", data={
        "file": (io.BytesIO(bad), "a.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    page = text(response)
    assert "Nothing was imported" in page and "<td>3</td>" in page and "five digits" in page
    assert client.post("/manage/associations/import/confirm",
                       data={"content": "!!not base64"}).status_code == 302
    assert client.post("/manage/associations/import").status_code == 422


def test_csv_import_page_refuses_a_cell_too_long_to_read(client, auth):
    auth.login_as("organiser")
    response = client.post("/manage/associations/import", data={
        "file": (io.BytesIO(b"name;city\nLong;" + b"x" * 200_000 + b"\n"), "a.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Nothing was imported" in text(response) and "cannot be read" in text(response)


def test_working_groups_page(app, client, auth):
    make(app, name="Pole Asso", poles=["popular_education"])
    with app.app_context():
        person = factories.gen_user("volunteer", name="Nadia Bénévole")
        person_id = person.id
        db.session.commit()
    auth.login_as("organiser")
    assert "Pole Asso" in text(client.get("/manage/poles"))
    attached = client.post("/manage/poles/attach", data={"user_id": person_id, "pole": "mre"},
                           follow_redirects=True)
    assert "joined the working group" in text(attached)
    assert "Nadia Bénévole" in text(client.get("/manage/poles"))
    assert client.post("/manage/poles/attach", data={"user_id": 99999, "pole": "mre"},
                       follow_redirects=True).status_code == 200
    detached = client.post("/manage/poles/detach", data={"user_id": person_id, "pole": "mre"},
                           follow_redirects=True)
    assert "left the working group" in text(detached)


@pytest.mark.parametrize("url", ["/associations/apply", "/manage/associations/new",
                                 "/manage/associations/import", "/manage/poles"])
def test_post_forms_carry_a_csrf_token(test_environ, url):
    from tests.conftest import make_app
    guarded = make_app(test_environ, WTF_CSRF_ENABLED=True)
    client = guarded.test_client()
    with guarded.app_context():
        user = factories.gen_user("organiser")
        email = user.email
        db.session.commit()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    assert client.post("/login", data={"email": email, "password": factories.PASSWORD,
                                       "csrf_token": token}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    forms = re.findall(r'<form method="post".*?</form>', page, re.S)
    assert forms and all('name="csrf_token"' in f for f in forms)
    assert client.post("/associations/apply", data={"name": "x"}).status_code == 400
