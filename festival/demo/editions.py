"""Demo editions: the coming one (2027, tickets on sale) and the previous one (2026, archived),
each with venue, rooms, speakers, sessions, organisers and stands. Idempotent: what exists is
found, not created again; associations missing from the registry are skipped."""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from festival.accounts.models import User
from festival.associations.models import Association, MembershipStatus
from festival.core.access import Role
from festival.core.timeutil import paris_to_utc
from festival.demo.editions_data import (
    ORGANISERS,
    ROOMS_2026,
    ROOMS_2027,
    SESSIONS_2026,
    SESSIONS_2027,
    SPEAKERS,
    STANDS_2027,
)
from festival.editions import services
from festival.editions.models import (
    Edition,
    EditionStatus,
    Speaker,
    StandEvent,
    StandRequest,
    StandSize,
    StandStatus,
)
from festival.editions.services.editions import edition_by_year
from festival.extensions import db

# The public texts in English, Arabic and Tamazight (Tifinagh; French is in EDITIONS).
TEXTS = {
    2027: {"title": {"en": "Almoggar Festival", "ar": "مهرجان أموكار", "tzm": "ⴰⵏⵎⵓⴳⴳⴰⵔ ⴰⵍⵎⵓⴳⴳⴰⵔ"},
           "tagline": {"en": "Two days of meetings, debates and celebration for the development "
                             "of the Souss-Massa. This year: water, school and light.",
                       "ar": "يومان من اللقاءات والنقاشات والاحتفال من أجل تنمية سوس ماسة. "
                             "موضوع هذه السنة: الماء والمدرسة والإنارة.",
                       "tzm": "ⵙⵉⵏ ⵡⵓⵙⵙⴰⵏ ⵏ ⵜⵎⵓⵏⵉⵜ, ⵉⵎⵙⴷⴰⵡⴰⵍⵏ ⴷ ⵜⵎⵖⵔⴰ ⵉ ⵜⵏⴼⵍⵉⵜ ⵏ ⵙⵓⵙ-ⵎⴰⵙⴰ. "
                              "ⴰⵙⴳⴳⴰⵙ-ⴰ: ⴰⵎⴰⵏ, ⴰⵖⵔⴱⴰⵣ ⴷ ⵜⴰⴼⴰⵡⵜ."},
           "description": {
               "en": "Talks, round tables, workshops, screenings and concerts: the associations "
                     "of the Coordination N'Souss Massa meet you in the spring.\n\nEntry with "
                     "a ticket, free for children under 12.",
               "ar": "محاضرات وموائد مستديرة وورشات وعروض أفلام وحفلات: جمعيات تنسيقية سوس "
                     "ماسة على موعد معكم في الربيع.\n\nالدخول بتذكرة، ومجاني للأطفال دون "
                     "12 سنة.",
               "tzm": "ⵜⵉⵎⵙⴰⵙⵔⵉⵏ, ⵉⵎⵙⴷⴰⵡⴰⵍⵏ, ⵉⵙⵎⵎⵕⴰⵙⵏ, ⴰⵙⴽⴰⵏ ⵏ ⵉⵙⴰⵔⵢⵏ ⴷ ⵜⵎⵖⵔⵉⵡⵉⵏ ⵏ ⵓⵥⴰⵡⴰⵏ: "
                      "ⵜⵉⵎⵙⵎⵓⵏⵉⵏ ⵏ Coordination N'Souss Massa ⴰⵔ ⴽⵡⵏ ⵜⵜⵕⴰⵊⵓⵏⵜ ⵖ ⵜⴰⴼⵙⵓⵜ.\n\n"
                      "ⴰⴽⵛⴰⵎ ⵙ ⵜⵡⵔⵉⵇⵜ, ⵙ ⵓⴱⵍⴰ ⴰⵣⴰⵍ ⵉ ⵜⴰⵔⵡⴰ ⴷⴷⴰⵡ ⵏ 12 ⵏ ⵉⵙⴳⴳⴰⵙⵏ."}},
    2026: {"title": {"en": "Almoggar Festival", "ar": "مهرجان أموكار"},
           "tagline": {"en": "Diaspora solidarity: ten years of work in the villages.",
                       "ar": "تضامن الجالية: عشر سنوات من العمل في القرى.",
                       "tzm": "ⵜⴰⵡⵓⵔⵉ ⵏ ⵉⵎⵣⴷⴰⵖ ⵏ ⴱⵕⵕⴰ: ⵎⵔⴰⵡ ⵏ ⵉⵙⴳⴳⴰⵙⵏ ⵏ ⵜⵡⵓⵔⵉ ⵖ ⵜⵉⵎⵉⵣⴰⵔ."}},
}

