"""The demo edition's call for sessions: open from November to March, two formats, a rubric
of two criteria, the demo volunteer as a reviewer, and three proposals of member
associations (one sent, one under review with a score, one declined). Idempotent: an
edition that has a call is left as it is."""
from __future__ import annotations

import secrets
from datetime import date, time, timedelta

from sqlalchemy import select

from festival.accounts.models import User
from festival.accounts.services import create_user
from festival.associations.models import Association
from festival.core.access import Role
from festival.core.timeutil import paris_to_utc
from festival.editions.models import Edition
from festival.extensions import db
from festival.proposals import calls, services

GUIDELINES = {
    "fr": ("Les associations membres de la CNSM proposent les conférences, tables rondes et "
           "ateliers de l'édition 2027 : l'eau, l'école, l'énergie, la culture amazighe et le "
           "lien entre les deux rives.\n\nDécrivez ce que le public entendra ou fera, qui "
           "intervient et ce dont vous avez besoin. Les propositions sont lues par le comité "
           "de programme sans le nom de l'association."),
    "en": ("CNSM's member associations propose the talks, round tables and workshops of the "
           "2027 edition: water, school, energy, Amazigh culture and the link between both "
           "shores.\n\nDescribe what the audience will hear or do, who speaks and what you "
           "need. The programme committee reads proposals without the association's name."),
    "ar": ("تقترح الجمعيات الأعضاء في التنسيقية محاضرات وموائد مستديرة وورشات دورة 2027: "
           "الماء والمدرسة والطاقة والثقافة الأمازيغية والصلة بين الضفتين.\n\nصفوا ما سيسمعه "
           "الجمهور أو يفعله، ومن يتدخل، وما تحتاجونه."),
}

# association slug, title, abstract, format index, language, pôle, speakers, slots, fate
PROPOSALS = [
    ("espoir-du-sud", "L'eau potable dans les douars de Tata",
     "Dix ans de forages solidaires racontés par ceux qui les entretiennent (exemple fictif).",
     0, "fr", "general_activities", [("Lahcen Ait Baha", "lahcen@exemple.example")],
     [(0, "afternoon")], "submitted"),
    ("afoulki-france", "Atelier d'écriture tifinagh pour les enfants",
     "Écrire son prénom en tifinagh et découvrir l'alphabet (exemple fictif).",
     1, "tzm", "popular_education", [("Itto Amazigh", "itto@exemple.example")],
     [(1, "morning"), (1, "afternoon")], "under_review"),
    ("al-wasseela", "La relève associative en France",
     "Comment les jeunes de la diaspora reprennent les associations (exemple fictif).",
     0, "fr", "mre", [("Nadia Bensaid", "nadia@exemple.example")], [(0, "evening")],
     "declined"),
]


def _representative(association: Association) -> User:
    """The association's demo representative (the demo account for Espoir du Sud; an account
    nobody logs in to for the others)."""
    found = db.session.scalar(select(User).where(User.association_id == association.id,
                                                 User.role == Role.ASSOCIATION))
    if found is not None:
        return found
    return create_user(f"representant@{association.slug}.example", secrets.token_urlsafe(24),
                       Role.ASSOCIATION, name=f"Représentant·e {association.name}",
                       association_id=association.id)


def load_proposals(edition: Edition, organiser: User, reviewer: User) -> list[str]:
    """The demo call and its proposals; returns the lines of the demo report."""
    line = f"  a call for sessions (/{edition.year}/call, /manage/{edition.year}/proposals)"
    if calls.call_of(edition) is not None:
        return [line]
    opens = paris_to_utc(date(edition.year - 1, 11, 1), time(9, 0))
    call = calls.save_call(edition, {
        "opens_at": opens, "closes_at": paris_to_utc(date(edition.year, 3, 31), time(23, 59)),
        "guidelines": GUIDELINES, "languages": ["fr", "ar", "tzm"],
        "poles": ["mre", "general_activities", "popular_education"], "is_anonymised": True,
        "formats": [{"kind": "conference", "name": {"fr": "Conférence", "en": "Talk",
                                                    "ar": "محاضرة"}, "duration_minutes": 60},
                    {"kind": "workshop", "name": {"fr": "Atelier", "en": "Workshop",
                                                  "ar": "ورشة"}, "duration_minutes": 90}],
        "criteria": [{"name": {"fr": "Intérêt pour le public", "en": "Interest for the "
                               "audience", "ar": "أهمية للجمهور"}, "max_score": 5},
                     {"name": {"fr": "Lien avec le Souss-Massa", "en": "Link with "
                               "Souss-Massa", "ar": "الصلة بسوس ماسة"}, "max_score": 3}]},
        actor=organiser)
    calls.add_reviewer(call, reviewer.email, actor=organiser)
    for slug, title, abstract, form, language, pole, people, slots, fate in PROPOSALS:
        association = db.session.scalar(select(Association).where(Association.slug == slug))
        if association is None or not association.is_member:
            continue
        proposal = services.propose(call, {
            "title": title, "abstract": abstract, "format_id": call.formats[form].id,
            "language": language, "pole": pole,
            "speakers": [{"name": name, "email": email} for name, email in people],
            "slots": [f"{edition.dates[day].isoformat()}/{part}" for day, part in slots],
            "needs_projector": form == 0}, actor=_representative(association), language="fr",
            now=opens + timedelta(days=7))
        if fate == "under_review":
            services.review_proposal(proposal, actor=reviewer, scores={
                str(c.id): c.max_score - 1 for c in call.criteria}, comment="Très concret.")
        elif fate == "declined":
            services.decline_proposal(proposal, actor=organiser,
                                      note="Le thème est déjà traité par une table ronde.")
    return [line]
