"""The message catalogues against the code: what pybabel extracts with the project's babel.cfg
must include every string the templates mark for translation (a template the extractor cannot
read, such as one using a statement whose extension babel.cfg does not load, loses its strings
without a word), and every extracted message must be translated in French and Arabic."""
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

_LITERAL = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
# `_("…")`, `gettext('…')`, `ngettext("…", …)`: the first argument, when it is a literal
# (adjacent literals are one string, as in Jinja and Python).
MARKED = re.compile(rf"(?<![\w.])(?:_|gettext|ngettext)\(\s*({_LITERAL}(?:\s*{_LITERAL})*)")
COMMENT = re.compile(r"\{#.*?#\}", re.S)


def _keep_directory(path: str) -> bool:
    name = Path(path).name
    return not (name.startswith((".", "_")) or name in SKIPPED)


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    """Every msgid pybabel extracts (the singular of a plural), as scripts/i18n runs it."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = dict(DEFAULT_KEYWORDS)
    keywords.update(parse_keywords(KEYWORDS))
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords,
            directory_filter=_keep_directory):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found - {""}


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


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_message_is_translated(extracted, lang):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    missing, fuzzy = [], []
    for msgid in sorted(extracted):
        entry = catalog.get(msgid)
        strings = () if entry is None else (
            entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or not strings or not all(strings):
            missing.append(msgid)
        elif entry.fuzzy:
            fuzzy.append(msgid)
    assert not missing and not fuzzy, (
        f"{lang}: {len(missing)} message(s) not translated {missing[:20]}, "
        f"{len(fuzzy)} only guessed (fuzzy) {fuzzy[:20]}; run scripts/i18n and translate them")
