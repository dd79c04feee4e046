"""The themes of a programme, as codes with names that translate (like the pôles): the
registry's themes (associations.models.Theme, named by associations.labels.THEME_LABELS)
and an edition's own (EditionTheme, `x-…`, named by its organisers in each language).
A session keeps the code in its `theme`."""
from __future__ import annotations

import re
import unicodedata

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.associations.labels import THEME_LABELS
from festival.associations.models import Theme
from festival.config import LANGUAGES
from festival.core.translated import clean_texts
from festival.editions.models import CUSTOM_THEME_PREFIX, Edition, EditionTheme
from festival.extensions import db

REGISTRY = {theme.value: theme for theme in Theme}
# The registry's themes by the names a text may give them: French (what organisers wrote
# before themes were codes, matched by migration 0041 too) and English (the msgids).
FRENCH_NAMES = {
    Theme.EDUCATION: "Éducation", Theme.WATER: "Eau", Theme.WASTE: "Déchets",
    Theme.ENERGY: "Énergie et relamping", Theme.HEALTH: "Santé", Theme.CULTURE: "Culture",
    Theme.SOCIAL_LINK: "Lien social et solidarité", Theme.AGRICULTURE: "Agriculture",
    Theme.ENVIRONMENT: "Environnement", Theme.ECONOMY: "Économie locale",
}
BY_NAME = {**{getattr(label, "_args", (str(label),))[0].casefold(): theme  # lazy: its msgid
              for theme, label in THEME_LABELS.items()},
           **{name.casefold(): theme for theme, name in FRENCH_NAMES.items()}}
LABEL_LENGTH = 80


def own_theme(edition: Edition, code: str) -> EditionTheme | None:
    return next((row for row in edition.themes if row.code == code), None)


def theme_label(edition: Edition, code: str) -> str:
    """A theme's name in the reader's language (French when not written in it)."""
    if not code:
        return ""
    if code in REGISTRY:
        return str(THEME_LABELS[REGISTRY[code]])
    row = own_theme(edition, code)
    return row.label if row is not None else code


def theme_texts(edition: Edition, code: str) -> dict[str, str]:
    """A theme's name in every language it has ({} for no theme)."""
    if not code:
        return {}
    if code in REGISTRY:
        found = {}
        for language in LANGUAGES:
            with force_locale(language):
                found[language] = str(THEME_LABELS[REGISTRY[code]])
        return found
    row = own_theme(edition, code)
    return row.texts_of("label") if row is not None else {"fr": code}


def theme_choices(edition: Edition) -> list[tuple[str, str]]:
    """(code, name) of every theme a session of `edition` may take: the registry's, then
    the edition's own."""
    return ([(theme.value, str(label)) for theme, label in THEME_LABELS.items()]
            + [(row.code, row.label) for row in edition.themes])


def lock_themes(edition: Edition) -> None:
    """Two organisers adding the same theme at once: the second waits for the first's
    commit (the edition's row locked on PostgreSQL), then finds its code taken and counts
    on; never a duplicate code."""
    db.session.execute(select(Edition.id).where(Edition.id == edition.id).with_for_update())
    db.session.refresh(edition, ["themes"])


def new_code(edition: Edition, text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    base = CUSTOM_THEME_PREFIX + (re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:30]
                                  or "theme")
    taken = {row.code for row in edition.themes}
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


# What an edition's own theme's code looks like (new_code): never a theme's name.
OWN_CODE = re.compile(re.escape(CUSTOM_THEME_PREFIX) + r"[a-z0-9]+(-[a-z0-9]+)*")


def name_taken(edition: Edition, name: str, *, but: str | None = None) -> bool:
    """Whether `name`, as the name of one of the edition's own themes, would be read by
    resolve_theme as another theme (whatever its case and spaces): a code or a French or
    English name of the registry's, or a code or French name of the edition's themes but
    the one coded `but`; or the look of an edition theme's code."""
    key = " ".join(name.split()).casefold()
    if key in REGISTRY or key in BY_NAME or OWN_CODE.fullmatch(key):
        return True
    return any(row.code != but and key in (row.code, row.label_fr.casefold())
               for row in edition.themes)


def _named(edition: Edition, name: str) -> EditionTheme | None:
    """The edition's own theme whose French name is `name`, whatever its case."""
    return next((row for row in edition.themes
                 if row.label_fr.casefold() == name.casefold()), None)


def resolve_theme(edition: Edition, value: str, errors: dict[str, list]) -> str:
    """The code of the theme `value` names: a code of the registry or of the edition, or a
    theme's French name (the registry's or the edition's); any other text makes a new theme
    of the edition named with it (in French), but one that looks like an edition theme's
    code (`x-…`: another edition's, or none), which is refused. "" is no theme."""
    value = " ".join((value or "").split())
    if not value:
        return ""
    if value in REGISTRY or own_theme(edition, value) is not None:
        return value
    if OWN_CODE.fullmatch(value.casefold()):
        if own_theme(edition, value.casefold()) is not None:  # "X-Musique": x-musique
            return value.casefold()
        errors.setdefault("theme", []).append(_l("This edition has no theme with this code."))
        return ""
    if value.casefold() in BY_NAME:
        return BY_NAME[value.casefold()].value
    found = _named(edition, value)
    if found is not None:
        return found.code
    texts = clean_texts({"fr": value}, errors, key=lambda lang: "theme",
                        max_length=LABEL_LENGTH, required=True, one_line=True)
    if "theme" in errors:
        return ""
    lock_themes(edition)
    found = _named(edition, value)  # made meanwhile by another organiser, who held the lock
    if found is not None:
        return found.code
    row = EditionTheme(code=new_code(edition, value), label_fr=texts["fr"], translations={})
    edition.themes.append(row)
    db.session.flush()
    return row.code


def french_names(edition: Edition) -> list[tuple[str, str]]:
    """(code, French name) of every theme a session of `edition` may take."""
    return ([(theme.value, name) for theme, name in FRENCH_NAMES.items()]
            + [(row.code, row.label_fr) for row in edition.themes])
