"""The legal notice: the publisher, the publication director and the host, from the
settings, with the demo's values marked as examples; in every language."""
from __future__ import annotations

import re

import pytest

GIVEN = {"SELLER_NAME": "Coordination N’Souss Massa", "SELLER_ADDRESS": "3 rue Réelle, 69001 Lyon",
         "SELLER_LEGAL_FORM": "Association loi 1901", "SELLER_REGISTRATION": "RNA W691234567",
         "SELLER_EMAIL": "bureau@cnsm.example", "PUBLICATION_DIRECTOR": "Fatima Ouali",
         "HOSTING_NAME": "Hébergeur Réel", "HOSTING_ADDRESS": "9 quai du Port, 13002 Marseille",
         "HOSTING_CONTACT": "+33 4 00 00 00 00"}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("language, heading", [("fr", "Hébergeur"), ("en", "Host"),
                                               ("ar", "الاستضافة")])
def test_the_demo_values_are_shown_marked_as_examples(ctx, translated_app, language, heading):
    client = translated_app.test_client()
    client.get(f"/lang/{language}")
    html = client.get("/legal").get_data(as_text=True)
    assert heading in html
    text = _text(html)
    for value in ("Hébergeur Exemple SAS", "1 avenue de l’Exemple, 59100 Roubaix, France",
                  "+33 1 23 45 67 89", "Prénom Nom, président·e de la CNSM",
                  "12 rue de l’Exemple, 75011 Paris, France", "RNA W751000000"):
        assert value in text
    assert html.count("example-mark") >= 9  # every demo value, and the notice that says so
    assert 'class="flash flash-warning"' in html


def test_the_configured_values_are_shown_without_a_mark(app, client, monkeypatch):
    for name, value in GIVEN.items():
        monkeypatch.setitem(app.config, name, value)
    monkeypatch.setitem(app.config, "LEGAL_EXAMPLES", frozenset())
    html = client.get("/legal").get_data(as_text=True)
    text = _text(html)
    for value in GIVEN.values():
        assert value in text
    assert "example-mark" not in html and "flash-warning" not in html
    assert "Exemple" not in text
    assert 'href="/terms-of-sale"' in html  # the terms of sale, from the legal notice too


def test_the_footer_links_the_legal_notice_and_the_terms(client):
    html = client.get("/").get_data(as_text=True)
    footer = html[html.index('<footer'):]
    assert 'href="/legal"' in footer and 'href="/terms-of-sale"' in footer
