"""Document slots: which documents each element asks for, and the rules of their answers.

Pure functions, no database. A slot is identified by its CERS resource type code. Each slot is
answered by choosing one document source (DocumentSource 1-6) and giving what that source
needs. `check_answer` refuses bad input before anything is stored; `slot_findings` reads a
stored answer and returns the guidance (CERS codes 1003 and 1005-1010, all Required; the UST
slots' own codes 1031-1033) that blocks submitting while the document is missing or
incomplete. A conditional slot is required when the version's data says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cers_app.core.codes import ELEMENTS, element_label
from cers_app.core.errors import ValidationFailed
from cers_app.facilities.cers_ids import CERS_ID_MAX, CERS_ID_MIN
from cers_app.submittals import ust_facility_form

EXEMPT, TO_REGULATOR, OTHER_ELEMENT, PUBLIC_URL, UPLOAD, AT_FACILITY = 1, 2, 3, 4, 5, 6
SOURCES: dict[int, str] = {
    EXEMPT: "Exempt",
    TO_REGULATOR: "Provided to Regulator",
    OTHER_ELEMENT: "Provided in Other Submittal Element",
    PUBLIC_URL: "Public Internet URL",
    UPLOAD: "Upload Documents",
    AT_FACILITY: "Stored at Facility",
}
SOURCE_HELP: dict[int, str] = {
    EXEMPT: "The facility does not need this document. Explain why.",
    TO_REGULATOR: "You gave the document to your regulator outside OpenCERS. Say when.",
    OTHER_ELEMENT: "The document is part of another submittal element of this facility.",
    PUBLIC_URL: "The document is published on the internet. Give its address.",
    UPLOAD: "Upload the document as PDF, Word, Excel, JPEG or PNG files (25 MB each at most).",
    AT_FACILITY: "The document is kept at a facility, available on request. Give its CERS ID.",
}
# The form fields each source needs (in form order).
SOURCE_FIELDS: dict[int, tuple[str, ...]] = {
    EXEMPT: ("exempt_reason",),
    TO_REGULATOR: ("provided_on",),
    OTHER_ELEMENT: ("other_element", "comment"),
    PUBLIC_URL: ("url",),
    UPLOAD: (),
    AT_FACILITY: ("stored_at_cers_id",),
}
REQUIRED = "required"
ADVISORY = "advisory"
MISSING_DOCUMENT = "1003"
MISSING_RESOURCE = "1004"
SOURCE_CODES = {
    EXEMPT: "1005",
    OTHER_ELEMENT: "1006",
    TO_REGULATOR: "1007",
    PUBLIC_URL: "1008",
    AT_FACILITY: "1009",
    UPLOAD: "1010",
}
REASON_MIN, REASON_MAX = 5, 500
COMMENT_MAX = 500
URL_MIN, URL_MAX = 10, 1000
TITLE_MAX, DESCRIPTION_MAX, FILE_NAME_MAX = 300, 500, 254
EARLIEST = dt.date(1900, 1, 1)
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class SlotDef:
    """One document slot of an element."""

    code: int  # CERS resource type
    element: int
    label: str
    required: bool
    help: str
    local: bool = False  # the locally required document: required only if the agency asks
    missing_code: str = (
        MISSING_DOCUMENT  # the CERS guidance code when a required slot has no answer
    )
    when: str = ""  # a condition (CONDITIONS) on the version's data that makes it required


@dataclass(frozen=True)
class Answer:
    """A slot's stored answer: the source and the data that source needs."""

    source: int
    exempt_reason: str = ""
    provided_on: dt.date | None = None
    other_element: int | None = None
    comment: str = ""
    url: str = ""
    stored_at_cers_id: int | None = None


@dataclass(frozen=True)
class DocumentFinding:
    slot: int  # 0: the element as a whole
    code: str  # CERS guidance code
    level: str
    field: str  # the form field to fix ("source", "url", "files", ...)
    message: str


@dataclass(frozen=True)
class FileDetails:
    title: str
    description: str
    date_authored: dt.date | None


