"""Local regulators (public): search the directory and show its answer as small text rows."""

from __future__ import annotations

import reflex as rx

from cers_app.agencies import directory
from cers_app.agencies.directory import DirectoryAgency, DirectoryResult, SearchBy
from cers_app.core import db, routes
from cers_app.core.errors import DomainError
from cers_app.core.permissions import public
from cers_app.ui.feedback import field_errors, form_values


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit() or ch == "+")


def agency_view(agency: DirectoryAgency) -> dict[str, str]:
    """An agency as the page shows it: text and link targets (its contacts: contact_views)."""
    website = agency.website.strip()
    return {
        "id": f"directory-agency-{agency.code}",
        "code": str(agency.code),
        "name": agency.name,
        "kind": agency.kind,
        "county": agency.county,
        "address": agency.address,
        "phone": agency.phone,
        "phone_href": f"tel:{_digits(agency.phone)}" if _digits(agency.phone) else "",
        "email": agency.email,
        "email_href": f"mailto:{agency.email}" if "@" in agency.email else "",
        "website": website,
        "website_url": website if website.lower().startswith(("https://", "http://")) else "",
        "assistance_url": routes.with_query(routes.TECHNICAL_ASSISTANCE, agency=str(agency.code)),
    }


def contact_views(agencies: tuple[DirectoryAgency, ...]) -> list[dict[str, str]]:
    """The public contact people of every agency, each naming its agency's code."""
    return [
        {
            "id": f"directory-agency-{agency.code}-contact-{n}",
            "agency_code": str(agency.code),
            "name": contact.name,
            "title": contact.title,
            "phone": contact.phone,
            "email": contact.email,
            "email_href": f"mailto:{contact.email}" if "@" in contact.email else "",
        }
        for agency in agencies
        for n, contact in enumerate(agency.contacts, start=1)
    ]


def place_views(result: DirectoryResult) -> list[dict[str, str]]:
    return [
        {
            "id": f"directory-place-{place.zip_code}",
            "zip": place.zip_code,
            "title": f"ZIP code {place.zip_code}" + (f", {place.city}" if place.city else ""),
            "covered": "yes" if place.covered else "",
            "message": place.message,
        }
        for place in result.places
    ]


def element_views(result: DirectoryResult) -> list[dict[str, str]]:
    """The agency of each element at each place, each row naming its place's ZIP code."""
    return [
        {
            "id": f"directory-place-{place.zip_code}-element-{row.element}",
            "zip": place.zip_code,
            "element": str(row.element),
            "name": row.element_name,
            "agency": row.agency_name or "No agency of this site",
            "code": str(row.agency_code) if row.agency_code else "",
        }
        for place in result.places
        for row in place.elements
    ]


class DirectoryState(rx.State):
    loaded: bool = False
    searched: bool = False
    by: str = SearchBy.ZIP.value
    query: str = ""
    form_key: int = 0
    heading: str = ""
    message: str = ""
    places: list[dict[str, str]] = []
    elements: list[dict[str, str]] = []
    agencies: list[dict[str, str]] = []
    contacts: list[dict[str, str]] = []
    errors: dict[str, str] = {}

    def _clear(self) -> None:
        self.searched, self.heading, self.message = False, "", ""
        self.places, self.elements, self.agencies, self.contacts = [], [], [], []

    async def _search(self, by: str, query: str) -> None:
        known = {item.value for item in SearchBy}
        self.by = by if by in known else SearchBy.ZIP.value
        self.query = query[: directory.QUERY_MAX + 50]
        try:
            result = await db.run_async(directory.search, by, query)
        except DomainError as exc:
            self._clear()
            self.errors = field_errors(exc) or {"query": exc.message}
            return
        self.errors = {}
        self.searched = True
        self.heading, self.message = result.heading, result.message
        self.places, self.elements = place_views(result), element_views(result)
        self.agencies = [agency_view(agency) for agency in result.agencies]
        self.contacts = contact_views(result.agencies)

    @public
    @rx.event
    async def load(self) -> None:
        """Anyone may search; ?zip=, ?city=, ?county= or ?address= search at once."""
        self._clear()
        self.errors, self.by, self.query = {}, SearchBy.ZIP.value, ""
        params = self.router.url.query_parameters
        for by in SearchBy:
            value = params.get(by.value, "")
            if isinstance(value, str) and value.strip():
                await self._search(by.value, value)
                self.form_key += 1  # the form is mounted again with what was searched
                break
        self.loaded = True

    @public
    @rx.event
    async def search(self, form_data: dict[str, str]) -> None:
        values = form_values(form_data, "by", "query")
        await self._search(values["by"], values["query"])