EDITIONS = {
    2027: dict(title="Festival Almoggar", days=[date(2027, 5, 15), date(2027, 5, 16)],
               tagline="Deux jours de rencontres, de débats et de fête pour le développement "
                       "du Souss-Massa. Thème de l'année : l'eau, l'école et la lumière.",
               description="Conférences, tables rondes, ateliers, projections et concerts : "
                           "les associations de la Coordination N'Souss Massa vous donnent "
                           "rendez-vous au printemps.\n\nEntrée sur billet, gratuite pour les "
                           "moins de 12 ans.",
               venue=dict(name="Espace municipal Léo-Lagrange", address="12 avenue Gabriel-Péri",
                          postcode="92230", city="Gennevilliers", capacity=1000,
                          transport={
                              "fr": "Métro ligne 13, station Gabriel Péri (sortie 1), puis 6 "
                                    "minutes à pied. Bus 235 et 238, arrêt Place Voltaire. "
                                    "RER C, gare de Gennevilliers, puis bus 238.",
                              "en": "Metro line 13 to Gabriel Péri (exit 1), then a 6-minute "
                                    "walk. Buses 235 and 238, stop Place Voltaire. RER C to "
                                    "Gennevilliers station, then bus 238.",
                              "ar": "الميترو، الخط 13، محطة Gabriel Péri (المخرج 1)، ثم 6 "
                                    "دقائق مشيًا. الحافلتان 235 و238، محطة Place Voltaire. "
                                    "قطار RER C إلى محطة Gennevilliers، ثم الحافلة 238."},
                          access={
                              "fr": "Entrée de plain-pied par le parvis de l'avenue ; ascenseur "
                                    "vers la salle haute ; toilettes accessibles au "
                                    "rez-de-chaussée ; deux places de stationnement réservées "
                                    "devant l'entrée.",
                              "en": "Step-free entrance from the square on the avenue; lift to "
                                    "the upper hall; accessible toilets on the ground floor; "
                                    "two reserved parking spaces at the entrance.",
                              "ar": "مدخل بدون درج من الساحة المطلة على الشارع؛ مصعد إلى القاعة "
                                    "العليا؛ مراحيض مهيأة في الطابق الأرضي؛ موقفان مخصصان "
                                    "للسيارات أمام المدخل."}),
               doors=[("10:00", "01:00"), ("10:00", "19:00")],
               rooms=ROOMS_2027, sessions=SESSIONS_2027,
               path=[EditionStatus.PUBLISHED, EditionStatus.ON_SALE]),
    2026: dict(title="Festival Almoggar", days=[date(2026, 5, 16), date(2026, 5, 17)],
               tagline="Solidarités de la diaspora : dix ans d'actions dans les villages.",
               description="L'édition 2026 a réuni près de 900 personnes autour des projets "
                           "des associations du réseau.",
               venue=dict(name="Salle des fêtes Pablo-Neruda", address="3 rue de la République",
                          postcode="93200", city="Saint-Denis", capacity=800,
                          transport={
                              "fr": "Métro ligne 13, station Basilique de Saint-Denis. RER D "
                                    "ou Transilien H, gare de Saint-Denis. Tram T1, arrêt "
                                    "Marché de Saint-Denis.",
                              "en": "Metro line 13 to Basilique de Saint-Denis. RER D or "
                                    "Transilien H to Saint-Denis station. Tram T1, stop "
                                    "Marché de Saint-Denis.",
                              "ar": "الميترو، الخط 13، محطة Basilique de Saint-Denis. قطار "
                                    "RER D أو Transilien H إلى محطة Saint-Denis. الترام T1، "
                                    "محطة Marché de Saint-Denis."},
                          access={
                              "fr": "Entrée de plain-pied rue de la République ; toilettes "
                                    "accessibles.",
                              "en": "Step-free entrance on rue de la République; accessible "
                                    "toilets.",
                              "ar": "مدخل بدون درج من شارع الجمهورية؛ مراحيض مهيأة."}),
               doors=[("10:00", "23:00"), ("10:00", "19:00")],
               rooms=ROOMS_2026, sessions=SESSIONS_2026,
               path=[EditionStatus.PUBLISHED, EditionStatus.ON_SALE, EditionStatus.CLOSED,
                     EditionStatus.ARCHIVED]),
}


