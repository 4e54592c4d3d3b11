"""The public "Local regulators" directory: who regulates what at a place, and how to reach them.

A visitor searches by street address (its city and ZIP code are read from it), by city, by ZIP
code or by county. For a place the answer is the agency of each submittal element (1-10), from
this install's jurisdiction rules (`jurisdiction.regulators_for`); for a county, the agencies
serving it. Every agency comes with its public contact details and its PUBLIC contact people
only: nothing about staff accounts or facilities is ever returned.

A city search needs the city's ZIP codes. This install has no ZIP code table, so they come from
the jurisdiction rules naming the city, the agencies' own addresses and the (city, ZIP) pairs of
active facilities, used only as a gazetteer: no facility is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import usaddress
from sqlmodel import Session, col, func, select

from cers_app.agencies.jurisdiction import city_key, regulators_for, uncovered_message
from cers_app.agencies.models import Agency, AgencyContact, JurisdictionRule
from cers_app.agencies.rules import parse_county
from cers_app.core.codes import ELEMENTS, county_label
from cers_app.core.errors import ValidationFailed
from cers_app.facilities.models import Facility, FacilityStatus

QUERY_MAX = 200
CITY_ZIPS_MAX = 12  # a city search shows at most this many ZIP codes
_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")
_ZIP_AT_END = re.compile(r"\b(\d{5})(?:-\d{4})?\s*$")


class SearchBy(StrEnum):
    ADDRESS = "address"
    CITY = "city"
    ZIP = "zip"
    COUNTY = "county"


SEARCH_BY_LABELS = {
    SearchBy.ADDRESS: "Street address",
    SearchBy.CITY: "City",
    SearchBy.ZIP: "ZIP code",
    SearchBy.COUNTY: "County",
}


@dataclass(frozen=True)
class PublicContact:
    name: str
    title: str
    phone: str
    email: str


@dataclass(frozen=True)
class DirectoryAgency:
    code: int
    name: str
    kind: str  # "CUPA" or "PA"
    county: str
    address: str
    phone: str
    email: str
    website: str
    contacts: tuple[PublicContact, ...]


@dataclass(frozen=True)
class ElementAgency:
    element: int
    element_name: str
    agency_code: int  # 0 when no agency of this install takes the element there
    agency_name: str


@dataclass(frozen=True)
class Place:
    zip_code: str
    city: str  # as the visitor wrote it (or found it); may be empty
    covered: bool
    elements: tuple[ElementAgency, ...]
    message: str  # why nobody is listed, when not covered


@dataclass(frozen=True)
class DirectoryResult:
    heading: str
    places: tuple[Place, ...]
    agencies: tuple[DirectoryAgency, ...]
    message: str = ""  # shown when nothing was found


def _problem(message: str) -> ValidationFailed:
    return ValidationFailed({"query": message})


def _clean(text: object) -> str:
    if not isinstance(text, str):
        raise _problem("Enter what to search for.")
    cleaned = " ".join(text.split())
    if not cleaned:
        raise _problem("Enter what to search for.")
    if len(cleaned) > QUERY_MAX:
        raise _problem(f"The search must be at most {QUERY_MAX} characters.")
    return cleaned


def parse_zip(text: str) -> str:
    """The five-digit ZIP code of `text` ("95616" or "95616-1234"), else ValidationFailed."""
    found = _ZIP.match(text.strip())
    if not found:
        raise _problem("Enter a ZIP code of 5 digits, such as 95616.")
    return found.group(1)


def parse_address(text: str) -> tuple[str, str]:
    """(city, ZIP code) read from a street address such as "1200 Main St, Davis, CA 95616"."""
    city, zip_code = "", ""
    try:
        parts, _kind = usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        parts = {}
    zip_code = str(parts.get("ZipCode", "")).strip()
    city = str(parts.get("PlaceName", "")).strip().strip(",")
    if not _ZIP.match(zip_code):
        found = _ZIP_AT_END.search(text)
        zip_code = found.group(1) if found else ""
    if not zip_code:
        raise _problem(
            "Add the ZIP code to the address, such as 1200 Main St, Davis, CA 95616, "
            "or search by city or ZIP code."
        )
    return city, zip_code[:5]


def _agency_rows(session: Session, agencies: list[Agency]) -> tuple[DirectoryAgency, ...]:
    ids = [agency.id for agency in agencies if agency.id is not None]
    contacts: dict[int, list[PublicContact]] = {}
    rows = session.exec(
        select(AgencyContact)
        .where(col(AgencyContact.agency_id).in_(ids or [0]), col(AgencyContact.public).is_(True))
        .order_by(AgencyContact.name, AgencyContact.id)
    ).all()
    for contact in rows:
        contacts.setdefault(contact.agency_id, []).append(
            PublicContact(contact.name, contact.title, contact.phone, contact.email)
        )
    return tuple(
        DirectoryAgency(
            code=agency.code,
            name=agency.name,
            kind=agency.kind,
            county=county_label(agency.county),
            address=agency.address,
            phone=agency.phone,
            email=agency.email,
            website=agency.website,
            contacts=tuple(contacts.get(agency.id or 0, [])),
        )
        for agency in agencies
    )


def _place(
    session: Session, zip_code: str, city: str, known: dict[int, Agency]
) -> tuple[Place, list[int]]:
    """The place's element table, and the ids of its agencies in element order."""
    found = regulators_for(session, zip_code, city)
    missing = sorted({i for i in found.agencies.values() if i not in known})
    if missing:
        for agency in session.exec(select(Agency).where(col(Agency.id).in_(missing))).all():
            known[agency.id or 0] = agency
    elements, order = [], []
    for element, (label, _short) in ELEMENTS.items():
        agency_id = found.agencies.get(element)
        agency = known.get(agency_id) if agency_id is not None else None
        if agency_id is not None and agency is not None and agency_id not in order:
            order.append(agency_id)
        elements.append(
            ElementAgency(
                element=element,
                element_name=label,
                agency_code=agency.code if agency else 0,
                agency_name=agency.name if agency else "",
            )
        )
    covered = bool(order)
    place = Place(
        zip_code=zip_code,
        city=city,
        covered=covered,
        elements=tuple(elements),
        message="" if covered else uncovered_message(zip_code),
    )
    return place, order


