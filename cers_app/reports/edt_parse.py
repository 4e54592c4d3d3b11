"""Reading CERS EDT documents into `edt_model` data: what CUPAs download from CERS
(RegulatorFacilitySubmittalQuery: many facilities, CERSUniqueKey, statuses 2-6) and our own
export (RegulatorFacilitySubmittal). Pure: no database. Documents are checked against their
official schema first; values are kept only for the fields our forms hold."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from lxml import etree

from cers_app.core.errors import ValidationFailed
from cers_app.facilities import business_activities, owner_operator
from cers_app.inventory import fields as inventory_fields
from cers_app.reports import edt_schema
from cers_app.reports.edt_fill import flatten
from cers_app.reports.edt_model import (
    EDT_KEY,
    ELEMENT_TAGS,
    SITE_TAGS,
    SLOT_TAGS,
    EdtAction,
    EdtDocument,
    EdtElement,
    EdtFacility,
    EdtFile,
)
from cers_app.reports.edt_schema import QUERY
from cers_app.submittals import apsa, ust_facility_form, ust_records
from cers_app.submittals.element_forms import DATA_KEY, FormDef
from cers_app.submittals.element_records import NEXT_KEY, RECORDS

FS = "FacilitySubmittal"
SUBMITTED = 2
# Where the query download keeps a slot's document when it differs from our export: inside
# list wrappers (the first document of the list is taken).
QUERY_SLOT_PATHS = {
    5: "SiteMaps/SiteMap/SiteMapDocument",
    6: "EmergencyResponseContingencyPlans/EmergencyResponseContingencyPlan/"
    "EmergencyResponseContingencyPlanDocument",
    7: "EmployeeTrainingPlans/EmployeeTrainingPlan/EmployeeTrainingPlanDocument",
    29: "USTCertificationOfFinancialResponsibilityDocuments/"
    "USTCertificationOfFinancialResponsibilityDocument",
    28: "USTMonitoringSitePlanDocuments/USTMonitoringSitePlanDocument",
    30: "USTResponsePlanDocuments/USTResponsePlanDocument",
    31: "USTWrittenAgreementOwnerOperatorDocuments/USTWrittenAgreementOwnerOperatorDocument",
    32: "USTLetterFromCFODocuments/USTLetterFromCFODocument",
    33: "USTStatementOfDesignatedOperatorUnderstandingOfComplianceDocuments/"
    "USTStatementOfDesignatedOperatorUnderstandingOfComplianceDocument",
}
_SOURCES = {
    "Exempt": 1,
    "ProvidedToRegulator": 2,
    "ProvidedInOtherSubmittalElement": 3,
    "PublicInternetUri": 4,
    "Attachments": 5,
    "StoredAtFacility": 6,
}


def _text(node: etree._Element | None, path: str) -> str:
    found = node.find(path) if node is not None else None
    return (found.text or "").strip() if found is not None else ""


def _int(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def moment(text: str) -> dt.datetime | None:
    """An xs:dateTime as an aware UTC datetime (UTC assumed without a zone), whole seconds."""
    if not text:
        return None
    parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).replace(microsecond=0)


def day(text: str) -> dt.date | None:
    """An xs:date (or the date part of an xs:dateTime)."""
    return dt.date.fromisoformat(text[:10]) if text else None


def _kept(values: dict[str, str], keys: Iterable[str]) -> dict[str, str]:
    wanted = set(keys)
    return {k: v for k, v in values.items() if k in wanted and v != ""}


def _form(values: dict[str, str], form: FormDef) -> dict[str, str]:
    return _kept(values, (f.key for f in form.fields))


def _document(node: etree._Element) -> EdtDocument:
    choice = next((c for c in node if isinstance(c.tag, str)), None)
    source = _SOURCES.get(choice.tag if choice is not None else "", 0)
    doc = EdtDocument(slot=0, source=source)
    if source == 1:
        doc.exempt_reason = _text(choice, "Comment")
    elif source == 2:
        doc.provided_on = day(_text(choice, "DateProvided"))
    elif source == 3:
        doc.comment = _text(choice, "Comment")
        doc.other_element = _int(_text(choice, "SubmittalElementCode"))
    elif source == 4:
        doc.url = (choice.text or "").strip()
    elif source == 5:
        for attachment in choice.findall("Attachment"):
            doc.files.append(
                EdtFile(
                    name=_text(attachment, "AttachmentFileName"),
                    title=_text(attachment, "DocumentTitle"),
                    description=_text(attachment, "DocumentDescription"),
                    authored=day(_text(attachment, "DateAuthored")),
                    key=_text(attachment, "DocumentRegulatorKey"),
                )
            )
    elif source == 6:
        doc.stored_at_cers_id = _int(_text(choice, "CERSID"))
    return doc


def _documents(element: int, node: etree._Element, schema: str) -> dict[int, EdtDocument]:
    found = {}
    for slot, tag in SLOT_TAGS.get(element, {}).items():
        where = "HWTankClosures/HWTankClosure/Document" if element == 8 and slot == 22 else tag
        if schema == QUERY:
            where = QUERY_SLOT_PATHS.get(slot, where)
        doc_node = node.find(where)
        if doc_node is not None:
            found[slot] = _document(doc_node)
            found[slot].slot = slot
    return found


def _facility_information(node: etree._Element, schema: str) -> dict:
    path = (FS, "FacilityInformation")
    activities = flatten(
        node.find("BusinessActivities"),
        edt_schema.children(*path, "BusinessActivities", name=schema),
        schema,
    )
    site = {key: activities.get(tag, "") for key, tag in SITE_TAGS.items()}
    site["county"] = _int(site["county"]) or site["county"]
    answers = _kept(activities, (*business_activities.QUESTION_KEYS, "Comments"))
    owner_node = node.find("OwnerOperatorInformation")
    owner: dict[str, str] = {}
    if owner_node is not None:
        owner = flatten(
            owner_node, edt_schema.children(*path, "OwnerOperatorInformation", name=schema), schema
        )
    data = {
        "business_activities": {
            **answers,
            **site,
            "regulator_key": activities.get("BizActivitiesRegulatorKey", ""),
        },
        "owner_operator": {
            **_kept(owner, owner_operator.FIELDS),
            "regulator_key": owner.get("OwnerOperatorRegulatorKey", ""),
        },
    }
    return data


def _items(node: etree._Element, schema: str) -> list[dict[str, str]]:
    kids = edt_schema.children(
        FS, "HazardousMaterialsInventory", "Chemicals", "Chemical", name=schema
    )
    return [
        _kept(flatten(chemical, kids, schema), inventory_fields.TAGS)
        for chemical in node.findall("Chemicals/Chemical")
    ]


def _ust(node: etree._Element, schema: str) -> dict:
    path = (FS, "UndergroundStorageTanks")
    facility = flatten(
        node.find("USTFacilityInformation"),
        edt_schema.children(*path, "USTFacilityInformation", name=schema),
        schema,
    )
    tank_kids = edt_schema.children(*path, "USTTanks", "USTTank", name=schema)
    plain_kids = tuple(k for k in tank_kids if k.name != "MonitoringPlan")
    plan_kids = edt_schema.children(*path, "USTTanks", "USTTank", "MonitoringPlan", name=schema)
    cert_kids = edt_schema.children(
        *path,
        "USTCertificationOfInstallationModifications",
        "USTCertificationOfInstallationModification",
        name=schema,
    )
    tank_form, plan_form = (part.form for part in ust_records.TANKS.parts)
    install_form = ust_records.INSTALLATIONS.parts[0].form
    records: dict[str, dict] = {"tank": {}, "installation": {}}
    key = 0
    for tank in node.findall("USTTanks/USTTank"):
        key += 1
        record = {"tank": _form(flatten(tank, plain_kids, schema), tank_form)}
        plan = tank.find("MonitoringPlan")
        if plan is not None:
            record["monitoring"] = _form(flatten(plan, plan_kids, schema), plan_form)
        records["tank"][str(key)] = record
    certificates = (
        "USTCertificationOfInstallationModifications/USTCertificationOfInstallationModification"
    )
    for certificate in node.findall(certificates):
        key += 1
        values = _form(flatten(certificate, cert_kids, schema), install_form)
        records["installation"][str(key)] = {"installation": values}
    return {
        DATA_KEY: _form(facility, ust_facility_form.FORM),
        RECORDS: records,
        NEXT_KEY: key + 1,
    }


def _apsa(node: etree._Element, schema: str) -> dict:
    kids = edt_schema.children(
        FS, "AbovegroundPetroleumStorageTanks", "APSAFacilityInformation", name=schema
    )
    return {DATA_KEY: _form(flatten(node.find("APSAFacilityInformation"), kids, schema), apsa.FORM)}


def _header_query(header: etree._Element, e: EdtElement) -> None:
    e.version_key = _text(header, "CERSUniqueKey") or _text(header, "SubmittalElementRegulatorKey")
    e.submitter_first = _text(header, "SubmittedByFirstName")
    e.submitter_last = _text(header, "SubmittedByLastName")
    e.submitter_email = _text(header, "SubmittedByEmail")
    e.submitter_comments = _text(header, "SubmittedByComments")
    e.status = _int(_text(header, "SubmittalStatus")) or SUBMITTED
    details = header.find("SubmittalActionDetails")
    if e.status != SUBMITTED:
        occurred = _text(details, "SubmittalActionOn")
        e.action = EdtAction(
            status=e.status,
            occurred_on=(moment(occurred) if "T" in occurred else None) or e.submitted_on,
            agent_name=_text(details, "SubmittalActionAgentName"),
            agent_email=_text(details, "SubmittalActionAgentEmail"),
            comments=_text(details, "SubmittalActionComments"),
        )


def _header_submittal(header: etree._Element, e: EdtElement) -> None:
    e.version_key = _text(header, "SubmittalElementRegulatorKey")
    e.submitter_first = _text(header, "Submitter/SubmitterFirstName")
    e.submitter_last = _text(header, "Submitter/SubmitterLastName")
    e.submitter_email = _text(header, "Submitter/SubmitterEmail")
    e.submitter_comments = _text(header, "Submitter/SubmitterComments")
    action = header.find("RegulatorSubmittalAction")
    e.requirement = _int(_text(header, "ReportingRequirement"))
    if action is not None:
        e.status = _int(_text(action, "Status")) or SUBMITTED
        e.action = EdtAction(
            status=e.status,
            occurred_on=moment(_text(action, "OccurredOn")) or e.submitted_on,
            agent_name=_text(action, "AgentName"),
            agent_email=_text(action, "AgentEmail"),
            comments=_text(action, "Comments"),
        )


def _element(number: int, node: etree._Element, schema: str) -> EdtElement:
    header = node.find("SubmittalElementHeader")
    on = _text(header, "SubmittedOn") or _text(header, "Submitter/SubmittedOn")
    e = EdtElement(
        element=number,
        version_key="",
        status=SUBMITTED,
        regulator_code=_int(_text(header, "RegulatorCode")),
        submitted_on=moment(on) or dt.datetime(1900, 1, 1, tzinfo=dt.UTC),
        next_due_date=day(_text(header, "NextDueDate")),
    )
    (_header_query if schema == QUERY else _header_submittal)(header, e)
    if number == 1:
        e.data = _facility_information(node, schema)
    elif number == 2:
        e.items = _items(node, schema)
    elif number == 4:
        e.data = _ust(node, schema)
    elif number == 9:
        e.data = _apsa(node, schema)
    kept = {
        "SubmitterFirstName": e.submitter_first,
        "SubmitterLastName": e.submitter_last,
        "SubmitterEmail": e.submitter_email,
        "RegulatorCode": str(e.regulator_code or ""),
        "AgentName": e.action.agent_name if e.action else "",
        "AgentEmail": e.action.agent_email if e.action else "",
    }
    e.data[EDT_KEY] = {k: v for k, v in kept.items() if v}
    e.documents = _documents(number, node, schema)
    return e


def _facility(node: etree._Element, schema: str) -> EdtFacility:
    found = EdtFacility(
        cers_id=int(_text(node, "CERSID")),
        local_facility_id=_text(node, "FacilityID"),
        regulator_key=_text(node, "FacilityRegulatorKey"),
        organization_code=_int(_text(node, "CERSOrganization/OrganizationCode")),
        organization_name=_text(node, "CERSOrganization/OrganizationName"),
    )
    for number, tag in ELEMENT_TAGS.items():
        element_node = node.find(tag)
        if element_node is not None:
            found.elements[number] = _element(number, element_node, schema)
    return found


def parse(content: bytes) -> list[EdtFacility]:
    """The facilities of an EDT document (query download or our export); ValidationFailed
    naming the schema's problems when the document does not pass its schema."""
    try:
        root = edt_schema.parse_bytes(content)
    except etree.XMLSyntaxError as exc:
        raise ValidationFailed({"file": f"The file is not well-formed XML: {exc}"}) from exc
    except edt_schema.UnsafeDocument as exc:
        raise ValidationFailed({"file": str(exc)}, message=str(exc)) from exc
    namespace = etree.QName(root).namespace
    schema = next((name for name, ns in edt_schema.NAMESPACES.items() if ns == namespace), "")
    if not schema or etree.QName(root).localname != edt_schema.ROOT:
        raise ValidationFailed(
            {"file": "This is not a CERS EDT RegulatorFacilitySubmittals document (1/10)."}
        )
    problems = edt_schema.validate(root, schema)
    if problems:
        raise ValidationFailed(
            {"file": "; ".join(problems[:10])},
            message=f"The document does not pass the official {schema}: {problems[0]}",
        )
    return [_facility(node, schema) for node in root.findall(FS)]
