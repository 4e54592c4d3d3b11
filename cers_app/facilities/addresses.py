"""Site addresses: parsed with usaddress and written the USPS way, for display and matching.

"1200 north Main Street, suite 4" and "1200 N. MAIN ST STE 4" are the same site; both become
"1200 N MAIN ST STE 4", and the match key (without the unit) finds duplicates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import usaddress

SUFFIXES = {
    "ALLEY": "ALY",
    "AVENUE": "AVE",
    "AV": "AVE",
    "BOULEVARD": "BLVD",
    "CENTER": "CTR",
    "CIRCLE": "CIR",
    "COURT": "CT",
    "DRIVE": "DR",
    "EXPRESSWAY": "EXPY",
    "FREEWAY": "FWY",
    "HIGHWAY": "HWY",
    "LANE": "LN",
    "LOOP": "LOOP",
    "PARKWAY": "PKWY",
    "PLACE": "PL",
    "PLAZA": "PLZ",
    "ROAD": "RD",
    "ROUTE": "RTE",
    "SQUARE": "SQ",
    "STREET": "ST",
    "STR": "ST",
    "TERRACE": "TER",
    "TRAIL": "TRL",
    "WAY": "WAY",
    "CROSSING": "XING",
    "POINT": "PT",
}
DIRECTIONS = {
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "NORTHEAST": "NE",
    "NORTHWEST": "NW",
    "SOUTHEAST": "SE",
    "SOUTHWEST": "SW",
}
UNITS = {
    "SUITE": "STE",
    "APARTMENT": "APT",
    "BUILDING": "BLDG",
    "FLOOR": "FL",
    "ROOM": "RM",
    "SPACE": "SPC",
    "UNIT": "UNIT",
    "#": "#",
    "NUMBER": "#",
    "NO": "#",
}
STREET_MAX = 70
_PUNCTUATION = re.compile(r"[.,]")


@dataclass(frozen=True)
class SiteAddress:
    line: str  # e.g. "1200 N MAIN ST"
    unit: str  # e.g. "STE 4" (goes to the supplemental location)
    match_key: str  # line + ZIP, for finding the same site twice


def _word(value: str, table: dict[str, str]) -> str:
    clean = _PUNCTUATION.sub("", value).upper().strip()
    return table.get(clean, clean)


def _zip5(zip_code: str) -> str:
    return zip_code.strip()[:5]


def normalise(street: str, zip_code: str) -> tuple[SiteAddress | None, str | None]:
    """(address, None), or (None, a message saying what is wrong with the street line)."""
    text = " ".join(street.split())
    if not text:
        return None, "Enter the street address of the site."
    if len(text) > STREET_MAX:
        return None, f"The street address must be at most {STREET_MAX} characters."
    try:
        parts, kind = usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        return (
            None,
            "That does not look like one street address. Enter the site's number and street.",
        )
    if kind == "PO Box" or "USPSBoxID" in parts:
        return None, "Enter the physical address of the site, not a PO box."
    if "AddressNumber" not in parts or "StreetName" not in parts:
        return None, "Enter the site's street number and street name, such as 1200 Main St."
    words = [
        _PUNCTUATION.sub("", parts["AddressNumber"]).upper(),
        _word(parts.get("StreetNamePreDirectional", ""), DIRECTIONS),
        _word(parts.get("StreetNamePreType", ""), SUFFIXES),
        _PUNCTUATION.sub("", parts["StreetName"]).upper(),
        _word(parts.get("StreetNamePostType", ""), SUFFIXES),
        _word(parts.get("StreetNamePostDirectional", ""), DIRECTIONS),
    ]
    line = " ".join(word for word in words if word)
    unit = " ".join(
        word
        for word in (
            _word(parts.get("OccupancyType", ""), UNITS),
            _PUNCTUATION.sub("", parts.get("OccupancyIdentifier", "")).upper(),
        )
        if word
    )
    return SiteAddress(line=line, unit=unit, match_key=f"{line}|{_zip5(zip_code)}"), None


def name_key(name: str) -> str:
    """A business name compared without case, punctuation or extra spaces."""
    return " ".join(re.sub(r"[^\w\s]", " ", name).upper().split())
