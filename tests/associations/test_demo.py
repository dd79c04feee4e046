from sqlalchemy import func, select

from festival.associations.models import Association, MembershipEvent, MembershipStatus
from festival.demo.associations import load_associations
from festival.demo.associations_data import FICTIONAL
from festival.extensions import db
from tests import factories

S = MembershipStatus
REAL = ["Espoir du Sud", "Association Ouled Noumer pour le développement durable",
        "Al Wasseela", "Association Ouijjane pour le Développement et la Solidarité",
        "Afoulki France"]


def test_demo_registry_is_complete_and_idempotent(ctx):
    factories.gen_user("organiser")
    representative = factories.gen_user("association")
    assert load_associations(representative) == 25
    events = db.session.scalar(select(func.count()).select_from(MembershipEvent))
    assert load_associations(representative) == 25
    assert db.session.scalar(select(func.count()).select_from(MembershipEvent)) == events

    associations = db.session.scalars(select(Association)).all()
    by_name = {a.name: a for a in associations}
    assert set(REAL) <= set(by_name)
    assert representative.association_id == by_name["Espoir du Sud"].id
    fictional = [a for a in associations if a.name not in REAL]
    assert len(fictional) == 20 and all(FICTIONAL in a.description for a in fictional)
    statuses = [a.status for a in associations]
    assert statuses.count(S.MEMBER) >= 15
    assert statuses.count(S.APPLIED) + statuses.count(S.UNDER_REVIEW) >= 3
    assert statuses.count(S.REJECTED) == 1 and statuses.count(S.SUSPENDED) == 1
    assert len({a.province for a in fictional}) >= 6
    for association in associations:  # each status was reached through history rows
        last = db.session.scalars(select(MembershipEvent).where(
            MembershipEvent.association_id == association.id, MembershipEvent.to_status
            .is_not(None)).order_by(MembershipEvent.created_at.desc(),
                                    MembershipEvent.id.desc())).first()
        assert last.to_status is association.status, association.name
    assert by_name["Afoulki France"].province.value == "tiznit"
