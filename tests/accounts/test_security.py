"""Failed logins make that client wait (longer each time), not the account; unknown and known
addresses cost the same work; reset links are single-use and expire."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.accounts import services, throttle
from festival.accounts.models import LoginThrottle, PasswordReset, User
from festival.audit.models import AuditEntry
from festival.core.errors import DomainError
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.mail.models import OutboxMessage
from tests import factories


def _fails(email, password, client, now):
    with pytest.raises(DomainError) as info:
        services.authenticate(email, password, client=client, now=now)
    return info.value


def test_five_failures_make_that_client_wait_not_the_others(ctx):
    user = factories.gen_user("volunteer")
    now = utcnow()
    for _ in range(4):
        assert _fails(user.email, "wrong", "10.0.0.1", now).code == "invalid_credentials"
    locked = _fails(user.email, "wrong", "10.0.0.1", now)
    assert locked.code == "account_locked" and "Forgot your password" in locked.message
    # Even the right password waits, from that client only.
    assert _fails(user.email, factories.PASSWORD, "10.0.0.1",
                  now + timedelta(seconds=30)).code == "account_locked"
    assert services.authenticate(user.email, factories.PASSWORD, client="10.0.0.2",
                                 now=now + timedelta(seconds=30)) is user


def test_the_wait_doubles_after_each_further_failure(ctx):
    user = factories.gen_user("volunteer")
    moment = utcnow()
    for _ in range(5):
        _fails(user.email, "wrong", "10.0.0.1", moment)
    waits = []
    for _ in range(3):
        row = db.session.scalar(select(LoginThrottle))
        waits.append(row.locked_until - moment)
        moment = row.locked_until + timedelta(seconds=1)
        assert _fails(user.email, "wrong", "10.0.0.1", moment).code == "account_locked"
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert throttle.backoff(40) == throttle.BACKOFF_MAX
    row = db.session.scalar(select(LoginThrottle))
    later = row.locked_until + timedelta(seconds=1)
    assert services.authenticate(user.email, factories.PASSWORD, client="10.0.0.1",
                                 now=later) is user
    assert db.session.scalar(select(LoginThrottle)) is None  # a success forgets the count


def test_an_unknown_address_waits_the_same(ctx):
    now = utcnow()
    codes = [_fails("nobody@example.fr", "wrong", "10.0.0.1", now).code for _ in range(5)]
    assert codes == ["invalid_credentials"] * 4 + ["account_locked"]


def test_old_failures_are_forgotten(ctx):
    now = utcnow()
    _fails("someone@example.fr", "wrong", "10.0.0.1", now - throttle.FORGET_AFTER
           - timedelta(minutes=1))
    _fails("other@example.fr", "wrong", "10.0.0.9", now)
    assert db.session.scalars(select(LoginThrottle.email)).all() == ["other@example.fr"]


def _counting(monkeypatch, module, name):
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)
    monkeypatch.setattr(module, name, counted)
    return calls


def test_known_and_unknown_addresses_cost_one_password_check_each(ctx, monkeypatch):
    known = factories.gen_user("organiser")
    disabled = factories.gen_user("volunteer")
    disabled.is_enabled = False
    checks = _counting(monkeypatch, services, "check_password_hash")
    counts = []
    for email in (known.email, "nobody@example.fr", disabled.email):
        before = len(checks)
        _fails(email, "wrong password", "10.0.0.1", utcnow())
        counts.append(len(checks) - before)
    assert counts == [1, 1, 1]
    # The unknown address is checked against a hash made the same way as real ones.
    method = known.password_hash.split("$")[0]
    assert checks[1][0].split("$")[0] == method and checks[1][0] != known.password_hash


def test_forgot_password_does_the_same_work_for_any_address(ctx, monkeypatch):
    known = factories.gen_user("organiser")
    queued = _counting(monkeypatch, services, "queue_mail")
    tokens = _counting(monkeypatch, services.secrets, "token_urlsafe")
    hashes = _counting(monkeypatch, services, "hash_token")
    work = []
    for email in (known.email, "nobody@example.fr"):
        before = (len(queued), len(tokens), len(hashes))
        services.request_password_reset(email, ip="10.0.0.1")
        work.append((len(queued) - before[0], len(tokens) - before[1],
                     len(hashes) - before[2]))
    assert work[0] == work[1] == (1, 1, 1)
    notice = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.to_address == "nobody@example.fr"))
    assert "no active account" in notice.text_body and "/password/reset/" not in notice.text_body


def test_forgot_password_sends_the_same_statements_for_any_address(app, client):
    """Counted on the wire: the time of the answer cannot tell the addresses apart."""
    from sqlalchemy import event
    user = factories.user_in_db(app, "organiser")
    with app.app_context():
        engine = db.engine
    sent = {}

    def noting(seen):
        return lambda conn, cursor, statement, *args: seen.append(statement.split()[0])
    for email in (user["email"], "nobody@example.fr"):
        note = noting(sent.setdefault(email, []))
        event.listen(engine, "before_cursor_execute", note)
        try:
            assert client.post("/password/forgot", data={"email": email}).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", note)
    assert sorted(sent[user["email"]]) == sorted(sent["nobody@example.fr"])
    assert "INSERT" in sent["nobody@example.fr"]


def test_the_row_of_an_address_without_an_account_opens_nothing(ctx, monkeypatch):
    monkeypatch.setattr(services.secrets, "token_urlsafe", lambda n: "known-plain-token")
    now = utcnow()
    assert services.request_password_reset("nobody@example.fr", now=now) is None
    row = db.session.scalar(select(PasswordReset))
    assert row.user_id is None and row.token_hash == services.hash_token("known-plain-token")
    with pytest.raises(DomainError) as info:
        services.reset_for_token("known-plain-token", now=now)
    assert info.value.code == "reset_link_invalid"
    # Once expired, it goes with the next request.
    services.request_password_reset("other@example.fr",
                                    now=now + services.RESET_LIFETIME + timedelta(seconds=1))
    assert db.session.scalar(select(db.func.count()).select_from(PasswordReset)) == 1


def test_a_reset_link_sets_the_password_once_and_unlocks(ctx):
    user = factories.gen_user("organiser")
    for _ in range(5):
        _fails(user.email, "wrong", "10.0.0.1", utcnow())
    _, plain = services.request_password_reset(user.email.upper(), ip="127.0.0.1")
    message = db.session.scalar(select(OutboxMessage))
    assert message.to_address == user.email and plain in message.text_body
    assert plain not in db.session.scalar(select(PasswordReset.token_hash))
    services.reset_password(plain, "a new long password")
    assert services.authenticate(user.email, "a new long password", client="10.0.0.1") is user
    with pytest.raises(DomainError) as info:
        services.reset_password(plain, "yet another password")
    assert info.value.code == "reset_link_invalid"


def test_reset_links_expire_and_unknown_addresses_say_nothing(ctx):
    user = factories.gen_user("volunteer")
    now = utcnow()
    _, plain = services.request_password_reset(user.email, now=now)
    with pytest.raises(DomainError):
        services.reset_password(plain, "a new long password",
                                now=now + services.RESET_LIFETIME + timedelta(seconds=1))
    assert services.request_password_reset("nobody@example.fr") is None
    assert services.request_password_reset("not an address") is None


def test_login_page_tells_the_waiting_client_how_to_unlock(client, app):
    user = factories.user_in_db(app, "volunteer")
    for _ in range(5):
        page = client.post("/login", data={"email": user["email"], "password": "nope"})
    text = page.get_data(as_text=True)
    assert "try again at" in text and "/password/forgot" in text


def test_a_lock_from_one_address_does_not_stop_another(app):
    user = factories.user_in_db(app, "volunteer")
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    treasurer = app.test_client()
    treasurer.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    for _ in range(6):
        attacker.post("/login", data={"email": user["email"], "password": "nope"})
    blocked = attacker.post("/login", data={"email": user["email"],
                                            "password": factories.PASSWORD})
    assert blocked.status_code == 200 and "try again at" in blocked.get_data(as_text=True)
    assert treasurer.post("/login", data={"email": user["email"],
                                          "password": factories.PASSWORD}).status_code == 302


def test_forgot_and_reset_pages(client, app):
    user = factories.user_in_db(app, "volunteer")
    same = [client.post("/password/forgot", data={"email": e}).get_data(as_text=True)
            for e in (user["email"], "nobody@example.fr")]
    assert all("Check your e-mail" in page for page in same)
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.text_body))
    link = next(word for word in body.split() if "/password/reset/" in word)
    path = link[link.index("/password/reset/"):]
    assert client.get(path).status_code == 200
    mismatch = client.post(path, data={"new_password": "0123456789ab", "confirm": "nope"})
    assert mismatch.status_code == 422
    done = client.post(path, data={"new_password": "0123456789ab", "confirm": "0123456789ab"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert client.get(path).status_code == 400
    assert client.post("/login", data={"email": user["email"],
                                       "password": "0123456789ab"}).status_code == 302


def _lock_out(app, email, client="203.0.113.7"):
    with app.app_context():
        for _ in range(5):
            with pytest.raises(DomainError):
                services.authenticate(email, "nope", client=client)
        db.session.commit()


def _waiting(app):
    with app.app_context():
        return db.session.scalars(select(LoginThrottle.email)).all()


def test_admin_unlocks_an_account(client, auth, app):
    locked = factories.user_in_db(app, "volunteer")
    _lock_out(app, locked["email"])
    auth.login_as("admin")
    assert "Unlock" in client.get("/admin/users").get_data(as_text=True)
    assert client.post(f"/admin/users/{locked['id']}/unlock").status_code == 302
    assert _waiting(app) == []
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "accounts.unlock_user"))
        assert entry.target == f"user_id={locked['id']}"


def test_only_an_admin_unlocks(client, auth, app):
    locked = factories.user_in_db(app, "volunteer")
    _lock_out(app, locked["email"])
    auth.login_as("organiser")
    assert client.post(f"/admin/users/{locked['id']}/unlock").status_code == 403
    assert _waiting(app) == [locked["email"]]
    with app.app_context():
        organiser = factories.gen_user("organiser")
        with pytest.raises(DomainError) as info:
            services.unlock(db.session.get(User, locked["id"]), actor=organiser)
        assert info.value.code == "forbidden"


def test_unlock_command(runner, app):
    locked = factories.user_in_db(app, "volunteer")
    _lock_out(app, locked["email"])
    _lock_out(app, locked["email"], client="198.51.100.20")
    result = runner.invoke(args=["accounts", "unlock", locked["email"].upper()])
    assert result.exit_code == 0, result.output
    assert "2 client" in result.output and _waiting(app) == []
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "accounts.unlock"))
        assert entry.method == "CLI" and entry.details == locked["email"]
    unknown = runner.invoke(args=["accounts", "unlock", "nobody@example.fr"])
    assert unknown.exit_code == 1 and "no account" in unknown.output


def _reset_mails(app) -> list[str]:
    with app.app_context():
        return [m.text_body for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.template == "password_reset"))]


def test_a_reset_asked_through_another_host_sends_no_link_there(client, app, monkeypatch):
    """Without PUBLIC_URL (development), `Host: evil.example` is refused before anything is
    done: no reset, no mail. With PUBLIC_URL, the link is on it whatever the Host."""
    user = factories.user_in_db(app, "admin")
    monkeypatch.setitem(app.config, "PUBLIC_URL", "")
    for host in ("evil.example", "evil.example:80"):
        refused = client.post("/password/forgot", data={"email": user["email"]},
                              headers={"Host": host})
        assert refused.status_code == 400
    forwarded = client.post("/password/forgot", data={"email": user["email"]},
                            headers={"X-Forwarded-Host": "evil.example"})  # no PROXY_COUNT
    assert forwarded.status_code == 200
    (first,) = _reset_mails(app)
    assert "evil.example" not in first and "http://localhost/password/reset/" in first

    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://billetterie.almoggar.example")
    for host in ("127.0.0.1:8000", "localhost"):  # allowed hosts that are not PUBLIC_URL's
        assert client.post("/password/forgot", data={"email": user["email"]},
                           headers={"Host": host}).status_code == 200
    links = [line for body in _reset_mails(app)[1:] for line in body.split()
             if "/password/reset/" in line]
    assert len(links) == 2
    assert all(link.startswith("https://billetterie.almoggar.example/password/reset/")
               for link in links)


def test_behind_a_proxy_the_forwarded_host_is_checked_too(test_environ, app):
    from tests.conftest import make_app
    proxied = make_app(dict(test_environ, PROXY_COUNT="1"))
    client = proxied.test_client()
    assert client.get("/healthz", headers={"X-Forwarded-Host": "evil.example"}
                      ).status_code == 400
    assert client.get("/healthz", headers={"X-Forwarded-Host": "localhost"}).status_code == 200
