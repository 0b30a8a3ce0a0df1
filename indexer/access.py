"""Who may change the corpus from the page: an editor password, stored only as a salted scrypt hash.

The page is read-only unless the server is given a hash (`KETAMINE_EDITOR_PASSWORD_HASH`, or
`editor_password_hash` in `.streamlit/secrets.toml`, which git ignores); an editor signs in with the password.
Make the hash with `python -m indexer editor-password` (the password is read without echo, never stored).

    scrypt$<n>$<r>$<p>$<salt, base64>$<key, base64>
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from indexer.errors import ConfigError

SCHEME = "scrypt"
N, R, P = 2**14, 8, 1  # about 50 ms a guess on this machine's CPU; 16 MB of memory
KEY_BYTES = 32
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """The storable hash of an editor password; ConfigError when it is too short or too long."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise ConfigError(f"An editor password needs at least {MIN_PASSWORD_CHARS} characters. Got {len(password)}.")
    if len(password) > MAX_PASSWORD_CHARS:
        raise ConfigError(f"An editor password can have at most {MAX_PASSWORD_CHARS:,} characters.")
    salt = salt if salt is not None else secrets.token_bytes(16)
    key = _derive(password, salt, N, R, P)
    return "$".join([SCHEME, str(N), str(R), str(P), _b64(salt), _b64(key)])


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` was made from. The keys are compared in constant time; a malformed
    hash never matches (and raises nothing)."""
    try:
        scheme, n, r, p, salt, key = stored.strip().split("$")
        n_, r_, p_ = int(n), int(r), int(p)
        expected = base64.b64decode(key, validate=True)
        salt_bytes = base64.b64decode(salt, validate=True)
    except ValueError:
        return False
    if scheme != SCHEME or not (2 <= n_ <= 2**20 and 1 <= r_ <= 32 and 1 <= p_ <= 4) or len(expected) < 16:
        return False
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_CHARS:
        return False
    return hmac.compare_digest(_derive(password, salt_bytes, n_, r_, p_, len(expected)), expected)


def valid_hash(stored: str) -> bool:
    """Whether a configured value looks like a hash this module made (so a plain password is not mistaken for
    one)."""
    parts = stored.strip().split("$")
    return len(parts) == 6 and parts[0] == SCHEME and all(parts[1:4]) and all(x.isdigit() for x in parts[1:4])


def _derive(password: str, salt: bytes, n: int, r: int, p: int, length: int = KEY_BYTES) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024,
                          dklen=length)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