_LOCAL_HELP = (
    "A document your regulator asks of facilities in its area. Provide it if your regulator "
    "requires it."
)
_STATE_HELP = (
    "Any other document a state program asks of this facility for this element. Optional: "
    "provide it only if you were asked to."
)
CATALOGUE: tuple[SlotDef, ...] = (
    SlotDef(23, 1, "Locally Required Document", False, _LOCAL_HELP, local=True),
    SlotDef(
        5,
        2,
        "Annotated Site Map (Official Use Only)",
        True,
        "A map of the site with its scale and north arrow, the buildings and each storage "
        "area, loading areas, roads, storm and sewer drains, access and exits, emergency "
        "shut-offs and emergency equipment, and the neighbouring streets and properties.",
    ),
    SlotDef(35, 2, "Locally Required Document", False, _LOCAL_HELP, local=True),
    SlotDef(
        6,
        3,
        "Emergency Response/Contingency Plan",
        True,
        "What the facility does in an emergency: who to call, evacuation, how releases, fires "
        "and spills are handled, and the emergency equipment on site.",
    ),
    SlotDef(
        7,
        3,
        "Employee Training Plan",
        True,
        "How employees are trained to handle hazardous materials safely and to respond to "
        "emergencies, and how often the training is repeated.",
    ),
    SlotDef(36, 3, "Locally Required Document", False, _LOCAL_HELP, local=True),
    # Onsite Hazardous Waste Treatment (Tiered Permitting). The plot plan is what CERS checks
    # for (its guidance 1039 is Required); the others depend on the units' tier, which the
    # unit forms will tell once they exist, so they stay optional until then.
    # Underground Storage Tanks. The certification of financial responsibility is the one the
    # schema requires; the written agreement and the CFO letter are required when the facility
    # form says so (CERS guidance 1032, 1033).
    SlotDef(
        28,
        4,
        "UST Monitoring Site Plan",
        False,
        "A plot plan of the site showing each tank, the piping, the dispensers and where the "
        "monitoring equipment (sensors, sumps, the tank gauge console) is. Provide it with a new "
        "or changed monitoring plan.",
    ),
    SlotDef(
        29,
        4,
        "UST Certification of Financial Responsibility",
        True,
        "The certificate that the tank owner or operator can pay for corrective action and "
        "third-party damages, naming the financial-responsibility mechanism chosen on the UST "
        "Facility Information form.",
        missing_code="1031",
    ),
    SlotDef(
        30,
        4,
        "UST Response Plan",
        False,
        "What the facility does if a tank or its piping leaks: who is called, how the release "
        "is stopped and contained, and how it is cleaned up.",
    ),
    SlotDef(
        31,
        4,
        "Owner/Operator Written Agreement",
        False,
        "When the tank owner and the tank operator are different people or companies: their "
        "written agreement on who monitors the tanks. Required when the UST Facility "
        "Information names a different tank owner and tank operator.",
        missing_code="1032",
        when="ust_written_agreement",
    ),
    SlotDef(
        32,
        4,
        "Letter from the Chief Financial Officer",
        False,
        "The letter of the company's chief financial officer that goes with the State Fund as "
        "the financial-responsibility mechanism. Required when the UST Facility Information "
        "chooses State Fund and CFO letter.",
        missing_code="1033",
        when="ust_cfo_letter",
    ),
    SlotDef(
        33,
        4,
        "Owner Statement of Designated UST Operator Compliance",
        False,
        "The owner's statement that the designated UST operator understands and complies with "
        "the UST requirements.",
    ),
    SlotDef(37, 4, "Locally Required Document", False, _LOCAL_HELP, local=True),
    SlotDef(54, 4, "Miscellaneous State-Required Document", False, _STATE_HELP),
    SlotDef(
        14,
        5,
        "Plot Plan/Map",
        True,
        "A drawing of the site showing where each treatment unit is, with the buildings, the "
        "hazardous waste storage areas and the property lines.",
    ),
    SlotDef(
        15,
        5,
        "Prior Enforcement History",
        False,
        "The enforcement actions taken in the past against the facility's treatment "
        "activities, if the tier of a unit asks for them.",
    ),
    SlotDef(
        16,
        5,
        "Written Estimate of Closure Costs",
        False,
        "What it would cost to close the treatment units safely (removing the waste, cleaning "
        "the equipment), for units that need financial assurance for closure.",
    ),
    SlotDef(
        17,
        5,
        "Financial Assurance Closure Mechanism",
        False,
        "Proof of the mechanism (trust fund, surety bond, letter of credit, insurance...) that "
        "pays for closing the treatment units, for units that need financial assurance.",
    ),
    SlotDef(
        18,
        5,
        "Tank and Container Certification",
        False,
        "For units operating under Permit by Rule: the certification that the tanks and "
        "containers used for treatment are fit for it.",
    ),
    SlotDef(
        19,
        5,
        "Notification of Local Agency or Agencies",
        False,
        "For units operating under Permit by Rule: a copy of the notice sent to the local "
        "agencies about the treatment at this facility.",
    ),
    SlotDef(
        20,
        5,
        "Notification of Property Owner",
        False,
        "For units operating under Permit by Rule, when the facility does not own the land: a "
        "copy of the notice sent to the property owner.",
    ),
    SlotDef(38, 5, "Locally Required Document", False, _LOCAL_HELP, local=True),
    SlotDef(55, 5, "Miscellaneous State-Required Document", False, _STATE_HELP),
    # Recyclable Materials Report: the 1/10 schema has no form for it, so its report document
    # is the element itself and is required (an element without it would say nothing).
    SlotDef(
        48,
        6,
        "Recyclable Materials Report Documentation",
        True,
        "The report of the excluded or exempted recyclable materials the facility recycles: "
        "what they are, how much, and where they go.",
    ),
    SlotDef(
        21,
        6,
        "Known Market Documentation",
        False,
        "Evidence that there is a known market for each recyclable material, such as sales "
        "records or contracts with the recyclers that take it.",
    ),
    SlotDef(39, 6, "Locally Required Document", False, _LOCAL_HELP, local=True),
    SlotDef(56, 6, "Miscellaneous State-Required Document", False, _STATE_HELP),
    # Remote Waste Consolidation: what it requires is the consolidation site form (later).
    SlotDef(40, 7, "Locally Required Document", False, _LOCAL_HELP, local=True),
    SlotDef(57, 7, "Miscellaneous State-Required Document", False, _STATE_HELP),
    SlotDef(
        22,
        8,
        "Hazardous Waste Tank Closure Certificate",
        True,
        "The certificate that the hazardous waste tank was cleaned on site and closed or "
        "removed properly, signed by the person who certifies the closure.",
    ),
    SlotDef(41, 8, "Locally Required Document", False, _LOCAL_HELP, local=True),
    SlotDef(58, 8, "Miscellaneous State-Required Document", False, _STATE_HELP),
    SlotDef(
        49,
        9,
        "APSA Documentation",
        True,
        "The facility's aboveground petroleum storage documents: its Spill Prevention, Control "
        "and Countermeasure (SPCC) plan or, if conditionally exempt, what shows the "
        "exemption, and the list of its petroleum tanks and containers.",
    ),
    SlotDef(42, 9, "Locally Required Document", False, _LOCAL_HELP, local=True),
    SlotDef(59, 9, "Miscellaneous State-Required Document", False, _STATE_HELP),
    # CalARP: the schema's only CalARP document is the "locally collected" one, and it is the
    # one slot the schema requires (minOccurs 1): the risk management plan documents the CUPA
    # collects. So it is required for every agency, not only when the agency asks for it.
    SlotDef(
        43,
        10,
        "CalARP Documentation",
        True,
        "The California Accidental Release Program documents your regulator collects, such as "
        "the risk management plan for the regulated substances held above their threshold "
        "quantities.",
    ),
    SlotDef(60, 10, "Miscellaneous State-Required Document", False, _STATE_HELP),
)
_BY_CODE = {slot.code: slot for slot in CATALOGUE}


