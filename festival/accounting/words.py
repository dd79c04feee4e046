"""Amounts in French words, as a tax receipt writes them next to the figures (traditional
spelling, as on cheques: « vingt et un », « quatre-vingts », « deux cents », « mille »)."""
from __future__ import annotations

UNITS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
         "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit",
         "dix-neuf")
TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
LARGEST = 999_999_999


def _below_100(n: int, final: bool) -> str:
    if n < 20:
        return UNITS[n]
    tens, unit = divmod(n, 10)
    if tens == 7:
        return "soixante et onze" if unit == 1 else f"soixante-{UNITS[10 + unit]}"
    if tens == 9:
        return f"quatre-vingt-{UNITS[10 + unit]}"
    if tens == 8:
        if unit:
            return f"quatre-vingt-{UNITS[unit]}"
        return "quatre-vingts" if final else "quatre-vingt"  # « quatre-vingt mille »
    if unit == 0:
        return TENS[tens]
    return f"{TENS[tens]} et un" if unit == 1 else f"{TENS[tens]}-{UNITS[unit]}"


def _below_1000(n: int, final: bool = True) -> str:
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds == 1:
        parts.append("cent")
    elif hundreds:
        # « deux cents », but « deux cent un » and « deux cent mille »
        parts.append(f"{UNITS[hundreds]} cent{'s' if rest == 0 and final else ''}")
    if rest:
        parts.append(_below_100(rest, final))
    return " ".join(parts)


def number_in_words(n: int) -> str:
    """A whole number from 0 to 999,999,999 in French words. ValueError outside."""
    if not isinstance(n, int) or not 0 <= n <= LARGEST:
        raise ValueError(f"cannot write {n!r} in words")
    if n == 0:
        return UNITS[0]
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    parts = []
    if millions:
        parts.append("un million" if millions == 1 else f"{_below_1000(millions)} millions")
    if thousands:
        parts.append("mille" if thousands == 1 else f"{_below_1000(thousands, final=False)} mille")
    if units:
        parts.append(_below_1000(units))
    return " ".join(parts)


def euros_in_words(cents: int) -> str:
    """An amount in cents in words: « cent vingt-trois euros et quarante-cinq centimes »,
    « un million d’euros », « cinquante centimes ». ValueError for a negative amount or one
    past LARGEST euros."""
    if not isinstance(cents, int) or cents < 0:
        raise ValueError(f"cannot write {cents!r} cents in words")
    euros, rest = divmod(cents, 100)
    parts = []
    if euros or not rest:
        unit = "euro" if euros < 2 else "euros"
        joiner = " d’" if euros and euros % 1_000_000 == 0 else " "
        parts.append(f"{number_in_words(euros)}{joiner}{unit}")
    if rest:
        parts.append(f"{number_in_words(rest)} centime{'s' if rest > 1 else ''}")
    return " et ".join(parts)
