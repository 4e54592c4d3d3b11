"""Facilities for the EDT tests (a helper module: it holds no tests).

`full_facility` writes, straight into the database, a facility whose latest submittal has
every element the schema carries with every field our model holds filled in: Facility
Information, an inventory with every Chemical field, plans, a UST element with a tank (every
monitoring method chosen) and an installation certification, and APSA.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

import pytest
from sqlmodel import select

from cers_app.core import clock, db, storage
from cers_app.facilities import business_activities, owner_operator
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement
from cers_app.inventory import fields as inventory_fields
from cers_app.inventory import findings
from cers_app.inventory.models import InventoryItem
from cers_app.submittals import (
    apsa,
    ust_facility_form,
    ust_installation_form,
    ust_monitoring_form,
    ust_tank_form,
)
from cers_app.submittals.document_models import ElementDocument, ElementDocumentFile
from cers_app.submittals.element_forms import CHOICE, DATE, DECIMAL, TEXT, WHOLE, YESNO, FormDef
from tests import audit_hook
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world

SUBMITTED_ON = dt.datetime(2025, 2, 3, 16, 30, 5, tzinfo=dt.UTC)
REVIEWED_ON = dt.datetime(2025, 2, 10, 9, 0, 0, tzinfo=dt.UTC)
ROWS = 3


@pytest.fixture
def world(database) -> acme_world.World:
    return acme_world.build()


@pytest.fixture
def county(database) -> yolo.County:
    return yolo.build()


def form_values(form: FormDef) -> dict[str, str]:
    """Every field of a form filled with a value its checks accept."""
    values: dict[str, str] = {}
    for field in form.fields:
        if field.kind == YESNO:
            values[field.key] = "Y"
        elif field.kind == DATE:
            values[field.key] = "2024-01-15"
        elif field.kind in (WHOLE, DECIMAL):
            low = field.minimum if field.minimum is not None else Decimal(1)
            values[field.key] = str(max(low, Decimal(1)))
        elif field.kind == CHOICE:
            values[field.key] = field.choices[0][0]
        elif field.kind == TEXT:
            values[field.key] = "Text"[: field.max_length or 4]
    return values


def inventory_row(n: int) -> dict[str, str]:
    """An inventory row with every field our model holds filled in."""
    row: dict[str, str] = {}
    for field in inventory_fields.FIELDS:
        if field.kind in ("yesno", "flag"):
            row[field.tag] = "Y"
        elif field.kind == "code":
            row[field.tag] = field.codes[0][0]
        elif field.kind == "decimal":
            row[field.tag] = "12.5" if field.decimals else "100"
        elif field.kind == "integer":
            row[field.tag] = "7"
        else:
            row[field.tag] = f"T{n}"[: field.max_length or 10]
    row["CommonName"] = f"Material {n}"
    row["CASNumber"] = "7664-93-9"
    for c in range(1, 6):
        row[f"HC{c}PercentByWeight"] = "10.5"
        row[f"HC{c}CAS"] = "7664-93-9"
    row["CCLID"] = "1234"
    row["DaysOnSite"] = "365"
    row["StateWasteCode"] = "131"
    return row


def owner_values() -> dict[str, str]:
    """The Owner/Operator form with every field filled in."""
    values = {}
    for key, field in owner_operator.FIELDS.items():
        values[key] = {
            "phone": "(530) 555-0100",
            "email": "ehs@acme.example",
            "state": "CA",
            "zip": "95616",
            "country": "United States",
            "date": "2024-01-01",
        }.get(field.kind, "")
        if field.kind == "digits":
            values[key] = "1" * field.digits[1]
        elif field.kind == "text":
            values[key] = "Acme Value"[: field.max_length]
    values["Fax"] = "530-555-0101"
    values["EndingDate"] = "2024-12-31"
    return values


def _version(session, facility: Facility, element: int, data: dict, status: int) -> ElementVersion:
    slot = session.exec(
        select(FacilityElement).where(
            FacilityElement.facility_id == facility.id, FacilityElement.element == element
        )
    ).one()
    version = ElementVersion(
        facility_id=facility.id,
        element=element,
        status=status,
        regulator_key=str(__import__("uuid").uuid4()),
        organization_id=facility.organization_id,
        agency_id=slot.agency_id,
        data=data,
        created_at=SUBMITTED_ON,
        updated_at=SUBMITTED_ON,
        submitted_at=SUBMITTED_ON,
        submitted_by_user_id=facility.created_by_user_id,
        submitted_comments="Annual update.",
    )
    if status >= 3:
        version.reviewed_at = REVIEWED_ON
        version.reviewed_by_user_id = facility.created_by_user_id
        version.review_comments = "Reviewed for completeness."
    session.add(version)
    session.flush()
    slot.last_submitted_version_id = version.id
    slot.requirement = 2 if element != 1 else slot.requirement
    slot.next_due_date = dt.date(2026, 3, 1)
    if slot.draft_version_id is not None and element == 1:
        slot.draft_version_id = None
    session.add(slot)
    return version


def _document(session, version: ElementVersion, slot: int, source: int, **extra) -> None:
    session.add(
        ElementDocument(
            facility_id=version.facility_id,
            element_version_id=version.id,
            slot=slot,
            source=source,
            created_at=SUBMITTED_ON,
            updated_at=SUBMITTED_ON,
            **extra,
        )
    )


def _fi_data(facility: Facility) -> dict:
    answers = {key: "Y" for key in business_activities.QUESTION_KEYS}
    site = {
        "name": facility.name,
        "street": facility.street,
        "supplemental": "Bldg 2",
        "city": facility.city,
        "zip_code": facility.zip_code,
        "county": facility.county,
        "epa_id": "CAL000123456",
    }
    return {
        "business_activities": {**answers, "Comments": "All activities.", **site},
        "owner_operator": owner_values(),
    }


def _ust_data() -> dict:
    facility = form_values(ust_facility_form.FORM)
    facility[ust_facility_form.BOE] = "44-012345"
    tank = form_values(ust_tank_form.FORM)
    tank[ust_tank_form.TANK_ID] = "T-1"
    monitoring = form_values(ust_monitoring_form.FORM)
    installation = form_values(ust_installation_form.FORM)
    return {
        "form": facility,
        "records": {
            "tank": {"1": {"tank": tank, "monitoring": monitoring}},
            "installation": {"1": {"installation": installation}},
        },
        "record_next_key": 3,
    }


def full_facility(
    lena: acme_world.Person, organization_id: int, rows: int = ROWS, **site: str
) -> int:
    """A facility (Davis, Yolo CUPA, unless `site` says otherwise) whose latest submittal
    fills every field we hold."""
    site.setdefault("local_facility_id", "YOLO-0001")
    facility_id = yolo.add_facility(lena, organization_id, **site)

    def write(session):
        with db.transaction(session):
            facility = session.get(Facility, facility_id)
            fi_draft = session.exec(
                select(FacilityElement).where(
                    FacilityElement.facility_id == facility_id, FacilityElement.element == 1
                )
            ).one()
            draft = session.get(ElementVersion, fi_draft.draft_version_id)
            fi = _version(session, facility, 1, _fi_data(facility), 4)
            fi.data["business_activities"]["regulator_key"] = draft.data["business_activities"][
                "regulator_key"
            ]
            hmi = _version(session, facility, 2, {}, 2)
            for n in range(1, rows + 1):
                item = InventoryItem(
                    facility_id=facility_id,
                    element_version_id=hmi.id,
                    created_at=SUBMITTED_ON,
                    updated_at=SUBMITTED_ON,
                )
                findings.sync_columns(item, inventory_row(n))
                session.add(item)
            _document(session, hmi, 5, 6, stored_at_cers_id=facility.cers_id)
            _document(session, hmi, 35, 1, exempt_reason="Not asked by this agency.")
            ertp = _version(session, facility, 3, {}, 5)
            _document(session, ertp, 6, 4, url="https://acme.example/plans/emergency.pdf")
            _document(session, ertp, 7, 2, provided_on=dt.date(2025, 1, 20))
            _document(session, ertp, 36, 3, other_element=2, comment="See the inventory.")
            ust = _version(session, facility, 4, _ust_data(), 3)
            _document(session, ust, 29, 6, stored_at_cers_id=facility.cers_id)
            apsa_version = _version(session, facility, 9, {"form": apsa_values()}, 6)
            _document(session, apsa_version, 49, 6, stored_at_cers_id=facility.cers_id)

    with audit_hook.exempt("test factory writes a whole submittal directly"):
        db.run(write)
    return facility_id


def apsa_values() -> dict[str, str]:
    values = form_values(apsa.FORM)
    values[apsa.EXEMPT] = "N"
    values[apsa.CAPACITY] = "12000"
    return values


def version_ids(submittal_id: int) -> list[int]:
    """The versions one Submit press carried, by element."""
    return db.run(
        lambda s: list(
            s.exec(
                select(ElementVersion.id)
                .where(ElementVersion.submittal_id == submittal_id)
                .order_by(ElementVersion.element)
            )
        )
    )


def cers_id_of(facility_id: int) -> int:
    return yolo.facility(facility_id).cers_id


def new_key() -> str:
    return secrets.token_urlsafe(12)


def frozen() -> None:
    clock.set_now(dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC))


def break_site_map(facility_id: int) -> None:
    """Remove the submitted inventory's site map answer (the schema requires one)."""

    def change(session):
        with db.transaction(session):
            slot = session.exec(
                select(FacilityElement).where(
                    FacilityElement.facility_id == facility_id, FacilityElement.element == 2
                )
            ).one()
            for doc in session.exec(
                select(ElementDocument).where(
                    ElementDocument.element_version_id == slot.last_submitted_version_id,
                    ElementDocument.slot == 5,
                )
            ):
                session.delete(doc)

    with audit_hook.exempt("test factory edits the submitted documents directly"):
        db.run(change)


