"""Where and when of each festival day: the venue (its own or the main one), the map link, the
organisers' texts in the reader's language, and the door hours, after midnight included."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from festival.core.errors import DomainError
from festival.core.i18n import in_language
from festival.editions import services
from festival.editions.practical import where_and_when
from festival.extensions import db
from tests.factories import gen_edition

SAT, SUN = date(2031, 5, 17), date(2031, 5, 18)


@pytest.fixture
def edition(app):
    with app.app_context():
        edition = gen_edition(2031, days=[SAT, SUN])
        yield edition
        db.session.rollback()


def _second_venue(edition):
    return services.add_venue(edition, {
        "name": "Parc des sports", "address": "5 allée Verte", "postcode": "93000",
        "city": "Bobigny", "map_url": "https://maps.example.org/parc",
        "transport": {"fr": "Tram T1, arrêt Hôtel de Ville", "ar": "الترام T1"},
        "access": {"en": "Step-free entrance on the north side"}}, actor=None)


def test_in_language_falls_back_to_french_then_to_any():
    texts = {"fr": "Métro 13", "ar": "المترو 13"}
    assert in_language(texts, "ar") == "المترو 13"
    assert in_language(texts, "en") == "Métro 13"
    assert in_language({"ar": "المترو 13", "en": " "}, "en") == "المترو 13"
    assert in_language({}, "fr") == "" and in_language(None, "fr") == ""


def test_a_day_without_a_venue_of_its_own_is_at_the_main_venue(edition):
    other = _second_venue(edition)
    services.update_days_practical(edition, [
        {"day": SUN, "venue_id": other.id, "doors_open": time(11), "doors_close": time(19)}],
        actor=None)
    saturday, sunday = where_and_when(edition, None, "fr")
    assert (saturday.venue_name, saturday.address) == (
        "Salle des fêtes", "1 place de la Mairie, 93200 Saint-Denis")
    assert saturday.doors_open is None and saturday.opens_at is None
    assert sunday.venue_name == "Parc des sports"
    assert sunday.map_url == "https://maps.example.org/parc"
    assert sunday.transport == "Tram T1, arrêt Hôtel de Ville"
    assert where_and_when(edition, [SUN], "ar")[0].transport == "الترام T1"
    # English is missing: French first, then any language that has it.
    assert where_and_when(edition, [SUN], "en")[0].transport == "Tram T1, arrêt Hôtel de Ville"
    assert where_and_when(edition, [SUN], "fr")[0].access == \
        "Step-free entrance on the north side"
    # Removing the venue sends its days back to the main one.
    services.remove_venue(other, actor=None)
    assert [d.venue_name for d in where_and_when(edition)] == ["Salle des fêtes"] * 2


def test_only_the_days_asked_for_and_of_the_edition_are_given(edition):
    assert [d.day for d in where_and_when(edition, [SUN, date(2031, 6, 1)])] == [SUN]
    assert where_and_when(edition, []) == []


def test_without_a_map_link_one_is_made_from_the_address(edition):
    item = where_and_when(edition, [SAT])[0]
    assert item.map_url == ("https://www.openstreetmap.org/search?query="
                            "1+place+de+la+Mairie%2C+93200+Saint-Denis")


def test_closing_after_midnight_is_the_next_morning_in_paris(edition):
    services.update_days_practical(edition, [
        {"day": SAT, "doors_open": time(18, 30), "doors_close": time(2, 0)}], actor=None)
    item = where_and_when(edition, [SAT])[0]
    assert item.closes_after_midnight
    # Paris is at UTC+2 in May.
    assert item.opens_at == datetime(2031, 5, 17, 16, 30, tzinfo=timezone.utc)
    assert item.closes_at == datetime(2031, 5, 18, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("opens, closes, field", [
    (None, time(20), "days-0-doors_open"),         # a closing time alone
    (time(4), time(12), "days-0-doors_open"),      # before the day's 05:00 cut-off
    (time(18), time(6), "days-0-doors_close"),     # after midnight, past the cut-off
    (time(18), time(18), "days-0-doors_close"),    # closes as it opens
])
def test_door_hours_outside_the_festival_day_are_refused(edition, opens, closes, field):
    with pytest.raises(DomainError) as refused:
        services.update_days_practical(edition, [
            {"day": SAT, "doors_open": opens, "doors_close": closes}], actor=None)
    assert refused.value.code == "validation_failed" and field in refused.value.fields
    assert edition.days[0].doors_open is None


def test_closing_exactly_at_the_cut_off_is_allowed(edition):
    services.update_days_practical(edition, [
        {"day": SAT, "doors_open": time(20), "doors_close": time(5)}], actor=None)
    assert edition.days[0].doors_close == time(5)


def test_nothing_is_written_when_one_day_is_wrong(edition):
    with pytest.raises(DomainError) as refused:
        services.update_days_practical(edition, [
            {"day": SAT, "doors_open": time(10), "doors_close": time(23)},
            {"day": SUN, "venue_id": 999_999, "doors_open": "ten"}], actor=None)
    assert set(refused.value.fields) == {"days-1-venue_id", "days-1-doors_open"}
    assert edition.days[0].doors_open is None


def test_a_day_of_another_edition_is_refused(edition):
    with pytest.raises(DomainError) as refused:
        services.update_days_practical(edition, [{"day": date(2031, 6, 1)}], actor=None)
    assert "days-0-day" in refused.value.fields


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://maps.example.org/x",
                                 "https://", "https://maps.example.org/a b",
                                 "https://maps.example.org/" + "x" * 500])
def test_a_map_link_is_a_web_address(edition, url):
    with pytest.raises(DomainError) as refused:
        services.update_venue(edition.venues[0], {"map_url": url}, actor=None)
    assert "map_url" in refused.value.fields


def test_venue_texts_are_checked_per_language(edition):
    with pytest.raises(DomainError) as refused:
        services.update_venue(edition.venues[0], {
            "transport": {"fr": "x" * 1001, "de": "U-Bahn"}, "access": "plain"}, actor=None)
    assert set(refused.value.fields) == {"transport_fr", "transport", "access"}
    venue = services.update_venue(edition.venues[0], {
        "map_url": " https://osm.org/go/x ", "transport": {"fr": " RER D ", "en": ""}},
        actor=None)
    assert venue.map_url == "https://osm.org/go/x" and venue.transport == {"fr": "RER D"}


@pytest.mark.parametrize("text", ["Tram \u202eT1", "Tram\x07T1", "Tram\x85T1"])
def test_venue_texts_refuse_characters_that_cannot_be_shown(edition, text):
    """Like every other public text (core/translated.py's clean_texts): no direction
    override, no control character."""
    with pytest.raises(DomainError) as refused:
        services.update_venue(edition.venues[0], {"transport": {"fr": "RER D", "ar": text}},
                              actor=None)
    assert set(refused.value.fields) == {"transport_ar"}
