"""Writing `edt_model` data as a RegulatorFacilitySubmittals document (CERS EDT schema
RegulatorFacilitySubmittal 1/10). Pure: no database. Element order comes from the schema."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from lxml import etree

from cers_app.reports import edt_schema
from cers_app.reports.edt_fill import add, fill
from cers_app.reports.edt_model import (
    ELEMENT_TAGS,
    SITE_TAGS,
    SLOT_TAGS,
    EdtDocument,
    EdtElement,
    EdtFacility,
    stable_key,
)
from cers_app.submittals import element_records, ust_facility_form, ust_records
from cers_app.submittals.element_forms import DATA_KEY

FS = "FacilitySubmittal"
HEADER = "SubmittalElementHeader"
PASS_THROUGH = "2"  # SubmittalType: EDT pass-through from a local portal
UNKNOWN = "Unknown"
CERTIFICATES = (
    "USTCertificationOfInstallationModifications",
    "USTCertificationOfInstallationModification",
)
Part = Callable[[etree._Element], None]


def when(moment: dt.datetime) -> str:
    """A timestamp as the schema's DateTime (UTC, whole seconds)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _header(parent: etree._Element, e: EdtElement) -> None:
    header = add(parent, HEADER)
    add(header, "SubmittalType", PASS_THROUGH)
    submitter = add(header, "Submitter")
    add(submitter, "SubmittedOn", when(e.submitted_on))
    add(submitter, "SubmitterFirstName", e.submitter_first or UNKNOWN)
    add(submitter, "SubmitterLastName", e.submitter_last or UNKNOWN)
    add(submitter, "SubmitterEmail", e.submitter_email)
    if e.submitter_comments:
        add(submitter, "SubmitterComments", e.submitter_comments)
    add(header, "RegulatorCode", e.regulator_code or "")
    add(header, "SubmittalElementRegulatorKey", e.version_key)
    if e.action is not None:
        action = add(header, "RegulatorSubmittalAction")
        add(action, "Status", e.action.status)
        add(action, "OccurredOn", when(e.action.occurred_on))
        add(action, "AgentName", e.action.agent_name)
        add(action, "AgentEmail", e.action.agent_email)
        if e.action.comments:
            add(action, "Comments", e.action.comments)
    if e.next_due_date is not None:
        add(header, "NextDueDate", e.next_due_date.isoformat())
    if e.requirement is not None:
        add(header, "ReportingRequirement", e.requirement)


def document(parent: etree._Element, tag: str, doc: EdtDocument) -> None:
    """One document slot's answer: the schema's choice of the six document sources."""
    node = add(parent, tag)
    if doc.source == 1:
        add(add(node, "Exempt"), "Comment", doc.exempt_reason)
    elif doc.source == 2:
        provided = doc.provided_on.isoformat() if doc.provided_on else ""
        add(add(node, "ProvidedToRegulator"), "DateProvided", provided)
    elif doc.source == 3:
        other = add(node, "ProvidedInOtherSubmittalElement")
        if doc.comment:
            add(other, "Comment", doc.comment)
        add(other, "SubmittalElementCode", doc.other_element or "")
    elif doc.source == 4:
        add(node, "PublicInternetUri", doc.url)
    elif doc.source == 5:
        attachments = add(node, "Attachments")
        for file in doc.files:
            attachment = add(attachments, "Attachment")
            add(attachment, "AttachmentFileName", file.name)
            add(attachment, "DocumentTitle", file.title)
            if file.description:
                add(attachment, "DocumentDescription", file.description)
            authored = file.authored or dt.date(1900, 1, 1)
            add(attachment, "DateAuthored", f"{authored.isoformat()}T00:00:00Z")
            add(attachment, "DocumentRegulatorKey", file.key)
    elif doc.source == 6:
        add(add(node, "StoredAtFacility"), "CERSID", doc.stored_at_cers_id or "")


def _element(fs: etree._Element, e: EdtElement, parts: Mapping[str, Part]) -> None:
    tag = ELEMENT_TAGS[e.element]
    node = add(fs, tag)
    slots = {name: slot for slot, name in SLOT_TAGS.get(e.element, {}).items()}
    for kid in edt_schema.children(FS, tag):
        if kid.name == HEADER:
            _header(node, e)
        elif kid.name in parts:
            parts[kid.name](node)
        elif kid.name in slots and slots[kid.name] in e.documents:
            document(node, kid.name, e.documents[slots[kid.name]])


def _form(e: EdtElement) -> dict[str, Any]:
    saved = e.data.get(DATA_KEY)
    return dict(saved) if isinstance(saved, Mapping) else {}


def _facility_information(e: EdtElement) -> dict[str, Part]:
    activities = dict(e.data.get("business_activities") or {})
    owner = dict(e.data.get("owner_operator") or {})
    values = {**activities, **{tag: activities.get(key, "") for key, tag in SITE_TAGS.items()}}
    values["BizActivitiesRegulatorKey"] = activities.get("regulator_key") or stable_key(
        e.version_key, "business_activities"
    )
    owner["OwnerOperatorRegulatorKey"] = owner.get("regulator_key") or stable_key(
        e.version_key, "owner_operator"
    )
    path = (FS, "FacilityInformation")
    return {
        "BusinessActivities": lambda p: fill(
            add(p, "BusinessActivities"), edt_schema.children(*path, "BusinessActivities"), values
        ),
        "OwnerOperatorInformation": lambda p: fill(
            add(p, "OwnerOperatorInformation"),
            edt_schema.children(*path, "OwnerOperatorInformation"),
            owner,
        ),
    }


