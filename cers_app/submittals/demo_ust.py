"""The demo's Underground Storage Tanks draft: a fuel yard's operating-permit facility form,
two tanks with their monitoring plans and the certification of financial responsibility,
complete and ready to submit with Facility Information."""

from __future__ import annotations

from cers_app.core import db
from cers_app.core.permissions import Actor
from cers_app.facilities import service as facility_service
from cers_app.submittals import (
    documents,
    drafts,
    element_form_service,
    element_record_service,
    ust_records,
)

UST = 4
FINANCIAL_RESPONSIBILITY = 29
STORED_AT_FACILITY = "6"

FACILITY_FORM = {
    "TypeOfAction": "5",  # confirmed/updated information
    "FacilityType": "2",  # fuel distribution
    "IndianOrTrustLand": "N",
    "POName": "Valley Fuel Depot",
    "POPhone": "530-555-0140",
    "POMailingAddress": "400 County Road 98",
    "POCity": "Woodland",
    "POState": "CA",
    "POZipCode": "95776",
    "TOwnerName": "Valley Fuel Depot",
    "TOwnerPhone": "530-555-0140",
    "TOwnerMailingAddress": "400 County Road 98",
    "TOwnerCity": "Woodland",
    "TOwnerState": "CA",
    "TOwnerZipCode": "95776",
    "TOwnerType": "8",  # non-government
    "BOENumber": "44-012345",
    "FRCodeInsurance": "Y",
    "PermitHolderInfo": "3",  # tank owner
    "TankOperatorName": "Valley Fuel Depot",
    "TankOperatorPhone": "530-555-0140",
    "TankOperatorMailingAddress": "400 County Road 98",
    "TankOperatorCity": "Woodland",
    "TankOperatorState": "CA",
    "TankOperatorZipCode": "95776",
}

_TANK = {
    "TypeOfAction": "5",  # confirmed/updated information
    "TankManufacturer": "Xerxes",
    "TankConfiguration": "1",  # stand-alone
    "USTSystemInstalledDate": "2012-06-01",
    "NumberOfCompartments": "1",
    "TankUse": "1a",  # motor vehicle fueling
    "TypeOfTank": "02",  # double wall
    "TankPCConstruction": "03",  # fiberglass
    "TankSCConstruction": "03",
    "SpillBucketInstalled": "Y",
    "OPAVAlarms": "Y",
    "PipingSystemType": "01",  # pressure
    "PipingConstruction": "2",  # double-walled
    "UDCConstructionType": "02",  # double-walled
}
TANKS = (
    {**_TANK, "TankIDNumber": "T-1", "TankCapacityInGallons": "12000", "TankContents": "1a"},
    {**_TANK, "TankIDNumber": "T-2", "TankCapacityInGallons": "8000", "TankContents": "03"},
)
MONITORING_PLAN = {
    "MonitoringEquipmentServiced": "01",  # annually
    "SitePlotPlanSubmitted": "2",  # previously submitted
    "ContinuousElectronicTankMonitoring": "Y",
    "TankSecondaryContainmentSystem": "01",  # dry
    "PipeContinuousMonitoring": "Y",
    "PipingSecondaryContainment": "01",  # dry
    "UDCMonitoring": "1",  # continuous
    "AlarmLogs": "Y",
    "EquipmentMaintenanceCalibrationRecords": "Y",
    "DesignatedOperatorTraining": "Y",
    "FirstNameResponsibility": "Victor Alvarez",
    "FirstTitleResponsibility": "Yard Manager",
}


def seed_ust_draft(actor: Actor, facility_id: int, cers_id: int) -> None:
    """The fuel yard's UST draft, complete (once: an existing draft or submittal is left as
    it is)."""
    slot = db.run(facility_service.element_slot, facility_id, UST)
    if slot.draft_version_id is not None or slot.last_submitted_version_id is not None:
        return
    draft_id = db.run(drafts.start_element, actor, facility_id, UST, drafts.BLANK)
    form = db.run(element_form_service.element_form, actor, facility_id, UST)
    view, errors = db.run(
        element_form_service.save_element_form,
        actor,
        facility_id,
        UST,
        FACILITY_FORM,
        form.version,
    )
    assert not errors, errors
    version = view.version
    monitoring = ust_records.TANKS.parts[1].name
    for values in TANKS:
        record, errors = db.run(
            element_record_service.add_record,
            actor,
            facility_id,
            UST,
            ust_records.TANKS.name,
            values,
            version,
        )
        assert not errors, errors
        record, errors = db.run(
            element_record_service.save_record_part,
            actor,
            facility_id,
            UST,
            ust_records.TANKS.name,
            record.key,
            monitoring,
            MONITORING_PLAN,
            record.version,
        )
        assert not errors, errors
        version = record.version
    db.run(
        documents.set_source,
        actor,
        facility_id,
        draft_id,
        FINANCIAL_RESPONSIBILITY,
        {"source": STORED_AT_FACILITY, "stored_at_cers_id": str(cers_id)},
    )