def _add_missing(row, field: str, texts: dict[str, str], max_length: int) -> None:
    """Give `row` the demo's `texts` of `field` in the languages it does not have yet (a
    demo loaded before a language was added gains it; what organisers wrote stays)."""
    have = row.texts_of(field)
    missing = {language: text for language, text in texts.items() if not have.get(language)}
    if missing:
        row.set_texts(field, {**have, **missing}, {}, max_length=max_length)


def _association(slug: str) -> Association | None:
    found = db.session.scalar(select(Association).where(Association.slug == slug))
    return found if found is not None and found.status is MembershipStatus.MEMBER else None


def _speakers(actor: User | None) -> list[Speaker]:
    people = []
    for name, bio, slug in SPEAKERS:
        speaker = db.session.scalar(select(Speaker).where(Speaker.name == name))
        if speaker is None:
            association = _association(slug) if slug else None
            speaker = services.create_speaker(
                {"name": name, "bio": bio,
                 "association_id": association.id if association else None}, actor=actor)
        people.append(speaker)
    return people


def _clock(text: str) -> time:
    return time.fromisoformat(text)


def _programme(edition: Edition, spec: dict, speakers: list[Speaker], actor: User | None):
    rooms = [services.create_room(edition, {
        "name": name, "capacity": capacity, "opens_at": _clock(opens),
        "closes_at": _clock(closes), "position": index, "venue_id": edition.venues[0].id},
        actor=actor) for index, (name, capacity, opens, closes) in enumerate(spec["rooms"])]
    for (day, start, end, room, kind, title, langs, track, who, highlight, published,
         abstract) in spec["sessions"]:
        on = spec["days"][day]
        starts_at, ends_at = paris_to_utc(on, _clock(start)), paris_to_utc(on, _clock(end))
        if ends_at <= starts_at:
            ends_at = paris_to_utc(on + timedelta(days=1), _clock(end))
        pole, theme = (track[5:], "") if track.startswith("pole:") else (None, track)
        services.create_session(edition, {
            "kind": kind, "title": title, "abstract": abstract, "languages": langs,
            "pole": pole, "theme": theme, "room_id": rooms[room].id, "starts_at": starts_at,
            "ends_at": ends_at, "speaker_ids": [speakers[i].id for i in who],
            "status": "published" if published else "draft", "is_highlight": highlight},
            actor=actor)


def _doors(edition: Edition, spec: dict, actor: User | None) -> None:
    services.update_days_practical(edition, [
        {"day": day, "doors_open": _clock(opens), "doors_close": _clock(closes)}
        for day, (opens, closes) in zip(spec["days"], spec["doors"])], actor=actor)


def _where_and_when(edition: Edition, spec: dict, actor: User | None) -> None:
    """A demo database made before the venues had their access and the days their door
    hours gets them (an archived edition stays as it is)."""
    venue = edition.main_venue
    if edition.is_archived or venue is None or venue.transport or any(
            d.doors_open for d in edition.days):
        return
    services.update_venue(venue, {k: spec["venue"][k] for k in ("transport", "access")},
                          actor=actor)
    _doors(edition, spec, actor)


