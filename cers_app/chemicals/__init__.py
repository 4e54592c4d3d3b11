"""Chemical library: seed, EHS list import, search."""
