"""Agency administration aimed at agency A by agency B's Agency Admin: B's page lists B only;
A's contacts and jurisdiction rules are out of reach, choosing A (or its PA) is refused, and
every change is refused and changes nothing."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from cers_app.agencies.models import AgencyContact, JurisdictionRule
from cers_app.core import routes
from cers_app.regulator.agency_admin_state import AgencyAdminState as S
from tests.security.socket_session import form


def _agency_a(backend: Any, ids: Any) -> tuple[list[int], list[int]]:
    """Agency A's contact ids and some of A's and its PA's rule ids."""
    engine = backend.engine()
    try:
        with Session(engine) as session:
            contacts = session.exec(
                select(AgencyContact.id).where(AgencyContact.agency_id == ids.agency_a)
            ).all()
            rules = session.exec(
                select(JurisdictionRule.id)
                .where(col(JurisdictionRule.agency_id).in_([ids.agency_a, ids.pa]))
                .order_by(col(JurisdictionRule.agency_id).desc(), col(JurisdictionRule.id))
                .limit(4)
            ).all()
    finally:
        engine.dispose()
    return [c for c in contacts if c], [r for r in rules if r]


def run(reg: Any, backend: Any, ids: Any, agency_b: int, page: Any) -> None:
    contacts, rules = _agency_a(backend, ids)
    assert contacts and rules, (contacts, rules)  # the demo CUPA's contacts and ZIP rules
    where = page(routes.REGULATOR_AGENCY)

    loaded = reg.call(S, "load", where=where)
    offered = {a["id"] for value in loaded.vars("agencies") for a in value}
    assert offered == {str(agency_b)}, loaded.describe()

    # With B shown: A's contacts and rules by their ids.
    for contact in contacts:
        reg.call(S, "edit_contact", {"contact_id": str(contact)}, where)
        reg.refused(S, "remove_contact", {"contact_id": str(contact)}, where)
        taken = form(contact_id=str(contact), name="Mallory", title="", phone="", email="")
        reg.refused(S, "save_contact", {"form_data": taken}, where)
    reg.call(S, "cancel_contact", {}, where)
    for rule in rules:
        reg.refused(S, "remove_rule", {"rule_id": str(rule)}, where)
    reg.call(S, "filter_rules", {"form_data": form(element="2")}, where)
    # Rules for A or its PA, and B taking part of A's ZIP: refused (A named by code only).
    for agency in (ids.agency_a, ids.pa):
        given = form(element="3", zip_code="95620", city="", agency=str(agency))
        reg.refused(S, "add_rule", {"form_data": given}, where)
    given = form(element="1", zip_code="95616", city="Davis", agency=str(agency_b))
    reg.refused(S, "add_rule", {"form_data": given}, where)
    csv = "agency_code,element,zip,city\n9001,1,95620,\n9002,2,95616,Davis\n"
    reg.refused(S, "import_rules", {"form_data": form(csv=csv)}, where)
    reg.call(S, "edit_element", {"element": "2"}, where)
    reg.call(S, "cancel_element", {}, where)

    # Choosing A or its PA is refused, and the page forgets B: nothing after can change.
    for agency in (ids.agency_a, ids.pa):
        reg.refused(S, "choose_agency", {"agency_id": str(agency)}, where)
    profile = form(phone="", email="x@example.org", website="", address="", verify_lead_access="on")
    reg.refused(S, "save_profile", {"form_data": profile}, where)
    contact = form(contact_id="new", name="Mallory", title="", phone="", email="", public="on")
    reg.refused(S, "save_contact", {"form_data": contact}, where)
    setting = form(element="2", local_requirements="Taken over", local_document_required="on")
    reg.refused(S, "save_element", {"form_data": setting}, where)
    levels = form(
        location_level="required",
        container_level="required",
        gas_gallons_level="required",
        local_liquid_gal="1",
        local_solid_lb="",
        local_gas_ft3="",
    )
    reg.refused(S, "save_inventory", {"form_data": levels}, where)
    given = form(element="3", zip_code="95620", city="", agency=str(agency_b))
    reg.refused(S, "add_rule", {"form_data": given}, where)
    csv = f"agency_code,element,zip,city\n{9100},1,95620,\n"
    reg.refused(S, "import_rules", {"form_data": form(csv=csv)}, where)
