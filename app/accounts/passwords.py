"""Password hashing (argon2id) and strength rules."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l, lazy_ngettext


@dataclass
class _Hashing:
    hasher: PasswordHasher

    @cached_property
    def dummy_hash(self) -> str:
        """Checked against when the email is unknown, so a login takes as long either way."""
        return self.hasher.hash("kurultai-timing-equaliser")


# OWASP's argon2id parameters for a web server (m = 19 MiB, t = 2, p = 1) unless the app
# says otherwise (PASSWORD_HASH_PARAMETERS).
OWASP_PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
_default = _Hashing(PasswordHasher(**OWASP_PARAMETERS))


def init_app(app) -> None:
    """Hash with the app's PASSWORD_HASH_PARAMETERS (argon2id cost), if it sets any."""
    parameters = app.config.get("PASSWORD_HASH_PARAMETERS")
    app.extensions["password_hashing"] = _Hashing(PasswordHasher(**parameters)) if parameters else _default


def _hashing() -> _Hashing:
    if has_app_context():
        return current_app.extensions.get("password_hashing", _default)
    return _default

# The most used passwords in public breach lists, plus ones a summit user would try.
COMMON = frozenset("""
123456 123456789 12345678 password qwerty123 qwerty 1234567890 1234567 111111 123123
abc123 password1 iloveyou 000000 qwertyuiop 123321 654321 666666 987654321 1q2w3e4r5t
1q2w3e4r qazwsxedc password123 welcome123 admin12345 letmein123 passw0rd11 zaq12wsx
summit2027 astana2027 kurultai123 qwerty12345 1qaz2wsx3edc asdfghjkl1 changeme123
""".split())


def hash_password(password: str) -> str:
    return _hashing().hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hashing = _hashing()
    try:
        return hashing.hasher.verify(password_hash or hashing.dummy_hash, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True for a hash made with other parameters than the app's: it is renewed at the next login."""
    return _hashing().hasher.check_needs_rehash(password_hash)


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
