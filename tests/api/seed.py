"""A realistic festival for the API contract tests: a current edition on sale (its days are
today and the next), a past archived one and a draft; rooms, speakers and sessions; ticket
types with quotas and a voucher; paid, pending and cancelled orders; member associations;
a check-in list with a paired door device and a few scans. Built through the services."""
from __future__ import annotations

from datetime import date, timedelta

from festival.accounts.services import create_api_token
from festival.associations.models import MembershipStatus, Pole, Province, Theme
from festival.core.timeutil import PARIS, utcnow
from festival.extensions import db
from tests import factories


def festival_days() -> list[date]:
    today = utcnow().astimezone(PARIS).date()
    other = today + timedelta(days=1)
    return sorted([today, other if other.year == today.year else today - timedelta(days=1)])


def _associations() -> list:
    from festival.associations.models import AssociationPole, AssociationTheme
    rows = []
    for n, (name, province, theme) in enumerate([
            ("Espoir du Sud", Province.TIZNIT, Theme.EDUCATION),
            ("Afoulki France", Province.TIZNIT, Theme.CULTURE),
            ("Al Wasseela", Province.AGADIR_IDA_OUTANANE, Theme.SOCIAL_LINK)]):
        association = factories.gen_association(
            name=name, slug=name.lower().replace(" ", "-"), province=province,
            short_description="Association de la diaspora", city="Saint-Denis",
            postcode="93200", email=f"contact{n}@example.fr", website="https://example.fr",
            member_since=utcnow())
        db.session.add(AssociationTheme(association_id=association.id, theme=theme))
        db.session.add(AssociationPole(association_id=association.id, pole=Pole.MRE))
        rows.append(association)
    factories.gen_association(name="Candidate", status=MembershipStatus.APPLIED)
    db.session.flush()
    return rows


def _programme(edition, associations) -> None:
    from festival.editions import services
    rooms = [factories.gen_room(edition, name=name, capacity=cap)
             for name, cap in (("Grande salle", 400), ("Salle Tafraout", 80),
                               ("Atelier", 30))]
    speakers = [factories.gen_speaker(name, bio="Chercheuse", association_id=a.id)
                for name, a in (("Fatima Aït Ali", associations[0]),
                                ("Brahim Oulhaj", associations[1]))]
    for day in range(len(edition.dates)):
        for n, room in enumerate(rooms):
            factories.gen_session(edition, room, day=day, start=f"1{n}:00", end=f"1{n}:45",
                                  speakers=[speakers[n % 2]] if n < 2 else [],
                                  languages=["fr", "ar"], pole="mre" if n == 0 else None)
    factories.gen_session(edition, rooms[2], start="18:00", end="19:00", status="draft",
                          kind="workshop", theme="Eau")
    services.add_organiser(edition, associations[0].id, "lead", actor=None)
    services.add_organiser(edition, associations[1].id, "partner", actor=None)


def _sales(edition, organiser) -> dict:
    from festival.ticketing import catalog, orders
    from festival.ticketing.models import PaymentMethod
    catalog.set_venue_capacity(edition, 1000)
    days = [d.isoformat() for d in edition.dates]
    festival_pass = catalog.create_ticket_type(edition, {
        "name": "Pass festival", "price_cents": 1500, "quota": 300,
        "requires_attendee_name": False})
    day_pass = catalog.create_ticket_type(edition, {
        "name": "Pass journée", "price_cents": 800, "quota": 200, "valid_days": days[:1],
        "requires_attendee_name": True, "max_per_order": 4})
    solidarity = catalog.create_ticket_type(edition, {
        "name": "Pass solidaire", "price_cents": 500, "is_pay_what_you_want": True,
        "suggested_price_cents": 1000, "quota": 50, "requires_attendee_name": False})
    volunteer = catalog.create_ticket_type(edition, {
        "name": "Bénévole", "price_cents": 0, "quota": 40, "is_hidden": True,
        "requires_attendee_name": True})
    catalog.create_voucher(edition, {"code": "BENEVOLE-2", "ticket_type_id": volunteer.id,
                                     "max_uses": 20, "price_override_cents": 0})
    _questions(edition, day_pass)
    paid = orders.create_order(edition, terms_accepted=True,
                               buyer_name="Amina Bakrim", email="amina@example.fr",
                               items=[orders.Item(festival_pass.id, 2),
                                      orders.Item(day_pass.id, 1, ["Youssef Bakrim"])])
    orders.mark_paid(paid, PaymentMethod.DEMO)
    pending = orders.create_order(edition, terms_accepted=True, buyer_name="Karim Idrissi",
                                  email="karim@example.fr",
                                  items=[orders.Item(solidarity.id, 1, price_cents=1200)])
    cancelled = orders.create_order(edition, terms_accepted=True, buyer_name="Nadia Amrani",
                                    email="nadia@example.fr",
                                    items=[orders.Item(festival_pass.id, 1)])
    orders.cancel_order(cancelled, actor=organiser, reason="Changement de programme")
    db.session.flush()
    return {"types": [festival_pass, day_pass, solidarity, volunteer],
            "orders": [paid, pending, cancelled]}


