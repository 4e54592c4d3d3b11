"""bcrypt hashing for passwords and security answers. Call these off the event loop."""

from __future__ import annotations

import functools

import bcrypt

from cers_app.core.settings import get_settings

# bcrypt only reads 72 bytes; longer inputs are refused by the rules before they get here.
MAX_SECRET_BYTES = 72


def hash_secret(secret: str) -> str:
    rounds = get_settings().bcrypt_rounds
    return bcrypt.hashpw(secret.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def verify_secret(secret: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(secret.encode("utf-8")[:MAX_SECRET_BYTES], hashed.encode("ascii"))
    except ValueError:
        return False


def needs_rehash(hashed: str) -> bool:
    """True when `hashed` was made with a different cost than the one configured now."""
    try:
        return int(hashed.split("$")[2]) != get_settings().bcrypt_rounds
    except (IndexError, ValueError):
        return True


@functools.cache
def _dummy_hash(rounds: int) -> str:
    return bcrypt.hashpw(b"no such account", bcrypt.gensalt(rounds)).decode("ascii")


def burn_verify(secret: str) -> None:
    """Spend as long as a real check would, so timing does not reveal unknown usernames."""
    verify_secret(secret, _dummy_hash(get_settings().bcrypt_rounds))
