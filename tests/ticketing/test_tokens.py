"""Signed ticket tokens: what the QR code says, and what the door checks offline."""
from __future__ import annotations

import base64
import re
import string
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from festival.ticketing.tokens import (TOKEN_LENGTH, InvalidToken, TicketClaims,
                                       generate_keypair, public_key_of, sign_ticket,
                                       verify_ticket)

ALPHABET = string.ascii_letters + string.digits + "-_"


@pytest.fixture(scope="module")
def keys():
    return generate_keypair()


@pytest.fixture(scope="module")
def token(keys):
    return sign_ticket(keys[0], 2026, 4242)


def reason(public, token, **kwargs) -> str:
    with pytest.raises(InvalidToken) as caught:
        verify_ticket(public, token, **kwargs)
    return caught.value.reason


def test_round_trip(keys):
    private, public = keys
    for year, ticket_id in ((2026, 1), (2027, 4242), (65535, 2**53 - 1)):
        token = sign_ticket(private, year, ticket_id)
        assert verify_ticket(public, token) == TicketClaims(1, year, ticket_id)
        assert verify_ticket(public, token, expected_year=year).ticket_id == ticket_id


def test_keys_are_raw_ed25519_bytes(keys):
    private, public = keys
    assert len(private) == 32 and len(public) == 32 and private != public
    assert public_key_of(private) == public
    Ed25519PublicKey.from_public_bytes(public)  # loads as a key, as WebCrypto's importKey does
    assert generate_keypair() != generate_keypair()


def test_token_is_100_url_safe_characters(token):
    assert len(token) == TOKEN_LENGTH == 100
    assert re.fullmatch(r"[A-Za-z0-9_-]{100}", token)


def test_layout_is_version_year_id_then_signature(keys, token):
    """The documented layout, rebuilt by hand as the browser will."""
    raw = base64.urlsafe_b64decode(token)
    assert len(raw) == 75
    assert raw[0] == 1
    assert int.from_bytes(raw[1:3], "big") == 2026
    assert int.from_bytes(raw[3:11], "big") == 4242
    Ed25519PublicKey.from_public_bytes(keys[1]).verify(raw[11:], raw[:11])  # no exception


def test_no_personal_data_fits_in_a_token(keys):
    """Only a year and an id are signed: the same ticket always gives the same token."""
    assert sign_ticket(keys[0], 2026, 7) == sign_ticket(keys[0], 2026, 7)
    assert sign_ticket(keys[0], 2026, 7) != sign_ticket(keys[0], 2026, 8)


def test_every_single_character_alteration_is_refused(keys, token):
    public = keys[1]
    tried = 0
    for position, original in enumerate(token):
        for replacement in ALPHABET:
            if replacement == original:
                continue
            altered = token[:position] + replacement + token[position + 1:]
            with pytest.raises(InvalidToken):
                verify_ticket(public, altered)
            tried += 1
    assert tried == 100 * 63


def test_the_version_byte_is_checked(keys):
    raw = bytearray(base64.urlsafe_b64decode(sign_ticket(keys[0], 2026, 5)))
    raw[0] = 2
    assert reason(keys[1], base64.urlsafe_b64encode(bytes(raw)).decode()) == "bad_version"


@pytest.mark.parametrize("make, expected", [
    (lambda t: t[:-1], "bad_length"),
    (lambda t: t[:99] + "", "bad_length"),
    (lambda t: t + "A", "bad_length"),
    (lambda t: t + "==", "bad_length"),
    (lambda t: t + "\n", "bad_length"),
    (lambda t: " " + t[1:], "bad_characters"),
    (lambda t: t[:50] + "+" + t[51:], "bad_characters"),
    (lambda t: t[:50] + "/" + t[51:], "bad_characters"),
    (lambda t: t[:50] + "=" + t[51:], "bad_characters"),
    (lambda t: t[:50] + "é" + t[51:], "bad_characters"),
    (lambda t: t[:50] + "٣" + t[51:], "bad_characters"),  # an Arabic-Indic digit
    (lambda t: t[:99] + "\U0001F39F", "bad_characters"),
    (lambda t: t.upper(), "bad_signature"),
    (lambda t: t[::-1], None),  # any reason: which byte breaks first depends on the key
    (lambda t: "", "bad_length"),
    (lambda t: "A" * 100, "bad_version"),
    (lambda t: "AQ" + "A" * 98, "bad_signature"),
    (lambda t: "https://almoggar.example/t/" + t, "bad_length"),
])
def test_malformed_tokens_are_refused_with_a_reason(keys, token, make, expected):
    got = reason(keys[1], make(token))
    assert got == expected if expected else got in ("bad_version", "bad_signature")


@pytest.mark.parametrize("value", [None, 42, b"bytes", ["list"], 4.2])
def test_non_text_is_refused(keys, value):
    assert reason(keys[1], value) == "not_text"


def test_huge_input_is_refused_at_once(keys):
    started = time.perf_counter()
    assert reason(keys[1], "A" * 10_000_000) == "bad_length"
    assert reason(keys[1], "é" * 100) == "bad_characters"
    assert time.perf_counter() - started < 0.5


def test_another_editions_key_refuses(token):
    other_public = generate_keypair()[1]
    assert reason(other_public, token) == "bad_signature"


def test_the_expected_year_is_checked(keys, token):
    assert reason(keys[1], token, expected_year=2027) == "other_edition"
    assert verify_ticket(keys[1], token, expected_year=2026).year == 2026


@pytest.mark.parametrize("year, ticket_id", [(0, 1), (65536, 1), (2026, 0), (2026, -1),
                                             (2026, 2**53), (True, 1), ("2026", 1),
                                             (2026, 1.0)])
def test_sign_refuses_values_outside_the_format(keys, year, ticket_id):
    with pytest.raises(ValueError):
        sign_ticket(keys[0], year, ticket_id)


@pytest.mark.parametrize("key", [b"", b"x" * 31, b"x" * 33, "a" * 32, 32, None])
def test_keys_of_the_wrong_shape_are_a_programming_error(token, key):
    with pytest.raises(ValueError):
        sign_ticket(key, 2026, 1)
    with pytest.raises(ValueError):
        verify_ticket(key, token)


def test_keys_read_from_a_database_as_memoryview_work(keys, token):
    assert verify_ticket(memoryview(keys[1]), token).ticket_id == 4242
    assert verify_ticket(keys[1], sign_ticket(memoryview(keys[0]), 2026, 4242)) \
        == verify_ticket(keys[1], token)


def test_verifying_is_fast(keys, token):
    started = time.perf_counter()
    for _ in range(500):
        verify_ticket(keys[1], token)
    assert (time.perf_counter() - started) / 500 < 0.002  # well under 2 ms a token
