"""The "where and when" partials of e-mails (mail/_where_and_when.html and .txt), as any
message that includes them renders them, in French and Arabic."""
from __future__ import annotations

from datetime import date, time

import pytest
from flask_babel import force_locale

from festival.editions.practical import DayPractical, door_instants
from festival.mail.services import render_mail


def _day(on: date, opens, closes, venue="Espace Léo-Lagrange", transport="", access=""):
    return DayPractical(day=on, venue_name=venue, address="12 avenue Gabriel-Péri, Gennevilliers",
                        map_url="https://www.openstreetmap.org/way/42", transport=transport,
                        access=access, doors_open=opens, doors_close=closes,
                        opens_at=door_instants(on, opens, closes)[0],
                        closes_at=door_instants(on, opens, closes)[1])


@pytest.mark.parametrize("language, words", [
    ("fr", ["Où et quand", "samedi 15 mai", "Portes 18:00 – 01:30",
            "Horaires d’ouverture à venir", "Pour venir: Métro 13", "Voir sur un plan"]),
    ("ar", ["أين ومتى", "السبت 15 مايو", "الأبواب 18:00 – 01:30",
            "مواعيد فتح الأبواب ستُعلن لاحقًا", "كيفية الوصول: المترو 13",
            "الموقع على الخريطة"]),
])
def test_the_partials_render_in_the_messages_language(translated_app, language, words):
    transport = "Métro 13" if language == "fr" else "المترو 13"
    items = [_day(date(2027, 5, 15), time(18), time(1, 30), transport=transport),
             _day(date(2027, 5, 16), None, None, transport=transport)]
    with translated_app.test_request_context("/"):
        from flask import render_template
        with force_locale(language):
            text = render_template("mail/_where_and_when.txt", where_and_when=items)
            html = render_template("mail/_where_and_when.html", where_and_when=items,
                                   align="right" if language == "ar" else "left",
                                   align_end="left" if language == "ar" else "right")
    for word in words:
        assert word in text, word
    for word in words[:4]:
        assert word in html, word
    assert 'href="https://www.openstreetmap.org/way/42"' in html
    assert ("text-align:right" in html) is (language == "ar")
    # One venue: named once, not on every day.
    assert text.count("Espace Léo-Lagrange") == 1 and html.count("Espace Léo-Lagrange") == 1


def test_days_at_different_venues_each_name_theirs(app):
    items = [_day(date(2027, 5, 15), time(18), None),
             _day(date(2027, 5, 16), time(10), time(19), venue="Parc des sports")]
    with app.test_request_context("/"):
        from flask import render_template
        text = render_template("mail/_where_and_when.txt", where_and_when=items)
    assert "Doors open at 18:00 — Espace Léo-Lagrange" in text
    assert "Doors 10:00 – 19:00 — Parc des sports" in text


def test_an_empty_list_shows_nothing(app):
    with app.app_context():
        text, html = render_mail("test", {"name": "Amina", "where_and_when": []}, "fr")
    assert "Where and when" not in text and "Where and when" not in html
