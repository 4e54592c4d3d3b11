"""Small read-only views the facilities services hand to the UI."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FacilityRow:
    id: int
    cers_id: int
    name: str
    address: str
    city: str
    drafts: int
    required: int


@dataclass(frozen=True)
class ElementRow:
    element: int
    label: str
    required: bool
    requirement_label: str  # Required / Not required / Always required
    source: str  # why: Business Activities, the regulator, always
    status: str  # the latest version's status, or "Not started"
    draft_version_id: int | None
    last_submitted: str  # when, or "" when never submitted
    last_submitted_status: str  # the last submitted version's review status
    last_accepted: str  # when the most recent accepted version was submitted, or ""
    next_due: str
    regulator: str
    comments: str


@dataclass(frozen=True)
class FacilityView:
    id: int
    cers_id: int
    name: str
    street: str
    supplemental: str
    city: str
    zip_code: str
    county: str
    epa_id: str
    local_facility_id: str
    organization_id: int
    organization: str
    role: str
    actions: frozenset[str]
    no_regulated_activities: bool
    elements: list[ElementRow] = field(default_factory=list)


@dataclass(frozen=True)
class DraftForms:
    """The Facility Information draft's two forms, as the wizard and the editor show them."""

    facility_id: int
    version_id: int
    version: int
    business_activities: dict[str, str]
    owner_operator: dict[str, str]
    required_elements: tuple[int, ...]


@dataclass(frozen=True)
class SearchRow:
    facility_id: int
    cers_id: int
    name: str
    address: str
    city: str
    zip_code: str
    note: str  # e.g. "CERS ID 90000012 was merged into this facility"
