"""The demo edition's ticket shop: venue capacity, passes, a reduced price behind a voucher,
free entry for children and a pay-what-you-want support ticket, on sale now, with three
questions at checkout. Idempotent: what exists (found by name or code) is left as it is."""
from __future__ import annotations

from sqlalchemy import select

from festival.editions.models import Edition
from festival.extensions import db
from festival.questions import services as questions
from festival.ticketing import catalog
from festival.ticketing.models import TicketType, Voucher

VENUE_CAPACITY = 1000
VOUCHER_CODE = "ETUDIANT27"
REDUCED = "Tarif réduit (étudiants, demandeurs d'emploi)"


# The ticket types' names in English, Arabic and Tamazight (by their French name).
TYPE_NAMES = {
    "Pass festival (2 jours)": {"en": "Festival pass (2 days)", "ar": "تذكرة المهرجان (يومان)",
                                "tzm": "ⵜⴰⵡⵔⵉⵇⵜ ⵏ ⵓⵏⵎⵓⴳⴳⴰⵔ (2 ⵡⵓⵙⵙⴰⵏ)"},
    "Pass samedi": {"en": "Saturday pass", "ar": "تذكرة السبت", "tzm": "ⵜⴰⵡⵔⵉⵇⵜ ⵏ ⵓⵙⵉⴹⵢⴰⵙ"},
    "Pass dimanche": {"en": "Sunday pass", "ar": "تذكرة الأحد", "tzm": "ⵜⴰⵡⵔⵉⵇⵜ ⵏ ⵓⵙⴰⵎⴰⵙ"},
    REDUCED: {"en": "Reduced price (students, job seekers)",
              "ar": "سعر مخفض (الطلبة والباحثون عن عمل)"},
    "Entrée enfant (moins de 12 ans)": {"en": "Child (under 12)",
                                         "ar": "دخول الأطفال (أقل من 12 سنة)",
                                         "tzm": "ⴰⴽⵛⴰⵎ ⵏ ⵜⴰⵔⵡⴰ (ⴷⴷⴰⵡ ⵏ 12 ⵏ ⵉⵙⴳⴳⴰⵙⵏ)"},
    "Billet de soutien (2 jours)": {"en": "Supporter ticket (2 days)",
                                    "ar": "تذكرة دعم (يومان)"},
}

QUESTIONS = [
    {"texts": {"fr": "Avez-vous des besoins d'accessibilité ?",
               "en": "Do you have access needs?", "ar": "هل لديكم احتياجات خاصة بالولوج؟"},
     "help_texts": {"fr": "Nous préparons les places et l'accueil en conséquence.",
                    "en": "We prepare seats and welcome accordingly.",
                    "ar": "نُعدّ المقاعد والاستقبال وفقًا لذلك."},
     "kind": "choice", "scope": "ticket", "is_required": True, "is_sensitive": True,
     "options": [{"label": {"fr": "Aucun", "en": "None", "ar": "لا شيء"}},
                 {"label": {"fr": "Fauteuil roulant", "en": "Wheelchair",
                            "ar": "كرسي متحرك"}},
                 {"label": {"fr": "Boucle magnétique", "en": "Hearing loop",
                            "ar": "حلقة سمعية"}},
                 {"label": {"fr": "Autre (nous vous contacterons)",
                            "en": "Other (we will contact you)",
                            "ar": "أخرى (سنتواصل معكم)"}}]},
    {"texts": {"fr": "Êtes-vous membre d'une association de la CNSM ? Laquelle ?",
               "en": "Are you a member of a CNSM association? Which one?",
               "ar": "هل أنتم أعضاء في جمعية من جمعيات التنسيقية؟ أيّها؟"},
     "kind": "text", "scope": "order"},
    {"texts": {"fr": "Repas du samedi soir : végétarien ?",
               "en": "Saturday dinner: vegetarian?", "ar": "عشاء السبت: نباتي؟"},
     "kind": "yes_no", "scope": "ticket"},
]


