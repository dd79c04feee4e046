"""submit_form: the four outcomes of a page's form; the request's unit of work commits."""
from __future__ import annotations

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField
from wtforms.validators import DataRequired

from festival.associations.models import Association
from festival.core.errors import Conflict, DomainError
from festival.core.forms import refuse, submit_form
from festival.extensions import db
from tests.factories import gen_association


class NameForm(FlaskForm):
    name = StringField(validators=[DataRequired()])


def _associations() -> int:
    return db.session.scalar(select(func.count()).select_from(Association))


class Recorder:
    """An action that counts its calls and does what the test tells it."""

    def __init__(self, body):
        self.calls = 0
        self.body = body

    def __call__(self):
        self.calls += 1
        return self.body()


def test_a_page_not_submitted_runs_nothing_and_is_200(app):
    with app.test_request_context("/", method="GET"):
        action = Recorder(lambda: gen_association(name="Never"))
        redirected, status = submit_form(NameForm(), action, message="Done.", then="/next")
        assert (redirected, status) == (None, 200)
        assert action.calls == 0
        assert get_flashed_messages() == []


def test_an_invalid_submission_runs_nothing_and_is_422(app):
    with app.test_request_context("/", method="POST", data={"name": ""}):
        form = NameForm()
        action = Recorder(lambda: gen_association(name="Never"))
        redirected, status = submit_form(form, action, message="Done.", then="/next")
        assert (redirected, status) == (None, 422)
        assert action.calls == 0
        assert form.name.errors
        assert _associations() == 0


def test_a_refused_service_is_rolled_back_and_its_errors_go_on_the_fields(app):
    def refused_service():
        gen_association(name="Half done", slug="half-done")
        raise DomainError("name_taken", "Refused.", fields={"name": ["This name is taken."]})

    with app.test_request_context("/", method="POST", data={"name": "Taken"}):
        form = NameForm()
        action = Recorder(refused_service)
        redirected, status = submit_form(form, action, message="Done.", then="/next")
        assert (redirected, status) == (None, 422)
        assert action.calls == 1
        assert form.name.errors == ["This name is taken."]
        assert _associations() == 0
        assert get_flashed_messages() == []


def test_an_error_on_no_field_of_the_form_is_a_form_error(app):
    def refused_service():
        raise DomainError("closed", "The registry is closed.", fields={"elsewhere": ["No."]})

    with app.test_request_context("/", method="POST", data={"name": "Any"}):
        form = NameForm()
        redirected, status = submit_form(form, refused_service, message="Done.", then="/next")
        assert (redirected, status) == (None, 422)
        assert form.form_errors == ["The registry is closed."]


def test_a_done_action_is_flashed_and_redirected_with_its_result_not_committed(app):
    with app.test_request_context("/", method="POST", data={"name": "Tafsut"}):
        form = NameForm()
        action = Recorder(lambda: gen_association(name=form.name.data, slug="tafsut"))
        redirected, status = submit_form(
            form, action, message=lambda made: f"{made.name} added.",
            then=lambda made: f"/associations/{made.id}")
        made = db.session.scalar(select(Association).where(Association.slug == "tafsut"))
        assert status == 302 and redirected.status_code == 302
        assert redirected.headers["Location"] == f"/associations/{made.id}"
        assert action.calls == 1
        assert get_flashed_messages(with_categories=True) == [("success", "Tafsut added.")]
        db.session.rollback()  # the unit of work commits, not submit_form
        assert _associations() == 0


@pytest.mark.parametrize("message, then", [("Saved.", "/next"),
                                           (lambda _r: "Saved.", lambda _r: "/next")])
def test_message_and_address_may_be_given_as_values_or_as_functions(app, message, then):
    with app.test_request_context("/", method="POST", data={"name": "Any"}):
        redirected, status = submit_form(NameForm(), lambda: None, message=message, then=then)
        assert status == 302 and redirected.headers["Location"] == "/next"
        assert get_flashed_messages(with_categories=True) == [("success", "Saved.")]


@pytest.mark.parametrize("error, status", [
    (DomainError("invalid", "Too long.", fields={"title": ["Too long."]}), 422),
    (Conflict("taken", "Already taken.", fields={"title": ["Already taken."]}), 409),
])
def test_refuse_rolls_back_renames_the_fields_and_keeps_the_errors_status(app, error, status):
    with app.test_request_context("/", method="POST", data={"name": "x"}):
        form = NameForm()
        gen_association(name="Half done", slug="half-done-2")
        assert _associations() == 1
        assert refuse(form, error, renames={"title": "name"}) == status
        assert _associations() == 0
        assert form.name.errors == [error.message]


def test_a_service_that_wrote_nothing_through_the_session_leaves_no_session(app):
    """committed() flushes what the service did, for the ids, and commits nothing (the
    request's unit of work does); it makes no session for a service that did not write
    through it (the scan at the door writes on its own)."""
    from festival.core.errors import committed

    with app.test_request_context("/"):
        db.session.remove()
        assert committed(lambda: 42) == 42
        assert not db.session.registry.has()
        made = committed(lambda: gen_association(name="Tafsut", slug="tafsut"))
        assert made.id is not None
        db.session.rollback()
        assert _associations() == 0
