"""Signed ticket tokens: the exact text of a ticket's QR code.

A token proves that the festival issued a ticket, and nothing more: it carries the ticket's id
and the edition's year, never a name or an e-mail address. It is signed with the edition's
Ed25519 key, so a door device verifies it offline with the edition's public key alone; the
private key never leaves the server.

Format, version 1 (75 bytes, written as exactly 100 characters)::

    payload   = version (1 byte, = 1)
              | year (2 bytes, big-endian unsigned)
              | ticket id (8 bytes, big-endian unsigned, below 2**53)
    signature = Ed25519(private key, payload)            (64 bytes)
    token     = base64url(payload || signature)          (RFC 4648 §5, no "=" padding)

75 bytes are a multiple of 3, so the 100 characters carry exactly 600 bits with no spare
bits and no padding: changing any character changes the bytes, and the signature then fails.

Verifying in a browser (WebCrypto), the same steps::

    bytes = base64url-decode(token)            // refuse unless length is 100 and
                                               // every character is in [A-Za-z0-9_-]
    payload = bytes[0:11], signature = bytes[11:75]
    key = crypto.subtle.importKey("raw", publicKey32, {name: "Ed25519"}, false, ["verify"])
    ok = crypto.subtle.verify({name: "Ed25519"}, key, signature, payload)
    version = payload[0]; year = DataView.getUint16(1); id = Number(DataView.getBigUint64(3))

The signed message is the 11-byte payload itself; an edition's key signs nothing else.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import struct
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VERSION = 1
PAYLOAD = struct.Struct(">BHQ")  # version, year, ticket id
SIGNATURE_SIZE = 64
TOKEN_BYTES = PAYLOAD.size + SIGNATURE_SIZE  # 75
TOKEN_LENGTH = 100  # characters: 75 bytes in base64url, no padding
KEY_SIZE = 32
MAX_TICKET_ID = 2**53 - 1  # a JavaScript Number holds it exactly
_ALPHABET = re.compile(r"[A-Za-z0-9_-]{%d}" % TOKEN_LENGTH)


class InvalidToken(Exception):
    """A token was refused. `reason` is a stable code:

    not_text, bad_length, bad_characters, bad_version, bad_signature, bad_payload,
    other_edition.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TicketClaims:
    """What a valid token says."""

    version: int
    year: int
    ticket_id: int


def generate_keypair() -> tuple[bytes, bytes]:
    """A new edition key pair as raw bytes: (private key, public key), 32 bytes each."""
    private = Ed25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def b64url(raw: bytes) -> str:
    """Bytes in base64url without "=" padding (RFC 4648 §5, as JWK and tokens write them)."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_jwk(public_raw: bytes) -> dict[str, str]:
    """An edition's public key as a JWK (RFC 8037: OKP, Ed25519); its `kid` is the key's
    RFC 7638 thumbprint, so it names this key and no other."""
    x = b64url(_raw_key(public_raw))
    members = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"),
                         sort_keys=True)
    kid = b64url(hashlib.sha256(members.encode("ascii")).digest())
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA", "use": "sig"}


def public_key_of(private_raw: bytes) -> bytes:
    """The raw public key that goes with a raw private key."""
    return _private_key(private_raw).public_key().public_bytes_raw()


def sign_ticket(private_raw: bytes, year: int, ticket_id: int) -> str:
    """The token of ticket `ticket_id` of the edition of `year`."""
    if not isinstance(year, int) or isinstance(year, bool) or not 1 <= year <= 0xFFFF:
        raise ValueError(f"year must be a whole number from 1 to 65535, not {year!r}")
    if (not isinstance(ticket_id, int) or isinstance(ticket_id, bool)
            or not 1 <= ticket_id <= MAX_TICKET_ID):
        raise ValueError(f"ticket_id must be a whole number from 1 to 2**53 - 1, not {ticket_id!r}")
    payload = PAYLOAD.pack(VERSION, year, ticket_id)
    signature = _private_key(private_raw).sign(payload)
    return base64.urlsafe_b64encode(payload + signature).decode("ascii")


def verify_ticket(public_raw: bytes, token: object,
                  expected_year: int | None = None) -> TicketClaims:
    """Check a token against an edition's public key and return what it claims.

    Raises InvalidToken for anything but an untouched token signed by this key (and, when
    `expected_year` is given, issued for that edition). The work is bounded whatever the
    input: the length is checked before anything else is done with it.
    """
    key = _public_key(_raw_key(public_raw))
    if not isinstance(token, str):
        raise InvalidToken("not_text")
    if len(token) != TOKEN_LENGTH:
        raise InvalidToken("bad_length")
    if not _ALPHABET.fullmatch(token):
        raise InvalidToken("bad_characters")
    try:
        raw = base64.urlsafe_b64decode(token)
    except (binascii.Error, ValueError):  # unreachable after the pattern; kept as a guard
        raise InvalidToken("bad_characters") from None
    payload, signature = raw[:PAYLOAD.size], raw[PAYLOAD.size:]
    version, year, ticket_id = PAYLOAD.unpack(payload)
    if version != VERSION:
        raise InvalidToken("bad_version")
    try:
        key.verify(signature, payload)
    except InvalidSignature:
        raise InvalidToken("bad_signature") from None
    if not 1 <= ticket_id <= MAX_TICKET_ID or year == 0:
        raise InvalidToken("bad_payload")
    if expected_year is not None and year != expected_year:
        raise InvalidToken("other_edition")
    return TicketClaims(version=version, year=year, ticket_id=ticket_id)


def _raw_key(raw: object) -> bytes:
    """Key bytes as stored (bytes, or a memoryview from some database drivers)."""
    if not isinstance(raw, (bytes, bytearray, memoryview)) or len(raw) != KEY_SIZE:
        raise ValueError("an Ed25519 key is 32 raw bytes")
    return bytes(raw)


def _private_key(private_raw: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_raw_key(private_raw))


@lru_cache(maxsize=64)
def _public_key(public_raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(public_raw)
