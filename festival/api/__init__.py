"""The JSON API under /api/v1. Each domain's api.py holds a blueprint nested in this one."""
from flask import Blueprint, jsonify

from festival.core.access import public

api = Blueprint("api", __name__, url_prefix="/api/v1")


@api.get("/")
@public
def index():
    return jsonify(name="Almoggar API", version=1)


def _nest_domain_blueprints() -> None:
    # Imported here, once per process: a blueprint can only be nested before its first use.
    from festival.associations.api import bp as associations
    from festival.editions.api import bp as editions
    from festival.ticketing.api import bp as ticketing

    for blueprint in (associations, editions, ticketing):
        api.register_blueprint(blueprint)


_nest_domain_blueprints()
