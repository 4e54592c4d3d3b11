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