# The conditions a slot's `when` names: each reads a version's data.
CONDITIONS: dict[str, Callable[[Mapping[str, Any]], bool]] = {
    "ust_written_agreement": ust_facility_form.needs_written_agreement,
    "ust_cfo_letter": ust_facility_form.needs_cfo_letter,
}


def _with_flag(
    slot: SlotDef, locally_required: bool, data: Mapping[str, Any] | None = None
) -> SlotDef:
    if slot.local:
        return dataclasses.replace(slot, required=locally_required)
    if slot.when:
        return dataclasses.replace(slot, required=CONDITIONS[slot.when](data or {}))
    return slot


# The elements whose structured forms OpenCERS does not have yet: only their documents can be
# provided for now (CERS: 1004 MissingResource, Advisory for resources the template can miss).
FORMS_LATER: dict[int, str] = {
    5: "the facility and treatment unit forms (and the certification of financial assurance)",
    7: "the consolidation site form (one per remote site)",
}


def element_advisories(element: int) -> tuple[DocumentFinding, ...]:
    """Element-wide guidance that does not block submitting (Advisory): for an element whose
    forms come later, that only its documents can be provided for now."""
    forms = FORMS_LATER.get(element)
    if forms is None:
        return ()
    message = (
        f"OpenCERS does not have {forms} of {element_label(element)} yet: they will come in "
        "a later release. Provide the documents below for now; your regulator may ask you for "
        "the rest on paper."
    )
    return (DocumentFinding(0, MISSING_RESOURCE, ADVISORY, "", message),)


