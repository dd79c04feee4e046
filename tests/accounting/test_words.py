"""Amounts in French words, as printed on the receipts."""
from __future__ import annotations

import pytest

from festival.accounting.words import euros_in_words, number_in_words


@pytest.mark.parametrize("n, words", [
    (0, "zéro"), (1, "un"), (16, "seize"), (17, "dix-sept"), (20, "vingt"),
    (21, "vingt et un"), (22, "vingt-deux"), (61, "soixante et un"), (70, "soixante-dix"),
    (71, "soixante et onze"), (77, "soixante-dix-sept"), (80, "quatre-vingts"),
    (81, "quatre-vingt-un"), (90, "quatre-vingt-dix"), (91, "quatre-vingt-onze"),
    (99, "quatre-vingt-dix-neuf"), (100, "cent"), (101, "cent un"), (200, "deux cents"),
    (201, "deux cent un"), (280, "deux cent quatre-vingts"), (1000, "mille"),
    (1001, "mille un"), (2000, "deux mille"), (80_000, "quatre-vingt mille"),
    (200_000, "deux cent mille"), (1_000_000, "un million"),
    (200_000_000, "deux cents millions"),
    (1_234_567, "un million deux cent trente-quatre mille cinq cent soixante-sept"),
])
def test_numbers_in_words(n, words):
    assert number_in_words(n) == words


@pytest.mark.parametrize("cents, words", [
    (100, "un euro"), (200, "deux euros"), (2100, "vingt et un euros"),
    (12345, "cent vingt-trois euros et quarante-cinq centimes"),
    (50, "cinquante centimes"), (1, "un centime"), (0, "zéro euro"),
    (101, "un euro et un centime"), (8000, "quatre-vingts euros"),
    (1_000_000, "dix mille euros"), (100_000_000, "un million d’euros"),
])
def test_amounts_in_words(cents, words):
    assert euros_in_words(cents) == words


@pytest.mark.parametrize("bad", [-1, 1.5, "12", 10**12])
def test_what_cannot_be_written_is_refused(bad):
    with pytest.raises(ValueError):
        euros_in_words(bad)
