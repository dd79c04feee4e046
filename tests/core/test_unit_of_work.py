"""One unit of work per request and per command: the work is committed once, by
core.unit_of_work, when the answer is below 400, and rolled back otherwise; work queued for
after the commit runs only once it has succeeded."""
from __future__ import annotations

import inspect
import sys
from pathlib import Path

import click
import pytest
from flask import jsonify
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from festival.core.access import public
from festival.core.errors import ValidationError
from festival.core.unit_of_work import (
    AfterCommit,
    after_commit,
    refuse_request,
    transaction,
    with_unit_of_work,
)
from festival.extensions import db
from festival.mail.models import OutboxMessage
from tests import factories
from tests.conftest import make_app
from tests.test_access import (  # noqa: F401  (samples: the fixture of URL parameters)
    _is_api,
    _logged_in_client,
    _methods,
    _rules,
    _url,
    samples,
)

UNIT_OF_WORK = str(Path("festival", "core", "unit_of_work.py"))
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _committer() -> tuple[str, bool]:
    """Where Session.commit was called from (the first frame outside SQLAlchemy), and
    whether that commit is the request's own (not a short transaction() of its own)."""
    frames = [f for f in inspect.stack()[2:] if "sqlalchemy" not in f.filename]
    caller = frames[0]
    inside_transaction = any(f.filename.endswith(UNIT_OF_WORK) and f.function == "transaction"
                             for f in frames)
    return f"{caller.filename}:{caller.function}", not inside_transaction


@pytest.fixture
def commits(monkeypatch):
    """Every commit made while a request is handled: (where from, is it the request's)."""
    from flask import has_request_context
    seen: list[tuple[str, bool]] = []
    real = Session.commit

    def recording(self):
        if has_request_context():
            seen.append(_committer())
        return real(self)
    monkeypatch.setattr(Session, "commit", recording)
    return seen


def _walk(app, samples, commits, client, api: bool, headers=None) -> int:  # noqa: F811
    walked = 0
    for rule in _rules(app):
        if _is_api(rule) != api:
            continue
        for method in _methods(rule):
            if method not in WRITES:
                continue
            url = _url(app, rule, samples)
            commits.clear()
            if api:
                client.open(url, method=method, headers=headers, json={})
            else:
                client.open(url, method=method, data={})
            where = f"{method} {url} ({rule.endpoint})"
            strays = [c for c, _ in commits if UNIT_OF_WORK not in c]
            assert strays == [], f"{where}: committed outside the unit of work: {strays}"
            assert sum(own for _, own in commits) <= 1, f"{where}: {commits}"
            walked += 1
    return walked


def test_no_page_commits_on_its_own(app, samples, commits):  # noqa: F811
    client = _logged_in_client(app, "admin")
    assert _walk(app, samples, commits, client, api=False) > 50


def test_no_api_endpoint_commits_on_its_own(app, samples, commits, api_token):  # noqa: F811
    headers = api_token("organiser")
    assert _walk(app, samples, commits, app.test_client(), api=True, headers=headers) > 10


def test_a_successful_write_is_committed_once_by_the_unit_of_work(app, auth, client, commits):
    auth.login_as("admin")
    commits.clear()
    response = client.post("/admin/users", data={"email": "n@example.fr", "role": "volunteer",
                                                 "password": "0123456789ab"})
    assert response.status_code == 302
    assert [own for _, own in commits] == [True]
    assert commits[0][0].endswith(f"{UNIT_OF_WORK}:_commit")


# A small application of its own, with views that write a row and then fail or succeed.

def _outbox_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def _write() -> OutboxMessage:
    from festival.mail.services import queue_mail
    return queue_mail("uow@example.org", "test", {"site": "x"}, "fr", "Hi")


