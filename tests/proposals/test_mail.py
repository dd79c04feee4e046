"""The decisions and the speakers' links are written in the proposer's language (the real
catalogues), whatever the language of the organiser who decides."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.proposals import services
from tests.factories import (
    gen_association,
    gen_call,
    gen_edition,
    gen_proposal,
    gen_room,
    gen_user,
    paris,
)


@pytest.mark.parametrize("language, subject_word, body_word", [
    ("fr", "acceptée", "Bonjour"), ("ar", "مقبول", "مرحب"), ("en", "accepted", "Hello")])
def test_the_decision_is_in_the_proposers_language(translated_app, language, subject_word,
                                                   body_word):
    with translated_app.app_context():
        edition = gen_edition(status="published")
        organiser = gen_user("organiser")
        call = gen_call(edition, actor=organiser)
        representative = gen_user("association", association=gen_association())
        proposal = gen_proposal(call, representative, mail_language=language)
        room = gen_room(edition)
        services.accept_proposal(proposal, actor=organiser, room_id=room.id,
                                 starts_at=paris(edition.dates[0], "10:00"))
        decision = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.to_address == representative.email))
        invitation = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.to_address != representative.email))
        assert decision.language == invitation.language == language
        assert subject_word in decision.subject, decision.subject
        assert body_word in decision.text_body
        assert "/speaker-page/" in invitation.text_body
        db.session.rollback()


def test_a_declined_proposal_is_told_in_arabic(translated_app):
    with translated_app.app_context():
        edition = gen_edition(status="published")
        organiser = gen_user("organiser", )
        call = gen_call(edition, actor=organiser)
        proposal = gen_proposal(call, gen_user("association", association=gen_association()),
                                mail_language="ar")
        services.decline_proposal(proposal, actor=organiser, note="البرنامج مكتمل")
        mail = db.session.scalar(select(OutboxMessage))
        assert mail.language == "ar" and "Your proposal" not in mail.subject
        assert "البرنامج مكتمل" in mail.text_body and 'dir="rtl"' in mail.html_body
        db.session.rollback()


def test_a_tamazight_proposer_is_written_to_in_tamazight_with_french_for_the_rest(
        translated_app):
    """Tamazight is a language the service writes in: what its catalogue lacks is in
    French, never in English."""
    with translated_app.app_context():
        edition = gen_edition(status="published")
        organiser = gen_user("organiser")
        call = gen_call(edition, actor=organiser)
        proposal = gen_proposal(call, gen_user("association", association=gen_association()),
                                mail_language="tzm")
        services.decline_proposal(proposal, actor=organiser, note="ⴰⵖⴰⵡⴰⵙ ⵉⵛⵕⵓⵔ")
        mail = db.session.scalar(select(OutboxMessage))
        assert mail.language == "tzm" and 'lang="tzm' in mail.html_body
        assert "Your proposal" not in mail.subject and "ⴰⵖⴰⵡⴰⵙ ⵉⵛⵕⵓⵔ" in mail.text_body
        db.session.rollback()
