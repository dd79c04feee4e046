"""The message catalogues against the code: what pybabel extracts with the project's babel.cfg
must include every string the templates mark for translation (a template the extractor cannot
read, such as one using a statement whose extension babel.cfg does not load, loses its strings
without a word), and every extracted message must be translated in French and Arabic.
Tamazight (tzm) is translated at least for what the public meets (the pages, the shop, the
order page, the e-mails and the door scanner: TAMAZIGHT_COMPLETE); its other strings are
shown in French until they are translated."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
TRANSLATIONS = ROOT / "festival" / "translations"
# As scripts/i18n: Babel's default keywords plus the lazy ones, and the same skipped folders.
KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2")
SKIPPED = {"node_modules", "static", "instance", "build"}

# The files whose every string is translated in Tamazight (the rest may wait: French shows).
TAMAZIGHT_COMPLETE = (
    # public pages
    "templates/base.html", "templates/errors/error.html", "templates/core/home.html",
    "festival/core/errors.py", "festival/editions/practical.py",
    "templates/editions/_macros.html", "templates/editions/_where_and_when.html",
    "templates/editions/agenda.html", "templates/editions/edition.html",
    "templates/editions/index.html", "templates/editions/programme.html",
    "templates/editions/session.html", "templates/editions/speakers.html",
    "templates/editions/tracks.html", "festival/editions/labels.py",
    "festival/associations/labels.py",
    # the shop and the order page
    "templates/ticketing/shop.html", "templates/ticketing/shop_closed.html",
    "templates/ticketing/shop_details.html", "templates/ticketing/_macros.html",
    "templates/ticketing/order.html", "templates/ticketing/_changes.html",
    "festival/ticketing/change_forms.py", "templates/accounting/_order_documents.html",
    "templates/accounting/_checkout_receipt.html",
    "festival/ticketing/shop.py", "festival/ticketing/shop_views.py",
    "festival/ticketing/order_views.py", "festival/ticketing/labels.py",
    "festival/ticketing/pdf.py",
    # the e-mails buyers receive, and their subjects
    *(f"templates/mail/{name}.{kind}" for kind in ("html", "txt") for name in (
        "layout", "_where_and_when", "order_confirmation", "order_email_changed",
        "order_late_refund", "ticket_transferred", "waitlist_joined", "waitlist_offer",
        "rule_announcement", "rule_reminder", "rule_thank_you", "message")),
    "festival/ticketing/notifications.py", "festival/waitlist/notifications.py",
    "festival/outreach/notifications.py",
    # the door scanner
    "templates/checkin/scan.html", "templates/checkin/start.html",
    "templates/checkin/pair.html", "templates/checkin/paired.html",
    "festival/checkin/labels.py", "festival/checkin/present.py",
)

_LITERAL = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
# `_("…")`, `gettext('…')`, `ngettext("…", …)`: the first argument, when it is a literal
# (adjacent literals are one string, as in Jinja and Python).
MARKED = re.compile(rf"(?<![\w.])(?:_|gettext|ngettext)\(\s*({_LITERAL}(?:\s*{_LITERAL})*)")
COMMENT = re.compile(r"\{#.*?#\}", re.S)


def _keep_directory(path: str) -> bool:
    name = Path(path).name
    return not (name.startswith((".", "_")) or name in SKIPPED)


@pytest.fixture(scope="module")
def extracted_by_file() -> dict[str, set[str]]:
    """Every msgid pybabel extracts (the singular of a plural), as scripts/i18n runs it, by
    the file it comes from."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = dict(DEFAULT_KEYWORDS)
    keywords.update(parse_keywords(KEYWORDS))
    found: dict[str, set[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords,
            directory_filter=_keep_directory):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(Path(filename).as_posix(), set()).add(msgid)
    return found


@pytest.fixture(scope="module")
def extracted(extracted_by_file) -> set[str]:
    return set().union(*extracted_by_file.values())


def _marked_in_templates() -> dict[str, set[str]]:
    """The strings marked for translation in every file under templates/, read with a plain
    regular expression (Jinja comments left out), by file."""
    marked: dict[str, set[str]] = {}
    for path in sorted(p for p in TEMPLATES.rglob("*") if p.is_file()):
        text = COMMENT.sub("", path.read_text(encoding="utf-8"))
        name = path.relative_to(ROOT).as_posix()
        for literal in MARKED.findall(text):
            marked.setdefault(name, set()).add(ast.literal_eval(f"({literal})"))
    return marked


def test_every_template_string_is_extracted(extracted):
    marked = _marked_in_templates()
    assert len(marked) > 50, "the regular expression finds the templates' strings"
    lost = {name: sorted(strings - extracted) for name, strings in marked.items()
            if strings - extracted}
    assert not lost, (
        "Strings marked in these templates are not extracted by pybabel with babel.cfg "
        "(a template it cannot parse? a Jinja extension missing from babel.cfg?): "
        + "; ".join(f"{name}: {len(strings)} string(s), first {strings[0]!r}"
                    for name, strings in lost.items()))


def _untranslated(lang: str, msgids) -> tuple[list[str], list[str]]:
    """The msgids missing from the language's catalogue, and those only guessed (fuzzy)."""
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    missing, fuzzy = [], []
    for msgid in sorted(msgids):
        entry = catalog.get(msgid)
        strings = () if entry is None else (
            entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or not strings or not all(strings):
            missing.append(msgid)
        elif entry.fuzzy:
            fuzzy.append(msgid)
    return missing, fuzzy


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_message_is_translated(extracted, lang):
    missing, fuzzy = _untranslated(lang, extracted)
    assert not missing and not fuzzy, (
        f"{lang}: {len(missing)} message(s) not translated {missing[:20]}, "
        f"{len(fuzzy)} only guessed (fuzzy) {fuzzy[:20]}; run scripts/i18n and translate them")


@pytest.mark.parametrize("lang", ["fr", "en", "ar", "tzm"])
def test_every_catalogue_compiles(lang):
    """What `pybabel compile` checks before it writes a catalogue (scripts/serve and
    scripts/test stop on it): each translation, guessed or not, has its message's
    placeholders."""
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po, locale=lang)
    errors = [(message.id, [str(e) for e in found]) for message, found in catalog.check()]
    assert errors == [], errors[:10]


def test_tamazight_is_complete_where_the_public_reads_it(extracted_by_file):
    assert not [name for name in TAMAZIGHT_COMPLETE if not (ROOT / name).is_file()]
    assert not [name for name in TAMAZIGHT_COMPLETE if name not in extracted_by_file], (
        "a file of the list has no string to translate any more: take it off the list")
    wanted = set().union(*(extracted_by_file[name] for name in TAMAZIGHT_COMPLETE))
    assert len(wanted) > 400
    missing, fuzzy = _untranslated("tzm", wanted)
    assert not missing and not fuzzy, (
        f"tzm: {len(missing)} message(s) of the public pages, shop, order page, e-mails or "
        f"scanner not translated {missing[:20]}, {len(fuzzy)} fuzzy {fuzzy[:20]}")


def test_tamazight_is_written_in_tifinagh():
    """The catalogue is the Tifinagh one (TAMAZIGHT_SCRIPT=latn transcribes it when loaded):
    a Latin letter in it is an acronym, a name or a placeholder, never a Tamazight word."""
    with open(TRANSLATIONS / "tzm" / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    tifinagh = re.compile("[\u2d30-\u2d7f]")
    translated = [entry for entry in catalog if entry.id and entry.string and (
        all(entry.string) if isinstance(entry.string, tuple) else True)]
    assert len(translated) > 400
    latin_words = re.compile(r"\b(?:ass|tawriqt|tiwriqin|tuttra|azul|ahil)\b")
    for entry in translated:
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for text in strings:
            assert not latin_words.search(text), (entry.id, text)
    assert sum(bool(tifinagh.search(entry.string if isinstance(entry.string, str)
                                     else entry.string[0])) for entry in translated) > 400