@pytest.fixture
def small_app(app, test_environ):
    """Views added to a fresh application (the shared one has served requests already)."""
    made = make_app(test_environ)
    events: list[str] = []

    @made.post("/t/raises")
    @public
    def raises():
        _write()
        db.session.flush()
        raise RuntimeError("the view failed after writing")

    @made.post("/t/refused-json")
    @public
    def refused_json():
        _write()
        raise ValidationError({"name": ["Missing."]})

    @made.post("/t/answers-422")
    @public
    def answers_422():
        _write()
        return jsonify(error="validation_failed"), 422

    @made.post("/t/refused-then-redirect")
    @public
    def refused_then_redirect():
        _write()
        refuse_request()
        return "", 302, {"Location": "/"}

    @made.post("/t/ok")
    @public
    def ok():
        _write()
        after_commit(lambda: events.append(f"after commit: {_outbox_rows(made)} row(s)"))
        return jsonify(done=True), 201

    @made.post("/t/ok-then-404")
    @public
    def ok_then_404():
        _write()
        after_commit(lambda: events.append("must not run"))
        return jsonify(error="not_found"), 404

    @made.post("/t/answer-after-commit")
    @public
    def answer_after_commit():
        _write()
        return AfterCommit(lambda: (jsonify(rows=_outbox_rows(made)), 201))

    @made.post("/t/commit-inside")
    @public
    def commit_inside():
        _write()
        with transaction():
            pass
        return "", 204

    made.events = events
    return made


@pytest.mark.parametrize("path, status", [("/t/raises", 500), ("/t/refused-json", 422),
                                          ("/t/answers-422", 422),
                                          ("/t/refused-then-redirect", 302),
                                          ("/t/commit-inside", 500)])
def test_a_refused_or_failed_request_writes_nothing(small_app, path, status):
    response = small_app.test_client().post(path)
    assert response.status_code == status
    assert _outbox_rows(small_app) == 0


def test_a_successful_request_is_committed(small_app):
    assert small_app.test_client().post("/t/ok").status_code == 201
    assert _outbox_rows(small_app) == 1


def test_a_request_after_a_refused_one_in_the_same_app_context_commits(small_app):
    """`g` lives on the application context, which requests share with one pushed around
    them (a test's, a command's): a refusal must not carry over to the next request."""
    client = small_app.test_client()
    with small_app.app_context():
        assert client.post("/t/refused-then-redirect").status_code == 302
        assert client.post("/t/ok").status_code == 201
    assert _outbox_rows(small_app) == 1


def test_after_commit_work_runs_after_the_commit_and_never_after_a_rollback(small_app):
    client = small_app.test_client()
    assert client.post("/t/ok-then-404").status_code == 404
    assert small_app.events == []
    assert client.post("/t/ok").status_code == 201
    # Another connection (a new application context) sees the row: it was committed.
    assert small_app.events == ["after commit: 1 row(s)"]


def test_an_answer_made_after_the_commit_sees_the_work_committed(small_app):
    response = small_app.test_client().post("/t/answer-after-commit")
    assert (response.status_code, response.get_json()) == (201, {"rows": 1})


def test_a_command_is_committed_if_it_succeeds_and_rolled_back_if_it_fails(small_app):
    @small_app.cli.command("t-write")
    @click.option("--fail", is_flag=True)
    @with_unit_of_work
    def write_command(fail: bool) -> None:
        _write()
        db.session.flush()
        if fail:
            click.echo("Error: no.", err=True)
            sys.exit(1)

    runner = small_app.test_cli_runner()
    assert runner.invoke(args=["t-write", "--fail"]).exit_code == 1
    assert _outbox_rows(small_app) == 0
    assert runner.invoke(args=["t-write"]).exit_code == 0
    assert _outbox_rows(small_app) == 1


def test_a_transaction_commits_its_block_or_nothing(ctx):
    with pytest.raises(RuntimeError):
        with transaction():
            factories.gen_user("volunteer")
            raise RuntimeError("half way")
    from festival.accounts.models import User
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    with transaction():
        factories.gen_user("volunteer")
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_only_the_core_commits_or_rolls_the_session_back():
    """Views, services, commands and loops leave it to core.unit_of_work (a savepoint of
    their own, `begin_nested()`, is theirs to end)."""
    import re

    import festival
    package = Path(festival.__file__).parent
    pattern = re.compile(r"session\.(commit|rollback)\(\)")
    found = [f"{path.relative_to(package)}:{n}"
             for path in sorted(package.rglob("*.py")) if path.parent.name != "core"
             for n, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert found == []
