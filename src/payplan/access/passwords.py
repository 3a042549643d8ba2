"""Login passwords: the policy a new password must meet, and scrypt hashing.

A password needs at least `MIN_LENGTH` characters and must not be one of the common
passwords shipped in `common_passwords.txt` (compared case-insensitively), nor the
user's own name with fewer than 6 other characters. Hashes are "scrypt$n$r$p$salt$hash" with a per-user salt.
Must not touch the database: `payplan.access.users` stores the hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache
from pathlib import Path

from payplan.errors import Invalid
from payplan.i18n import N_

MIN_LENGTH = 12
MAX_LENGTH = 1024  # scrypt of a megabyte would be a cheap way to burn a server's CPU
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_LIST = Path(__file__).with_name("common_passwords.txt")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased."""
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def check_policy(password: str, user_name: str = "") -> None:
    """Invalid, saying why, unless `password` is long enough and not a common one."""
    if len(password) < MIN_LENGTH:
        raise Invalid(N_("the password has %(length)s characters: use at least %(limit)s"), length=len(password),
                      limit=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise Invalid(N_("the password has %(length)s characters: use at most %(limit)s"), length=len(password),
                      limit=MAX_LENGTH)
    lowered = password.lower()
    rest = lowered.replace(user_name.lower(), "") if user_name else lowered
    if lowered in common_passwords() or len(rest) < MIN_LENGTH // 2:
        raise Invalid(N_("the password is too common or too close to the user's name: choose another"))


def hash_password(password: str, salt: bytes | None = None) -> str:
    """"scrypt$n$r$p$salt$hash", hex encoded."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def password_matches(stored: str, password: str) -> bool:
    """Whether `password` hashes to `stored` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt" or len(password) > MAX_LENGTH:
        return False
    actual = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(actual.hex(), digest)
