"""The demo shop: the ticket types and voucher the brief of the demo lists, made once."""
from sqlalchemy import func, select

from festival.demo.ticketing import VOUCHER_CODE, load_ticketing
from festival.extensions import db
from festival.ticketing import shop
from festival.ticketing.models import Quota, TicketType, Voucher


def test_the_demo_shop_is_complete_and_loading_it_twice_changes_nothing(edition):
    db.session.execute(db.delete(Quota))  # the demo sets the venue capacity itself
    edition.day_capacity = None
    report = load_ticketing(edition)
    load_ticketing(edition)
    types = {t.name: t for t in db.session.scalars(select(TicketType))}
    assert len(types) == 6
    assert types["Pass festival (2 jours)"].price_cents == 2500
    assert types["Pass samedi"].valid_days == ["2027-05-15"]
    assert types["Pass dimanche"].valid_days == ["2027-05-16"]
    support = types["Billet de soutien (2 jours)"]
    assert support.is_pay_what_you_want and support.price_cents == 2000
    assert support.suggested_price_cents == 4000
    assert types["Entrée enfant (moins de 12 ans)"].price_cents == 0
    voucher = db.session.scalar(select(Voucher))
    assert voucher.code == VOUCHER_CODE and voucher.max_uses == 100
    assert voucher.ticket_type.is_hidden and voucher.ticket_type.price_cents == 800
    assert db.session.scalars(select(Quota.size).where(Quota.day.is_not(None))).all() == [
        1000, 1000]  # one per festival day
    assert db.session.scalar(select(func.count(Voucher.id))) == 1
    assert VOUCHER_CODE in "\n".join(report)
    on_sale = [o for o in shop.offers(edition) if o.state == shop.ON_SALE]
    assert len(on_sale) == 5  # everything but the reduced price, on sale now


def test_the_demo_ticket_types_have_tamazight_names(edition):
    load_ticketing(edition)
    pass_type = db.session.scalar(select(TicketType).where(
        TicketType.name == "Pass festival (2 jours)"))
    assert pass_type.text_in("name", "tzm") == "ⵜⴰⵡⵔⵉⵇⵜ ⵏ ⵓⵏⵎⵓⴳⴳⴰⵔ (2 ⵡⵓⵙⵙⴰⵏ)"
    assert pass_type.text_in("description", "tzm").startswith("ⴰⴽⵛⴰⵎ")
    pass_type.translations = {"name": {"ar": "تذكرة المهرجان (يومان)"}}  # an older demo
    db.session.flush()
    load_ticketing(edition)
    assert pass_type.texts_of("name")["tzm"] == "ⵜⴰⵡⵔⵉⵇⵜ ⵏ ⵓⵏⵎⵓⴳⴳⴰⵔ (2 ⵡⵓⵙⵙⴰⵏ)"
