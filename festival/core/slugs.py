"""ASCII web-address parts from any name the festival writes: French, Arabic or Tamazight.

One definition, used by the registry's association slugs and the schedule exports' event
slugs. Accents are stripped; Arabic and Tifinagh letters are transliterated (a simple
one-letter-to-letters reading, the one Moroccan place names use), so that an Arabic title
still gives a readable ASCII slug instead of nothing.
"""
from __future__ import annotations

import re
import unicodedata

_LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"}

_ARABIC = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "", "ؤ": "u", "ئ": "i",
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "ع": "a", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "ة": "a", "و": "w", "ي": "y", "ى": "a", "ڤ": "v", "ڭ": "g", "گ": "g",
    "پ": "p", "چ": "ch", "ـ": "",
}
_ARABIC.update({chr(0x0660 + n): str(n) for n in range(10)})   # Arabic-Indic digits
_ARABIC.update({chr(0x06F0 + n): str(n) for n in range(10)})   # Extended (Persian) digits

_TIFINAGH = {
    "ⴰ": "a", "ⴱ": "b", "ⴳ": "g", "ⴷ": "d", "ⴹ": "d", "ⴻ": "e", "ⴼ": "f", "ⴽ": "k",
    "ⵀ": "h", "ⵃ": "h", "ⵄ": "a", "ⵅ": "kh", "ⵇ": "q", "ⵉ": "i", "ⵊ": "j", "ⵍ": "l",
    "ⵎ": "m", "ⵏ": "n", "ⵓ": "u", "ⵔ": "r", "ⵕ": "r", "ⵖ": "gh", "ⵙ": "s", "ⵚ": "s",
    "ⵛ": "sh", "ⵜ": "t", "ⵟ": "t", "ⵡ": "w", "ⵢ": "y", "ⵣ": "z", "ⵥ": "z", "ⵯ": "w",
}

_TRANSLITERATION = str.maketrans({**_LIGATURES, **_ARABIC, **_TIFINAGH})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def ascii_words(text: str | None) -> str:
    """The text in lower-case ASCII letters and digits, words joined by "-" (may be "")."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_TRANSLITERATION))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(_TRANSLITERATION).lower()   # letters NFKD decomposed to Arabic ones
    return _NOT_SLUG.sub("-", text).strip("-")


def slugify(text: str | None, max_length: int = 80) -> str:
    """A web-address part from a name, cut at a word: "Afoulki France" → "afoulki-france",
    "جمعية الأمل" → "jmaya-alaml"."""
    slug = ascii_words(text)
    if len(slug) > max_length:
        cut = slug[:max_length + 1]
        slug = cut[:cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug.strip("-")