def _organisers(edition: Edition, actor: User | None) -> None:
    if edition.is_archived:
        return
    present = {o.association_id for o in edition.organisers}
    for slug, role in ORGANISERS.get(edition.year, []):
        association = _association(slug)
        if association is not None and association.id not in present:
            services.add_organiser(edition, association.id, role, actor=actor)


def _stands(edition: Edition, actor: User | None) -> None:
    if edition.status not in (EditionStatus.PUBLISHED, EditionStatus.ON_SALE):
        return
    for slug, size, electricity, showcase, number in STANDS_2027:
        association = _association(slug)
        if association is None or db.session.scalar(select(StandRequest.id).where(
                StandRequest.edition_id == edition.id,
                StandRequest.association_id == association.id)) is not None:
            continue
        representative = db.session.scalar(select(User).where(
            User.association_id == association.id, User.role == Role.ASSOCIATION))
        stand = StandRequest(edition=edition, association=association, size=StandSize(size),
                             needs_electricity=electricity, tables=1, chairs=2,
                             showcase=showcase, requested_by=representative,
                             status=StandStatus.REQUESTED)
        stand.events.append(StandEvent(from_status=None, to_status=StandStatus.REQUESTED,
                                       actor_id=representative.id if representative else None))
        db.session.add(stand)
        db.session.flush()
        if number:
            services.decide_stand(stand, approve=True, stand_number=number, zone="Hall A"
                                  if number.startswith("A") else "Hall B", actor=actor)


# The sessions' titles in English and Arabic, some in Tamazight (by their French title); the
# abstracts are left in French, so the edition's page shows organisers what is still to
# translate.
SESSION_TITLES = {
    "Ouverture du festival": {"en": "Festival opening", "ar": "افتتاح المهرجان",
                              "tzm": "ⴰⵔⵥⵥⵓⵎ ⵏ ⵓⵏⵎⵓⴳⴳⴰⵔ"},
    "L'eau dans le Souss-Massa : vivre avec la rareté": {
        "en": "Water in Souss-Massa: living with scarcity",
        "ar": "الماء في سوس ماسة: العيش مع الندرة"},
    "Les écoles des villages : internats, transport scolaire et soutien": {
        "en": "Village schools: boarding, school transport and tutoring",
        "ar": "مدارس القرى: الداخليات والنقل المدرسي والدعم"},
    "Monter un projet de solidarité internationale : du besoin au financement": {
        "en": "Building an international solidarity project: from need to funding",
        "ar": "إعداد مشروع للتضامن الدولي: من الحاجة إلى التمويل"},
    "Diaspora et développement : ce que les associations changent au village": {
        "en": "Diaspora and development: what associations change in the village",
        "ar": "الجالية والتنمية: ما تغيّره الجمعيات في القرية"},
    "Contes du Souss en tamazight": {"en": "Tales of the Souss in Tamazight",
                                     "ar": "حكايات سوس بالأمازيغية"},
    "Projection : « Tizi, l'école au bout de la piste »": {
        "en": "Screening: “Tizi, the school at the end of the track”",
        "ar": "عرض: «تيزي، المدرسة في آخر المسلك»"},
    "Cuisine et argan : l'huile, l'amlou et les femmes qui les font": {
        "en": "Cooking and argan: the oil, amlou and the women who make them",
        "ar": "الطبخ والأركان: الزيت والأملو والنساء اللواتي يصنعنه"},
    "Relamping : éclairer les villages avec des LED": {
        "en": "Relamping: lighting villages with LEDs",
        "ar": "تجديد الإنارة: إضاءة القرى بمصابيح LED"},
    "Soirée ahwach et rrways": {"en": "Ahwach and rrways evening",
                                "ar": "سهرة أحواش والروايس"},
    "Les jeunes de la diaspora et le Maroc de leurs parents": {
        "en": "Young people of the diaspora and their parents' Morocco",
        "ar": "شباب الجالية ومغرب آبائهم"},
    "Santé dans les douars : dispensaires et caravanes médicales": {
        "en": "Health in the douars: clinics and medical caravans",
        "ar": "الصحة في الدواوير: المستوصفات والقوافل الطبية"},
    "Initiation au tifinagh": {"en": "Introduction to Tifinagh", "ar": "مدخل إلى تيفيناغ"},
    "Tri et valorisation des déchets dans les communes rurales": {
        "en": "Sorting and recovering waste in rural communes",
        "ar": "فرز النفايات وتثمينها في الجماعات القروية"},
    "Coopératives : vendre en France les produits du Souss": {
        "en": "Cooperatives: selling the Souss's products in France",
        "ar": "التعاونيات: بيع منتجات سوس في فرنسا"},
    "Projection-débat : « Argane, l'or des femmes »": {
        "en": "Screening and debate: “Argan, the women's gold”",
        "ar": "عرض ونقاش: «الأركان، ذهب النساء»"},
    "Rrways : chants des raïs du Souss": {"en": "Rrways: songs of the Souss raïs",
                                          "ar": "الروايس: أغاني روايس سوس"},
    "Atelier photo : les villages vus par leurs enfants": {
        "en": "Photo workshop: villages seen by their children",
        "ar": "ورشة تصوير: القرى بعيون أطفالها"},
    "Clôture et remerciements": {"en": "Closing and thanks", "ar": "الاختتام والشكر",
                                 "tzm": "ⴰⵎⴷⴷⴰⵢ ⴷ ⵜⴰⵏⵎⵎⵉⵔⵜ"},
}
# The rooms' names in English and Arabic.
ROOM_NAMES = {
    "Grande salle": {"en": "Main hall", "ar": "القاعة الكبرى"},
    "Salle Tiznit": {"en": "Tiznit room", "ar": "قاعة تزنيت"},
    "Salle Taroudant": {"en": "Taroudant room", "ar": "قاعة تارودانت"},
}
# The demo programme's themes that are not the registry's, in the other languages.
THEME_NAMES = {
    "Économie solidaire": {"en": "Solidarity economy", "ar": "الاقتصاد التضامني"},
    "Énergie": {"en": "Energy", "ar": "الطاقة"},
}


