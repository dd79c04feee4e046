"""Terms of sale written by organisers: a version per publication, its text per language
(French required, the others falling back to French), in force for the orders made after
it, every earlier version still readable; only organisers publish."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.core.errors import Conflict, ValidationError
from festival.extensions import db
from festival.ticketing import orders, terms
from festival.ticketing.models import Order
from festival.ticketing.orders import Item
from festival.ticketing.terms import TERMS_VERSION, TermsVersion
from tests import factories
from tests.ticketing.conftest import make_edition, make_type

FRENCH = "Article 1. Les billets sont vendus par l’association.\n\nArticle 2. Aucun remboursement."
ARABIC = "المادة 1. تبيع الجمعية التذاكر.\n\nالمادة 2. لا استرداد."
MOMENT = datetime(2027, 1, 15, 9, 30, tzinfo=UTC)


def _publish(texts, when=MOMENT):
    return terms.publish_terms(texts, actor=factories.gen_user("organiser"), now=when)


# Services

def test_until_a_version_is_published_the_template_terms_are_in_force(ctx):
    assert terms.current_terms() is None
    assert terms.version_in_force() == TERMS_VERSION


def test_a_published_version_is_labelled_by_its_moment_and_is_in_force(ctx):
    version = _publish({"fr": FRENCH, "ar": ARABIC, "en": ""})
    assert version.label == "2027-01-15-093000"
    assert terms.version_in_force() == "2027-01-15-093000"
    assert version.texts_of("text") == {"fr": FRENCH, "ar": ARABIC}
    assert version.paragraphs("ar") == ["المادة 1. تبيع الجمعية التذاكر.", "المادة 2. لا استرداد."]
    assert version.paragraphs("tzm")[0].startswith("Article 1.")  # French, when not written


def test_line_breaks_from_a_browser_are_kept_as_paragraphs(ctx):
    version = _publish({"fr": "Un.\r\n\r\nDeux,\r\nsuite.\r\n \r\nTrois."})
    assert version.text_fr == "Un.\n\nDeux,\nsuite.\n \nTrois."
    assert version.paragraphs("fr") == ["Un.", "Deux,\nsuite.", "Trois."]


def test_a_later_version_replaces_it_and_the_earlier_one_is_kept(ctx):
    first = _publish({"fr": FRENCH})
    second = _publish({"fr": FRENCH + "\n\nArticle 3."}, datetime(2027, 2, 1, tzinfo=UTC))
    assert terms.current_terms().id == second.id
    assert [v.label for v in terms.all_versions()] == [second.label, first.label]
    assert terms.terms_version(first.label).text_fr == FRENCH


@pytest.mark.parametrize("texts, field, message", [
    ({"fr": "", "ar": ARABIC}, "text", "Write it at least in French."),
    ({"fr": "x" * 30_001}, "text", "30000 characters at most."),
    ({"fr": FRENCH, "ar": "a\u202eb"}, "text_ar", "cannot be shown"),
    ({"fr": FRENCH, "xx": "?"}, "text", "Unknown language"),
])
def test_bad_texts_are_refused_with_their_field(ctx, texts, field, message):
    with pytest.raises(ValidationError) as refused:
        _publish(texts)
    assert message in " ".join(str(m) for m in refused.value.fields[field])
    assert db.session.scalars(select(TermsVersion)).all() == []


def test_publishing_the_terms_in_force_again_is_refused(ctx):
    _publish({"fr": FRENCH})
    with pytest.raises(ValidationError):
        _publish({"fr": FRENCH}, datetime(2027, 2, 1, tzinfo=UTC))


def test_two_versions_in_the_same_second_are_refused(ctx):
    _publish({"fr": FRENCH})
    with pytest.raises(Conflict) as refused:
        _publish({"fr": FRENCH + " bis"}, MOMENT.replace(microsecond=500))
    assert refused.value.code == "same_moment"


def test_an_order_records_the_version_in_force_when_it_is_made(ctx):
    edition = make_edition(capacity=100)
    pass_type = make_type(edition, "Pass festival", 0, quota=50)
    before = orders.create_order(edition, terms_accepted=True, buyer_name="Nora",
                                 email="nora@example.fr", items=[Item(pass_type.id, 1)])
    version = _publish({"fr": FRENCH})
    after = orders.create_order(edition, terms_accepted=True, buyer_name="Idir",
                                email="idir@example.fr", items=[Item(pass_type.id, 1)])
    assert before.terms_version == TERMS_VERSION
    assert after.terms_version == version.label


# Pages

@pytest.fixture
def published(app):
    with app.app_context():
        old = _publish({"fr": "Anciennes conditions.\n\n<b>Article</b> unique."},
                       datetime(2027, 1, 1, tzinfo=UTC))
        new = _publish({"fr": FRENCH, "ar": ARABIC})
        db.session.commit()
        return {"old": old.label, "new": new.label}


def test_the_template_terms_show_until_a_version_is_published(client):
    html = client.get("/terms-of-sale").get_data(as_text=True)
    assert "L221-28 12°" in html and "no longer in force" not in html
    assert client.get(f"/terms-of-sale/{TERMS_VERSION}").status_code == 200


def test_the_public_page_shows_the_readers_language_else_french(translated_app, published):
    client = translated_app.test_client()
    html = client.get("/terms-of-sale").get_data(as_text=True)
    assert "Article 2. Aucun remboursement." in html and "L221-28" not in html
    client.get("/lang/ar")
    html = client.get("/terms-of-sale").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html and "المادة 2. لا استرداد." in html
    assert "Aucun remboursement" not in html
    client.get("/lang/tzm")
    html = client.get("/terms-of-sale").get_data(as_text=True)
    assert 'lang="fr" dir="ltr"' in html and "Aucun remboursement" in html
    client.get("/lang/en")
    html = client.get("/terms-of-sale").get_data(as_text=True)
    assert "not written in your language yet" in html and "Aucun remboursement" in html


def test_an_earlier_version_stays_readable_marked_as_no_longer_in_force(client, published):
    html = client.get(f"/terms-of-sale/{published['old']}").get_data(as_text=True)
    assert "Anciennes conditions." in html and "no longer in force" in html
    assert "&lt;b&gt;Article&lt;/b&gt; unique." in html  # organisers' text is never HTML
    template = client.get(f"/terms-of-sale/{TERMS_VERSION}").get_data(as_text=True)
    assert "L221-28 12°" in template and "no longer in force" in template
    current = client.get(f"/terms-of-sale/{published['new']}").get_data(as_text=True)
    assert "no longer in force" not in current
    assert client.get("/terms-of-sale/1999-01-01").status_code == 404
    assert client.get("/terms-of-sale/" + "9" * 300).status_code == 404


def test_an_orders_pages_link_the_version_it_was_made_under(app, client, auth, published):
    with app.app_context():
        edition = make_edition(capacity=100)
        pass_type = make_type(edition, "Pass festival", 0, quota=50)
        order = orders.create_order(edition, terms_accepted=True, buyer_name="Nora",
                                    email="nora@example.fr", items=[Item(pass_type.id, 1)])
        db.session.commit()
        code, secret, year = order.code, order.secret, edition.year
    link = f'href="/terms-of-sale/{published["new"]}"'
    assert link in client.get(f"/orders/{code}?secret={secret}").get_data(as_text=True)
    auth.login_as("organiser")
    assert link in client.get(f"/manage/{year}/orders/{code}").get_data(as_text=True)
    with app.app_context():  # and so does its confirmation e-mail
        from festival.mail.models import OutboxMessage
        from festival.mail.rendering import render
        message = db.session.scalars(select(OutboxMessage)).one()
        render(message)
        assert f"/terms-of-sale/{published['new']}" in message.text_body


def _form(**texts):
    return {"text": texts.get("fr", ""), **{f"text_{lang}": texts.get(lang, "")
                                            for lang in ("en", "ar", "tzm")}}


def test_an_organiser_publishes_a_version_from_the_back_office(app, client, auth):
    auth.login_as("organiser")
    page = client.get("/manage/terms-of-sale")
    assert page.status_code == 200 and 'name="text_ar"' in page.get_data(as_text=True)
    done = client.post("/manage/terms-of-sale", data=_form(fr=FRENCH, ar=ARABIC))
    assert done.status_code == 302
    html = client.get("/manage/terms-of-sale").get_data(as_text=True)
    assert "Not written in: English, Tamazight" in html
    assert ARABIC.split("\n")[0] in html  # the form starts from the version in force
    with app.app_context():
        version = db.session.scalar(select(TermsVersion))
        assert version.texts_of("text") == {"fr": FRENCH, "ar": ARABIC}
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "manage_tickets.terms"))
        assert entry is not None and entry.method == "POST"


def test_a_bad_submission_is_shown_again_with_its_errors(app, client, auth):
    auth.login_as("organiser")
    page = client.post("/manage/terms-of-sale", data=_form(ar=ARABIC))
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Write it at least in French." in html
    assert "المادة 2" in html  # what was typed is kept
    too_long = client.post("/manage/terms-of-sale", data=_form(fr="x" * 30_001))
    assert too_long.status_code == 422
    with app.app_context():
        assert db.session.scalars(select(TermsVersion)).all() == []


@pytest.mark.parametrize("role", [None, "volunteer", "association"])
def test_only_organisers_publish(app, client, auth, role):
    if role:
        auth.login_as(role)
    answer = client.post("/manage/terms-of-sale", data=_form(fr=FRENCH))
    if role:
        assert answer.status_code == 403
    else:
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    with app.app_context():
        assert db.session.scalars(select(TermsVersion)).all() == []
        assert db.session.scalars(select(Order)).all() == []


def test_the_form_needs_its_csrf_token(test_environ, app):
    from tests.conftest import make_app
    protected = make_app(test_environ, WTF_CSRF_ENABLED=True)
    client = protected.test_client()
    with app.app_context():
        factories.gen_user("organiser", email="org@example.fr")
        db.session.commit()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    assert client.post("/login", data={"email": "org@example.fr", "csrf_token": token,
                                       "password": factories.PASSWORD}).status_code == 302
    html = client.get("/manage/terms-of-sale").get_data(as_text=True)
    assert 'name="csrf_token"' in html
    assert client.post("/manage/terms-of-sale", data=_form(fr=FRENCH)).status_code == 400
    with app.app_context():
        assert db.session.scalars(select(TermsVersion)).all() == []
