"""The rules' e-mails as the sender renders them, and their previews."""
from __future__ import annotations

from datetime import timedelta

import pytest

from festival.mail.rendering import render
from festival.outreach import notifications, services
from festival.outreach.cli import schedule_due
from festival.outreach.models import RuleKind
from tests.outreach.conftest import DAY1, DAY2, at, paid_order, rule_messages, switch_on


def test_the_reminder_attaches_the_days_tickets_and_says_where_and_when(
        edition, day_pass, sunday_ticket):
    switch_on(edition, RuleKind.REMINDER, subjects={"fr": "Demain au festival !"},
              bodies={"fr": "Bonjour à toutes et tous.\n\nVenez tôt : <script>x</script>"})
    order = paid_order(edition, day_pass, at(DAY1 - timedelta(days=5), "12:00"),
                       extra=[sunday_ticket])
    schedule_due(at(DAY1, "10:00"), echo=lambda *_: None)  # day 2's reminder
    [message] = rule_messages()
    assert message.subject == "Demain au festival !"
    render(message)
    [pdf] = message.files
    assert pdf.filename == f"almoggar-{order.code}-{DAY2.isoformat()}.pdf"
    assert pdf.content.startswith(b"%PDF")
    text = message.text_body
    assert "Salle des fêtes" in text and "1 place de la Mairie, 93200 Saint-Denis" in text
    assert "Pass festival, Dimanche" in text  # both tickets admit on day 2
    assert "&lt;script&gt;x&lt;/script&gt;" in message.html_body
    assert "<script>" not in message.html_body


def test_each_message_in_the_orders_language_with_the_default_text(edition, day_pass):
    switch_on(edition, RuleKind.THANK_YOU)
    paid_order(edition, day_pass, at(DAY1 - timedelta(days=5), "12:00"), language="ar")
    schedule_due(at(DAY2 + timedelta(days=1), "10:00"), echo=lambda *_: None)
    [message] = rule_messages()
    render(message)
    assert message.language == "ar"
    assert 'dir="rtl"' in message.html_body
    assert f"/orders/{message.context['order_id']}" not in message.text_body
    assert "/feedback?secret=" in message.text_body


def test_organiser_text_falls_back_to_french_then_the_default(edition):
    rule = services.save_rule(edition, RuleKind.REMINDER, is_enabled=False,
                              subjects={"fr": "Sujet FR"}, bodies={}, actor=None)
    from festival.outreach import texts
    assert texts.subject(rule, "en") == "Sujet FR"
    assert texts.body(rule, "ar") == str(texts.DEFAULT_BODIES[RuleKind.REMINDER])


def test_texts_too_long_are_refused_and_nothing_is_saved(edition):
    from festival.core.errors import ValidationError
    with pytest.raises(ValidationError) as refused:
        services.save_rule(edition, RuleKind.REMINDER, is_enabled=True,
                           subjects={"en": "x" * 201}, bodies={"ar": "y" * 5001}, actor=None)
    assert set(refused.value.fields) == {"subject_en", "body_ar"}
    assert services.rule_of(edition, RuleKind.REMINDER) is None


def test_texts_with_a_direction_override_or_a_control_character_are_refused(edition):
    """Like every public text (core/translated.py): in an inbox, U+202E turns a subject
    around ("‮txt.exe" reads "exe.txt")."""
    from festival.core.errors import ValidationError
    with pytest.raises(ValidationError) as refused:
        services.save_rule(edition, RuleKind.REMINDER, is_enabled=True,
                           subjects={"fr": "Demain", "ar": "غدا \u202etxt.exe"},
                           bodies={"tzm": "ⴰⵣⵓⵍ\x07"}, actor=None)
    assert set(refused.value.fields) == {"subject_ar", "body_tzm"}
    assert services.rule_of(edition, RuleKind.REMINDER) is None


@pytest.mark.parametrize("kind", list(RuleKind))
@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_every_rule_previews_in_every_language(edition, kind, language):
    rule = services.rules_of(edition)[list(RuleKind).index(kind)]
    subject, text, html = notifications.preview(rule, edition, language)
    assert subject and text.strip() and f'lang="{language}"' in html
    assert services.rule_of(edition, kind) is None  # a preview stores nothing


def test_tickets_are_summed_up_by_type():
    from types import SimpleNamespace as Row
    tickets = [Row(ticket_type=Row(name=name)) for name in ("Pass", "Dimanche", "Pass")]
    assert notifications.ticket_summary(tickets) == "2 × Pass, Dimanche"


def test_a_rules_batch_in_words(edition):
    from festival.outreach.queries import describe_batch
    rule = switch_on(edition, RuleKind.REMINDER)
    assert describe_batch(rule.batch("2027-05-15")).startswith("Reminder the day before · ")
    assert describe_batch(rule.batch("2027-05-15")).endswith("(2027)")
    assert describe_batch("message:12") is None
    assert describe_batch("rule:999:after") is None


def test_the_reminder_gives_the_days_door_hours_and_access(edition, day_pass):
    from tests.factories import gen_where_and_when
    gen_where_and_when(edition, sunday_venue=True)
    switch_on(edition, RuleKind.REMINDER)
    paid_order(edition, day_pass, at(DAY1 - timedelta(days=5), "12:00"))
    # Day 1's doors open at 18:00: at 10:00 its reminder may still go, with day 2's.
    schedule_due(at(DAY1, "10:00"), echo=lambda *_: None)
    [message] = [m for m in rule_messages() if m.context["day"] == DAY2.isoformat()]
    render(message)
    text = message.text_body
    assert "10:00 – 20:00" in text and "Parc des sports" in text  # day 2: its own venue
    assert "18:00" not in text and "Métro 13" not in text         # not day 1's
    assert "Parc des sports" in message.html_body


def test_a_rules_mailing_is_listed_with_its_edition_in_words(edition, day_pass, app):
    from festival.mail.batches import edition_mailings
    from tests.outreach.conftest import make_edition
    rule = switch_on(edition, RuleKind.REMINDER)
    paid_order(edition, day_pass, at(DAY1 - timedelta(days=5), "12:00"))
    schedule_due(at(DAY1 - timedelta(days=1), "10:00"), echo=lambda *_: None)
    [mailing] = [m for m in edition_mailings(edition.id) if m.batch.startswith("rule:")]
    assert mailing.batch == rule.batch(DAY1.isoformat())
    assert mailing.info.label.startswith("Reminder the day before · ")
    assert mailing.info.edition_id == edition.id and mailing.stats.queued == 1
    other = make_edition(year=2028, days=(DAY1.replace(year=2028),))
    assert not [m for m in edition_mailings(other.id) if m.batch.startswith("rule:")]
