"""Password hashing (argon2id) and strength rules."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l, lazy_ngettext

_hasher = PasswordHasher()
# Checked against when the email is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("kurultai-timing-equaliser")

# The most used passwords in public breach lists, plus ones a summit user would try.
COMMON = frozenset("""
123456 123456789 12345678 password qwerty123 qwerty 1234567890 1234567 111111 123123
abc123 password1 iloveyou 000000 qwertyuiop 123321 654321 666666 987654321 1q2w3e4r5t
1q2w3e4r qazwsxedc password123 welcome123 admin12345 letmein123 passw0rd11 zaq12wsx
summit2027 astana2027 kurultai123 qwerty12345 1qaz2wsx3edc asdfghjkl1 changeme123
""".split())


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, *, email: str = "", names: tuple[str, ...] = (), min_length: int = 10):
    """Why `password` is too weak, or None when it is acceptable."""
    if len(password) < min_length:
        return lazy_ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.", min_length)
    if len(password) > 256:
        return _l("Use at most 256 characters.")
    lowered = password.casefold()
    if lowered in COMMON or len(set(password)) < 4:
        return _l("This password is too common or too simple.")
    local = email.split("@")[0].casefold()
    if len(local) >= 4 and local in lowered:
        return _l("Do not use your email address in the password.")
    for name in names:
        if name and len(name) >= 4 and name.casefold() in lowered:
            return _l("Do not use your name in the password.")
    return None
