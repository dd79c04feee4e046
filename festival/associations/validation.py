"""Checking and normalising an association's fields, for every way they come in
(the application form, the organisers' forms, the representative's profile, CSV import).

`clean_fields` returns the cleaned values or raises one ValidationError naming every bad field.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable, Mapping

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from festival.associations.models import Pole, Province, Theme
from festival.core.errors import ValidationError
from festival.core.slugs import slugify  # noqa: F401 (the registry's slugs)
from festival.core.translated import clean_texts
from festival.core.urls import is_web_address

SLUG_MAX = 80
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Slugs that would collide with the registry's own addresses (/associations/apply …).
RESERVED_SLUGS = frozenset({"apply", "applied", "new", "edit", "export", "import", "queue",
                            "logo", "mine", "manage", "poles", "search"})
POSTCODE_RE = re.compile(r"^\d{5}$")
PHONE_RE = re.compile(r"^\+?[0-9 ().\-]+$")

# Longest accepted value of each text field (the columns' sizes).
MAX_LENGTHS = {"name": 200, "short_description": 300, "description": 10_000, "city": 120,
               "commune": 160, "email": 254, "phone": 40, "website": 300}
TEXT_FIELDS = ("name", "short_description", "description", "city", "commune")
PUBLIC_TEXTS = ("short_description", "description")  # per language (core/translated.py)
ALL_FIELDS = ("name", "slug", "short_description", "description", "city", "postcode",
              "province", "commune", "email", "phone", "website", "themes", "poles")

def _text(value: Any) -> str:
    # Collapse control characters (a pasted tab or a stray NUL) but keep line breaks.
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c == "\n" or unicodedata.category(c) != "Cc").strip()


def _one_line(value: Any) -> str:
    return " ".join(_text(value).split())


def clean_email(raw: Any) -> str:
    """Lower-cased, checked syntax (no DNS lookup); "" stays "". Raises ValueError."""
    value = _one_line(raw)
    if not value:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValueError(str(_l("This is not a valid e-mail address."))) from None


def clean_website(raw: Any) -> str:
    """An http(s) address; a bare domain gets https://. Raises ValueError."""
    value = _one_line(raw)
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    if not is_web_address(value):
        raise ValueError(str(_l("Give a web address starting with http:// or https://.")))
    return value


def clean_phone(raw: Any) -> str:
    value = _one_line(raw)
    if not value:
        return ""
    digits = sum(c.isdigit() for c in value)
    if not PHONE_RE.match(value) or not 6 <= digits <= 15:
        raise ValueError(str(_l("Give a phone number with digits only, e.g. 01 23 45 67 89 "
                                "or +33 1 23 45 67 89.")))
    return value


def _enum_value(enum_cls, raw: Any, message) -> Any:
    value = _one_line(raw)
    if not value:
        return None
    try:
        return enum_cls(value)
    except ValueError:
        raise ValueError(str(message)) from None


def _enum_list(enum_cls, raw: Any) -> list:
    if raw is None:
        return []
    items: Iterable[Any] = raw.split(";") if isinstance(raw, str) else raw
    values, unknown = [], []
    for item in items:
        text = _one_line(item.value if hasattr(item, "value") else item)
        if not text:
            continue
        try:
            member = enum_cls(text)
        except ValueError:
            unknown.append(text)
            continue
        if member not in values:
            values.append(member)
    if unknown:
        values_text, allowed = ", ".join(unknown), ", ".join(m.value for m in enum_cls)
        message = (_l("Unknown theme(s): %(values)s. Allowed: %(allowed)s.",
                      values=values_text, allowed=allowed) if enum_cls is Theme else
                   _l("Unknown working group(s): %(values)s. Allowed: %(allowed)s.",
                      values=values_text, allowed=allowed))
        raise ValueError(str(message))
    return values


