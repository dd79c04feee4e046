import io

from festival.associations.logos import set_logo
from festival.extensions import db
from tests.associations.helpers import S, association_with_status, png_bytes


def make(app, status=S.MEMBER, logo=False, **fields):
    with app.app_context():
        association = association_with_status(status, **fields)
        if logo:
            set_logo(association, io.BytesIO(png_bytes()), actor=None)
        db.session.commit()
        return association.slug


def test_list_gives_members_only_with_their_public_fields(app, client):
    slug = make(app, name="Puits d'Anzi", short_description="Eau", city="Gennevilliers",
                postcode="92230", province="tiznit", commune="Anzi", themes=["water"],
                poles=["general_activities"], website="https://anzi.example",
                email="private@anzi.example", logo=True)
    make(app, S.UNDER_REVIEW, name="Not yet")
    make(app, S.SUSPENDED, name="Suspended")
    body = client.get("/api/v1/associations").get_json()
    assert body["count"] == 1
    [item] = body["associations"]
    assert item == {
        "slug": slug, "name": "Puits d'Anzi", "short_description": "Eau",
        "city": "Gennevilliers", "postcode": "92230", "province": "tiznit", "commune": "Anzi",
        "themes": ["water"], "poles": ["general_activities"], "website": "https://anzi.example",
        "logo_url": item["logo_url"], "url": f"http://localhost/associations/{slug}",
        "texts": {"short_description": {"fr": "Eau"}},
    }
    assert item["logo_url"].startswith(f"http://localhost/associations/{slug}/logo?v=")
    assert "email" not in item


def test_filters(app, client):
    make(app, name="Écoles de Tata", province="tata", themes=["education"])
    make(app, name="Eau de Tiznit", province="tiznit", themes=["water", "education"])

    def names(query):
        response = client.get("/api/v1/associations" + query)
        assert response.status_code == 200
        return [a["name"] for a in response.get_json()["associations"]]

    assert names("") == ["Eau de Tiznit", "Écoles de Tata"]
    assert names("?province=tata") == ["Écoles de Tata"]
    assert names("?theme=water") == ["Eau de Tiznit"]
    assert names("?theme=education&province=tiznit") == ["Eau de Tiznit"]
    assert names("?q=ecoles") == ["Écoles de Tata"]
    assert names("?q=%25") == []  # a wildcard is only a character


def test_bad_filters_are_422_with_field_errors(client):
    response = client.get("/api/v1/associations?province=paris&theme=cooking&q=" + "x" * 101)
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "validation_failed"
    assert set(body["fields"]) == {"province", "theme", "q"}
    assert "tiznit" in body["fields"]["province"][0]


def test_one_association_adds_its_details(app, client):
    slug = make(app, name="Détail", description="Longue présentation", email="a@b.example",
                phone="01 99 00 00 03")
    body = client.get(f"/api/v1/associations/{slug}").get_json()
    assert body["description"] == "Longue présentation" and body["email"] == "a@b.example"
    assert body["phone"] == "01 99 00 00 03" and body["logo_url"] is None
    assert body["member_since"].endswith("+00:00")


def test_unknown_or_non_member_is_a_json_404(app, client):
    for status in (S.APPLIED, S.REJECTED, S.LEFT):
        slug = make(app, status, name=f"Hidden {status.value}")
        response = client.get(f"/api/v1/associations/{slug}")
        assert response.status_code == 404
        assert response.get_json()["error"] == "association_not_found"
    missing = client.get("/api/v1/associations/" + "x" * 300)
    assert missing.status_code == 404 and missing.get_json()["error"] == "association_not_found"


def test_the_api_needs_no_token_but_accepts_one(app, client, api_token):
    make(app, name="Open")
    assert client.get("/api/v1/associations").status_code == 200
    assert client.get("/api/v1/associations", headers=api_token("volunteer")).status_code == 200
