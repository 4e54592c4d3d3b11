"""What an EDT document carries, as plain data: the export reads it out of the database
(`edt_gather`), the builder writes it as XML (`edt_build`), the importer reads it back
(`edt_parse`). No database, no XML here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Where an imported version keeps what the EDT document says about people and agencies we
# may not have accounts for (the submitter, the regulator's agent, the regulator code).
EDT_KEY = "edt"
# Element number -> the FacilitySubmittal child element holding it.
ELEMENT_TAGS: dict[int, str] = {
    1: "FacilityInformation",
    2: "HazardousMaterialsInventory",
    3: "EmergencyResponseTrainingPlans",
    4: "UndergroundStorageTanks",
    6: "RecyclableMaterialsReport",
    8: "HWTankClosureCertification",
    9: "AbovegroundPetroleumStorageTanks",
}
# Document slot (CERS resource type) -> its element in the schema, per element.
SLOT_TAGS: dict[int, dict[int, str]] = {
    1: {
        23: "FacilityInformationLocallyCollectedDocuments",
        51: "FacilityInformationMiscellaneousStateRequiredDocuments",
    },
    2: {
        5: "SiteMapDocuments",
        35: "HMILocallyCollectedDocuments",
        52: "HMIMiscellaneousStateRequiredDocuments",
    },
    3: {
        6: "EmergencyResponseContingencyPlanDocument",
        7: "EmployeeTrainingPlanDocument",
        36: "ERTrainingPlanLocallyCollectedDocuments",
        53: "ERTrainingPlanMiscellaneousStateRequiredDocuments",
    },
    4: {
        29: "USTCertificationOfFinancialResponsibilityDocuments",
        28: "USTMonitoringSitePlanDocuments",
        30: "USTResponsePlanDocuments",
        31: "USTWrittenAgreementOwnerOperatorDocuments",
        32: "USTLetterFromCFODocuments",
        33: "USTStatementOfDesignatedOperatorUnderstandingOfComplianceDocuments",
        37: "USTLocallyCollectedDocuments",
        54: "USTMiscellaneousStateRequiredDocuments",
    },
    6: {
        48: "RMRDocument",
        39: "RMRLocallyCollectedDocuments",
        56: "RMRMiscellaneousStateRequiredDocuments",
    },
    8: {
        22: "Document",  # inside HWTankClosures/HWTankClosure
        41: "HWTankClosureLocallyCollectedDocuments",
        58: "HWTankClosureMiscellaneousStateRequiredDocuments",
    },
    9: {
        49: "APSADocument",
        42: "APSALocallyCollectedDocuments",
        59: "APSAMiscellaneousStateRequiredDocuments",
    },
}
# Facility Information site keys (as the draft keeps them) -> Business Activities tags.
SITE_TAGS = {
    "name": "BusinessName",
    "street": "SiteAddress",
    "supplemental": "SiteAddressSupplemental",
    "city": "City",
    "zip_code": "ZipCode",
    "county": "CountyID",
    "epa_id": "EPAID",
}
_KEYS = uuid.UUID("6d1f3c1e-7a52-4f0e-9b8e-2f4b8f1c0e11")


def stable_key(*parts: object) -> str:
    """A GUID derived from `parts`: the same record always gets the same regulator key."""
    return str(uuid.uuid5(_KEYS, "/".join(str(p) for p in parts)))


@dataclass
class EdtFile:
    """One uploaded file of a document slot."""

    name: str  # AttachmentFileName: its name inside the ZIP
    title: str
    description: str
    authored: dt.date | None
    key: str  # DocumentRegulatorKey
    path: Path | None = None  # where its bytes are (export); None when not at hand


@dataclass
class EdtDocument:
    """A document slot's answer (document_models.ElementDocument, as data)."""

    slot: int
    source: int
    exempt_reason: str = ""
    provided_on: dt.date | None = None
    other_element: int | None = None
    comment: str = ""
    url: str = ""
    stored_at_cers_id: int | None = None
    files: list[EdtFile] = field(default_factory=list)


@dataclass
class EdtAction:
    """The regulator's last action on a version (status 3-6)."""

    status: int
    occurred_on: dt.datetime
    agent_name: str
    agent_email: str
    comments: str = ""


@dataclass
class EdtElement:
    """One submitted version of one element."""

    element: int
    version_key: str  # SubmittalElementRegulatorKey
    status: int
    regulator_code: int | None
    submitted_on: dt.datetime
    submitter_first: str = ""
    submitter_last: str = ""
    submitter_email: str = ""
    submitter_comments: str = ""
    action: EdtAction | None = None
    next_due_date: dt.date | None = None
    requirement: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    # Our own version's id when gathered from this database (None when parsed from a file).
    version_id: int | None = None
    documents: dict[int, EdtDocument] = field(default_factory=dict)
    items: list[dict[str, str]] = field(default_factory=list)  # inventory rows


@dataclass
class EdtFacility:
    """One facility's latest submittal."""

    cers_id: int
    local_facility_id: str = ""
    regulator_key: str = ""
    organization_code: int | None = None  # query format only
    organization_name: str = ""
    elements: dict[int, EdtElement] = field(default_factory=dict)