def load_editions() -> int:
    """Create the demo editions that do not exist yet; returns how many editions there are."""
    actor = db.session.scalar(select(User).where(User.role == Role.ORGANISER).order_by(User.id))
    speakers = None
    for year in sorted(EDITIONS):
        spec = EDITIONS[year]
        edition = edition_by_year(year)
        if edition is None:
            speakers = speakers or _speakers(actor)
            edition = services.create_edition(year=year, title=spec["title"],
                                              tagline=spec["tagline"],
                                              description=spec["description"],
                                              days=spec["days"], actor=actor)
            services.add_venue(edition, spec["venue"], actor=actor)
            _doors(edition, spec, actor)
            _programme(edition, spec, speakers, actor)
            _organisers(edition, actor)
            for status in spec["path"]:
                services.change_edition_status(edition, status, actor=actor,
                                               note="Démonstration", confirm=True)
        else:
            _organisers(edition, actor)
            _where_and_when(edition, spec, actor)
        if year == 2027:
            _stands(edition, actor)
        for item in edition.sessions:
            if not (item.translations or {}).get("title") and item.title_fr in SESSION_TITLES:
                item.set_texts("title", {"fr": item.title_fr, **SESSION_TITLES[item.title_fr]},
                               {}, max_length=250)
        for room in edition.rooms:
            if not (room.translations or {}).get("name") and room.name_fr in ROOM_NAMES:
                room.set_texts("name", {"fr": room.name_fr, **ROOM_NAMES[room.name_fr]}, {},
                               max_length=120)
        for theme in edition.themes:  # the edition's own themes, named in Arabic and English
            if not (theme.translations or {}).get("label") and theme.label_fr in THEME_NAMES:
                theme.set_texts("label", {"fr": theme.label_fr, **THEME_NAMES[theme.label_fr]},
                                {}, max_length=80)
        for name, texts in TEXTS.get(year, {}).items():
            _add_missing(edition, name, texts, 10_000)
        for session in edition.sessions:
            _add_missing(session, "title", SESSION_TITLES.get(session.title_fr, {}), 250)
    db.session.flush()
    return db.session.query(Edition).count()
