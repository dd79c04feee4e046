"""Questions through the test client: organisers write them; the shop asks them at its
second step, shows each problem at its field with nothing typed lost, and the answers reach
the order pages, the export and the API."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from festival.editions.models import Edition
from festival.extensions import db
from festival.questions import services
from festival.questions.models import Answer, Question
from festival.ticketing.models import Order
from tests.ticketing.conftest import make_edition, make_type


@pytest.fixture
def shop(app):
    with app.app_context():
        edition = make_edition(capacity=500)
        pass_ = make_type(edition, "Pass festival", 2500, quota=100, requires_attendee_name=True)
        access = services.create_question(edition, {
            "texts": {"fr": "Besoins d'accès ?", "en": "Access needs?",
                      "ar": "احتياجات الوصول؟"},
            "kind": "choice", "scope": "ticket", "is_required": True, "is_sensitive": True,
            "options": [{"label": {"fr": "Aucun", "en": "None", "ar": "لا شيء"}},
                        {"label": {"fr": "Fauteuil roulant", "en": "Wheelchair",
                                   "ar": "كرسي متحرك"}}]})
        member = services.create_question(edition, {
            "texts": {"fr": "Votre association ?", "en": "Your association?"},
            "kind": "text", "scope": "order"})
        db.session.commit()
        return {"year": edition.year, "type": pass_.id, "access": access.id,
                "member": member.id, "url": f"/{edition.year}/tickets"}


def _data(shop, action, **extra):
    data = {"action": action, "language": "fr", f"qty-{shop['type']}": "2",
            f"attendee-{shop['type']}-1": "Amina Tazi", f"attendee-{shop['type']}-2": "Brahim",
            "name": "Amina Tazi", "email": "amina@example.fr", "accept_terms": "y"}
    data.update(extra)
    return data


def test_the_shop_asks_shows_errors_keeps_answers_and_makes_the_order(client, app, shop):
    t, access, member = shop["type"], shop["access"], shop["member"]
    client.set_cookie("lang", "en")
    page = client.post(shop["url"], data=_data(shop, "continue"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Access needs?" in html and "Wheelchair" in html and "Your association?" in html
    assert f'name="answer-{access}-{t}-2"' in html and f'name="answer-{member}"' in html
    refused = client.post(shop["url"], data=_data(shop, "pay", **{
        f"answer-{access}-{t}-1": "o2", f"answer-{member}": "Afoulki France"}))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f'id="answer-{access}-{t}-2-errors"' in html and "Please choose an option." in html
    assert 'value="o2" checked' in html and "Afoulki France" in html  # nothing lost
    with app.app_context():
        assert db.session.scalar(select(Order)) is None
    back = client.post(shop["url"], data=_data(shop, "back", **{
        f"answer-{access}-{t}-1": "o2", f"answer-{member}": "Afoulki France"}))
    assert f'name="answer-{access}-{t}-1" value="o2"' in back.get_data(as_text=True)  # carried
    done = client.post(shop["url"], data=_data(shop, "pay", **{
        f"answer-{access}-{t}-1": "o2", f"answer-{access}-{t}-2": "o1",
        f"answer-{member}": "Afoulki France"}))
    assert done.status_code in (302, 303)
    with app.app_context():
        order = db.session.scalar(select(Order))
        values = sorted(a.value for a in db.session.scalars(select(Answer)))
        code, secret = order.code, order.secret
    assert values == ["Afoulki France", "o1", "o2"]
    client.set_cookie("lang", "ar")
    page = client.get(f"/orders/{code}?secret={secret}").get_data(as_text=True)
    assert "كرسي متحرك" in page and "Afoulki France" in page


def test_organisers_write_a_question_and_see_the_answers(client, app, auth, shop):
    auth.login_as("organiser")
    client.set_cookie("lang", "en")
    year = shop["year"]
    form = {"text_fr": "Dîner végétarien ?", "text_en": "Vegetarian dinner?", "kind": "yes_no",
            "scope": "ticket", "is_required": "y", "is_active": "y",
            "ticket_type_ids": [str(shop["type"])]}
    bad = client.post(f"/manage/{year}/questions/new", data={**form, "text_fr": "",
                                                           "kind": "choice"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Write it at least in French." in html and "A choice needs at least two options." in html
    assert client.post(f"/manage/{year}/questions/new", data=form).status_code == 303
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.kind == "yes_no"))
        assert question.ticket_type_ids == [shop["type"]] and question.texts["en"]
        qid = question.id
    page = client.get(f"/manage/{year}/questions").get_data(as_text=True)
    assert "Vegetarian dinner?" in page and "Not yet written in: العربية" in page
    assert client.get(f"/manage/{year}/questions/{qid}").status_code == 200
    assert client.get(f"/manage/{year}/questions/999999").status_code == 404
    client.post(shop["url"], data=_data(shop, "pay", **{
        f"answer-{shop['access']}-{shop['type']}-1": "o2",
        f"answer-{shop['access']}-{shop['type']}-2": "o1",
        f"answer-{qid}-{shop['type']}-1": "yes", f"answer-{qid}-{shop['type']}-2": "no"}))
    refused = client.post(f"/manage/{year}/questions/{qid}/delete")
    assert refused.status_code == 303
    with app.app_context():
        assert db.session.get(Question, qid) is not None  # answered: hidden, never deleted
        code = db.session.scalar(select(Order.code))
    order_page = client.get(f"/manage/{year}/orders/{code}").get_data(as_text=True)
    assert "Answers to the questions" in order_page and "Wheelchair" in order_page
    # a Latin name in an Arabic page (or the reverse) keeps its place beside the number
    assert "<bdi>Amina Tazi</bdi> · <bdi>Pass festival</bdi></h3>" in order_page
    export = client.get(f"/dashboard/{year}/export/answers.csv").get_data().decode()[1:]
    rows = list(csv.DictReader(io.StringIO(export), delimiter=";"))
    assert {(r["Question"], r["Answer"], r["Personal"]) for r in rows} >= {
        ("Access needs?", "Wheelchair", "yes"), ("Vegetarian dinner?", "No", "no")}
    assert len(rows) == 4
    summary = client.get(f"/manage/{year}/questions").get_data(as_text=True)
    assert "2 answers" in summary


def test_the_api_lists_the_questions_and_takes_answers(client, app, shop):
    listed = client.get(f"/api/v1/editions/{shop['year']}/questions").get_json()
    assert [q["kind"] for q in listed["questions"]] == ["choice", "text"]
    assert listed["questions"][0]["options"][1] == {
        "key": "o2", "label": {"fr": "Fauteuil roulant", "en": "Wheelchair",
                               "ar": "كرسي متحرك"}}
    body = {"name": "Amina", "email": "amina@example.fr", "accept_terms": True,
            "items": [{"ticket_type_id": shop["type"], "quantity": 1, "attendees": ["Amina"]}]}
    missing = client.post(f"/api/v1/editions/{shop['year']}/orders", json=body)
    assert missing.status_code == 422
    assert missing.get_json()["fields"] == {
        f"items.0.answers.1.{shop['access']}": ["Please choose an option."]}
    bad = client.post(f"/api/v1/editions/{shop['year']}/orders",
                      json={**body, "answers": {"not-an-id": "x"}})
    assert bad.status_code == 422 and "answers" in bad.get_json()["fields"]
    body["items"][0]["answers"] = [{str(shop["access"]): "o1"}]
    made = client.post(f"/api/v1/editions/{shop['year']}/orders",
                       json={**body, "answers": {str(shop["member"]): "Tafraout"}})
    assert made.status_code == 201
    with app.app_context():
        assert sorted(a.value for a in db.session.scalars(select(Answer))) == ["Tafraout", "o1"]
        assert db.session.scalar(select(Edition.year)) == shop["year"]


@pytest.mark.parametrize("raw", ["²", "١٢", "-3", "9" * 12, "x"])
def test_a_ticket_type_that_is_no_number_is_refused_at_its_field(client, auth, shop, raw):
    """Digits Python reads as digits but int() does not ("²"), or other scripts' digits:
    the field's message, never a 500."""
    auth.login_as("organiser")
    refused = client.post(f"/manage/{shop['year']}/questions/new", data={
        "text_fr": "Dîner ?", "kind": "yes_no", "scope": "ticket", "is_active": "y",
        "ticket_type_ids": [str(shop["type"]), raw]})
    assert refused.status_code == 422
    assert "Choose among this edition" in refused.get_data(as_text=True)


