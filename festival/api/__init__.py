"""The JSON API under /api/v1. Each domain's api.py holds a blueprint nested in this one."""
from flask import Blueprint, jsonify

from festival.api.contract import check_request
from festival.api.guards import accept_integral_floats, refuse_huge_numbers, refuse_nul_characters
from festival.core.access import public

api = Blueprint("api", __name__, url_prefix="/api/v1")
api.url_value_preprocessor(refuse_huge_numbers)
api.before_request(refuse_nul_characters)
api.before_request(accept_integral_floats)
api.before_request(check_request)  # after the two above: NUL is a 400, 58.0 an integer


@api.get("/")
@public
def index():
    return jsonify(name="Almoggar API", version=1)


@api.get("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 document of this API (festival/api/openapi/)."""
    from festival.api.openapi import document
    return jsonify(document())


def _nest_domain_blueprints() -> None:
    # Imported here, once per process: a blueprint can only be nested before its first use.
    from festival.associations.api import bp as associations
    from festival.checkin.api import bp as checkin
    from festival.dashboard.api import bp as dashboard
    from festival.editions.api import bp as editions
    from festival.ticketing.api import bp as ticketing

    for blueprint in (associations, editions, ticketing, checkin, dashboard):
        api.register_blueprint(blueprint)


_nest_domain_blueprints()
