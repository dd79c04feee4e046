import pytest

from festival.accounts.models import ApiToken, User
from festival.accounts.services import hash_token
from festival.extensions import db


def test_users_create_reads_password_from_stdin(runner, app):
    result = runner.invoke(args=["users", "create", "Door@Example.fr", "--role", "volunteer",
                                 "--password-stdin"], input="a good long password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(db.select(User.role).where(User.email == "door@example.fr"))


def test_users_create_asks_for_the_password(runner, app):
    result = runner.invoke(args=["users", "create", "o@example.fr", "--role", "organiser"],
                           input="a good long password\na good long password\n")
    assert result.exit_code == 0, result.output


def test_users_create_reports_a_bad_password_clearly(runner):
    result = runner.invoke(args=["users", "create", "x@example.fr", "--role", "organiser",
                                 "--password-stdin"], input="short\n")
    assert result.exit_code == 1
    assert result.output.startswith("Error:") and " 10 " in result.output


def test_token_create_prints_the_token_alone_on_the_last_line(runner, app):
    result = runner.invoke(args=["token", "create", "--role", "volunteer", "--name", "Door 3"])
    assert result.exit_code == 0, result.output
    plain = result.output.strip().splitlines()[-1]
    assert plain.startswith("alm_") and " " not in plain
    with app.app_context():
        stored = db.session.scalar(db.select(ApiToken))
        assert stored.token_hash == hash_token(plain) and plain not in stored.prefix


def test_token_create_binds_a_volunteer_token_to_a_check_in_list(runner, app, client):
    from tests.checkin.conftest import (
        make_door_edition,
        make_list,
        make_ticket,
        make_ticket_type,
        token_of,
    )
    with app.app_context():
        edition = make_door_edition()
        ticket = make_ticket(make_ticket_type(edition), attendee="Zoé Amrani")
        list_id, token = make_list(edition, "Entrée").id, token_of(ticket)
        db.session.commit()
    result = runner.invoke(args=["token", "create", "--role", "volunteer", "--name",
                                 "Scanner USB", "--list", str(list_id)])
    assert result.exit_code == 0, result.output
    plain = result.output.strip().splitlines()[-1]
    assert f"list #{list_id}" in result.output and plain.startswith("alm_")
    response = client.post("/api/v1/checkin", json={"token": token},
                           headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["result"] == "ok"


@pytest.mark.parametrize("args, code, text", [
    (["--role", "organiser", "--list", "1"], 2, "--role volunteer"),
    (["--role", "volunteer", "--list", "999999"], 1, "no such check-in list"),
])
def test_token_create_refuses_a_list_it_cannot_bind(runner, args, code, text):
    result = runner.invoke(args=["token", "create", "--name", "Scanner", *args])
    assert result.exit_code == code
    assert text in result.output
