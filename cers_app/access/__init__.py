"""Getting in: who the caller is (identity), the gate before every event, and signing in."""
