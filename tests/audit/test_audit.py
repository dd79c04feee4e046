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
    assert "new@example.fr" in entry.details and "0123456789ab" not in entry.details


def test_refused_reads_and_public_writes_are_not_back_office(client, auth, app):
    client.post("/login", data={"email": "x@example.fr", "password": "bad"})
    auth.login_as("organiser")
    client.get("/manage/audit")
    client.post("/admin/users", data={})  # refused: 403
    assert [e.action for e in _entries(app)] == []


def test_api_writes_name_the_token(client, app, api_token):
    headers = api_token("organiser")
    client.post("/api/v1/editions/2031/ticket-types", headers=headers, json={})  # 404 edition
    assert _entries(app) == []
    from festival.extensions import db as _db
    from tests.ticketing.conftest import make_edition
    with app.app_context():
        make_edition(year=2031)
        _db.session.commit()
    created = client.post("/api/v1/editions/2031/ticket-types", headers=headers,
                          json={"name": "Pass", "price_cents": 1000, "quota": 10})
    assert created.status_code == 201
    (entry,) = _entries(app)
    assert entry.actor_label == "token: test organiser" and entry.target == "year=2031"


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