def _chemicals(e: EdtElement) -> dict[str, Part]:
    kids = edt_schema.children(FS, "HazardousMaterialsInventory", "Chemicals", "Chemical")

    def chemicals(parent: etree._Element) -> None:
        node = add(parent, "Chemicals")
        for index, item in enumerate(e.items, start=1):
            key = stable_key(e.version_key, "chemical", index)
            fill(add(node, "Chemical"), kids, {**item, "ChemicalRegulatorKey": key})

    return {"Chemicals": chemicals}


def _records(e: EdtElement, kind: element_records.RecordKind) -> list[dict[str, dict[str, Any]]]:
    return [
        {part.name: dict(record.get(part.name) or {}) for part in kind.parts}
        for record in element_records.records_of(kind, e.data).values()
    ]


def _ust(e: EdtElement) -> dict[str, Part]:
    path = (FS, "UndergroundStorageTanks")
    facility = _form(e)
    if facility.get(ust_facility_form.BOE):
        facility[ust_facility_form.BOE] = ust_facility_form.boe_number(
            str(facility[ust_facility_form.BOE])
        )
    facility["USTFacilityInformationRegulatorKey"] = stable_key(e.version_key, "ust_facility")
    tank_kids = edt_schema.children(*path, "USTTanks", "USTTank")
    plan_kids = edt_schema.children(*path, "USTTanks", "USTTank", "MonitoringPlan")
    cert_kids = edt_schema.children(*path, *CERTIFICATES)

    def tanks(parent: etree._Element) -> None:
        node = add(parent, "USTTanks")
        for index, record in enumerate(_records(e, ust_records.TANKS), start=1):
            plan = {
                **record["monitoring"],
                "USTMonitoringPlanRegulatorKey": stable_key(e.version_key, "monitoring", index),
            }
            values = {
                **record["tank"],
                "USTTankRegulatorKey": stable_key(e.version_key, "tank", index),
            }

            def monitoring(tank: etree._Element, plan: dict = plan) -> None:
                fill(add(tank, "MonitoringPlan"), plan_kids, plan)

            fill(add(node, "USTTank"), tank_kids, values, {"MonitoringPlan": monitoring})

    def installations(parent: etree._Element) -> None:
        records = _records(e, ust_records.INSTALLATIONS)
        if not records:
            return
        node = add(parent, "USTCertificationOfInstallationModifications")
        for index, record in enumerate(records, start=1):
            values = {
                **record["installation"],
                "USTCertificationOfInstallationModificationRegulatorKey": stable_key(
                    e.version_key, "installation", index
                ),
            }
            fill(add(node, "USTCertificationOfInstallationModification"), cert_kids, values)

    return {
        "USTFacilityInformation": lambda p: fill(
            add(p, "USTFacilityInformation"),
            edt_schema.children(*path, "USTFacilityInformation"),
            facility,
        ),
        "USTTanks": tanks,
        "USTCertificationOfInstallationModifications": installations,
    }


def _apsa(e: EdtElement) -> dict[str, Part]:
    values = {**_form(e), "APSAFacilityInformationRegulatorKey": stable_key(e.version_key, "apsa")}
    kids = edt_schema.children(FS, "AbovegroundPetroleumStorageTanks", "APSAFacilityInformation")
    return {
        "APSAFacilityInformation": lambda p: fill(add(p, "APSAFacilityInformation"), kids, values)
    }


def _tank_closures(e: EdtElement) -> dict[str, Part]:
    def closures(parent: etree._Element) -> None:
        node = add(add(parent, "HWTankClosures"), "HWTankClosure")
        if 22 in e.documents:
            document(node, "Document", e.documents[22])

    return {"HWTankClosures": closures}


_PARTS: dict[int, Callable[[EdtElement], dict[str, Part]]] = {
    1: _facility_information,
    2: _chemicals,
    4: _ust,
    8: _tank_closures,
    9: _apsa,
}


def build(facility: EdtFacility) -> etree._Element:
    """The RegulatorFacilitySubmittals document of one facility's latest submittal."""
    namespace = edt_schema.NAMESPACES[edt_schema.SUBMITTAL]
    root = etree.Element(f"{{{namespace}}}{edt_schema.ROOT}", nsmap={"cers": namespace})
    fs = add(root, FS)
    add(fs, "CERSID", facility.cers_id)
    if facility.local_facility_id:
        add(fs, "FacilityID", facility.local_facility_id)
    if facility.regulator_key:
        add(fs, "FacilityRegulatorKey", facility.regulator_key)
    for number in sorted(facility.elements):
        e = facility.elements[number]
        parts = _PARTS.get(number)
        _element(fs, e, parts(e) if parts else {})
    return root


def to_bytes(root: etree._Element) -> bytes:
    """The document as UTF-8 XML with its declaration, indented for people."""
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
