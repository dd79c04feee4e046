"""Every back-office write is in the audit log, with who, what, when and from where; the
log can be read and filtered but not changed."""
from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.extensions import db


def _entries(app):
    with app.app_context():
        return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def test_back_office_writes_are_recorded_without_secrets(client, auth, app):
    admin = auth.login_as("admin")
    client.post("/admin/users", data={"email": "new@example.fr", "name": "New",
                                      "role": "volunteer", "password": "0123456789ab"},
                headers={"X-Request-ID": "audit-test-1"})
    (entry,) = _entries(app)
    assert entry.actor_label == admin["email"] and entry.action == "accounts.users"
    assert entry.method == "POST" and entry.ip == "127.0.0.1"
    assert entry.request_id == "audit-test-1" and entry.status == 302
    assert entry.outcome == "done"
    assert "new@example.fr" in entry.details and "0123456789ab" not in entry.details


def test_reads_public_writes_and_others_refusals_are_not_back_office(client, auth, app):
    client.post("/login", data={"email": "x@example.fr", "password": "bad"})
    auth.login_as("volunteer")
    client.post("/admin/users", data={})  # refused (403), but not a staff member's action
    auth.logout()
    auth.login_as("organiser")
    client.get("/manage/audit")
    assert [e.action for e in _entries(app)] == []


def test_a_staff_members_refused_action_is_recorded_as_refused(client, auth, app):
    auth.login_as("organiser")
    client.post("/admin/users", data={})  # admins only: refused, 403
    with app.app_context():
        from festival.mail.services import queue_mail
        message_id = queue_mail("a@example.org", "test", {"site": "x"}, "fr", "Hi").id
        db.session.commit()
    # The service says no (the message has not failed); the page redirects with a word.
    retried = client.post(f"/manage/outbox/{message_id}/retry")
    assert retried.status_code == 302
    forbidden, refused = _entries(app)
    assert (forbidden.action, forbidden.status, forbidden.outcome) == \
        ("accounts.users", 403, "refused")
    assert (refused.action, refused.status, refused.outcome) == ("mail.retry", 302, "refused")
    page = client.get("/manage/audit").get_data(as_text=True)
    assert page.count("data-audit-refused") == 2


def test_api_writes_name_the_token(client, app, api_token):
    headers = api_token("organiser")
    pass_type = {"name": "Pass", "price_cents": 1000, "quota": 10}
    client.post("/api/v1/editions/2031/ticket-types", headers=headers,
                json=pass_type)  # no such edition: 404
    (refused,) = _entries(app)
    assert (refused.status, refused.outcome) == (404, "refused")
    from festival.extensions import db as _db
    from tests.ticketing.conftest import make_edition
    with app.app_context():
        make_edition(year=2031)
        _db.session.commit()
    created = client.post("/api/v1/editions/2031/ticket-types", headers=headers,
                          json=pass_type)
    assert created.status_code == 201
    _, entry = _entries(app)
    assert entry.actor_label == "token: test organiser" and entry.target == "year=2031"
    assert entry.outcome == "done"


def test_the_entry_is_written_with_the_action_or_not_at_all(client, auth, app, monkeypatch):
    """The entry is part of the action's transaction: when the commit fails, neither the
    action nor a `done` entry is kept, and the refusal is recorded."""
    from sqlalchemy.exc import OperationalError

    from festival.accounts.models import User
    auth.login_as("admin")
    import festival.core.unit_of_work as uow
    real = uow._commit
    calls = []

    def failing_once():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("COMMIT", {}, Exception("the database went away"))
        real()
    monkeypatch.setattr(uow, "_commit", failing_once)
    response = client.post("/admin/users", data={"email": "new@example.fr", "name": "New",
                                                 "role": "volunteer",
                                                 "password": "0123456789ab"})
    assert response.status_code == 500
    (entry,) = _entries(app)
    assert (entry.action, entry.outcome, entry.status) == ("accounts.users", "refused", 500)
    with app.app_context():
        assert db.session.scalar(select(User).filter_by(email="new@example.fr")) is None


def test_organisers_read_and_filter_the_log(client, auth, app):
    auth.login_as("admin")
    client.post("/admin/tokens", data={"name": "Door 9", "role": "volunteer"})
    client.post("/admin/users", data={"email": "b@example.fr", "role": "volunteer",
                                      "password": "0123456789ab"})
    page = client.get("/manage/audit?action=tokens").get_data(as_text=True)
    assert page.count("data-audit-action=") == 1 and "accounts.tokens" in page
    assert client.get("/manage/audit?from=nonsense&page=x").status_code == 200
    methods = set().union(*(r.methods for r in app.url_map.iter_rules()
                            if r.endpoint.startswith("audit.")))
    assert methods <= {"GET", "HEAD", "OPTIONS"}  # no route can change the log