def test_removing_an_option_people_chose_is_refused_at_the_options(client, app, auth, shop):
    t, access = shop["type"], shop["access"]
    bought = client.post(shop["url"], data=_data(shop, "pay", **{
        f"answer-{access}-{t}-1": "o2", f"answer-{access}-{t}-2": "o1"}))
    assert bought.status_code == 303, bought.get_data(as_text=True)
    auth.login_as("organiser")
    refused = client.post(f"/manage/{shop['year']}/questions/{access}", data={
        "text_fr": "Besoins d'accès ?", "kind": "choice", "scope": "ticket",
        "is_required": "y", "is_sensitive": "y", "is_active": "y",
        "options_fr": "Chien guide\nAucun"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="options_fr-errors"' in html and "Fauteuil roulant" in html
    with app.app_context():
        assert db.session.get(Question, access).option_keys() == ["o1", "o2"]


def test_unticking_health_or_access_once_answered_is_refused_at_its_box(client, app, auth,
                                                                          shop):
    t, access = shop["type"], shop["access"]
    bought = client.post(shop["url"], data=_data(shop, "pay", **{
        f"answer-{access}-{t}-1": "o2", f"answer-{access}-{t}-2": "o1"}))
    assert bought.status_code == 303
    auth.login_as("organiser")
    refused = client.post(f"/manage/{shop['year']}/questions/{access}", data={
        "text_fr": "Besoins d'accès ?", "kind": "choice", "scope": "ticket",
        "is_required": "y", "is_active": "y", "options_fr": "Aucun\nFauteuil roulant"})
    assert refused.status_code == 422
    assert 'id="is_sensitive-errors"' in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Question, access).is_sensitive


def test_a_long_answer_with_line_breaks_is_kept_whole(client, app, shop):
    """The text box allows 1000 characters, a line break counting as one; the browser sends
    each as two ("\\r\\n"). The answer is kept whole, never cut, nor refused as too long."""
    t, access, member = shop["type"], shop["access"], shop["member"]
    typed = "\r\n".join(["x" * 98] * 10) + "\r\nfin"  # 980 + 10 breaks + 3 = 993 characters
    done = client.post(shop["url"], data=_data(shop, "pay", **{
        f"answer-{access}-{t}-1": "o2", f"answer-{access}-{t}-2": "o1",
        f"answer-{member}": typed}))
    assert done.status_code == 303, done.get_data(as_text=True)
    with app.app_context():
        kept = db.session.scalar(select(Answer.value).where(Answer.question_id == member))
    assert kept == typed.replace("\r\n", "\n") and len(kept) == 993
    too_long = client.post(shop["url"], data=_data(shop, "pay", **{
        f"answer-{access}-{t}-1": "o2", f"answer-{access}-{t}-2": "o1",
        f"answer-{member}": "\r\n".join(["x" * 99] * 11)}))  # 1099 characters
    assert too_long.status_code == 422
    assert "1000 characters at most." in too_long.get_data(as_text=True)


def test_options_separated_by_blank_lines_are_all_kept(client, app, auth, shop):
    """15 options with a blank line between each: 29 lines, all 15 options kept (the box
    was cut at 21 lines, losing 4 without a word); 21 options: refused with its message."""
    auth.login_as("organiser")
    form = {"text_fr": "Menu ?", "kind": "choice", "scope": "order", "is_active": "y"}
    saved = client.post(f"/manage/{shop['year']}/questions/new", data={
        **form, "options_fr": "\n\n".join(f"Menu {n}" for n in range(1, 16)),
        "options_en": "\n\n".join(f"Menu {n} (en)" for n in range(1, 16))})
    assert saved.status_code == 303
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.kind == "choice",
                                                            Question.scope == "order"))
        assert [o["label"]["fr"] for o in question.options] == [
            f"Menu {n}" for n in range(1, 16)]
        assert question.options[-1]["label"]["en"] == "Menu 15 (en)"
    refused = client.post(f"/manage/{shop['year']}/questions/new", data={
        **form, "options_fr": "\n\n".join(f"Menu {n}" for n in range(1, 22))})
    assert refused.status_code == 422 and "20 options at most." in refused.get_data(True)


def test_options_are_lines_only_where_the_organiser_broke_the_line(client, app, auth, shop):
    """A line separator pasted into an Arabic option (U+2028, U+0085, a form feed: Python's
    splitlines takes them for line breaks) never shifts the Arabic options against the
    French ones: only the line breaks typed split them."""
    auth.login_as("organiser")
    sent = client.post(f"/manage/{shop['year']}/questions/new", data={
        "text_fr": "Repas ?", "kind": "choice", "scope": "ticket", "is_active": "y",
        "options_fr": "Viande\r\nPoisson\r\nLégumes",
        "options_ar": "لحم\u2028حلال\r\nسمك\r\nخضر",
        "ticket_type_ids": [str(shop["type"])]})
    assert sent.status_code in (303, 422)
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.kind == "choice",
                                                            Question.texts["fr"].as_string()
                                                            == "Repas ?"))
        labels = [(o["label"]["fr"], o["label"].get("ar", "")) for o in question.options]
    assert labels[1:] == [("Poisson", "سمك"), ("Légumes", "خضر")]
