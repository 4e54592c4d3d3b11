"""The technical-assistance inbox aimed at agency A by agency B's Agency Admin: A's (demo)
request is out of reach. Opening it is "not found", saving and forwarding are refused, nothing
changes and no frame carries the request's text."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from cers_app.agencies.models import AssistanceRequest
from cers_app.core import routes
from cers_app.regulator.assistance_state import AssistanceInboxState, AssistanceTileState
from tests.security.socket_session import form


def _agency_a_requests(backend: Any, agency_a: int) -> list[AssistanceRequest]:
    engine = backend.engine()
    try:
        with Session(engine) as session:
            rows = session.exec(
                select(AssistanceRequest).where(AssistanceRequest.agency_id == agency_a)
            ).all()
            for row in rows:
                session.expunge(row)
    finally:
        engine.dispose()
    return list(rows)


def run(reg: Any, backend: Any, ids: Any, agency_b: int, page: Any) -> None:
    requests = _agency_a_requests(backend, ids.agency_a)
    assert requests, "the demo CUPA's assistance request is missing"
    secrets = [text for r in requests for text in (r.subject, r.message, r.email)]

    home = reg.call(AssistanceTileState, "load", where=page(routes.REGULATOR_HOME))
    assert all(not value for value in home.vars("new_assistance")), home.describe()

    where = page(routes.REGULATOR_ASSISTANCE)
    listing = reg.call(AssistanceInboxState, "load", where=where)
    assert all(not value for value in listing.vars("rows")), listing.describe()
    reg.call(AssistanceInboxState, "filter_status", {"form_data": form(status="new")}, where)
    reg.call(AssistanceInboxState, "go_to_page", {"page": 1}, where)

    for request in requests:
        where = page(routes.REGULATOR_ASSISTANCE, id=str(request.id))
        reg.refused(AssistanceInboxState, "load", where=where)
        change = form(status="closed", note="closed by agency B")
        reg.refused(AssistanceInboxState, "save", {"form_data": change}, where)
        reg.refused(AssistanceInboxState, "forward", {"form_data": form(note="B")}, where)
    for forged in ("0", "-1", "abc", "99999999"):
        where = page(routes.REGULATOR_ASSISTANCE, id=forged)
        reg.refused(AssistanceInboxState, "load", where=where)
        reg.refused(AssistanceInboxState, "save", {"form_data": form(status="closed")}, where)

    leaks = reg.carrying(secrets)
    assert not leaks, "\n".join(leaks)