def attach_upload(facility_id: int, owner_user_id: int, folder, name: str, content: bytes) -> None:
    """An uploaded file as the submitted Facility Information's locally required document."""
    source = folder / "upload.bin"
    source.write_bytes(content)
    stored = db.run(storage.store_path, owner_user_id, name, source)

    def change(session):
        with db.transaction(session):
            slot = session.exec(
                select(FacilityElement).where(
                    FacilityElement.facility_id == facility_id, FacilityElement.element == 1
                )
            ).one()
            version = session.get(ElementVersion, slot.last_submitted_version_id)
            _document(session, version, 23, 5)
            session.flush()
            doc = session.exec(
                select(ElementDocument).where(
                    ElementDocument.element_version_id == version.id, ElementDocument.slot == 23
                )
            ).one()
            session.add(
                ElementDocumentFile(
                    document_id=doc.id,
                    element_version_id=version.id,
                    stored_file_id=stored.id,
                    title="Local permit",
                    description="The county's permit form.",
                    date_authored=dt.date(2025, 1, 5),
                    original_name=name,
                    kind=stored.kind,
                    size=stored.size,
                    sha256=stored.sha256,
                    created_at=SUBMITTED_ON,
                )
            )

    with audit_hook.exempt("test factory edits the submitted documents directly"):
        db.run(change)
