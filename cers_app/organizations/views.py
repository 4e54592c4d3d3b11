"""Small read-only views the organizations services hand to the UI."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OrgSummary:
    """One of the actor's businesses, with the actor's role in it."""

    id: int
    code: int
    name: str
    headquarters: str
    role: str
    role_label: str
    people: int


@dataclass(frozen=True)
class OrgDetails:
    id: int
    code: int
    name: str
    headquarters: str
    version: int
    role: str
    role_label: str
    actions: frozenset[str]


@dataclass(frozen=True)
class PersonRow:
    member_id: int
    name: str
    username: str
    email: str
    title: str
    phone: str
    role: str
    role_label: str
    added: str
    is_me: bool
    version: int


@dataclass(frozen=True)
class InvitationRow:
    id: int
    email: str
    name: str
    role_label: str
    sent: str
    expires: str


@dataclass(frozen=True)
class People:
    people: list[PersonRow]
    invitations: list[InvitationRow]


@dataclass(frozen=True)
class InvitationView:
    business: str
    invited_by: str
    role_label: str
    email: str
    full_name: str
