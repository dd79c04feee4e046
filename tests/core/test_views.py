from festival.extensions import db


def test_healthz_makes_a_real_round_trip(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "ratelimit": "off"}


def test_healthz_is_503_when_the_database_is_gone(test_environ, tmp_path):
    from tests.conftest import make_app
    environ = dict(test_environ, DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/db.sqlite")
    broken = make_app(environ)
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_home_is_french_by_default_and_the_language_choice_is_remembered(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page
    response = client.get("/lang/en?next=/associations")
    assert response.status_code == 302 and response.headers["Location"] == "/associations"
    assert '<html lang="en" dir="ltr">' in client.get("/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in (client.get("/lang/ar") and
                                           client.get("/").get_data(as_text=True))


def test_browser_language_is_used_when_nothing_was_chosen(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en"' in page


def test_language_switch_never_redirects_off_site(client):
    for target in ("https://evil.example/", "//evil.example", "javascript:alert(1)"):
        response = client.get("/lang/fr", query_string={"next": target})
        assert response.headers["Location"] == "/"


def test_unknown_page_is_a_friendly_page_and_unknown_api_is_json(client):
    page = client.get("/nowhere")
    assert page.status_code == 404
    assert "text/html" in page.content_type and 'class="error-page"' in page.get_data(True)
    api = client.get("/api/v1/nowhere")
    assert api.status_code == 404
    assert api.get_json()["error"] == "not_found"


def test_csrf_is_required_on_forms(test_environ):
    from tests.conftest import make_app
    guarded = make_app(test_environ, WTF_CSRF_ENABLED=True)
    response = guarded.test_client().post("/login", data={"email": "a@b.fr", "password": "x"})
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True) or \
        "formulaire" in response.get_data(as_text=True)


def test_unexpected_errors_are_friendly_and_roll_back(app, client, monkeypatch):
    import festival.core.views as views

    def boom():
        raise RuntimeError("kaboom")
    monkeypatch.setattr(views, "render_template", lambda *a, **k: boom())
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.get("/")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert "kaboom" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.text("SELECT 1")).scalar() == 1
