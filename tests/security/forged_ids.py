"""Forged-id calls for any handler: the real ids of a victim's rows, aimed at every handler.

`Victim.read` collects the ids of one business's rows (and of the agency that regulates it) from
the server's database; `forged_calls` builds, for any handler, calls that name those ids in
every place a client can: an argument whose name says what it holds, a form field, and the
page's query string (most pages find their object there). Together with the hostile payloads of
payloads.py this reaches every handler without a hand-written case, so a new handler is covered
the day it is registered.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from tests.security.handlers import Handler
from tests.security.payloads import _options, _valid_base
from tests.security.raw_client import Call
from tests.security.socket_session import form

PER_KIND = 2  # ids of each kind in a payload: the first and the last, enough to find a gap
# Which kind of id a parameter or form field holds, by the words in its name (first match).
NAME_KINDS: tuple[tuple[str, str], ...] = (
    ("version", "version"),
    ("submittal", "submittal"),
    ("item", "item"),
    ("row", "item"),
    ("member", "member"),
    ("invitation", "invitation"),
    ("organization", "organization"),
    ("org", "organization"),
    ("business", "organization"),
    ("file", "file"),
    ("document", "document"),
    ("import", "import"),
    ("job", "job"),
    ("request", "request"),
    ("action", "action"),
    ("notice", "notice"),
    ("agency", "agency"),
    ("user", "user"),
    ("wizard", "wizard"),
    ("into", "cers"),
    ("cers", "cers"),
    ("facility", "facility"),
)
# What a page's ?id= names, page by page: these are the kinds the query string is forged with
# ("inventory" is a submitted version with inventory rows: the regulator's richest page).
PAGE_ID_KINDS = ("facility", "version", "inventory", "organization", "request", "cers")
# Form fields that carry ids in this app's forms.
FORM_ID_FIELDS = (
    "id",
    "facility",
    "facility_id",
    "version",
    "version_id",
    "item_id",
    "member_id",
    "invitation_id",
    "organization_id",
    "request_id",
    "document_id",
    "file",
    "into",
    "agency",
    "user_id",
    "import",
)

# kind -> the query of the victim's ids of that kind (:org is the business, :agency its CUPA)
_QUERIES: dict[str, str] = {
    "organization": "SELECT id FROM organization WHERE id = :org",
    "facility": "SELECT id FROM facility WHERE organization_id = :org",
    "cers": "SELECT cers_id FROM facility WHERE organization_id = :org",
    "version": "SELECT id FROM element_version WHERE organization_id = :org",
    "submittal": "SELECT id FROM facility_submittal WHERE organization_id = :org",
    "inventory": "SELECT DISTINCT v.id FROM element_version v JOIN inventory_item i "
    "ON i.element_version_id = v.id WHERE v.organization_id = :org AND v.status <> 1",
    "item": "SELECT i.id FROM inventory_item i JOIN facility f ON f.id = i.facility_id "
    "WHERE f.organization_id = :org",
    "member": "SELECT id FROM org_member WHERE organization_id = :org",
    "invitation": "SELECT id FROM org_invitation WHERE organization_id = :org",
    "document": "SELECT d.id FROM element_document d JOIN facility f ON f.id = d.facility_id "
    "WHERE f.organization_id = :org",
    "file": "SELECT df.stored_file_id FROM element_document_file df "
    "JOIN element_document d ON d.id = df.document_id "
    "JOIN facility f ON f.id = d.facility_id WHERE f.organization_id = :org",
    "import": "SELECT m.id FROM inventory_import m JOIN facility f ON f.id = m.facility_id "
    "WHERE f.organization_id = :org",
    "job": "SELECT id FROM report_job WHERE organization_id = :org",
    "request": "SELECT id FROM facility_request WHERE organization_id = :org",
    "action": "SELECT a.id FROM review_action a JOIN facility f ON f.id = a.facility_id "
    "WHERE f.organization_id = :org",
    "wizard": "SELECT w.id FROM facility_wizard w JOIN facility f ON f.id = w.facility_id "
    "WHERE f.organization_id = :org",
    "user": "SELECT user_id FROM org_member WHERE organization_id = :org "
    "UNION SELECT user_id FROM agency_member WHERE agency_id = :agency",
    "agency": "SELECT id FROM agency WHERE id = :agency OR parent_agency_id = :agency",
    "notice": "SELECT id FROM site_notice WHERE agency_id = :agency",
}


@dataclass(frozen=True)
class Victim:
    """The ids of one business's rows and of its regulator's, kind -> ids (sorted)."""

    ids: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def read(cls, engine: sa.Engine, organization_id: int, agency_id: int) -> Victim:
        """The victim's ids as they are in the server's database now."""
        found: dict[str, list[int]] = {}
        with engine.connect() as connection:
            for kind, query in _QUERIES.items():
                rows = connection.execute(
                    sa.text(query), {"org": organization_id, "agency": agency_id}
                )
                found[kind] = sorted({row[0] for row in rows if row[0] is not None})
        return cls(found)

    def some(self, kind: str) -> list[int]:
        """The first and the last id of `kind` (the ones a forger tries first)."""
        ids = self.ids.get(kind, [])
        return sorted({*ids[:1], *ids[-1:]})[:PER_KIND]


def kind_of(name: str) -> str | None:
    """The kind of id a parameter or form field called `name` holds, if it says so."""
    lowered = name.lower()
    if lowered == "id":
        return "facility"
    return next((kind for word, kind in NAME_KINDS if word in lowered), None)


def page(path: str, **query: str) -> dict[str, Any]:
    """Router data of `path` with a query string (what the page's load handler reads)."""
    text = "&".join(f"{k}={v}" for k, v in query.items())
    return {"pathname": path, "asPath": f"{path}?{text}" if text else path, "query": query}


def victim_pages(victim: Victim) -> list[tuple[str, dict[str, Any]]]:
    """Router data naming the victim's objects in every query key this app's pages read."""
    extra = {
        "element": "2",
        "version": str(next(iter(victim.some("version")), 1)),
        "submittal": str(next(iter(victim.some("submittal")), 1)),
        "item": str(next(iter(victim.some("item")), 1)),
        "import": str(next(iter(victim.some("import")), 1)),
        "w": str(next(iter(victim.some("wizard")), 1)),
        "doc_slot": "1",
    }
    pages = []
    for kind in PAGE_ID_KINDS:
        for value in victim.some(kind)[:1]:
            pages.append((f"page-{kind}", page("/forged", id=str(value), **extra)))
    return pages


def _forged_values(annotation: Any, kind: str, victim: Victim) -> list[Any]:
    base, _optional = _options(annotation)
    ids = victim.some(kind)
    if base is int:
        return ids
    if base is str:
        return [str(i) for i in ids]
    return []


def _forged_form(victim: Victim) -> dict[str, object]:
    fields = {}
    for name in FORM_ID_FIELDS:
        kind = kind_of(name) or "facility"
        ids = victim.some(kind)
        if ids:
            fields[name] = str(ids[-1])
    return form(**fields)


def forged_calls(handler: Handler, victim: Victim, marker_answers: int = 1) -> list[Call]:
    """Calls of `handler` naming the victim's ids: the empty payload on each victim page, and
    each id-shaped argument (and any form) filled with the victim's ids."""
    pages = victim_pages(victim)
    calls = [Call(handler.name, {}, where, marker_answers) for _label, where in pages]
    home = pages[0][1] if pages else None
    base = _valid_base(handler)  # every other required argument well typed
    params = [p for p in handler.parameters if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    for param in params:
        if typing.get_origin(_options(param.annotation)[0]) is dict:
            payload = {**base, param.name: _forged_form(victim)}
            calls.append(Call(handler.name, payload, home, marker_answers))
            continue
        kind = kind_of(param.name)
        if kind is None:
            continue
        for value in _forged_values(param.annotation, kind, victim):
            payload = {**base, param.name: value}
            calls.append(Call(handler.name, payload, home, marker_answers))
    return calls
