"""How the audit trail reads to people: a label and a group for every event type, labels for
the objects acted on, and which recorded keys may be shown at all.

The one place for these words: the business and regulator history pages both read them.
"""

from __future__ import annotations

import re
from typing import Any

from cers_app.core.audit import AuditEventType as E

ALL = "all"
GROUPS: dict[str, str] = {
    ALL: "All changes",
    "facility": "Facility information",
    "inventory": "Hazardous materials inventory",
    "documents": "Documents",
    "submittals": "Submittals",
    "review": "Regulator review and requirements",
    "requests": "Facility requests",
    "business": "Business and people",
    "accounts": "Accounts",
    "agency": "Agency administration",
    "reports": "Reports",
    "system": "Site operations",
}

# event type -> (group, label)
EVENTS: dict[str, tuple[str, str]] = {
    E.USER_REGISTERED: ("accounts", "Account registered"),
    E.USER_ACTIVATED: ("accounts", "Account activated"),
    E.USER_CREATED_BY_ADMIN: ("accounts", "Account created by an administrator"),
    E.USER_SIGNED_IN: ("accounts", "Signed in"),
    E.USER_SIGNED_OUT: ("accounts", "Signed out"),
    E.USER_SIGN_IN_FAILED: ("accounts", "Sign-in failed"),
    E.USER_PROFILE_CHANGED: ("accounts", "Profile changed"),
    E.USER_EMAIL_CHANGE_REQUESTED: ("accounts", "Email change requested"),
    E.USER_EMAIL_CHANGED: ("accounts", "Email changed"),
    E.USER_PASSWORD_CHANGED: ("accounts", "Password changed"),
    E.USER_PASSWORD_RESET_REQUESTED: ("accounts", "Password reset requested"),
    E.USER_PASSWORD_RESET: ("accounts", "Password reset"),
    E.USER_CONDITIONS_ACCEPTED: ("accounts", "Conditions of use accepted"),
    E.USER_SESSIONS_REVOKED: ("accounts", "Signed out everywhere"),
    E.USER_DISABLED: ("accounts", "Account disabled"),
    E.USER_ENABLED: ("accounts", "Account enabled"),
    E.USER_UNLOCKED: ("accounts", "Account unlocked"),
    E.USER_SESSIONS_ENDED: ("accounts", "Sessions ended by an administrator"),
    E.ORGANIZATION_CREATED: ("business", "Business created"),
    E.ORGANIZATION_CHANGED: ("business", "Business details changed"),
    E.ORG_MEMBER_ADDED: ("business", "Person added"),
    E.ORG_MEMBER_CHANGED: ("business", "Person changed"),
    E.ORG_MEMBER_REMOVED: ("business", "Person removed"),
    E.ORG_INVITATION_SENT: ("business", "Invitation sent"),
    E.ORG_INVITATION_REVOKED: ("business", "Invitation revoked"),
    E.ORG_INVITATION_ACCEPTED: ("business", "Invitation accepted"),
    E.FACILITY_CREATED: ("facility", "Facility added"),
    E.FACILITY_INFORMATION_DRAFT_SAVED: ("facility", "Facility Information saved"),
    E.FACILITY_NO_REGULATED_ACTIVITIES: ("facility", "No regulated activities reported"),
    E.ELEMENTS_MADE_NOT_APPLICABLE_BY_BUSINESS: ("facility", "Elements made not applicable"),
    E.FACILITY_REQUESTED: ("requests", "Facility request made"),
    E.FACILITY_REQUEST_DECIDED: ("requests", "Facility request decided"),
    E.FACILITY_REQUEST_WITHDRAWN: ("requests", "Facility request withdrawn"),
    E.FACILITY_TRANSFERRED: ("requests", "Facility transferred"),
    E.FACILITY_MERGED: ("requests", "Facility merged"),
    E.FACILITY_DELETED: ("requests", "Facility deleted"),
    E.FACILITY_REGULATOR_CHANGED: ("review", "Regulating agency changed"),
    E.AGENCY_CHANGED: ("agency", "Agency changed"),
    E.JURISDICTION_LOADED: ("agency", "Jurisdiction loaded"),
    E.AGENCY_CREATED: ("agency", "Agency created"),
    E.AGENCY_MEMBER_ADDED: ("agency", "Staff member added"),
    E.AGENCY_MEMBER_ROLE_CHANGED: ("agency", "Staff role changed"),
    E.AGENCY_PROFILE_CHANGED: ("agency", "Agency profile changed"),
    E.AGENCY_CONTACT_ADDED: ("agency", "Agency contact added"),
    E.AGENCY_CONTACT_CHANGED: ("agency", "Agency contact changed"),
    E.AGENCY_CONTACT_REMOVED: ("agency", "Agency contact removed"),
    E.JURISDICTION_RULE_ADDED: ("agency", "Jurisdiction rule added"),
    E.JURISDICTION_RULE_REMOVED: ("agency", "Jurisdiction rule removed"),
    E.AGENCY_ELEMENT_SETTING_CHANGED: ("agency", "Element setting changed"),
    E.AGENCY_MEMBER_INVITED: ("agency", "Staff member invited"),
    E.AGENCY_MEMBER_DEACTIVATED: ("agency", "Staff member deactivated"),
    E.AGENCY_MEMBER_REACTIVATED: ("agency", "Staff member reactivated"),
    E.SITE_NOTICE_SAVED: ("agency", "Site notice saved"),
    E.SITE_NOTICE_REMOVED: ("agency", "Site notice removed"),
    E.ASSISTANCE_REQUESTED: ("agency", "Technical assistance requested"),
    E.ASSISTANCE_UPDATED: ("agency", "Technical assistance request updated"),
    E.ASSISTANCE_FORWARDED: ("agency", "Technical assistance request forwarded"),
    E.INVENTORY_DRAFT_STARTED: ("inventory", "Inventory draft started"),
    E.INVENTORY_ITEM_ADDED: ("inventory", "Material added"),
    E.INVENTORY_ITEM_CHANGED: ("inventory", "Material changed"),
    E.INVENTORY_ITEM_COPIED: ("inventory", "Material copied"),
    E.INVENTORY_ITEM_DELETED: ("inventory", "Material deleted"),
    E.INVENTORY_SETTINGS_CHANGED: ("agency", "Inventory settings changed"),
    E.INVENTORY_IMPORT_CREATED: ("inventory", "Inventory spreadsheet uploaded"),
    E.INVENTORY_IMPORTED: ("inventory", "Inventory spreadsheet imported"),
    E.INVENTORY_IMPORT_CANCELLED: ("inventory", "Inventory upload cancelled"),
    E.DOCUMENT_SOURCE_SAVED: ("documents", "Document choice saved"),
    E.DOCUMENT_FILE_ATTACHED: ("documents", "Document attached"),
    E.DOCUMENT_FILE_REMOVED: ("documents", "Document removed"),
    E.ELEMENT_DRAFT_STARTED: ("submittals", "Draft started"),
    E.ELEMENT_DRAFT_DISCARDED: ("submittals", "Draft discarded"),
    E.FACILITY_SUBMITTED: ("submittals", "Submitted"),
    E.NO_CHANGE_CERTIFIED: ("submittals", "No change certified"),
    E.DUE_DATE_SET: ("submittals", "Due date set"),
    E.ELEMENT_FORM_SAVED: ("submittals", "Element form saved"),
    E.ELEMENT_RECORD_ADDED: ("submittals", "Element record added"),
    E.ELEMENT_RECORD_SAVED: ("submittals", "Element record saved"),
    E.ELEMENT_RECORD_DELETED: ("submittals", "Element record deleted"),
    E.ELEMENT_VERSION_IMPORTED: ("submittals", "Submittal imported (EDT)"),
    E.SUBMITTAL_REVIEWED: ("review", "Submittal reviewed"),
    E.SUBMITTAL_REVIEW_COMMENT_EDITED: ("review", "Review comment edited"),
    E.REPORTING_REQUIREMENT_SET: ("review", "Reporting requirement set"),
    E.REPORT_REQUESTED: ("reports", "Report requested"),
    E.MAINTENANCE_MODE_CHANGED: ("system", "Maintenance mode changed"),
    E.TRAINING_DATA_RESET: ("system", "Training data reset"),
}

