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
