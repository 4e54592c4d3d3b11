"""What a regulator may reach: the facilities and elements of their agencies' jurisdiction.

A CUPA's staff see every element of a facility when any of its elements is regulated by the
CUPA or by one of its participating agencies. A participating agency's staff see only the
elements assigned to their agency. What they may do with what they see depends on their role
(`Right`). Every regulator service loads its objects through this module, so an id arriving
from the browser is always re-scoped: anything outside the reach is "not found", never
"forbidden", so ids of other agencies' facilities leak nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, false, or_, select

from cers_app.agencies.rights import ROLE_RIGHTS as ROLE_RIGHTS
from cers_app.agencies.rights import Reach as Reach
from cers_app.agencies.rights import Right as Right
from cers_app.agencies.rights import reach_of as reach_of
from cers_app.agencies.rights import roles_of as roles_of
from cers_app.core.codes import DRAFT
from cers_app.core.errors import NotFound, PermissionDenied
from cers_app.core.permissions import Actor
from cers_app.core.sql_sets import member_of
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement, FacilityStatus
from cers_app.facilities.service import is_id

FACILITY_NOT_FOUND = "That facility was not found in your agency's jurisdiction."
SUBMITTAL_NOT_FOUND = "That submittal was not found in your agency's jurisdiction."


def _facilities_of(agencies: frozenset[int]) -> sa.Select:
    """The ids of the facilities with an element regulated by one of `agencies`."""
    return select(FacilityElement.facility_id).where(
        col(FacilityElement.agency_id).in_(sorted(agencies))
    )


def facility_clause(reach: Reach) -> ColumnElement[bool]:
    """A WHERE clause on `Facility` (or any `facility_id` column's table) for the reach."""
    if reach.empty:
        return false()
    return col(Facility.id).in_(_facilities_of(reach.agencies))


def facilities_first(reach: Reach) -> ColumnElement[bool]:
    """`facility_clause` written so that the database starts from the reach's facilities
    (core.sql_sets): for a page over a whole reach, where the reach is a small part of the
    state. Not for a filter on a few rows found otherwise: there a plain IN is cheaper."""
    if reach.empty:
        return false()
    return member_of(Facility.id, _facilities_of(reach.agencies))


def element_clause(reach: Reach) -> ColumnElement[bool]:
    """A WHERE clause on `FacilityElement` rows: the element slots the reach sees."""
    return _either(
        reach,
        col(FacilityElement.facility_id).in_(_facilities_of(reach.whole)),
        col(FacilityElement.agency_id).in_(sorted(reach.elements)),
    )


def version_clause(reach: Reach, facilities: sa.Select | None = None) -> ColumnElement[bool]:
    """A WHERE clause on `ElementVersion` rows: submitted versions the reach sees.

    A participating agency sees the versions submitted to it (`ElementVersion.agency_id`).
    Drafts are never seen by a regulator. `facilities` (a select of `Facility.id`) narrows
    the versions to those facilities' and makes the database start from the reach's
    facilities among them (`facilities_first`), as a page over a whole reach wants.
    """
    if facilities is None:
        whole = col(ElementVersion.facility_id).in_(_facilities_of(reach.whole))
        elements = col(ElementVersion.agency_id).in_(sorted(reach.elements))
    else:
        reached = facilities.where(member_of(Facility.id, _facilities_of(reach.whole)))
        whole = member_of(ElementVersion.facility_id, reached)
        elements = col(ElementVersion.agency_id).in_(sorted(reach.elements)) & col(
            ElementVersion.facility_id
        ).in_(facilities)
    return (col(ElementVersion.status) != DRAFT) & _either(reach, whole, elements)


def _either(
    reach: Reach, whole: ColumnElement[bool], elements: ColumnElement[bool]
) -> ColumnElement[bool]:
    """`whole` for the reach's whole-facility agencies, or `elements` for its element-only
    ones; a side with no agencies is left out (an OR with an empty side keeps the database
    from using either side's index)."""
    parts = ([whole] if reach.whole else []) + ([elements] if reach.elements else [])
    if not parts:
        return false()
    return parts[0] if len(parts) == 1 else or_(*parts)


def sees_element(reach: Reach, facility_agencies: set[int | None], agency_id: int | None) -> bool:
    """Whether the reach sees an element regulated by `agency_id` of a facility whose
    elements are regulated by `facility_agencies`."""
    if facility_agencies & reach.whole:
        return True
    return agency_id is not None and agency_id in reach.elements


def load_facility(session: Session, actor: Actor, facility_id: object, right: Right) -> Facility:
    """The active facility `facility_id` if the actor reaches it with `right`.

    NotFound when the id is not a facility the actor's agencies regulate at all;
    PermissionDenied when they see it but the role lacks `right`.
    """
    if not is_id(facility_id):
        raise NotFound(FACILITY_NOT_FOUND)
    facility = session.get(Facility, facility_id)
    if facility is None or facility.status != FacilityStatus.ACTIVE:
        raise NotFound(FACILITY_NOT_FOUND)
    if _facility_seen(session, reach_of(session, actor, right), facility_id):
        return facility
    if right is not Right.VIEW and _facility_seen(
        session, reach_of(session, actor, Right.VIEW), facility_id
    ):
        raise PermissionDenied(_refusal(right))
    raise NotFound(FACILITY_NOT_FOUND)


def load_version(
    session: Session, actor: Actor, version_id: object, right: Right
) -> ElementVersion:
    """The submitted element version `version_id` if the actor reaches it with `right`
    (NotFound / PermissionDenied as `load_facility`)."""
    if not is_id(version_id):
        raise NotFound(SUBMITTAL_NOT_FOUND)
    version = session.get(ElementVersion, version_id)
    if version is None or version.status == DRAFT:
        raise NotFound(SUBMITTAL_NOT_FOUND)
    if _version_seen(session, reach_of(session, actor, right), version):
        return version
    if right is not Right.VIEW and _version_seen(
        session, reach_of(session, actor, Right.VIEW), version
    ):
        raise PermissionDenied(_refusal(right))
    raise NotFound(SUBMITTAL_NOT_FOUND)


def visible_elements(session: Session, actor: Actor, facility_id: int, right: Right) -> set[int]:
    """The element numbers of `facility_id` the actor reaches with `right`."""
    reach = reach_of(session, actor, right)
    rows = session.exec(
        select(FacilityElement.element).where(
            FacilityElement.facility_id == facility_id, element_clause(reach)
        )
    ).all()
    return set(rows)


def _facility_seen(session: Session, reach: Reach, facility_id: object) -> bool:
    if reach.empty:
        return False
    found = session.exec(
        select(FacilityElement.id).where(
            FacilityElement.facility_id == facility_id,
            col(FacilityElement.agency_id).in_(sorted(reach.agencies)),
        )
    ).first()
    return found is not None


def _version_seen(session: Session, reach: Reach, version: ElementVersion) -> bool:
    if reach.empty:
        return False
    if version.agency_id is not None and version.agency_id in reach.elements:
        return True
    if not reach.whole:
        return False
    found = session.exec(
        select(FacilityElement.id).where(
            FacilityElement.facility_id == version.facility_id,
            col(FacilityElement.agency_id).in_(sorted(reach.whole)),
        )
    ).first()
    return found is not None


def _refusal(right: Right) -> str:
    return {
        Right.REVIEW: "Only a Reviewer or Agency Admin can act on submittals.",
        Right.MANAGE: "Only a Reviewer or Agency Admin can change reporting requirements.",
        Right.REQUESTS: "Only a Request Handler or Agency Admin can decide or start requests.",
        Right.ADMIN: "Only an Agency Admin can do this.",
        Right.RESPOND: "Only an Emergency Responder can open the responder view.",
    }.get(right, "Your agency role does not allow this.")


def reaches_version(session: Session, actor: Actor, version: ElementVersion, right: Right) -> bool:
    """Whether the actor holds `right` over an already loaded submitted version (to show or
    hide what a page offers; services still load through `load_version`)."""
    if version.status == DRAFT:
        return False
    return _version_seen(session, reach_of(session, actor, right), version)
