"""The demo editions say where and when: venue in Île-de-France, transport, step-free
access and door hours per day, in each language; a demo database made before gets them."""
from __future__ import annotations

import re
from datetime import time

from festival.demo.editions import load_editions
from festival.editions.practical import where_and_when
from festival.editions.services.editions import edition_by_year
from festival.extensions import db


def test_the_demo_editions_say_where_and_when(ctx):
    load_editions()
    coming = edition_by_year(2027)
    saturday, sunday = where_and_when(coming, None, "ar")
    assert saturday.venue_name == "Espace municipal Léo-Lagrange"
    assert saturday.address.endswith("92230 Gennevilliers")
    assert "الخط 13" in saturday.transport and "بدون درج" in saturday.access
    assert (saturday.doors_open, saturday.doors_close) == (time(10), time(1))
    assert saturday.closes_after_midnight and sunday.doors_close == time(19)
    assert "Metro line 13" in where_and_when(coming, None, "en")[0].transport
    assert where_and_when(edition_by_year(2026))[0].doors_open == time(10)


def test_a_demo_made_before_gets_where_and_when_once(ctx):
    load_editions()
    coming = edition_by_year(2027)
    coming.main_venue.transport, coming.main_venue.access = {}, {}
    for day in coming.days:
        day.doors_open = day.doors_close = None
    db.session.flush()
    load_editions()
    assert coming.days[0].doors_open == time(10) and coming.main_venue.transport["fr"]
    coming.days[1].doors_close = time(18)
    load_editions()  # what the organisers changed since stays
    assert coming.days[1].doors_close == time(18)


def test_the_demo_writes_some_of_its_texts_in_tamazight_and_adds_them_to_an_older_demo(ctx):
    load_editions()
    coming = edition_by_year(2027)
    assert coming.text_in("title", "tzm") == "ⴰⵏⵎⵓⴳⴳⴰⵔ ⴰⵍⵎⵓⴳⴳⴰⵔ"
    assert coming.text_in("tagline", "tzm").startswith("ⵙⵉⵏ ⵡⵓⵙⵙⴰⵏ")
    opening = next(s for s in coming.sessions if s.title_fr == "Ouverture du festival")
    assert opening.text_in("title", "tzm") == "ⴰⵔⵥⵥⵓⵎ ⵏ ⵓⵏⵎⵓⴳⴳⴰⵔ"
    assert opening.text_in("abstract", "tzm") == opening.abstract_fr  # not written: French
    # A demo loaded before Tamazight: its texts gain it, the others are kept.
    coming.translations = {"title": {"ar": "عنوان غيّره المنظمون"}}
    db.session.flush()
    load_editions()
    assert coming.texts_of("title") == {"fr": "Festival Almoggar", "ar": "عنوان غيّره المنظمون",
                                        "en": "Almoggar Festival", "tzm": "ⴰⵏⵎⵓⴳⴳⴰⵔ ⴰⵍⵎⵓⴳⴳⴰⵔ"}


ARABIC_LETTERS = re.compile("[\u0600-\u06ff]")


def test_the_2027_abstracts_and_bios_are_in_arabic_and_french_stays_french(ctx):
    load_editions()
    coming = edition_by_year(2027)
    for session in coming.sessions:
        assert not ARABIC_LETTERS.search(session.title_fr + session.abstract_fr), session.title_fr
        assert ARABIC_LETTERS.search(session.text_in("title", "ar"))
        assert ARABIC_LETTERS.search(session.text_in("abstract", "ar")), session.title_fr
        for speaker in session.speakers:
            assert ARABIC_LETTERS.search(speaker.text_in("bio", "ar")), speaker.name
    oasis = next(s for s in coming.sessions if "oasis" in s.title_fr)
    assert oasis.texts_of("title")["ar"] == "تدبير الماء في الواحات: تجارب من طاطا"
    assert oasis.text_in("abstract", "en") == oasis.abstract_fr  # not written: French
    assert "en" in oasis.missing_languages("abstract")  # still counted for organisers
    old = next(s for s in edition_by_year(2026).sessions if "lecture" in s.title_fr)
    assert old.texts_of("title")["ar"] == "القراءة في المدارس القروية: مكتبات متنقلة"


def test_a_demo_made_before_moves_its_arabic_to_arabic_and_keeps_organisers_edits(ctx):
    load_editions()
    coming = edition_by_year(2027)
    oasis = next(s for s in coming.sessions if "oasis" in s.title_fr)
    solar = next(s for s in coming.sessions if "solaire" in s.title_fr)
    # As an older demo stored them: Arabic in the French fields, nothing else.
    oasis.title_fr = "تدبير الماء في الواحات: تجارب من طاطا"
    oasis.abstract_fr = "تجربة فلاح من واحات طاطا مع الري بالتنقيط والطاقة الشمسية."
    oasis.translations = {}
    solar.title_fr, solar.abstract_fr = ("الطاقة الشمسية في القرى: ضخ الماء والإنارة",
                                         "ملخص كتبه المنظمون.")
    solar.translations = {"title": {"en": "Solar, as the organisers put it"}}
    speaker = next(iter(oasis.speakers))
    speaker.translations = {}
    rewritten = next(s for s in coming.sessions if s.title_fr == "Initiation au tifinagh")
    rewritten.abstract_fr, rewritten.translations = "Texte réécrit par les organisateurs.", {}
    db.session.flush()
    load_editions()
    assert oasis.title_fr == "La gestion de l'eau dans les oasis : l'expérience de Tata"
    assert oasis.texts_of("abstract") == {
        "fr": "Un agriculteur des oasis de Tata raconte le goutte-à-goutte et l'énergie solaire.",
        "ar": "تجربة فلاح من واحات طاطا مع الري بالتنقيط والطاقة الشمسية."}
    assert oasis.texts_of("title")["ar"] == "تدبير الماء في الواحات: تجارب من طاطا"
    assert solar.title_fr.startswith("L'énergie solaire")
    assert solar.texts_of("title")["en"] == "Solar, as the organisers put it"  # kept
    assert solar.abstract_fr == "ملخص كتبه المنظمون."  # an abstract they wrote is not touched
    assert ARABIC_LETTERS.search(speaker.text_in("bio", "ar"))
    assert rewritten.texts_of("abstract") == {"fr": "Texte réécrit par les organisateurs."}
    load_editions()  # twice changes nothing more
    assert oasis.title_fr == "La gestion de l'eau dans les oasis : l'expérience de Tata"
