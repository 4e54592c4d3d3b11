"""The UST Facility Information form (Operating Permit Application) of the Underground Storage
Tanks element (CERS fields 400-428-7, XSD USTFacilityInformationType), and the two facts of it
that make documents necessary (owner/operator written agreement, CFO letter)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cers_app.submittals import element_forms
from cers_app.submittals.element_forms import CHOICE, DATE, TEXT, YESNO, FormDef, FormField

UST = 4

TYPE_OF_ACTION = "TypeOfAction"
BOE = "BOENumber"
BOE_LENGTH = 8
TANK_OWNER = "TOwnerName"
TANK_OPERATOR = "TankOperatorName"
CFO_LETTER = "FRCodeStateFundCFOLetter"
FR_OTHER = "FRCodeOther"
FR_OTHER_TEXT = "FRCodeDescriptionOther"
# The financial-responsibility mechanisms (422-1 ... 422-99) with how a sentence names them.
FINANCIAL_RESPONSIBILITY = (
    ("FRCodeSelfInsured", "422-1", "Self-insured"),
    ("FRCodeGuarantee", "422-2", "Guarantee"),
    ("FRCodeInsurance", "422-3", "Insurance"),
    ("FRCodeSuretyBond", "422-4", "Surety bond"),
    ("FRCodeCreditLetter", "422-5", "Letter of credit"),
    ("FRCodeExemption", "422-6", "Exemption"),
    (CFO_LETTER, "422-8", "State Fund and CFO letter"),
    ("FRCodeStateFundCD", "422-9", "State Fund and certificate of deposit"),
    ("FRCodeLGMechanism", "422-10", "Local government mechanism"),
    (FR_OTHER, "422-99", "Other mechanism"),
)
FR_KEYS = tuple(key for key, _, _ in FINANCIAL_RESPONSIBILITY)
# CERS 1072 InvalidBOE and 1080 USTFinancialResponsibilityMechanismRequired.
BOE_CODE = "1072"
FR_CODE = "1080"

# Text limits of the schema's base types.
NAME, PHONE, ADDRESS, CITY, STATE, ZIP, COUNTRY, TITLE = 80, 25, 70, 60, 2, 10, 45, 50
# Room for the dashes and spaces people type in the account number (44-012345).
BOE_TYPED = 15

TYPES_OF_ACTION = (
    ("1", "New permit"),
    ("3", "Renewal permit"),
    ("5", "Confirmed/updated information"),
    ("6", "Temporary facility closure"),
    ("7", "Permanent facility closure"),
    ("9", "Transfer permit"),
)
FACILITY_TYPES = (
    ("1", "Motor vehicle fueling"),
    ("2", "Fuel distribution"),
    ("3", "Farm"),
    ("4", "Processor"),
    ("6", "Other"),
)
OWNER_TYPES = (
    ("4", "Local agency/district"),
    ("5", "County agency"),
    ("6", "State agency"),
    ("7", "Federal agency"),
    ("8", "Non-government"),
)
PERMIT_HOLDERS = (
    ("1", "Facility owner"),
    ("3", "Tank owner"),
    ("4", "Tank operator"),
    ("5", "Facility operator"),
)

_FACILITY = "Facility"
_PROPERTY_OWNER = "Property owner"
_TANK_OWNER = "Tank owner"
_FINANCIAL = "Financial responsibility"
_PERMIT = "Permit holder and certification"
_OPERATOR = "Tank operator"


def _contact(
    prefix: str, numbers: tuple[str, ...], who: str, section: str
) -> tuple[FormField, ...]:
    """The name, phone and mailing address of one party (the first four are required)."""
    name, phone, address, city, state, zipcode, country = numbers
    return (
        FormField(
            f"{prefix}Name", name, f"{who} name", TEXT, True, max_length=NAME, section=section
        ),
        FormField(
            f"{prefix}Phone", phone, f"{who} phone", TEXT, True, max_length=PHONE, section=section
        ),
        FormField(
            f"{prefix}MailingAddress",
            address,
            f"{who} mailing address",
            TEXT,
            True,
            max_length=ADDRESS,
            section=section,
        ),
        FormField(
            f"{prefix}City", city, f"{who} city", TEXT, True, max_length=CITY, section=section
        ),
        FormField(
            f"{prefix}State",
            state,
            f"{who} state",
            TEXT,
            help="Two-letter state code, such as CA.",
            max_length=STATE,
            section=section,
        ),
        FormField(
            f"{prefix}ZipCode", zipcode, f"{who} ZIP code", TEXT, max_length=ZIP, section=section
        ),
        FormField(
            f"{prefix}Country", country, f"{who} country", TEXT, max_length=COUNTRY, section=section
        ),
    )


def _mechanism(key: str, number: str, label: str) -> FormField:
    """One financial-responsibility mechanism; the first carries the "choose one" code."""
    first = key == FR_KEYS[0]
    return FormField(
        key,
        number,
        label,
        YESNO,
        help="Answer Yes for every mechanism that covers the tanks; at least one." if first else "",
        section=_FINANCIAL,
        code=FR_CODE if first else "",
    )


FIELDS = (
    FormField(
        TYPE_OF_ACTION,
        "400",
        "Type of action",
        CHOICE,
        required=True,
        choices=TYPES_OF_ACTION,
        help="Confirmed/updated information for the yearly update or any change; New permit for "
        "a facility not yet permitted; Transfer permit when the facility changes hands.",
        section=_FACILITY,
    ),
    FormField(
        "FacilityType",
        "403",
        "Facility type",
        CHOICE,
        True,
        choices=FACILITY_TYPES,
        section=_FACILITY,
    ),
    FormField(
        "IndianOrTrustLand",
        "405",
        "On Indian reservation or trust land",
        YESNO,
        required=True,
        section=_FACILITY,
    ),
    FormField(
        "SDSOffice",
        "406",
        "Public agency: supervisor of the division, section or office operating the USTs",
        TEXT,
        help="Only when a public agency owns the facility: the supervisor's name.",
        max_length=NAME,
        section=_FACILITY,
    ),
    *_contact(
        "PO", ("407", "408", "409", "410", "411", "412", "412a"), "Property owner", _PROPERTY_OWNER
    ),
    *_contact(
        "TOwner", ("414", "415", "416", "417", "418", "419", "419a"), "Tank owner", _TANK_OWNER
    ),
    FormField(
        "TOwnerType",
        "420",
        "Tank owner type",
        CHOICE,
        True,
        choices=OWNER_TYPES,
        section=_TANK_OWNER,
    ),
    FormField(
        BOE,
        "421",
        "CDTFA (formerly BOE) UST storage fee account number",
        TEXT,
        required=True,
        help="The 8-digit account number on your UST storage fee notices from the California "
        "Department of Tax and Fee Administration, such as 44-012345.",
        max_length=BOE_TYPED,
        section=_TANK_OWNER,
        code=BOE_CODE,
    ),
    *(_mechanism(key, number, label) for key, number, label in FINANCIAL_RESPONSIBILITY),
    FormField(
        FR_OTHER_TEXT,
        "422-99a",
        "Description of the other mechanism",
        TEXT,
        max_length=50,
        section=_FINANCIAL,
    ),
    FormField(
        "PermitHolderInfo",
        "423",
        "Who receives the permit and notices",
        CHOICE,
        required=True,
        choices=PERMIT_HOLDERS,
        section=_PERMIT,
    ),
    FormField("DateCertified", "424", "Date certified", DATE, not_future=True, section=_PERMIT),
    FormField("ApplicantPhone", "425", "Applicant phone", TEXT, max_length=PHONE, section=_PERMIT),
    FormField("ApplicantName", "426", "Applicant name", TEXT, max_length=NAME, section=_PERMIT),
    FormField("ApplicantTitle", "427", "Applicant title", TEXT, max_length=TITLE, section=_PERMIT),
    *_contact(
        "TankOperator",
        ("428-1", "428-2", "428-3", "428-4", "428-5", "428-6", "428-7"),
        "Tank operator",
        _OPERATOR,
    ),
)


def boe_number(value: str) -> str:
    """The account number as CERS keeps it: without the spaces and dashes people type."""
    return "".join(char for char in value if char not in " -")


def boe_rule(values: Mapping[str, str], errors: Mapping[str, str]) -> dict[str, str]:
    """The storage fee account number is 8 digits (spaces and dashes aside)."""
    value = values.get(BOE, "")
    if BOE in errors or not value:
        return {}
    digits = boe_number(value)
    if len(digits) == BOE_LENGTH and digits.isascii() and digits.isdigit():
        return {}
    return {
        BOE: (
            f"Enter the {BOE_LENGTH}-digit CDTFA storage fee account number, such as 44-012345 "
            f"(this has {len(digits)} characters without spaces and dashes)."
            if len(digits) != BOE_LENGTH
            else f"Enter the {BOE_LENGTH}-digit CDTFA storage fee account number, such as "
            "44-012345: digits only, apart from spaces and dashes."
        )
    }


FR_MESSAGE = (
    "Answer Yes to at least one financial-responsibility mechanism: self-insured, guarantee, "
    "insurance, surety bond, letter of credit, exemption, State Fund and CFO letter, State Fund "
    "and certificate of deposit, local government mechanism, or other."
)

FORM = element_forms.register(
    FormDef(
        element=UST,
        title="UST Facility Information",
        short="UST",
        fields=FIELDS,
        rules=(
            boe_rule,
            element_forms.at_least_one_yes_rule(FR_KEYS, FR_MESSAGE),
            element_forms.other_text_rule(
                FR_OTHER, ("Y",), FR_OTHER_TEXT, "the other financial-responsibility mechanism"
            ),
        ),
    )
)


def _form_values(data: Mapping[str, Any] | None) -> Mapping[str, Any]:
    saved = (data or {}).get(element_forms.DATA_KEY) if isinstance(data, Mapping) else None
    return saved if isinstance(saved, Mapping) else {}


def _name(value: object) -> str:
    """A name as compared: letter case and spacing ignored."""
    return "".join(str(value or "").split()).casefold()


def needs_written_agreement(data: Mapping[str, Any] | None) -> bool:
    """Whether the owner/operator written agreement is needed (CERS 1032): the tank owner and
    the tank operator are different people (both named, the names differ)."""
    values = _form_values(data)
    owner, operator = _name(values.get(TANK_OWNER)), _name(values.get(TANK_OPERATOR))
    return bool(owner and operator) and owner != operator


def needs_cfo_letter(data: Mapping[str, Any] | None) -> bool:
    """Whether the letter from the chief financial officer is needed (CERS 1033): the State
    Fund and CFO letter is a chosen financial-responsibility mechanism."""
    return str(_form_values(data).get(CFO_LETTER) or "").strip().upper() in ("Y", "YES")
