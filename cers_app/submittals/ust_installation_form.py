"""The Certification of Installation/Modification form of the UST element (CERS fields
482a-489, XSD USTCertificationOfInstallationModificationType): one per installation or
modification project, filled in by or for the contractor who did the work."""

from __future__ import annotations

from cers_app.submittals import element_forms
from cers_app.submittals.element_forms import CHOICE, DATE, TEXT, YESNO, FormDef, FormField

UST = 4
CONTRACTOR = "NameContractorInstallation"
CERTIFICATION_DATE = "CertificationDate"
DESCRIPTION = "DescriptionOfWork"
NAME, PHONE, TITLE = 80, 25, 50
# CERS 1076: no project type chosen.
PROJECT_TYPE_CODE = "1076"

_CONTRACTOR = "Installation contractor"
_PROJECT = "Project"
_CERTIFIER = "Certification"

PROJECT_TYPES = (
    ("ProjectTypeTank", "483a-1", "Tank installation or replacement"),
    ("ProjectTypePiping", "483a-2", "Piping"),
    ("ProjectTypeSump", "483a-3", "Sump"),
    ("ProjectTypeUnderDispenser", "483a-4", "Under-dispenser containment"),
    ("ProjectTypeOther", "483a-5", "Other"),
)
PROJECT_KEYS = tuple(key for key, _, _ in PROJECT_TYPES)
PROJECT_MESSAGE = (
    "Answer Yes to at least one project type: tank installation or replacement, piping, sump, "
    "under-dispenser containment, or other."
)
RELATIONSHIPS = (
    ("01", "Tank owner"),
    ("02", "Tank operator"),
    ("03", "Contractor"),
    ("04", "Property owner"),
    ("05", "Other authorized agent of the tank owner"),
)


def _project(key: str, number: str, label: str) -> FormField:
    """One project type; the first carries the "choose one" code."""
    first = key == PROJECT_KEYS[0]
    return FormField(
        key,
        number,
        f"Project type: {label[:1].lower()}{label[1:]}",
        YESNO,
        help="Answer Yes for each kind of work the project did; at least one." if first else "",
        section=_PROJECT,
        code=PROJECT_TYPE_CODE if first else "",
    )


FIELDS = (
    FormField(
        CONTRACTOR,
        "482a",
        "Installation contractor name",
        TEXT,
        required=True,
        max_length=NAME,
        section=_CONTRACTOR,
    ),
    FormField(
        "CLicenseNumber",
        "482b",
        "Contractor license number",
        TEXT,
        help="The contractor's California State License Board number.",
        max_length=20,
        section=_CONTRACTOR,
    ),
    FormField(
        "ICCCertNumber",
        "482c",
        "ICC certification number",
        TEXT,
        help="The installer's International Code Council UST certification number.",
        max_length=10,
        section=_CONTRACTOR,
    ),
    *(_project(key, number, label) for key, number, label in PROJECT_TYPES),
    FormField(
        "WorkAuthorizedUnderPermit",
        "483b",
        "Permit number the work was done under",
        TEXT,
        help="The number of the permit the regulator issued for the installation or modification.",
        max_length=10,
        section=_PROJECT,
    ),
    FormField(
        DESCRIPTION,
        "483c",
        "Description of the work",
        TEXT,
        required=True,
        max_length=300,
        section=_PROJECT,
    ),
    FormField(
        CERTIFICATION_DATE,
        "484",
        "Date certified",
        DATE,
        not_future=True,
        section=_CERTIFIER,
    ),
    FormField("CertifierName", "485", "Certifier name", TEXT, max_length=NAME, section=_CERTIFIER),
    FormField(
        "CertifierTitle", "486", "Certifier title", TEXT, max_length=TITLE, section=_CERTIFIER
    ),
    FormField("PhoneNumber", "487", "Certifier phone", TEXT, max_length=PHONE, section=_CERTIFIER),
    FormField(
        "NameCertifierEmployer",
        "488",
        "Certifier's employer",
        TEXT,
        max_length=NAME,
        section=_CERTIFIER,
    ),
    FormField(
        "CertifierRelationship",
        "489",
        "Certifier's relationship to the tanks",
        CHOICE,
        choices=RELATIONSHIPS,
        section=_CERTIFIER,
    ),
)

FORM = element_forms.validated(
    FormDef(
        element=UST,
        title="Certification of Installation/Modification",
        short="Installation certification",
        fields=FIELDS,
        rules=(element_forms.at_least_one_yes_rule(PROJECT_KEYS, PROJECT_MESSAGE),),
    )
)