def slots_for(
    element: int, *, locally_required: bool = False, data: Mapping[str, Any] | None = None
) -> tuple[SlotDef, ...]:
    """The element's document slots. The locally required slot is optional unless
    `locally_required` (the agency asks for it); a conditional slot is required when the
    version's `data` meets its condition."""
    return tuple(
        _with_flag(slot, locally_required, data) for slot in CATALOGUE if slot.element == element
    )


def find_slot(
    code: object, *, locally_required: bool = False, data: Mapping[str, Any] | None = None
) -> SlotDef | None:
    """The slot with this resource type code, or None."""
    slot = _BY_CODE.get(code) if isinstance(code, int) and not isinstance(code, bool) else None
    return _with_flag(slot, locally_required, data) if slot else None


def source_label(source: int | None) -> str:
    """How a document source is named on screen."""
    return SOURCES.get(source or 0, "Not chosen")


# ------------------------------------------------------------------ parsing input


def _text(raw: Mapping[str, object], name: str) -> str:
    """A form value with its runs of white space made single spaces."""
    value = raw.get(name)
    return "" if value is None else " ".join(str(value).split())


def parse_date(value: object) -> dt.date | None:
    """A date from a date object, `YYYY-MM-DD` or `MM/DD/YYYY`; None for blank; ValueError."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    if _ISO_DATE.fullmatch(text):
        return dt.date.fromisoformat(text)
    match = _US_DATE.fullmatch(text)
    if match:
        month, day, year = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    raise ValueError(text)


def _past_date(value: object, what: str, today: dt.date) -> tuple[dt.date | None, str]:
    """(the date, "") or (None, the problem)."""
    try:
        day = parse_date(value)
    except ValueError:
        return None, f"Enter {what} as a date such as {today.isoformat()} (year-month-day)."
    if day is None:
        return None, ""
    if day > today:
        return None, f"{what.capitalize()} cannot be in the future."
    if day < EARLIEST:
        return None, f"{what.capitalize()} must be in 1900 or later."
    return day, ""


def _whole_number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def url_problem(url: str) -> str:
    """Why `url` is not a public address we accept ("" when it is)."""
    if len(url) < URL_MIN:
        return f"Enter the document's full web address (at least {URL_MIN} characters)."
    if len(url) > URL_MAX:
        return f"The web address is too long: at most {URL_MAX} characters."
    if _CONTROL.search(url) or " " in url:
        return "The web address cannot contain spaces."
    try:
        parts = urlsplit(url)
        hostname = parts.hostname or ""
    except ValueError:
        return "That is not a valid web address."
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        return (
            "Enter the full web address, starting with http:// or https://, such as "
            "https://example.com/emergency-plan.pdf."
        )
    if parts.username or parts.password:
        return "The web address cannot contain a user name or password."
    return ""


def _cers_id(text: str) -> int | None:
    number = _whole_number(text)
    return number if number is not None and CERS_ID_MIN <= number <= CERS_ID_MAX else None


def check_answer(
    slot: SlotDef, raw: Mapping[str, object], *, today: dt.date, own_cers_id: int
) -> Answer:
    """The answer to store for `slot` from the form's values; ValidationFailed naming each
    field that is wrong. Only the chosen source's fields are read; the rest are dropped."""
    source = _whole_number(_text(raw, "source"))
    if source not in SOURCES:
        raise ValidationFailed({"source": f"Choose how you provide the {slot.label}."})
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    if source == EXEMPT:
        reason = _text(raw, "exempt_reason")
        if len(reason) < REASON_MIN:
            errors["exempt_reason"] = (
                f"Explain why the facility is exempt in at least {REASON_MIN} characters."
            )
        elif len(reason) > REASON_MAX:
            errors["exempt_reason"] = (
                f"Keep the explanation to {REASON_MAX} characters (it has {len(reason)})."
            )
        values["exempt_reason"] = reason
    elif source == TO_REGULATOR:
        day, problem = _past_date(raw.get("provided_on"), "the date it was provided", today)
        if problem or day is None:
            errors["provided_on"] = problem or "Enter the date you gave it to your regulator."
        values["provided_on"] = day
    elif source == OTHER_ELEMENT:
        element = _whole_number(_text(raw, "other_element"))
        comment = _text(raw, "comment")
        if element is None:
            errors["other_element"] = "Choose the submittal element the document is part of."
        elif element not in ELEMENTS:
            errors["other_element"] = "Choose a submittal element from the list (1 to 10)."
        elif element == slot.element:
            errors["other_element"] = (
                f"Choose another element: this document belongs to "
                f"{element_label(slot.element)} itself."
            )
        if len(comment) > COMMENT_MAX:
            errors["comment"] = f"Keep the comment to {COMMENT_MAX} characters."
        values.update(other_element=element, comment=comment)
    elif source == PUBLIC_URL:
        url = str(raw.get("url") or "").strip()
        if problem := url_problem(url):
            errors["url"] = problem
        values["url"] = url
    elif source == AT_FACILITY:
        text = _text(raw, "stored_at_cers_id")
        cers_id = own_cers_id if not text else _cers_id(text)
        if cers_id is None:
            errors["stored_at_cers_id"] = (
                "Enter the 8-digit CERS ID of the facility where the document is kept."
            )
        values["stored_at_cers_id"] = cers_id
    if errors:
        raise ValidationFailed(errors)
    return Answer(source=source, **values)