def _places_result(session: Session, heading: str, spots: list[tuple[str, str]]) -> DirectoryResult:
    known: dict[int, Agency] = {}
    places: list[Place] = []
    order: list[int] = []
    for zip_code, city in spots:
        place, agency_ids = _place(session, zip_code, city, known)
        places.append(place)
        order += [agency_id for agency_id in agency_ids if agency_id not in order]
    agencies = _agency_rows(session, [known[i] for i in order])
    message = "" if order else places[0].message
    return DirectoryResult(heading, tuple(places), agencies, message)


def _city_zips(session: Session, city: str) -> list[str]:
    """The ZIP codes this install knows for `city` (see the module's note)."""
    wanted = city_key(city)
    zips: set[str] = set(
        session.exec(
            select(JurisdictionRule.zip_code).where(JurisdictionRule.city == wanted).distinct()
        ).all()
    )
    zips |= {
        str(zip_code)[:5]
        for zip_code in session.exec(
            select(Facility.zip_code)
            .where(
                func.lower(Facility.city) == wanted,
                Facility.status == FacilityStatus.ACTIVE.value,
            )
            .distinct()
        ).all()
        if zip_code
    }
    for address in session.exec(select(Agency.address).where(Agency.address != "")).all():
        try:
            found_city, found_zip = parse_address(address)
        except ValidationFailed:
            continue
        if city_key(found_city) == wanted:
            zips.add(found_zip)
    return sorted(zips)[:CITY_ZIPS_MAX]


def _county_result(session: Session, county: int) -> DirectoryResult:
    agencies = session.exec(
        select(Agency).where(Agency.county == county).order_by(Agency.kind, Agency.name)
    ).all()
    name = county_label(county)
    message = "" if agencies else f"No agency of this OpenCERS site serves {name} County."
    return DirectoryResult(
        f"Agencies serving {name} County", (), _agency_rows(session, list(agencies)), message
    )


def search(session: Session, by: object, text: object) -> DirectoryResult:
    """The directory's answer for a search `by` address, city, ZIP code or county.

    Raises ValidationFailed (field "query", or "by") for input that cannot be searched.
    """
    if not isinstance(by, str) or by not in {s.value for s in SearchBy}:
        raise ValidationFailed({"by": "Choose what to search by."})
    query = _clean(text)
    kind = SearchBy(by)
    if kind is SearchBy.ZIP:
        zip_code = parse_zip(query)
        return _places_result(session, f"ZIP code {zip_code}", [(zip_code, "")])
    if kind is SearchBy.ADDRESS:
        city, zip_code = parse_address(query)
        where = f"{city}, {zip_code}" if city else f"ZIP code {zip_code}"
        return _places_result(session, f"Regulators at {query} ({where})", [(zip_code, city)])
    if kind is SearchBy.COUNTY:
        county = parse_county(query.removesuffix(" County").removesuffix(" county"))
        if county is None:
            raise _problem("Enter a California county, such as Yolo, or its number from 1 to 58.")
        return _county_result(session, county)
    if any(ch.isdigit() for ch in query) or len(query) > 60:
        raise _problem("Enter the name of a city, such as Davis.")
    zips = _city_zips(session, query)
    if not zips:
        return DirectoryResult(
            f"City of {query}",
            (),
            (),
            f"This site does not know the ZIP codes of {query}. Search by ZIP code or by street "
            "address instead.",
        )
    return _places_result(session, f"City of {query}", [(zip_code, query) for zip_code in zips])


def agency_for_zip(session: Session, text: object) -> tuple[int, str]:
    """(code, name) of the agency taking Facility Information in a ZIP code (to address a
    request)."""
    zip_code = parse_zip(text if isinstance(text, str) else "")
    found = regulators_for(session, zip_code, "")
    agency_id = found.agencies.get(1) or next(iter(found.agencies.values()), None)
    if agency_id is None:
        raise _problem(uncovered_message(zip_code))
    agency = session.get(Agency, agency_id)
    assert agency is not None
    return agency.code, agency.name
