"""Random tokens stored as SHA-256 hashes, keyed hashes, and bcrypt secrets."""

from __future__ import annotations

import hashlib

import bcrypt

from cers_app.core import passwords, tokens
from cers_app.core.settings import reload_settings


def test_it_makes_a_new_random_token_with_its_sha256_hash():
    raw, digest = tokens.new_token()
    other_raw, other_digest = tokens.new_token()

    assert len(raw) == 43 and raw.replace("-", "").replace("_", "").isalnum()
    assert digest == hashlib.sha256(raw.encode()).hexdigest()
    assert digest == tokens.hash_token(raw)
    assert raw not in digest
    assert (raw, digest) != (other_raw, other_digest)


def test_it_hashes_any_text_a_client_might_send():
    assert len(tokens.hash_token("\ud800 lone surrogate")) == 64


def test_it_keeps_keyed_hash_parts_apart(monkeypatch):
    assert tokens.keyed_hash("ab", "c") != tokens.keyed_hash("a", "bc")
    assert tokens.keyed_hash("a", "b") == tokens.keyed_hash("a", "b")
    before = tokens.keyed_hash("a", "b")
    monkeypatch.setenv("CERS_SECRET_KEY", "another-secret-key-that-is-long-enough-9876")
    reload_settings()
    assert tokens.keyed_hash("a", "b") != before


def test_it_hashes_and_verifies_a_secret_at_the_configured_cost():
    hashed = passwords.hash_secret("Quiet-Meadow-Lantern-7")

    assert hashed.startswith("$2b$04$")
    assert passwords.verify_secret("Quiet-Meadow-Lantern-7", hashed)
    assert not passwords.verify_secret("quiet-meadow-lantern-7", hashed)


def test_it_treats_a_damaged_hash_as_a_wrong_secret():
    assert not passwords.verify_secret("anything", "not-a-bcrypt-hash")
    assert not passwords.verify_secret("anything", "")


def test_it_verifies_a_long_secret_without_raising():
    hashed = bcrypt.hashpw(b"x" * 72, bcrypt.gensalt(4)).decode()

    assert passwords.verify_secret("x" * 100, hashed)


def test_it_tells_when_a_hash_needs_the_new_cost(monkeypatch):
    hashed = passwords.hash_secret("Quiet-Meadow-Lantern-7")
    assert not passwords.needs_rehash(hashed)

    monkeypatch.setenv("CERS_BCRYPT_ROUNDS", "5")
    reload_settings()

    assert passwords.needs_rehash(hashed)
    assert passwords.needs_rehash("garbage")


def test_it_spends_a_check_on_unknown_accounts_without_failing():
    assert passwords.burn_verify("whatever") is None