def check_file_details(
    *,
    title: object,
    description: object,
    date_authored: object,
    original_name: str,
    today: dt.date,
) -> FileDetails:
    """An uploaded file's title, description and date authored; the title defaults to the
    file's name without its extension."""
    errors: dict[str, str] = {}
    text = " ".join(str(title or "").split()) or original_name.rsplit(".", 1)[0].strip()
    if len(text) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters (it has {len(text)})."
    about = " ".join(str(description or "").split())
    if len(about) > DESCRIPTION_MAX:
        errors["description"] = f"Keep the description to {DESCRIPTION_MAX} characters."
    day, problem = _past_date(date_authored, "the date authored", today)
    if problem:
        errors["date_authored"] = problem
    if len(original_name) > FILE_NAME_MAX:
        errors["file"] = f"Shorten the file's name to {FILE_NAME_MAX} characters and try again."
    if errors:
        raise ValidationFailed(errors)
    return FileDetails(title=text[:TITLE_MAX] or "Document", description=about, date_authored=day)


# ------------------------------------------------------------------ findings


def _finding(slot: SlotDef, code: str, field: str, message: str) -> DocumentFinding:
    return DocumentFinding(slot.code, code, REQUIRED, field, message)


def slot_findings(
    slot: SlotDef, answer: Answer | None, file_count: int, *, today: dt.date
) -> list[DocumentFinding]:
    """The guidance for one slot's stored answer (Required findings; empty when complete).

    An optional slot nobody answered has none; an answer with a source must be complete
    whether or not the slot is required.
    """
    name = slot.label
    if answer is None or answer.source not in SOURCES:
        if not slot.required:
            return []
        return [
            _finding(
                slot,
                slot.missing_code,
                "source",
                f"The {name} is missing. Choose how you provide it: upload it, give its web "
                "address, or say where it is kept.",
            )
        ]
    code = SOURCE_CODES[answer.source]
    source = answer.source
    if source == EXEMPT and not REASON_MIN <= len(answer.exempt_reason) <= REASON_MAX:
        return [
            _finding(
                slot,
                code,
                "exempt_reason",
                f"The {name} is marked Exempt without a reason: explain the exemption in "
                f"{REASON_MIN} to {REASON_MAX} characters.",
            )
        ]
    if source == TO_REGULATOR and (
        answer.provided_on is None or not EARLIEST <= answer.provided_on <= today
    ):
        return [
            _finding(
                slot,
                code,
                "provided_on",
                f"The {name} is marked Provided to Regulator: enter the date you provided it.",
            )
        ]
    if source == OTHER_ELEMENT and (
        answer.other_element not in ELEMENTS or answer.other_element == slot.element
    ):
        return [
            _finding(
                slot,
                code,
                "other_element",
                f"The {name} is marked Provided in Other Submittal Element: choose which element.",
            )
        ]
    if source == PUBLIC_URL and url_problem(answer.url):
        return [
            _finding(
                slot,
                code,
                "url",
                f"The {name} is marked Public Internet URL: enter its full web address, "
                "starting with http:// or https://.",
            )
        ]
    if source == AT_FACILITY and not (
        answer.stored_at_cers_id and CERS_ID_MIN <= answer.stored_at_cers_id <= CERS_ID_MAX
    ):
        return [
            _finding(
                slot,
                code,
                "stored_at_cers_id",
                f"The {name} is marked Stored at Facility: enter the CERS ID of the facility "
                "where it is kept.",
            )
        ]
    if source == UPLOAD and file_count < 1:
        return [
            _finding(
                slot,
                code,
                "files",
                f"The {name} is marked Upload Documents but has no file: upload at least one "
                "file, or choose another way to provide it.",
            )
        ]
    return []