# Events a business never reads about, even on its own facility: the agency's own work.
AGENCY_INTERNAL = frozenset(
    name for name, (group, _) in EVENTS.items() if group in {"agency", "system"}
)

# A business's work on its drafts: a regulator reads who did it and when, never the values,
# since regulators see only what was submitted.
DRAFT_EDITS = frozenset(
    {
        E.FACILITY_INFORMATION_DRAFT_SAVED,
        E.INVENTORY_DRAFT_STARTED,
        E.INVENTORY_ITEM_ADDED,
        E.INVENTORY_ITEM_CHANGED,
        E.INVENTORY_ITEM_COPIED,
        E.INVENTORY_ITEM_DELETED,
        E.INVENTORY_IMPORT_CREATED,
        E.INVENTORY_IMPORTED,
        E.INVENTORY_IMPORT_CANCELLED,
        E.DOCUMENT_SOURCE_SAVED,
        E.DOCUMENT_FILE_ATTACHED,
        E.DOCUMENT_FILE_REMOVED,
        E.ELEMENT_DRAFT_STARTED,
        E.ELEMENT_DRAFT_DISCARDED,
        E.ELEMENT_FORM_SAVED,
        E.ELEMENT_RECORD_ADDED,
        E.ELEMENT_RECORD_SAVED,
        E.ELEMENT_RECORD_DELETED,
    }
)
# The key a reader's filter puts in place of values it withholds (shown as its text alone).
WITHHELD = "__withheld__"
DRAFT_WITHHELD = "A change to a draft: its values are shown once submitted."

