"""The JSON API under /api/v1. Each domain's api.py holds a blueprint nested in this one."""
from flask import Blueprint, jsonify

from festival.api.contract import check_request
from festival.api.guards import accept_integral_floats, refuse_huge_numbers, refuse_unstorable_text
from festival.checkin.api import bp as checkin
from festival.core.access import public
from festival.core.jsonbody import refuse_deep_body
from festival.dashboard.api import bp as dashboard
from festival.ticketing.api import bp as ticketing

api = Blueprint("api", __name__, url_prefix="/api/v1")
api.url_value_preprocessor(refuse_huge_numbers)
api.before_request(refuse_deep_body)  # first: the guards below walk the body recursively
api.before_request(refuse_unstorable_text)
api.before_request(accept_integral_floats)
api.before_request(check_request)  # after the guards: NUL is a 400, 58.0 an integer


@api.get("/")
@public
def index():
    return jsonify(name="Almoggar API", version=1)


@api.get("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 document of this API (festival/api/openapi/)."""
    from festival.api.openapi import document  # (cycle: api ↔ api.openapi)
    return jsonify(document())


def _nest_domain_blueprints() -> None:
    # Once per process, at import: a blueprint can only be nested before its first use.
    from festival.associations.api import bp as associations  # (cycle: api ↔ associations.api)
    from festival.editions.api import bp as editions  # (cycle: api ↔ editions.api)
    from festival.proposals.api import bp as proposals  # (cycle: api ↔ proposals.api)

    for blueprint in (associations, editions, ticketing, checkin, dashboard, proposals):
        api.register_blueprint(blueprint)


_nest_domain_blueprints()
