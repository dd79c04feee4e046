"""The announcement of an edition: once per address of past buyers who opted in, never to an
unsubscribed address, with its List-Unsubscribe headers up to the SMTP server."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from festival.editions.models import EditionStatus, EditionStatusChange
from festival.extensions import db
from festival.mail.rendering import render
from festival.mail.sender import send_all_due
from festival.outreach import unsubscribe as optout
from festival.outreach.cli import schedule_due
from festival.outreach.models import RuleKind
from tests.outreach.conftest import DAY1, at, make_edition, paid_order, rule_messages, switch_on
from tests.ticketing.conftest import make_type

PUBLISHED = at(date(2027, 11, 2), "18:00")


def publish(edition, when):
    edition.status = EditionStatus.PUBLISHED
    db.session.add(EditionStatusChange(edition=edition, from_status=EditionStatus.DRAFT,
                                       to_status=EditionStatus.PUBLISHED, created_at=when))
    db.session.flush()


def run(now):
    return schedule_due(now, echo=lambda *_: None)


def past_buyers(edition):
    pass_type = make_type(edition, quota=100)
    bought = at(DAY1 - timedelta(days=20), "12:00")
    paid_order(edition, pass_type, bought, email="Amina@Example.fr", consent=True)
    paid_order(edition, pass_type, bought + timedelta(days=1), email=" amina@example.fr",
               consent=True, language="ar")
    paid_order(edition, pass_type, bought, email="no-news@example.fr", consent=False)
    paid_order(edition, pass_type, bought, email="gone@example.fr", consent=True)
    optout.unsubscribe("GONE@example.fr ")
    late = paid_order(edition, pass_type, bought, email="late-refund@example.fr", consent=True)
    from festival.ticketing import refunds
    refunds.refund(late, None, actor=None, reason="Empêché", confirmed=True,
                   now=bought + timedelta(days=2))


def test_once_per_address_of_past_buyers_who_asked_for_news(ctx):
    past = make_edition(2027)
    past_buyers(past)
    coming = make_edition(2028, days=(date(2028, 5, 13), date(2028, 5, 14)),
                          status=EditionStatus.DRAFT)
    rule = switch_on(coming, RuleKind.ANNOUNCEMENT)
    assert run(PUBLISHED) == {}  # a draft announces nothing
    publish(coming, PUBLISHED)
    assert run(PUBLISHED + timedelta(minutes=1)) == {f"rule:{rule.id}:published": 1}
    [message] = rule_messages("rule_announcement")
    assert message.to_address == "amina@example.fr"
    assert message.language == "ar"  # the language of that address's latest order
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.headers["List-Unsubscribe"].startswith("<http://localhost/unsubscribe/")
    run(PUBLISHED + timedelta(days=1))
    assert len(rule_messages()) == 1


def test_an_address_unsubscribed_after_the_first_run_gets_no_later_announcement(ctx):
    past = make_edition(2027)
    past_buyers(past)
    optout.unsubscribe("amina@example.fr")
    coming = make_edition(2028, days=(date(2028, 5, 13),), status=EditionStatus.DRAFT)
    switch_on(coming, RuleKind.ANNOUNCEMENT)
    publish(coming, PUBLISHED)
    run(PUBLISHED)
    assert rule_messages() == []


def test_not_once_the_announced_edition_has_begun(ctx):
    past_buyers(make_edition(2027))
    coming = make_edition(2028, days=(date(2028, 5, 13),), status=EditionStatus.DRAFT)
    switch_on(coming, RuleKind.ANNOUNCEMENT)
    publish(coming, PUBLISHED)
    run(at(date(2028, 5, 13), "05:00"))
    assert rule_messages() == []


def test_orders_paid_after_the_publication_are_not_written_to(ctx):
    past = make_edition(2027)
    coming = make_edition(2028, days=(date(2028, 5, 13),), status=EditionStatus.DRAFT)
    switch_on(coming, RuleKind.ANNOUNCEMENT)
    publish(coming, at(DAY1 - timedelta(days=1), "12:00"))
    paid_order(past, make_type(past, quota=10), at(DAY1 - timedelta(hours=1), "12:00"),
               consent=True)
    run(at(DAY1, "12:00"))
    assert rule_messages() == []


def test_the_headers_reach_the_smtp_server(app, smtp_server):
    with app.app_context():
        app.config["MAIL_UNSUBSCRIBE_TO"] = "desabonnement@almoggar.example"
        try:
            past_buyers(make_edition(2027))
            coming = make_edition(2028, days=(date(2028, 5, 13),), status=EditionStatus.DRAFT)
            switch_on(coming, RuleKind.ANNOUNCEMENT)
            publish(coming, PUBLISHED)
            db.session.commit()
            run(PUBLISHED)
            assert send_all_due().failed == 0
        finally:
            app.config["MAIL_UNSUBSCRIBE_TO"] = ""
        token = optout.unsubscribe_token("amina@example.fr")
    # The order confirmations went too: only the announcement has the headers.
    [received] = [m for m in smtp_server.messages if m["List-Unsubscribe"]]
    assert len(smtp_server.messages) > 1
    assert received["List-Unsubscribe"] == (
        f"<http://localhost/unsubscribe/{token}>, "
        "<mailto:desabonnement@almoggar.example?subject=unsubscribe>")
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = received.get_body(("html",)).get_content()
    assert f"http://localhost/unsubscribe/{token}" in html
    assert "Almoggar 2028" in received.get_body(("plain",)).get_content()


def test_a_mail_client_reads_the_list_unsubscribe_header_as_sent(app, smtp_server):
    """Mail clients read List-Unsubscribe as it is on the wire (RFC 2369: URLs in angle
    brackets), never decoding RFC 2047 encoded-words in it: a line too long for the default
    folding must not turn the URLs into "=?utf-8?q?=3Chttps=3A//…" (the one-click link is
    then lost)."""
    import re
    long_address = "fatima-zahra.benali-el-idrissi@association-culturelle-marocaine.example"
    with app.app_context():
        app.config["MAIL_UNSUBSCRIBE_TO"] = "desabonnement@almoggar.example"
        try:
            past = make_edition(2027)
            paid_order(past, make_type(past, quota=5), at(DAY1 - timedelta(days=20), "12:00"),
                       email=long_address, consent=True)
            coming = make_edition(2028, days=(date(2028, 5, 13),), status=EditionStatus.DRAFT)
            switch_on(coming, RuleKind.ANNOUNCEMENT)
            publish(coming, PUBLISHED)
            db.session.commit()
            run(PUBLISHED)
            assert send_all_due().failed == 0
        finally:
            app.config["MAIL_UNSUBSCRIBE_TO"] = ""
        url = optout.unsubscribe_url(long_address)
    [received] = [m for m in smtp_server.messages if m["List-Unsubscribe"]]
    raw = dict(received.raw_items())["List-Unsubscribe"]
    assert "=?" not in raw
    assert all(len(line) <= 998 for line in received.as_string().splitlines())
    unfolded = re.sub(r"\r?\n[ \t]+", " ", raw).strip()
    assert re.findall(r"<([^>]*)>", unfolded) == [
        url, "mailto:desabonnement@almoggar.example?subject=unsubscribe"]


def test_a_message_without_headers_has_no_list_unsubscribe(ctx):
    from festival.mail.sender import build_email
    from festival.mail.services import queue_mail
    message = queue_mail("a@example.fr", "test", {"site": "x"}, "fr", "Hi")
    assert "List-Unsubscribe" not in build_email(message, "x@almoggar.example")


def test_only_the_unsubscribe_headers_may_be_queued(ctx):
    import pytest

    from festival.mail.services import queue_mail_to_render
    past_buyers(make_edition(2027))
    coming = make_edition(2028, days=(date(2028, 5, 13),), status=EditionStatus.DRAFT)
    rule = switch_on(coming, RuleKind.ANNOUNCEMENT)
    for headers in ({"Bcc": "x@example.fr"}, {"List-Unsubscribe": "<a>\r\nBcc: x@example.fr"}):
        with pytest.raises(ValueError):
            queue_mail_to_render("a@example.fr", "rule_announcement",
                                 {"rule_id": rule.id, "address": "a@example.fr"}, "fr", "Hi",
                                 headers=headers)


def test_the_announcement_renders_with_its_unsubscribe_link(ctx):
    past_buyers(make_edition(2027))
    coming = make_edition(2028, days=(date(2028, 5, 13), date(2028, 5, 14)),
                          status=EditionStatus.DRAFT)
    switch_on(coming, RuleKind.ANNOUNCEMENT, bodies={"fr": "Rendez-vous <b>en mai</b> !"})
    publish(coming, PUBLISHED)
    run(PUBLISHED)
    [message] = rule_messages()
    render(message)
    assert optout.unsubscribe_url("amina@example.fr") in message.text_body
    # The organisers' text is shown as it was written, never as HTML.
    assert "Rendez-vous &lt;b&gt;en mai&lt;/b&gt; !" in message.html_body
    assert db.session.scalar(select(EditionStatusChange.id)) is not None


def test_the_latest_order_of_an_address_says_whether_it_wants_news(ctx):
    older, newer = make_edition(2025, days=(date(2025, 5, 17),)), make_edition(2026, days=(
        date(2026, 5, 16),))
    old_type, new_type = make_type(older, quota=9), make_type(newer, quota=9)
    paid_order(older, old_type, at(date(2025, 4, 1), "12:00"), email="changed@example.fr",
               consent=True)
    paid_order(newer, new_type, at(date(2026, 4, 1), "12:00"), email="changed@example.fr",
               consent=False)
    paid_order(older, old_type, at(date(2025, 4, 1), "12:00"), email="later@example.fr",
               consent=False)
    paid_order(newer, new_type, at(date(2026, 4, 1), "12:00"), email="later@example.fr",
               consent=True, language="en")
    coming = make_edition(2028, days=(date(2028, 5, 13),), status=EditionStatus.DRAFT)
    switch_on(coming, RuleKind.ANNOUNCEMENT)
    publish(coming, PUBLISHED)
    run(PUBLISHED)
    assert [(m.to_address, m.language) for m in rule_messages()] == [("later@example.fr", "en")]