SUBJECTS: dict[str, str] = {
    "facility": "Facility",
    "organization": "Business",
    "org_member": "Person",
    "org_invitation": "Invitation",
    "element_version": "Submittal element",
    "facility_submittal": "Submittal",
    "inventory_item": "Material",
    "inventory_import": "Inventory upload",
    "element_document": "Document",
    "element_document_file": "Document file",
    "facility_request": "Facility request",
    "review_action": "Review",
    "user": "Account",
    "session": "Session",
    "agency": "Agency",
    "agency_member": "Staff member",
    "agency_contact": "Agency contact",
    "site_notice": "Site notice",
    "assistance_request": "Assistance request",
}

# Keys never shown, whatever the event: secrets and what identifies a session or a client.
_SECRET_KEY = re.compile(
    r"password|passwd|hash|token|secret|answer|cookie|session_id|^session$|client_ip|^ip$",
    re.IGNORECASE,
)
# Values that look like secrets even under an innocent key (bcrypt or a hex digest).
_SECRET_VALUE = re.compile(r"^\$2[aby]?\$\d\d\$|^[0-9a-f]{40,}$", re.IGNORECASE)
HIDDEN = "(hidden)"
VALUE_MAX = 200
FIELDS_MAX = 20


def group_of(event: str) -> str:
    """The group an event type belongs to ("other" for a type without a label yet)."""
    return EVENTS.get(event, ("other", ""))[0]


def label_of(event: str) -> str:
    """The human label of an event type (its name in words for a type without one)."""
    found = EVENTS.get(event)
    return found[1] if found else event.replace("_", " ").capitalize()


def events_of(group: str) -> list[str]:
    """The event types of a group, for a SQL filter."""
    return sorted(name for name, (g, _) in EVENTS.items() if g == group)


def subject_label(subject_type: str, subject_id: str) -> str:
    """The object acted on, in words: "Material 12"."""
    label = SUBJECTS.get(subject_type, subject_type.replace("_", " ").capitalize())
    return f"{label} {subject_id}".strip()


def key_shown(key: str) -> bool:
    """Whether a recorded key may be shown (never passwords, answers, hashes or tokens)."""
    return not _SECRET_KEY.search(key)


def field_label(key: str) -> str:
    """A recorded key in words: "zip_code" -> "Zip code"; CERS tags stay as they are."""
    if "_" in key or key.islower():
        return key.replace("_", " ").capitalize()
    return key


def value_text(value: Any) -> str:
    """A recorded value as short text; secret-looking strings are hidden."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        return f"({len(value)} values)"
    if isinstance(value, list | tuple):
        if all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
            text = ", ".join(str(v) for v in value)
        else:
            text = f"({len(value)} items)"
    else:
        text = str(value)
    if _SECRET_VALUE.search(text):
        return HIDDEN
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"
