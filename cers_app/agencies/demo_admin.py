"""Demo data of Agency administration: the demo CUPA's local requirements for the Hazardous
Materials Inventory and two public contacts. Adds only what is missing (idempotent)."""

from __future__ import annotations

from sqlmodel import Session, select

from cers_app.agencies.models import Agency, AgencyContact, AgencyElementSetting
from cers_app.core import audit, clock, db
from cers_app.core.audit import AuditEventType
from cers_app.core.db import transaction

HMI = 2
HMI_REQUIREMENTS = (
    "Demo County asks every facility reporting hazardous materials to keep a copy of its "
    "inventory and site map in a red box near the main entrance, and to list the 24-hour "
    "emergency contact on each inventory row's location. Questions: (530) 555-0110."
)
CONTACTS = (
    {
        "name": "Marcus Lee",
        "title": "Supervising Hazardous Materials Specialist",
        "phone": "(530) 555-0112",
        "email": "marcus.lee@demo-county.example.org",
    },
    {
        "name": "Priya Shah",
        "title": "CUPA Program Coordinator",
        "phone": "(530) 555-0113",
        "email": "priya.shah@demo-county.example.org",
    },
)


def _seed(session: Session, code: int) -> None:
    with transaction(session):
        agency = session.exec(select(Agency).where(Agency.code == code)).first()
        if agency is None or agency.id is None:
            return
        setting = session.exec(
            select(AgencyElementSetting).where(
                AgencyElementSetting.agency_id == agency.id, AgencyElementSetting.element == HMI
            )
        ).first()
        if setting is None:
            session.add(
                AgencyElementSetting(
                    agency_id=agency.id,
                    element=HMI,
                    local_requirements=HMI_REQUIREMENTS,
                    updated_at=clock.now(),
                )
            )
            audit.record(
                session,
                actor_user_id=None,
                event=AuditEventType.AGENCY_ELEMENT_SETTING_CHANGED,
                subject_type="agency",
                subject_id=agency.id,
                agency_id=agency.id,
                after={"element": HMI, "local_requirements": HMI_REQUIREMENTS},
            )
        names = set(
            session.exec(
                select(AgencyContact.name).where(AgencyContact.agency_id == agency.id)
            ).all()
        )
        for contact in CONTACTS:
            if contact["name"] in names:
                continue
            row = AgencyContact(agency_id=agency.id, public=True, **contact)
            session.add(row)
            session.flush()
            audit.record(
                session,
                actor_user_id=None,
                event=AuditEventType.AGENCY_CONTACT_ADDED,
                subject_type="agency_contact",
                subject_id=row.id or 0,
                agency_id=agency.id,
                after={"agency_id": agency.id, **contact, "public": True},
            )


def seed(code: int) -> None:
    """Give the agency with regulator code `code` the demo's local requirements and contacts."""
    db.run(_seed, code)
