"""Badge tokens a device can check without a secret: Ed25519 signatures.

A token reads `K.<key id>.<badge public id>.<version>.<last valid day>.<signature>`:
the last day counts days from 2000-01-01, the signature is the
URL-safe base64 (unpadded) Ed25519 signature of everything before the last dot.
The desk verifies it with the event's public key alone (app/static/js/desk/decide.js
reads the same format); the private key never leaves the server.
"""
from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta


PREFIX = "K"
# Short enough for a version 7 QR code (45 modules) at medium error correction.
_TOKEN = re.compile(r"^K\.([0-9a-f]{6})\.([A-Za-z0-9_-]{8,24})\.([0-9]{1,6})\.([0-9]{1,6})\.([A-Za-z0-9_-]{86})$")
EPOCH = date(2000, 1, 1)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_key_id() -> str:
    return secrets.token_hex(3)


def new_key_pair() -> tuple[bytes, bytes]:
    """(private, public) raw 32-byte halves of a new Ed25519 key."""
    # cryptography is loaded by the first badge signed or checked (here and below): it takes
    # some 8 MB of every process that imports it, and most web requests never need it.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

    private = Ed25519PrivateKey.generate()
    return (private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
            private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def sign(private_key: bytes, key_id: str, public_id: str, version: int, last_day: date) -> str:
    message = f"{PREFIX}.{key_id}.{public_id}.{version}.{(last_day - EPOCH).days}"
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # see new_key_pair

    signature = Ed25519PrivateKey.from_private_bytes(private_key).sign(message.encode("ascii"))
    return f"{message}.{b64(signature)}"


def is_signed_token(text: str) -> bool:
    return text.startswith(PREFIX + ".")


@dataclass(frozen=True)
class SignedToken:
    key_id: str
    public_id: str
    version: int
    last_day: date
    message: bytes
    signature: bytes


def parse(text: str) -> SignedToken | None:
    """The parts of a well-formed token (not yet verified), or None."""
    match = _TOKEN.match(text.strip())
    if match is None:
        return None
    key_id, public_id, version, last_day, signature = match.groups()
    return SignedToken(key_id, public_id, int(version), EPOCH + timedelta(days=int(last_day)),
                       text.strip().rsplit(".", 1)[0].encode("ascii"), unb64(signature))


def verify(public_key: bytes, token: SignedToken) -> bool:
    from cryptography.exceptions import InvalidSignature  # see new_key_pair
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(token.signature, token.message)
    except (InvalidSignature, ValueError):
        return False
    return True
