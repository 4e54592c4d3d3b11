"""Exporting a facility's latest submittal as CERS EDT XML (RegulatorFacilitySubmittal 1/10),
alone or in a ZIP with the uploaded files its documents name.

`export_facility` and `export_zip` serve the command line (no actor: the operator of the
install); `regulator_export_zip` is the regulator's download, limited to the facilities and
versions in the regulator's reach (cers_app.regulator.scope).
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree
from sqlmodel import Session, select

from cers_app.core.errors import NotFound, ValidationFailed
from cers_app.core.permissions import Actor
from cers_app.facilities.models import ElementVersion, Facility
from cers_app.regulator import scope
from cers_app.regulator.scope import Right
from cers_app.regulator.submittal_view import CONFIDENTIAL, is_confidential, sees_confidential
from cers_app.reports import edt_build, edt_gather, edt_schema
from cers_app.reports.edt_gather import VersionFilter
from cers_app.reports.edt_model import EdtFacility

FACILITY_INFORMATION_OUT_OF_REACH = (
    "The CERS EDT format needs the facility's Facility Information, which your agency does "
    "not regulate for facility {cers_id}. Ask its CUPA for the export."
)
HMI = 2
LOCATION = "ChemicalLocation"
NO_FACILITY_INFORMATION = (
    "Facility {cers_id} has no submitted Facility Information, which every CERS EDT "
    "submittal must carry. Submit its Facility Information first."
)


def _facility(session: Session, cers_id: object) -> Facility:
    try:
        number = int(str(cers_id).strip())
    except ValueError:
        number = 0
    facility = session.exec(select(Facility).where(Facility.cers_id == number)).first()
    if facility is None:
        raise NotFound(f"No facility has CERS ID {cers_id}. Check the number and try again.")
    return facility


def _gathered(session: Session, facility: Facility, allowed: VersionFilter | None) -> EdtFacility:
    found = edt_gather.gather(session, facility, allowed)
    if 1 not in found.elements:
        hidden = allowed is not None and 1 in edt_gather.gather(session, facility).elements
        message = FACILITY_INFORMATION_OUT_OF_REACH if hidden else NO_FACILITY_INFORMATION
        raise NotFound(message.format(cers_id=facility.cers_id))
    return found


def document(session: Session, cers_id: object) -> etree._Element:
    """The EDT document (an lxml element) of the facility's latest submittal."""
    return edt_build.build(_gathered(session, _facility(session, cers_id), None))


def export_facility(session: Session, cers_id: object) -> bytes:
    """The facility's latest submittal as EDT XML bytes (not validated here)."""
    return edt_build.to_bytes(document(session, cers_id))


def checked(root: etree._Element) -> bytes:
    """The document's bytes once the official schema accepts it; ValidationFailed listing
    the schema's problems otherwise."""
    content = edt_build.to_bytes(root)
    problems = edt_schema.validate(content)  # parsed again, so problems carry line numbers
    if problems:
        raise ValidationFailed(
            {"xml": "\n".join(problems[:20])},
            message=f"The EDT document does not pass the official CERS schema: {problems[0]}",
        )
    return content


def xml_name(cers_id: int) -> str:
    """The XML file's name inside the ZIP."""
    return f"RegulatorFacilitySubmittal-{cers_id}.xml"


def _zip(found: EdtFacility, xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(xml_name(found.cers_id), xml)
        for e in found.elements.values():
            for doc in e.documents.values():
                for file in doc.files:
                    if file.path is not None and file.path.is_file():
                        archive.write(file.path, file.name)
    return buffer.getvalue()


def zip_of(session: Session, facility: Facility, allowed: VersionFilter | None = None) -> bytes:
    """The ZIP of the facility's EDT XML (validated) and the files its documents name."""
    found = _gathered(session, facility, allowed)
    return _zip(found, checked(edt_build.build(found)))


def export_zip(session: Session, cers_id: object) -> bytes:
    """The ZIP of the facility's latest submittal: its XML and its uploaded files."""
    return zip_of(session, _facility(session, cers_id))


def regulator_export_zip(session: Session, actor: Actor, facility_id: object) -> bytes:
    """The ZIP export of a facility the regulator reaches, holding only the versions their
    agencies see (NotFound outside the jurisdiction, as every regulator service); locations
    marked confidential only for those who may see them (`submittal_view.sees_confidential`)."""
    facility = scope.load_facility(session, actor, facility_id, Right.VIEW)

    def allowed(version: ElementVersion) -> bool:
        return scope.reaches_version(session, actor, version, Right.VIEW)

    found = _gathered(session, facility, allowed)
    hmi = found.elements.get(HMI)
    version = session.get(ElementVersion, hmi.version_id) if hmi and hmi.version_id else None
    if hmi is not None and version is not None and not sees_confidential(session, actor, version):
        # Viewers and Request Handlers get "Confidential" for a location marked confidential.
        hmi.items = [
            {**row, LOCATION: CONFIDENTIAL} if is_confidential(row) else row for row in hmi.items
        ]
    return _zip(found, checked(edt_build.build(found)))
