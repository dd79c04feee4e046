"""The member associations' registry (festival/associations/api.py)."""
from __future__ import annotations

from festival.api.openapi.common import (
                                         DATETIME,
                                         INTEGER,
                                         PUBLIC,
                                         STRING,
                                         URL,
                                         array,
                                         enum,
                                         errors,
                                         extends,
                                         nullable,
                                         obj,
                                         ok,
                                         operation,
                                         path_text,
                                         query,
                                         ref,
                                         texts_of,
)
from festival.associations.models import Pole, Province, Theme
from festival.associations.queries import QUERY_MAX

TAG = "Associations"

SUMMARY = obj({
    "slug": STRING, "name": STRING, "short_description": STRING, "city": STRING,
    "postcode": STRING, "province": nullable(enum(Province)), "commune": STRING,
    "themes": array(enum(Theme)), "poles": array(enum(Pole)), "website": STRING,
    "logo_url": nullable(URL), "url": URL, "texts": texts_of("short_description"),
})

SCHEMAS = {
    "AssociationSummary": SUMMARY,
    "Association": extends("AssociationSummary", {
        "description": STRING, "email": STRING, "phone": STRING,
        "member_since": nullable(DATETIME),
        "texts": texts_of("short_description", "description")}),
}

PATHS = {
    "/api/v1/associations": {"get": operation(
        "listAssociations", "Member associations, by name", tag=TAG, security=PUBLIC,
        parameters=[
            query("q", {"type": "string", "maxLength": QUERY_MAX},
                  "Part of the name (accents ignored)."),
            query("province", enum(Province), "Where the association acts in Souss-Massa."),
            query("theme", enum(Theme), "One of its themes."),
        ],
        responses={"200": ok(obj({"associations": array(ref("AssociationSummary")),
                                  "count": INTEGER})),
                   **errors(422)})},
    "/api/v1/associations/{slug}": {"get": operation(
        "getAssociation", "One member association", tag=TAG, security=PUBLIC,
        parameters=[path_text("slug", "The association's slug.")],
        responses={"200": ok(ref("Association")), **errors(404)})},
}