# Their descriptions in English and Arabic (and the main pass's in Tamazight).
TYPE_DESCRIPTIONS = {
    "Pass festival (2 jours)": {
        "en": "Entry on both days: talks, round tables, workshops, screenings and concerts.",
        "ar": "الدخول خلال اليومين: محاضرات وموائد مستديرة وورشات وعروض أفلام وحفلات.",
        "tzm": "ⴰⴽⵛⴰⵎ ⵖ ⵙⵉⵏ ⵡⵓⵙⵙⴰⵏ: ⵜⵉⵎⵙⴰⵙⵔⵉⵏ, ⵉⵎⵙⴷⴰⵡⴰⵍⵏ, ⵉⵙⵎⵎⵕⴰⵙⵏ, ⴰⵙⴽⴰⵏ ⵏ ⵉⵙⴰⵔⵢⵏ ⴷ "
               "ⵜⵎⵖⵔⵉⵡⵉⵏ ⵏ ⵓⵥⴰⵡⴰⵏ."},
    "Pass samedi": {"en": "Entry on Saturday, evening concert included.",
                    "ar": "الدخول يوم السبت، بما في ذلك حفل المساء."},
    "Pass dimanche": {"en": "Entry on Sunday.", "ar": "الدخول يوم الأحد."},
    REDUCED: {"en": "On proof at the entrance. For holders of a code.",
              "ar": "بتقديم ما يثبت ذلك عند المدخل. مخصص لحاملي الرمز."},
    "Entrée enfant (moins de 12 ans)": {
        "en": "Free, with an adult holding a ticket.",
        "ar": "مجاني، برفقة شخص بالغ يحمل تذكرة."},
    "Billet de soutien (2 jours)": {
        "en": "The two-day pass, at the price you choose from €20: the difference funds the "
              "network's projects.",
        "ar": "تذكرة اليومين بالسعر الذي تختارونه ابتداءً من 20 €: يموّل الفرق مشاريع الشبكة."},
}


def _types(edition: Edition) -> list[dict]:
    saturday, sunday = (day.isoformat() for day in edition.dates[:2])
    return [
        dict(name="Pass festival (2 jours)", price_cents=2500, quota=600, position=1,
             description="Entrée les deux jours : conférences, tables rondes, ateliers, "
                         "projections et concerts."),
        dict(name="Pass samedi", price_cents=1500, quota=300, position=2,
             valid_days=[saturday], description="Entrée le samedi, concert du soir compris."),
        dict(name="Pass dimanche", price_cents=1500, quota=300, position=3,
             valid_days=[sunday], description="Entrée le dimanche."),
        dict(name=REDUCED, price_cents=800, quota=100, position=4, is_hidden=True,
             max_per_order=1, description="Sur présentation d'un justificatif à l'entrée. "
                                          "Réservé aux titulaires d'un code."),
        dict(name="Entrée enfant (moins de 12 ans)", price_cents=0, quota=200, position=5,
             max_per_order=6, requires_attendee_name=False,
             description="Gratuite, accompagnée d'un adulte muni d'un billet."),
        dict(name="Billet de soutien (2 jours)", price_cents=2000, suggested_price_cents=4000,
             is_pay_what_you_want=True, quota=100, position=6, max_per_order=4,
             description="Le pass deux jours, au prix que vous choisissez à partir de 20 € : "
                         "la différence finance les projets du réseau."),
    ]


def load_ticketing(edition: Edition) -> list[str]:
    """Open the demo edition's shop; returns the lines of the demo report."""
    if edition.day_capacity is None:
        catalog.set_venue_capacity(edition, VENUE_CAPACITY)
    existing = {t.name: t for t in db.session.scalars(
        select(TicketType).where(TicketType.edition_id == edition.id))}
    for data in _types(edition):
        names = TYPE_NAMES.get(data["name"], {})
        descriptions = TYPE_DESCRIPTIONS.get(data["name"], {})
        if data["name"] not in existing:
            existing[data["name"]] = catalog.create_ticket_type(
                edition, {"requires_attendee_name": True, **data,
                          "name": {"fr": data["name"], **names},
                          "description": {"fr": data["description"], **descriptions}})
        else:  # a demo loaded before a language was added gains it
            ticket_type = existing[data["name"]]
            for field, texts, limit in (("name", names, 120), ("description", descriptions,
                                                               5000)):
                have = ticket_type.texts_of(field)
                missing = {lang: text for lang, text in texts.items() if not have.get(lang)}
                if missing:
                    ticket_type.set_texts(field, {**have, **missing}, {}, max_length=limit)
    voucher = db.session.scalar(select(Voucher).where(Voucher.edition_id == edition.id,
                                                      Voucher.code == VOUCHER_CODE))
    if voucher is None:
        catalog.create_voucher(edition, {"code": VOUCHER_CODE, "max_uses": 100,
                                         "ticket_type_id": existing[REDUCED].id,
                                         "note": "Étudiants et demandeurs d'emploi"})
    asked = {q.texts.get("fr") for q in questions.questions_of(edition)}
    for data in QUESTIONS:
        if data["texts"]["fr"] not in asked:
            questions.create_question(edition, data)
    db.session.flush()
    return [f"  ticket shop of {edition.year} open: {len(_types(edition))} ticket types, "
            f"venue capacity {VENUE_CAPACITY}",
            f"  voucher code for the reduced price: {VOUCHER_CODE} (100 uses)"]
