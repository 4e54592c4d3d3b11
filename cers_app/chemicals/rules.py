"""Pure rules of the chemical library: CAS numbers, search keys, regulatory quantities, state."""

from __future__ import annotations

import re
import unicodedata

# Hyphen look-alikes that arrive from SDS PDFs and word processors.
_HYPHENS = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")
_CAS = re.compile(r"(\d{2,7})-(\d{2})-(\d)")
_CAS_LIKE = re.compile(r"[\d\s-]+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Greek letters spelled out, as the names in the seed data mostly do ("alpha-pinene").
_GREEK = {
    "\u03b1": "alpha",
    "\u03b2": "beta",
    "\u03b3": "gamma",
    "\u03b4": "delta",
    "\u03b5": "epsilon",
    "\u03c9": "omega",
    "\u00b5": "mu",  # micro sign
    "\u03bc": "mu",
}


def normalise_cas(text: str) -> str | None:
    """The dashed CAS Registry Number in `text`, or None when it is malformed.

    Accepts the dashed form, bare digits ("7732185" -> "7732-18-5"), surrounding spaces and odd
    hyphens; the check digit must be right and the number must not be all zeros.
    """
    if not isinstance(text, str):
        return None
    value = text.strip().translate(_HYPHENS).replace(" ", "")
    if value.isdigit() and 5 <= len(value) <= 10:
        value = f"{value[:-3]}-{value[-3:-1]}-{value[-1]}"
    match = _CAS.fullmatch(value)
    if not match:
        return None
    value = f"{str(int(match[1])).zfill(2)}-{match[2]}-{match[3]}"
    return value if cas_check_digit_ok(value) else None


def cas_check_digit_ok(cas: str) -> bool:
    """True when `cas` is a dashed CAS number whose check digit is right (and it is not 0)."""
    match = _CAS.fullmatch(cas or "")
    if not match:
        return False
    body = (match[1] + match[2])[::-1]
    total = sum(position * int(digit) for position, digit in enumerate(body, 1))
    return total % 10 == int(match[3]) and int(match[1] + match[2] + match[3]) > 0


def cas_digits(text: str) -> str:
    """The digits of a CAS number or a part of one ("7664-9" -> "76649"), for prefix search."""
    return re.sub(r"\D", "", text or "")


def looks_like_cas(text: str) -> bool:
    """True when `text` is made only of digits, spaces and hyphens, with at least two digits."""
    value = (text or "").strip().translate(_HYPHENS)
    return bool(_CAS_LIKE.fullmatch(value)) and len(cas_digits(value)) >= 2


def normalise_name(text: str) -> str:
    """The search key of a name: lower case ASCII letters and digits, words split by one space.

    "Sodium Hydroxide, 50% Solution" -> "sodium hydroxide 50 solution";
    "\N{GREEK SMALL LETTER ALPHA}-Pinene" -> "alpha pinene"; "2,4-D" -> "2 4 d".
    """
    value = (text or "").lower()
    if not value.isascii():
        value = "".join(_GREEK.get(char, char) for char in value)
        value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub(" ", value).strip()


def word_keys(name_norm: str, min_length: int = 3) -> list[str]:
    """The keys that let a word inside a name match as a prefix: the name from each later word.

    "sodium hypochlorite solution" -> ["hypochlorite solution", "solution"]; words shorter than
    `min_length` or made of digits only are not starting points ("2 methyl 1 propanol" ->
    ["methyl 1 propanol", "propanol"]).
    """
    words = name_norm.split(" ")
    keys = []
    for index in range(1, len(words)):
        word = words[index]
        if len(word) >= min_length and not word.isdigit():
            keys.append(" ".join(words[index:]))
    return keys


def parse_quantity_pair(text: str) -> tuple[float | None, float | None]:
    """A List-of-Lists quantity such as "500", "500/10,000" or "1 lb" as (first, second).

    The second number is the TPQ for solids not in powder/molten/solution form; it is None when
    the list gives one number. Empty or non-numeric text gives (None, None).
    """
    numbers = [part for part in (text or "").replace(",", "").split("/")]
    values: list[float | None] = []
    for part in numbers[:2]:
        match = re.search(r"\d+(?:\.\d+)?", part)
        values.append(float(match[0]) if match else None)
    while len(values) < 2:
        values.append(None)
    if values[0] is None:
        return None, None
    return values[0], values[1]


def state_at_25c(melting_c: float | None, boiling_c: float | None) -> str:
    """CERS physical state at 25 °C from measured melting/boiling points: a, b, c or ""."""
    if boiling_c is not None and boiling_c <= 25:
        return "c"
    if melting_c is not None and melting_c > 25:
        return "a"
    if melting_c is not None and boiling_c is not None:
        return "b"
    return ""


def flammable_liquid_class(flash_c: float | None, boiling_c: float | None) -> str:
    """The fire code class (CERS code) of a liquid from its flash and boiling points, or "".

    NFPA 30 / IFC: IA below 22.8 °C flash and 37.8 °C boiling, IB below 22.8 °C flash, IC below
    37.8 °C flash, II below 60 °C, IIIA below 93 °C, IIIB at or above 93 °C.
    """
    if flash_c is None:
        return ""
    if flash_c < 22.8:
        if boiling_c is not None and boiling_c < 37.8:
            return "9"
        return "10" if boiling_c is not None else ""
    if flash_c < 37.8:
        return "11"
    if flash_c < 60:
        return "2"
    if flash_c < 93:
        return "3"
    return "4"
