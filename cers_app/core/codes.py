"""CERS code lists shared by several features, with their labels in one place."""

from __future__ import annotations

# County ID (CERS field 105a): 1-58, alphabetical.
COUNTIES: dict[int, str] = dict(
    enumerate(
        (
            "Alameda",
            "Alpine",
            "Amador",
            "Butte",
            "Calaveras",
            "Colusa",
            "Contra Costa",
            "Del Norte",
            "El Dorado",
            "Fresno",
            "Glenn",
            "Humboldt",
            "Imperial",
            "Inyo",
            "Kern",
            "Kings",
            "Lake",
            "Lassen",
            "Los Angeles",
            "Madera",
            "Marin",
            "Mariposa",
            "Mendocino",
            "Merced",
            "Modoc",
            "Mono",
            "Monterey",
            "Napa",
            "Nevada",
            "Orange",
            "Placer",
            "Plumas",
            "Riverside",
            "Sacramento",
            "San Benito",
            "San Bernardino",
            "San Diego",
            "San Francisco",
            "San Joaquin",
            "San Luis Obispo",
            "San Mateo",
            "Santa Barbara",
            "Santa Clara",
            "Santa Cruz",
            "Shasta",
            "Sierra",
            "Siskiyou",
            "Solano",
            "Sonoma",
            "Stanislaus",
            "Sutter",
            "Tehama",
            "Trinity",
            "Tulare",
            "Tuolumne",
            "Ventura",
            "Yolo",
            "Yuba",
        ),
        start=1,
    )
)


def county_label(code: int | None) -> str:
    return COUNTIES.get(code or 0, "")


def county_code(name: str) -> int | None:
    """The county code for a name, ignoring case and spacing; None if unknown."""
    wanted = " ".join(name.split()).casefold()
    return next((code for code, label in COUNTIES.items() if label.casefold() == wanted), None)


# Submittal elements (SubmittalElementType, 1-10): (label, short code).
ELEMENTS: dict[int, tuple[str, str]] = {
    1: ("Facility Information", "FI"),
    2: ("Hazardous Materials Inventory", "HMI"),
    3: ("Emergency Response and Training Plans", "ERTP"),
    4: ("Underground Storage Tanks", "UST"),
    5: ("Onsite Hazardous Waste Treatment Notification (Tiered Permitting)", "TP"),
    6: ("Recyclable Materials Report", "RMR"),
    7: ("Remote Waste Consolidation Site Annual Notification", "RWC"),
    8: ("Hazardous Waste Tank Closure Certification", "HWTC"),
    9: ("Aboveground Petroleum Storage Act", "APSA"),
    10: ("California Accidental Release Program", "CalARP"),
}
FACILITY_INFORMATION = 1

# Element version statuses (SubmittalElementStatus, 1-7).
STATUSES: dict[int, str] = {
    1: "Draft",
    2: "Submitted",
    3: "Under Review",
    4: "Accepted",
    5: "Not Accepted",
    6: "Not Applicable",
    7: "Not Submitted",
}
DRAFT, SUBMITTED, UNDER_REVIEW, ACCEPTED, NOT_ACCEPTED, NOT_APPLICABLE = 1, 2, 3, 4, 5, 6

# Reporting requirement of an element for a facility (ReportingRequirement, 1-3).
NOT_REQUIRED, REQUIRED, ALWAYS_REQUIRED = 1, 2, 3


def element_label(code: int) -> str:
    return ELEMENTS.get(code, (f"Element {code}", ""))[0]


def status_label(code: int | None) -> str:
    return STATUSES.get(code or 7, "")