def _questions(edition, day_pass) -> None:
    """Questions nobody must answer (the contract's orders give none): one per order in
    French only, one per day-pass ticket with its options in three languages."""
    from festival.questions import services
    services.create_question(edition, {"texts": {"fr": "Votre association ?"},
                                       "kind": "text", "scope": "order"})
    services.create_question(edition, {
        "texts": {"fr": "Besoins d'accès ?", "en": "Access needs?", "ar": "احتياجات الوصول؟"},
        "help_texts": {"fr": "Nous préparons l'accueil."}, "kind": "choice",
        "scope": "ticket", "is_sensitive": True, "ticket_type_ids": [day_pass.id],
        "options": [{"label": {"fr": "Aucun", "en": "None", "ar": "لا شيء"}},
                    {"label": {"fr": "Fauteuil roulant", "en": "Wheelchair"}}]})


def _doors(edition, sales) -> tuple[object, str]:
    from festival.checkin import services
    from festival.checkin.devices import create_device, create_list, pair_device
    from festival.checkin.queries import door_for_token
    from festival.ticketing.catalog import ensure_signing_key
    from festival.ticketing.tickets import token_for
    ensure_signing_key(edition)
    main = create_list(edition, {"name": "Entrée principale", "allow_reentry": True})
    create_list(edition, {"name": "Salle de concert",
                          "ticket_type_ids": [sales["types"][0].id]})
    _, code = create_device(main, name="Téléphone de Samira", gate="Porte A")
    device, plain = pair_device(code)
    door = door_for_token(device.api_token_id)
    paid = sales["orders"][0]
    services.check_in(door, token=token_for(paid.tickets[0]))
    services.check_in(door, token=token_for(paid.tickets[0]))  # already_checked_in
    services.check_in(door, token="not-a-ticket")               # invalid
    db.session.flush()
    return main, plain


def seed_festival() -> dict:
    """Build the festival and commit it. Returns the tokens and ids the contract run uses."""
    organiser = factories.gen_user("organiser")
    associations = _associations()
    days = festival_days()
    current = factories.gen_edition(days[0].year, days=days, status="on_sale",
                                    tagline="Le festival de la diaspora du Souss-Massa")
    _programme(current, associations)
    past_year = days[0].year - 1
    past = factories.gen_edition(past_year, status="on_sale")
    factories.gen_session(past, factories.gen_room(past, name="Grande salle"))
    from festival.editions import services
    for target in ("closed", "archived"):
        services.change_edition_status(past, target, actor=None, confirm=True)
    draft = factories.gen_edition(days[0].year + 1, status="draft")
    sales = _sales(current, organiser)
    checkin_list, volunteer = _doors(current, sales)
    _, organiser_token = create_api_token("contract organiser", "organiser")
    db.session.commit()
    return {
        "organiser_token": organiser_token, "volunteer_token": volunteer,
        "years": [current.year, past.year, draft.year],
        "ticket_type_ids": [t.id for t in sales["types"]],
        "order_codes": [o.code for o in sales["orders"]],
        "order_secrets": [o.secret for o in sales["orders"]],
        "list_id": checkin_list.id,
        "room_ids": [r.id for r in current.rooms],
        "session_ids": [s.id for s in current.sessions],
        "speaker_ids": sorted({sp.id for s in current.sessions for sp in s.speakers}),
        "slugs": [a.slug for a in associations],
    }
