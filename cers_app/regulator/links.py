"""Addresses of the Regulator Portal's pages about one thing (a facility, a business, a
submitted element version), as the state puts them in view rows."""

from __future__ import annotations

from cers_app.core import routes


def facility_url(facility_id: int | str) -> str:
    """The regulator's summary page of one facility."""
    return routes.with_query(routes.REGULATOR_FACILITY, id=str(facility_id))


def business_url(organization_id: int | str) -> str:
    """The regulator's page of one business."""
    return routes.with_query(routes.REGULATOR_BUSINESS, id=str(organization_id))


def submittal_url(version_id: int | str) -> str:
    """The regulator's page of one submitted element version."""
    return routes.with_query(routes.REGULATOR_SUBMITTAL, id=str(version_id))
