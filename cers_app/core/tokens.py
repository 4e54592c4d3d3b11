"""Random tokens that are shown once and stored only as SHA-256 hashes, and keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cers_app.core.settings import get_settings


def new_token() -> tuple[str, str]:
    """A fresh (raw, sha256-hex) pair; keep the hash, hand out the raw value once."""
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def keyed_hash(*parts: str) -> str:
    """An HMAC of `parts` under the secret key: a lookup key that reveals nothing by itself."""
    message = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return hmac.new(get_settings().secret_key.encode(), message, hashlib.sha256).hexdigest()
