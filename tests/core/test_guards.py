"""NUL characters, which PostgreSQL refuses in any text, and unpaired surrogates, which no
UTF-8 text holds, never reach the database from a page: 400 in the address, a field error in
a form. Run on SQLite and on PostgreSQL
(TEST_DATABASE_URL): both must answer the same."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from flask import request
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import SelectMultipleField, StringField

import festival
from festival.checkin.models import CheckinList
from festival.core.errors import DomainError
from festival.core.forms import Form, choices
from festival.core.guards import refuse_unstorable_in_address
from festival.extensions import db
from festival.ticketing import catalog
from festival.ticketing.models import Order
from tests import factories
from tests.ticketing.conftest import make_type

NUL_MESSAGE = "This text may not contain NUL characters."


@pytest.fixture
def edition(app):
    with app.app_context():
        edition = factories.gen_edition(2030, status="on_sale")
        child = make_type(edition, "Entrée enfant", 0, quota=50, requires_attendee_name=True)
        catalog.create_voucher(edition, {"code": "ETUDIANT30", "ticket_type_id": child.id,
                                         "max_uses": 5})
        db.session.commit()
        return {"year": edition.year, "child": child.id}


@pytest.mark.parametrize("url", ["/associations?q=%00", "/associations?q=a%00b",
                                 "/associations?x%00=1", "/associations/a%00b"])
def test_nul_in_a_page_address_is_a_bad_request(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_nul_in_the_order_search_is_a_bad_request(client, auth, edition):
    auth.login_as("organiser")
    assert client.get(f"/manage/{edition['year']}/orders?q=ab").status_code == 200
    response = client.get(f"/manage/{edition['year']}/orders?q=%00")
    assert response.status_code == 400


def test_nul_in_a_voucher_code_is_a_field_error(client, app, edition):
    for action in ("apply", "continue"):
        response = client.post(f"/{edition['year']}/tickets", data={
            "action": action, "voucher": "ETU\x00DIANT30", f"qty-{edition['child']}": "1",
            "language": "fr"})
        assert response.status_code == 422
        assert NUL_MESSAGE in response.get_data(as_text=True)


def test_nul_in_an_attendee_name_is_a_field_error(client, app, edition):
    response = client.post(f"/{edition['year']}/tickets", data={
        "action": "pay", f"qty-{edition['child']}": "1",
        f"attendee-{edition['child']}-1": "Nora\x00", "name": "Nora",
        "email": "nora@example.fr", "language": "fr"})
    assert response.status_code == 422
    assert NUL_MESSAGE in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 0


def test_nul_in_a_checkin_list_name_is_a_field_error(client, app, auth, edition):
    auth.login_as("organiser")
    response = client.post(f"/manage/checkin/{edition['year']}/lists",
                           data={"name": "Porte\x00 nord", "is_active": "y"})
    assert response.status_code == 422
    assert NUL_MESSAGE in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckinList.id))) == 0


def test_every_form_of_the_application_refuses_nul():
    """A new form that derives from FlaskForm directly would let NUL through again."""
    for module in pkgutil.walk_packages(festival.__path__, "festival."):
        if ".migrations" in module.name or not module.name.endswith("forms"):
            continue
        for name, value in inspect.getmembers(importlib.import_module(module.name),
                                              inspect.isclass):
            if issubclass(value, FlaskForm) and value is not FlaskForm:
                assert issubclass(value, Form), f"{module.name}.{name} derives from FlaskForm"


def test_a_lone_surrogate_in_a_form_field_is_a_field_error(app):
    """No HTTP form can carry one (Werkzeug decodes fields with "replace"), but a form fed
    from elsewhere gets the same field error as for a NUL, and its data without it."""
    class NameForm(Form):
        class Meta:
            csrf = False

        name = StringField()
        tags = SelectMultipleField(choices=choices([("a", "a")]),
                                   validate_choice=False)

    with app.test_request_context("/", method="POST"):
        form = NameForm(MultiDict([("name", "Ali \ud800"), ("tags", "a\udfff"),
                                   ("tags", "b")]))
        assert form.name.data == "Ali " and form.tags.data == ["a", "b"]
        message = "This text may not contain unpaired surrogates (broken characters)."
        assert form.name.errors == [message] and form.tags.errors == [message]
        assert not form.validate()
        nul = NameForm(MultiDict([("name", "Ali\x00")]))
        assert nul.name.data == "Ali" and nul.name.errors == [NUL_MESSAGE]


def test_a_lone_surrogate_in_the_address_is_a_bad_request(app):
    """Nor can an address (it is decoded with "replace" too): the guard is the same."""
    with app.test_request_context("/associations?q=%ED%A0%80"):
        refuse_unstorable_in_address()  # decoded as U+FFFD: nothing to refuse
    with app.test_request_context("/associations"):
        request.view_args = {"slug": "a\ud800"}
        with pytest.raises(DomainError) as refused:
            refuse_unstorable_in_address()
        assert refused.value.status == 400 and "slug" in str(refused.value.message)
