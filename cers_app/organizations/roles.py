"""The one role x action table of a business organization.

Services decide with `allows`; pages read the same table to show only what a role may do.
Roles are cumulative: each includes everything the one before it may do. Later features add
their actions here.
"""

from __future__ import annotations

from enum import StrEnum


class OrgRole(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    APPROVER = "approver"
    LEAD = "lead"


ROLE_LABELS: dict[OrgRole, str] = {
    OrgRole.VIEWER: "Viewer",
    OrgRole.EDITOR: "Editor",
    OrgRole.APPROVER: "Approver",
    OrgRole.LEAD: "Lead User",
}

ROLE_DESCRIPTIONS: dict[OrgRole, str] = {
    OrgRole.VIEWER: "Can view the business's facilities and submittals.",
    OrgRole.EDITOR: "Can also edit facility information, work on drafts and upload files.",
    OrgRole.APPROVER: "Can also submit, certify annual updates and add facilities.",
    OrgRole.LEAD: "Can also manage the business's people and details and answer access requests.",
}


class OrgAction(StrEnum):
    VIEW = "view"
    EDIT_DRAFT = "edit_draft"
    UPLOAD = "upload"
    DISCARD_DRAFT = "discard_draft"
    SUBMIT = "submit"
    CERTIFY_NO_CHANGE = "certify_no_change"
    ADD_FACILITY = "add_facility"
    REQUEST_TRANSFER = "request_transfer"
    REQUEST_MERGE = "request_merge"
    REQUEST_DELETE = "request_delete"
    MANAGE_PEOPLE = "manage_people"
    EDIT_ORGANIZATION = "edit_organization"
    ANSWER_ACCESS_REQUEST = "answer_access_request"
    READ_HISTORY = "read_history"


ACTION_LABELS: dict[OrgAction, str] = {
    OrgAction.VIEW: "view facility information",
    OrgAction.EDIT_DRAFT: "edit facility information and drafts",
    OrgAction.UPLOAD: "upload inventories and documents",
    OrgAction.DISCARD_DRAFT: "discard drafts",
    OrgAction.SUBMIT: "submit and certify submittals",
    OrgAction.CERTIFY_NO_CHANGE: "certify that nothing changed",
    OrgAction.ADD_FACILITY: "add facilities",
    OrgAction.REQUEST_TRANSFER: "request facility transfers",
    OrgAction.REQUEST_MERGE: "request facility merges",
    OrgAction.REQUEST_DELETE: "request facility deletions",
    OrgAction.MANAGE_PEOPLE: "manage the business's people",
    OrgAction.EDIT_ORGANIZATION: "edit the business's name and headquarters",
    OrgAction.ANSWER_ACCESS_REQUEST: "answer access requests",
    OrgAction.READ_HISTORY: "read the history of changes",
}

_GAINED: dict[OrgRole, frozenset[OrgAction]] = {
    OrgRole.VIEWER: frozenset({OrgAction.VIEW}),
    OrgRole.EDITOR: frozenset({OrgAction.EDIT_DRAFT, OrgAction.UPLOAD, OrgAction.DISCARD_DRAFT}),
    # Adding a facility commits the business to reporting for it: Approvers and Lead Users.
    OrgRole.APPROVER: frozenset(
        {OrgAction.SUBMIT, OrgAction.CERTIFY_NO_CHANGE, OrgAction.ADD_FACILITY}
    ),
    OrgRole.LEAD: frozenset(
        {
            OrgAction.REQUEST_TRANSFER,
            OrgAction.REQUEST_MERGE,
            OrgAction.REQUEST_DELETE,
            OrgAction.MANAGE_PEOPLE,
            OrgAction.EDIT_ORGANIZATION,
            OrgAction.ANSWER_ACCESS_REQUEST,
            # The history shows everyone's changes: the Lead User's to read, like the people list.
            OrgAction.READ_HISTORY,
        }
    ),
}


def _cumulative() -> dict[OrgRole, frozenset[OrgAction]]:
    table: dict[OrgRole, frozenset[OrgAction]] = {}
    granted: frozenset[OrgAction] = frozenset()
    for role in OrgRole:  # declaration order is the order of the roles
        granted = granted | _GAINED[role]
        table[role] = granted
    return table


ROLE_ACTIONS: dict[OrgRole, frozenset[OrgAction]] = _cumulative()


def allows(role: str | OrgRole, action: OrgAction) -> bool:
    """Whether `role` may do `action` (an unknown role may do nothing)."""
    try:
        return action in ROLE_ACTIONS[OrgRole(role)]
    except ValueError:
        return False


def parse_role(value: str) -> OrgRole | None:
    try:
        return OrgRole(value)
    except ValueError:
        return None
