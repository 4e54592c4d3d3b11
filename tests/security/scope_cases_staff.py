"""Staff and roles, and site notices, aimed at agency A by agency B's Agency Admin: A's
members and A's (demo) notice are out of reach; every change is refused and changes nothing."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from cers_app.agencies.models import AgencyMember, SiteNotice
from cers_app.core import routes
from cers_app.regulator.notice_state import RegulatorNoticesState
from cers_app.regulator.staff_state import StaffState
from tests.security.socket_session import form


def _agency_a(backend: Any, agency_a: int) -> tuple[list[int], list[int]]:
    """Agency A's membership ids and notice ids."""
    engine = backend.engine()
    try:
        with Session(engine) as session:
            members = session.exec(
                select(AgencyMember.id).where(AgencyMember.agency_id == agency_a)
            ).all()
            notices = session.exec(
                select(SiteNotice.id).where(SiteNotice.agency_id == agency_a)
            ).all()
    finally:
        engine.dispose()
    return [m for m in members if m], [n for n in notices if n]


def run(reg: Any, backend: Any, ids: Any, agency_b: int, page: Any) -> None:
    members, notices = _agency_a(backend, ids.agency_a)
    assert members and notices, (members, notices)  # the demo CUPA's staff and its notice

    where = page(routes.REGULATOR_STAFF)
    reg.call(StaffState, "load", where=where)
    for member in members:
        payload = {"member_id": str(member)}
        reg.refused(StaffState, "change_role", {**payload, "role": "viewer"}, where)
        reg.refused(StaffState, "change_role", {**payload, "role": "admin"}, where)
        reg.refused(StaffState, "deactivate", payload, where)
        reg.refused(StaffState, "reactivate", payload, where)
    # Inviting into agency A (B's admin administers B only).
    invite = form(agency=str(ids.agency_a), email="intruder@example.com", role="admin")
    reg.refused(StaffState, "invite", {"form_data": invite}, where)
    invite = form(
        agency=str(ids.agency_a),
        email="new.intruder@example.com",
        role="admin",
        first_name="In",
        last_name="Truder",
    )
    reg.refused(StaffState, "invite", {"form_data": invite}, where)

    where = page(routes.REGULATOR_NOTICES)
    reg.call(RegulatorNoticesState, "load", where=where)
    for notice in notices:
        reg.refused(RegulatorNoticesState, "edit", {"notice_id": str(notice)}, where)
        reg.refused(RegulatorNoticesState, "remove", {"notice_id": str(notice)}, where)
    reg.call(RegulatorNoticesState, "new", {}, where)
    # With no notice of A being edited, a save can only add a notice of B: an empty form is
    # refused by its checks, so nothing is added.
    empty = form(message="", level="", starts_date="", starts_time="", ends_date="", ends_time="")
    reg.refused(RegulatorNoticesState, "save", {"form_data": empty}, where)
