"""Account rules: what a valid username, password, email, name, phrase and answer are.

Pure functions; each `check_*` returns an error message or None so forms can show every problem
at once.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from email_validator import EmailNotValidError, validate_email
from zxcvbn import zxcvbn

USERNAME_MIN, USERNAME_MAX = 5, 16
PASSWORD_MIN = 8
PASSWORD_MAX_BYTES = 72  # bcrypt ignores anything beyond this
PASSWORD_MIN_SCORE = 3  # zxcvbn: "safely unguessable"; below is a common or guessable password
NAME_MAX = 50
PHRASE_MIN, PHRASE_MAX = 3, 100
ANSWER_MIN, ANSWER_MAX = 2, 100

SECURITY_QUESTIONS: dict[str, str] = {
    "first_street": "What was the name of the street you grew up on?",
    "first_school": "What was the name of your first school?",
    "first_pet": "What was the name of your first pet?",
    "first_job_city": "In which city did you have your first job?",
    "parents_met": "In which city did your parents meet?",
    "childhood_friend": "What is the first name of your childhood best friend?",
    "first_car": "What was the make of your first car?",
    "favorite_teacher": "What is the last name of your favorite teacher?",
}

USERNAME_RULE = f"{USERNAME_MIN}-{USERNAME_MAX} letters or digits, no spaces or symbols."
PASSWORD_RULES = (
    f"At least {PASSWORD_MIN} characters",
    "At least one digit (0-9)",
    "At least one capital letter (A-Z)",
    "Not a common or easily guessed password",
)

_USERNAME_RE = re.compile(rf"^[A-Za-z0-9]{{{USERNAME_MIN},{USERNAME_MAX}}}$")


def username_key(username: str) -> str:
    """The case-insensitive form used for uniqueness and look-ups."""
    return username.strip().lower()


def check_username(username: str) -> str | None:
    if not username.strip():
        return "Enter a username."
    if not _USERNAME_RE.fullmatch(username.strip()):
        return f"Username must be {USERNAME_RULE[0].lower()}{USERNAME_RULE[1:]}"
    return None


def check_password(password: str, *, personal: list[str] | None = None) -> str | None:
    """Check the house password rules; `personal` words (names, username) make it weaker."""
    if not password:
        return "Enter a password."
    if len(password) < PASSWORD_MIN:
        return f"Password must be at least {PASSWORD_MIN} characters long."
    if len(password.encode("utf-8")) > PASSWORD_MAX_BYTES:
        return f"Password must be at most {PASSWORD_MAX_BYTES} bytes long."
    if not any(ch.isdigit() for ch in password):
        return "Password must contain at least one digit."
    if not any("A" <= ch <= "Z" for ch in password):
        return "Password must contain at least one capital letter (A-Z)."
    if any(unicodedata.category(ch).startswith("C") for ch in password):
        return "Password must not contain control characters."
    verdict = zxcvbn(password, user_inputs=[p for p in (personal or []) if p])
    if verdict["score"] < PASSWORD_MIN_SCORE:
        hint = verdict["feedback"]["warning"] or "It is too easy to guess."
        return f"Choose a stronger password. {hint} Try a few unrelated words with a number."
    return None


def check_password_confirmation(password: str, confirmation: str) -> str | None:
    return None if password == confirmation else "The two passwords do not match."


def normalise_email(email: str) -> tuple[str | None, str | None]:
    """(normalised address, None) or (None, error message)."""
    email = email.strip()
    if not email:
        return None, "Enter an email address."
    try:
        result = validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        return None, f"Enter a valid email address ({exc})."
    return result.normalized, None


def _has_control_chars(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("C") for ch in text)


def check_name(value: str, label: str) -> str | None:
    value = value.strip()
    if not value:
        return f"Enter your {label}."
    if len(value) > NAME_MAX:
        return f"{label.capitalize()} must be at most {NAME_MAX} characters."
    if _has_control_chars(value):
        return f"{label.capitalize()} contains characters that are not allowed."
    return None


def check_phrase(phrase: str) -> str | None:
    phrase = phrase.strip()
    if len(phrase) < PHRASE_MIN:
        return f"Enter a password protection phrase of at least {PHRASE_MIN} characters."
    if len(phrase) > PHRASE_MAX:
        return f"The phrase must be at most {PHRASE_MAX} characters."
    if _has_control_chars(phrase):
        return "The phrase contains characters that are not allowed."
    return None


def check_security_question(code: str) -> str | None:
    return None if code in SECURITY_QUESTIONS else "Choose a security question from the list."


def normalise_answer(answer: str) -> str:
    """Answers match regardless of case, spacing and surrounding spaces."""
    folded = unicodedata.normalize("NFKC", answer).casefold()
    return " ".join(folded.split())


def check_answer(answer: str) -> str | None:
    answer = normalise_answer(answer)
    if len(answer) < ANSWER_MIN:
        return f"Enter an answer of at least {ANSWER_MIN} characters."
    if len(answer) > ANSWER_MAX:
        return f"The answer must be at most {ANSWER_MAX} characters."
    if _has_control_chars(answer):
        return "The answer contains characters that are not allowed."
    return None


_DECOY_FIRST = ("Amber", "Quiet", "Silver", "Morning", "Copper", "Golden", "Hidden", "Northern")
_DECOY_SECOND = ("harbor", "meadow", "lantern", "canyon", "orchard", "river", "summit", "garden")
_DECOY_THIRD = ("at dawn", "in spring", "by the bay", "after rain", "near home", "in autumn")


def decoy_phrase(seed: str) -> str:
    """A stable made-up phrase for an unknown username, so the page does not reveal it.

    `seed` must be a keyed hash of the username so the decoy cannot be predicted offline.
    """
    digest = hashlib.sha256(seed.encode()).digest()
    return (
        f"{_DECOY_FIRST[digest[0] % len(_DECOY_FIRST)]} "
        f"{_DECOY_SECOND[digest[1] % len(_DECOY_SECOND)]} "
        f"{_DECOY_THIRD[digest[2] % len(_DECOY_THIRD)]}"
    )
