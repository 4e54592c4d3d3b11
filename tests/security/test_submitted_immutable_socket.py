"""Submitted versions never change, through the real handlers on a raw websocket.

The demo's Acme Plating - Davis Warehouse has an accepted business plan (seed-demo): its
inventory rows, its plans' documents and its site map file belong to submitted versions. Its
Lead User, on a socket of its own, opens each of them (forging the ids a page would hold) and
calls every handler that changes an inventory row or a document: each is refused with an error
toast, and every table stays exactly as it was. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from cers_app import demo
from cers_app.core.codes import ACCEPTED
from cers_app.facilities.models import ElementVersion, Facility
from cers_app.inventory.models import InventoryItem
from cers_app.inventory.state import InventoryState, ItemFormState
from cers_app.organizations.models import Organization
from cers_app.organizations.state import MyBusinessesState
from cers_app.submittals.document_models import ElementDocumentFile
from cers_app.submittals.document_state import DocumentState
from tests.security import backend as server
from tests.security.raw_client import SocketClient
from tests.security.report import tally
from tests.security.socket_session import cookie_header

WAREHOUSE = demo.SUBMITTED_FACILITY.name
HMI, ERTP = 2, 3
IGNORED = {"user_session": {"last_seen_at"}}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[server.Backend]:
    yield from server.serving(request, tmp_path_factory, "immutable")


def _accepted(backend: server.Backend) -> dict[str, int]:
    """The warehouse's ids: facility, its business, accepted HMI and ERTP versions, an
    inventory row and the site map file of the accepted inventory."""
    with Session(backend.engine()) as session:
        facility = session.exec(select(Facility).where(Facility.name == WAREHOUSE)).one()
        organization = session.get(Organization, facility.organization_id)
        versions = {
            v.element: v.id
            for v in session.exec(
                select(ElementVersion).where(
                    ElementVersion.facility_id == facility.id, ElementVersion.status == ACCEPTED
                )
            )
        }
        item = session.exec(
            select(InventoryItem.id).where(InventoryItem.element_version_id == versions[HMI])
        ).first()
        file_id = session.exec(
            select(ElementDocumentFile.id).where(
                ElementDocumentFile.element_version_id == versions[HMI]
            )
        ).first()
    assert organization is not None and item is not None and file_id is not None
    return {
        "facility": facility.id or 0,
        "organization": organization.id or 0,
        "hmi": versions[HMI] or 0,
        "ertp": versions[ERTP] or 0,
        "item": item,
        "file": file_id,
    }


def _page(path: str, **query: str) -> dict:
    text = "&".join(f"{k}={v}" for k, v in query.items())
    return {"pathname": path, "asPath": f"{path}?{text}", "query": query}


def _name(state: type, handler: str) -> str:
    return f"{state.get_full_name()}.{handler}"


def test_every_change_to_a_submitted_version_is_refused(backend: server.Backend):
    ids = _accepted(backend)
    engine = backend.engine()
    facility, item = str(ids["facility"]), str(ids["item"])
    item_page = _page("/facilities/inventory/item", id=facility, item=item)
    list_page = _page("/facilities/inventory", id=facility)
    hmi_docs = _page("/facilities/plans", id=facility, version=str(ids["hmi"]))
    ertp_docs = _page("/facilities/plans", id=facility, version=str(ids["ertp"]))
    exempt = {"source": "1", "exempt_reason": "Nothing to keep here", "row_version": "1"}
    # (page, its load event and payload, the changing handler and its payload)
    calls = [
        (
            item_page,
            (ItemFormState, {}),
            (ItemFormState, "save"),
            {"form_data": {"CommonName": "X"}},
        ),
        (list_page, (InventoryState, {}), (InventoryState, "copy"), {"item_id": item}),
        (
            hmi_docs,
            (DocumentState, {"element": HMI}),
            (DocumentState, "save_source"),
            {"form_data": {**exempt, "slot": "5"}},
        ),
        (hmi_docs, (DocumentState, {"element": HMI}), (DocumentState, "clear_slot"), {"slot": "5"}),
        (
            hmi_docs,
            (DocumentState, {"element": HMI}),
            (DocumentState, "remove_file"),
            {"slot": "5", "file_id": str(ids["file"])},
        ),
        (
            ertp_docs,
            (DocumentState, {"element": ERTP}),
            (DocumentState, "save_source"),
            {"form_data": {**exempt, "slot": "7"}},
        ),
        (
            ertp_docs,
            (DocumentState, {"element": ERTP}),
            (DocumentState, "clear_slot"),
            {"slot": "7"},
        ),
    ]
    not_refused = []

    cookie = cookie_header(backend, demo.BUSINESS)  # signing in writes rows of its own
    with SocketClient(backend.port, cookie=cookie) as client:
        organization = {"organization_id": str(ids["organization"])}
        client.call(_name(MyBusinessesState, "select"), organization)
        before = server.table_digests(engine, IGNORED)
        for page, (loaded, load_payload), (state, handler), payload in calls:
            client.call(_name(loaded, "load"), load_payload, router_data=page)
            reply = client.call(_name(state, handler), payload, router_data=page)
            if not reply.error_toasts:
                not_refused.append(f"{state.__name__}.{handler}: {reply.describe()}")
        # Deleting asks first, and only for a row the page lists (the draft's rows): the
        # submitted row's id is not taken, so confirming deletes nothing.
        client.call(_name(InventoryState, "load"), {}, router_data=list_page)
        asked = client.call(_name(InventoryState, "ask_delete"), {"item_id": item})
        client.call(_name(InventoryState, "confirm_delete"), {}, router_data=list_page)

    assert not_refused == []
    assert asked.vars("confirming") == []
    assert server.table_digests(engine, IGNORED) == before
    tally("immutable-submitted", "refused", len(calls) + 1)
    print(f"{len(calls) + 1} changing handlers called on submitted versions: all refused")