def check_slug(slug: str) -> str | None:
    """The problem with a slug, or None when it is well formed (uniqueness is checked apart)."""
    if not slug:
        return str(_l("Give a web address."))
    if len(slug) > SLUG_MAX:
        return str(_l("At most %(n)s characters.", n=SLUG_MAX))
    if not SLUG_RE.match(slug):
        return str(_l("Use lower-case letters without accents, digits and single hyphens "
                      "(e.g. espoir-du-sud)."))
    if slug in RESERVED_SLUGS:
        return str(_l("This address is reserved; choose another."))
    return None


def clean_fields(raw: Mapping[str, Any], *, required: Iterable[str] = ()) -> dict[str, Any]:
    """Clean the fields present in `raw`; raise ValidationError listing every bad one.

    Error code: validation_failed, with one entry per field (name, slug, postcode, province,
    email, phone, website, themes, poles, and any `required` field left empty).
    """
    cleaned, errors = check_fields(raw, required=required)
    if errors:
        raise ValidationError(errors)
    return cleaned


def check_fields(raw: Mapping[str, Any], *, required: Iterable[str] = ()
                 ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The good fields cleaned, and the problems of the others (see clean_fields)."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def fail(name: str, message: Any) -> None:
        errors.setdefault(name, []).append(str(message))

    for name in TEXT_FIELDS:
        if name in PUBLIC_TEXTS and isinstance(raw.get(name), Mapping):
            # Every language at once (core/translated.py): French in `name`, the others in
            # `<name>_texts`; problems under `name` (French) or `<name>_<language>`.
            found: dict[str, list] = {}
            texts = clean_texts(
                {lang: (_text(text) if name == "description" else _one_line(text))
                 if isinstance(text, str) else text for lang, text in raw[name].items()},
                found, max_length=MAX_LENGTHS[name],
                key=lambda lang, name=name: name if lang == "fr" else f"{name}_{lang}")
            for key, messages in found.items():
                for message in messages:
                    fail(key, message)
            cleaned[name] = texts.get("fr", "")
            cleaned[f"{name}_texts"] = {lang: text for lang, text in texts.items()
                                        if lang != "fr"}
        elif name in raw:
            value = _text(raw[name]) if name == "description" else _one_line(raw[name])
            if len(value) > MAX_LENGTHS[name]:
                fail(name, _l("At most %(n)s characters.", n=MAX_LENGTHS[name]))
            elif name in PUBLIC_TEXTS and value:  # French given alone: checked the same way
                found = {}
                clean_texts({"fr": value}, found, max_length=MAX_LENGTHS[name],
                            key=lambda lang, name=name: name)
                for message in found.get(name, ()):
                    fail(name, message)
            cleaned[name] = value
    if "slug" in raw:
        slug = _one_line(raw["slug"]).lower()
        problem = check_slug(slug) if slug else None
        if problem:
            fail("slug", problem)
        cleaned["slug"] = slug
    if "postcode" in raw:
        postcode = _one_line(raw["postcode"]).replace(" ", "")
        if postcode and not POSTCODE_RE.match(postcode):
            fail("postcode", _l("A French postcode has five digits, e.g. 93200."))
        cleaned["postcode"] = postcode
    checks = {
        "email": clean_email, "website": clean_website, "phone": clean_phone,
        "province": lambda v: _enum_value(Province, v, _l("Choose a province of Souss-Massa.")),
        "themes": lambda v: _enum_list(Theme, v),
        "poles": lambda v: _enum_list(Pole, v),
    }
    for name, check in checks.items():
        if name in raw:
            try:
                cleaned[name] = check(raw[name])
            except ValueError as error:
                fail(name, error)
    for name in ("email", "phone", "website"):
        if len(cleaned.get(name) or "") > MAX_LENGTHS[name]:
            fail(name, _l("At most %(n)s characters.", n=MAX_LENGTHS[name]))
    for name in required:
        if name not in errors and not cleaned.get(name):
            fail(name, _l("Choose at least one.") if name in ("themes", "poles")
                 else _l("This field is required."))
    return {k: v for k, v in cleaned.items() if k not in errors}, errors
