"""Regulator jurisdiction scoping through the real handlers, on a raw websocket.

A `reflex run --env prod --backend-only` serves the module, once on SQLite and once on
PostgreSQL, seeded with the demo data: the demo CUPA (agency A, code 9001) regulates every
element of Acme's and Valley Fuel's facilities; its participating agency, the Woodland Fire PA
(9002), takes the Hazardous Materials Inventory in Woodland.

1. Agency B knows nothing of agency A. demorev's membership is moved to a new CUPA B, as its
   Agency Admin (every right, so only the jurisdiction can refuse). With the forged ids of A's
   objects it calls every Regulator Portal handler: every change is refused, every table stays
   as it was, and no frame carries an A facility's name, CERS ID or anything else of A's.
2. A participating agency sees only its elements. demopa opens the annex's inventory (its own
   element) but none of the CUPA-only versions, whose form values never reach it, and cannot
   set their status.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from cers_app import demo
from cers_app.accounts.models import User
from cers_app.accounts.rules import username_key
from cers_app.agencies.models import Agency, AgencyKind, RegulatorRole
from cers_app.core import routes
from cers_app.core.codes import DRAFT
from cers_app.core.permissions import Permission
from cers_app.facilities.models import ElementVersion, Facility, FacilityRequest, RequestKind
from cers_app.organizations.models import Organization
from cers_app.regulator.account_state import RegulatorAccountsState
from cers_app.regulator.compliance import CATEGORIES
from cers_app.regulator.compliance_state import RegulatorComplianceState
from cers_app.regulator.facility_actions_state import FacilityActionsState
from cers_app.regulator.facility_state import (
    RegulatorBusinessState,
    RegulatorFacilitySearchState,
    RegulatorFacilityState,
)
from cers_app.regulator.models import ReviewAction
from cers_app.regulator.queue_state import QueueState
from cers_app.regulator.request_inbox_state import RegulatorRequestsState
from cers_app.regulator.review_state import ReviewState
from cers_app.regulator.state import RegulatorHomeState
from cers_app.regulator.submittal_state import SubmittalViewState
from cers_app.reports.print_state import RegulatorPrintState
from tests.security import backend as server
from tests.security.forged_ids import Victim, forged_calls
from tests.security.handlers import all_handlers
from tests.security.raw_client import Reply, SocketClient
from tests.security.report import tally
from tests.security.socket_session import cookie_header, form

FI, HMI = 1, 2
AGENCY_B_CODE = 9100
AGENCY_B_NAME = "Agency B Environmental Health (test CUPA)"
AGENCY_B_COUNTY = 34  # Sacramento: nowhere near the demo CUPA's Yolo ZIPs
# The session's last-seen time moves when any event is handled; it is not data.
IGNORED = {"user_session": {"last_seen_at"}}
# Agency A's businesses: their names appear in every A facility's name.
BUSINESS_NAMES = ("Acme Plating", "Valley Fuel")
OWNER_NAME = "Alan Acme"  # a Facility Information form value of every Acme facility


def event(state: type, handler: str) -> str:
    return f"{state.get_full_name()}.{handler}"


def page(path: str, **query: str) -> dict[str, Any]:
    text = "&".join(f"{k}={v}" for k, v in query.items())
    return {"pathname": path, "asPath": f"{path}?{text}" if text else path, "query": query}


def scope_case_modules() -> list[Any]:
    """The modules tests/security/scope_cases_*.py, each with `run(reg, backend, ids,
    agency_b, page)`: calls of its feature's handlers with agency A's ids, every change
    refused (`reg.refused`) and nothing changed in any table."""
    here = Path(__file__).parent
    names = sorted(p.stem for p in here.glob("scope_cases_*.py"))
    return [importlib.import_module(f"tests.security.{name}") for name in names]


def regulator_handlers() -> set[str]:
    """Every registered handler that needs the Regulator Portal (read at run time, so a
    handler added, renamed or moved into a mixin elsewhere is still counted)."""
    return {h.name for h in all_handlers() if Permission.REGULATOR_PORTAL in h.needs}


# ------------------------------------------------------------------ the server and its data


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[server.Backend]:
    yield from server.serving(request, tmp_path_factory, "regscope")


@pytest.fixture
def log_window(backend: server.Backend) -> Iterator[None]:
    """Fails the test if the server logged a traceback or an unhandled error during it."""
    start = backend.log_size()
    yield
    time.sleep(0.3)  # let the last log lines reach the file
    written = backend.log_since(start)
    found = [marker for marker in server.TRACEBACK_MARKERS if marker in written]
    assert not found, f"the server logged {found} during this test:\n{written[-6000:]}"


@dataclass
class Ids:
    """Agency A's objects, as a forger would guess them."""

    agency_a: int
    pa: int
    annex: int
    annex_versions: dict[int, int]  # element -> submitted version id
    warehouse: int
    warehouse_versions: list[int]
    esparto: int
    acme: int
    valley: int
    delete_request: int
    review_actions: list[int]
    users: dict[str, int]
    cers_ids: dict[str, int] = field(default_factory=dict)  # facility name -> CERS ID


def _facility(session: Session, name: str) -> Facility:
    return session.exec(select(Facility).where(Facility.name == name)).one()


def _versions(session: Session, facility_id: int | None) -> list[ElementVersion]:
    return list(
        session.exec(
            select(ElementVersion)
            .where(ElementVersion.facility_id == facility_id, ElementVersion.status != DRAFT)
            .order_by(col(ElementVersion.id))
        )
    )


@pytest.fixture(scope="module")
def ids(backend: server.Backend) -> Ids:
    engine = backend.engine()
    try:
        with Session(engine) as session:
            annex = _facility(session, demo.IN_REVIEW_FACILITY.name)
            warehouse = _facility(session, demo.SUBMITTED_FACILITY.name)
            esparto = _facility(session, demo.DELETE_FACILITY.name)
            warehouse_versions = [v.id or 0 for v in _versions(session, warehouse.id)]
            request_id = session.exec(
                select(FacilityRequest.id).where(
                    FacilityRequest.facility_id == esparto.id,
                    FacilityRequest.kind == RequestKind.DELETE.value,
                )
            ).one()
            actions = session.exec(
                select(ReviewAction.id).where(ReviewAction.facility_id == warehouse.id)
            ).all()
            agencies = {
                code: agency_id
                for agency_id, code in session.exec(select(Agency.id, Agency.code)).all()
            }
            users = {
                who.username: session.exec(
                    select(User.id).where(User.username_key == username_key(who.username))
                ).one()
                for who in demo.DEMO_USERS
            }
            ids = Ids(
                agency_a=agencies[demo.DEMO_AGENCY_CODE],
                pa=agencies[demo.DEMO_PA_CODE],
                annex=annex.id or 0,
                annex_versions={v.element: v.id or 0 for v in _versions(session, annex.id)},
                warehouse=warehouse.id or 0,
                warehouse_versions=warehouse_versions,
                esparto=esparto.id or 0,
                acme=session.exec(
                    select(Organization.id).where(Organization.name == demo.BUSINESSES[0].name)
                ).one(),
                valley=session.exec(
                    select(Organization.id).where(Organization.name == demo.BUSINESSES[1].name)
                ).one(),
                delete_request=request_id or 0,
                review_actions=[a for a in actions if a is not None],
                users=users,
                cers_ids={
                    f.name: f.cers_id
                    for f in session.exec(select(Facility)).all()
                    if f.name.startswith(BUSINESS_NAMES)
                },
            )
    finally:
        engine.dispose()
    # The demo data this module relies on.
    assert {FI, HMI, 3} <= set(ids.annex_versions), ids.annex_versions
    assert ids.warehouse_versions and ids.review_actions
    assert len(ids.cers_ids) == len(demo.FACILITIES), ids.cers_ids
    return ids


@pytest.fixture(scope="module")
def agency_b(backend: server.Backend, ids: Ids) -> int:
    """A new CUPA B; demorev's only membership moves there, as its Agency Admin."""
    engine = backend.engine()
    try:
        with Session(engine) as session:
            agency = Agency(
                code=AGENCY_B_CODE,
                name=AGENCY_B_NAME,
                kind=AgencyKind.CUPA.value,
                county=AGENCY_B_COUNTY,
                created_at=dt.datetime.now(dt.UTC),
            )
            session.add(agency)
            session.commit()
            assert agency.id is not None
            moved = session.execute(
                sa.text(
                    "UPDATE agency_member SET agency_id = :agency, role = :role "
                    "WHERE user_id = :user"
                ),
                {
                    "agency": agency.id,
                    "role": RegulatorRole.ADMIN.value,
                    "user": ids.users[demo.REVIEWER.username],
                },
            )
            assert moved.rowcount == 1
            session.commit()
            return agency.id
    finally:
        engine.dispose()


# ------------------------------------------------------------------ one signed-in socket


@dataclass
class Regulator:
    """A regulator's socket that remembers what every call sent back."""

    client: SocketClient
    called: set[str] = field(default_factory=set)
    frames: list[tuple[str, str, str]] = field(default_factory=list)  # (call, sent, frame)
    not_refused: list[str] = field(default_factory=list)
    count: int = 0
    must_refuse: set[str] = field(default_factory=set)  # handlers that had to refuse a call
    refusals: int = 0  # calls that had to be refused (and were, or not_refused says so)

    def call(
        self, state: type, handler: str, payload: dict[str, Any] | None = None, where: Any = None
    ) -> Reply:
        return self.call_named(event(state, handler), payload, where, f"{state.__name__}.{handler}")

    def call_named(
        self, name: str, payload: Any, where: Any = None, label: str | None = None
    ) -> Reply:
        """A call of the handler registered as `name`."""
        start = len(self.client.frames)
        reply = self.client.call(name, {} if payload is None else payload, router_data=where)
        sent = json.dumps([payload, where])
        label = label or name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1]
        self.frames += [(label, sent, frame) for frame in self.client.frames[start:]]
        self.called.add(name)
        self.count += 1
        return reply

    def refused(
        self, state: type, handler: str, payload: dict[str, Any] | None = None, where: Any = None
    ) -> Reply:
        """A call that must be refused: an error toast, or the page's not-found message."""
        reply = self.call(state, handler, payload, where)
        self.must_refuse.add(event(state, handler))
        self.refusals += 1
        if not (reply.error_toasts or any(reply.vars("missing"))):
            self.not_refused.append(f"{state.__name__}.{handler}({payload}): {reply.describe()}")
        return reply

    def carrying(self, texts: list[str], *, skip: tuple[str, ...] = ()) -> list[str]:
        """The calls whose frames carry one of `texts` (calls named in `skip` left out).

        A text the call itself sent (a search box's value the page shows again) is no leak.
        """
        return [
            f"{label} sent {text!r}: ...{frame[max(0, frame.find(text) - 300) :][:700]}"
            for label, sent, frame in self.frames
            if label not in skip
            for text in texts
            if text in frame and text not in sent
        ]


def _empty(reply: Reply, name: str) -> bool:
    """Whether every value the deltas gave `name` is empty (a list, dict, or count)."""
    return all(not value for value in reply.vars(name))


# ------------------------------------------------------------------ scenario 1: agency B


def test_agency_b_reaches_nothing_of_agency_a(
    backend: server.Backend, ids: Ids, agency_b: int, log_window: None
):
    engine = backend.engine()
    cookie = cookie_header(backend, demo.REVIEWER)  # signing in writes rows of its own
    before = server.table_digests(engine, IGNORED)
    versions = [*ids.annex_versions.values(), *ids.warehouse_versions]
    facilities = [ids.annex, ids.warehouse, ids.esparto]
    lists_nothing: list[str] = []

    def nothing(reply: Reply, label: str, *names: str) -> None:
        if not all(_empty(reply, name) for name in names):
            lists_nothing.append(f"{label}: {reply.describe()}")

    def only_b(reply: Reply, label: str) -> None:
        offered = {a["id"] for value in reply.vars("agencies") for a in value}
        if not offered <= {str(agency_b)}:
            lists_nothing.append(f"{label} offers agencies {offered}: {reply.describe()}")

    with SocketClient(backend.port, cookie=cookie) as client:
        reg = Regulator(client)
        home = reg.call(RegulatorHomeState, "load", where=page(routes.REGULATOR_HOME))
        nothing(home, "home", "submitted", "under_review", "pending_requests")

        # The submittal page (its view and its review panel) with each forged version id.
        for version in versions:
            where = page(routes.REGULATOR_SUBMITTAL, id=str(version))
            reg.refused(SubmittalViewState, "load", where=where)
            reg.call(SubmittalViewState, "item_go", {"page": 2}, where)
            reg.call(SubmittalViewState, "item_search", {"form_data": form(text="a")}, where)
            reg.refused(ReviewState, "load", where=where)
            reg.call(ReviewState, "count_comment", {"text": "Looks complete."}, where)
            reg.refused(
                ReviewState,
                "save",
                {
                    "form_data": form(
                        status="4", comment="Accepted.", acted_at="", next_due_date="2030-03-01"
                    )
                },
                where,
            )
            for action in ids.review_actions:
                reg.call(ReviewState, "start_edit", {"action_id": str(action)}, where)
                reg.call(ReviewState, "set_edit_text", {"text": "Changed by B"}, where)
                reg.refused(ReviewState, "save_edit", {}, where)
            reg.call(ReviewState, "cancel_edit", {}, where)

        # The review queue, and its filters aimed at A's facilities and agency.
        where = page(routes.REGULATOR_QUEUE)
        queue = [reg.call(QueueState, "load", where=where)]
        annex_cers = str(ids.cers_ids[demo.IN_REVIEW_FACILITY.name])
        for filters in (
            {"facility": annex_cers},
            {"facility": "Acme"},
            {"status": "all", "element": str(HMI)},
            {"agency": str(ids.agency_a)},
            {"agency": str(ids.pa)},
        ):
            queue.append(reg.call(QueueState, "apply_filters", {"form_data": form(**filters)}))
        queue.append(reg.call(QueueState, "go_to_page", {"page": 2}, where))
        queue.append(reg.call(QueueState, "clear_filters", {}, where))
        for reply in queue:
            nothing(reply, "queue", "rows", "total")
            only_b(reply, "queue")

        # Facility search.
        where = page(routes.REGULATOR_FACILITIES)
        search = [reg.call(RegulatorFacilitySearchState, "load", where=where)]
        for text in ("Acme", annex_cers, "Woodland", "Valley"):
            payload = {"form_data": form(query=text)}
            search.append(reg.call(RegulatorFacilitySearchState, "search", payload, where))
        search.append(reg.call(RegulatorFacilitySearchState, "go_to_page", {"page": 2}, where))
        for reply in search:
            nothing(reply, "search", "rows", "total")

        # Compliance: every count zero, every list empty, A's agencies not choosable.
        where = page(routes.REGULATOR_COMPLIANCE)
        compliance = [reg.call(RegulatorComplianceState, "load", where=where)]
        for agency in (ids.agency_a, ids.pa):
            payload = {"agency": str(agency)}
            compliance.append(reg.call(RegulatorComplianceState, "choose_agency", payload, where))
        for category in CATEGORIES:
            payload = {"category": category}
            compliance.append(reg.call(RegulatorComplianceState, "open_count", payload, where))
            payload = {"page": 2}
            compliance.append(reg.call(RegulatorComplianceState, "go_to_page", payload, where))
        for reply in compliance:
            nothing(reply, "compliance", "applicable", "rows", "total")
            only_b(reply, "compliance")
            totals = [v for value in reply.vars("totals") for v in value.values()]
            if any(v != "0" for v in totals):
                lists_nothing.append(f"compliance totals: {reply.describe()}")
            for element in (row for value in reply.vars("elements") for row in value):
                if element.get("applicable") != "0":
                    lists_nothing.append(f"compliance element: {element}")

        # The facility summary with forged facility ids, and its changes.
        for facility in facilities:
            where = page(routes.REGULATOR_FACILITY, id=str(facility))
            reg.refused(RegulatorFacilityState, "load", where=where)
            for element in ("1", "2", "3"):
                payload = {"element": element}
                reg.refused(RegulatorFacilityState, "toggle_requirement", payload, where)
                payload = {"form_data": form(element=element, due="2030-03-01")}
                reg.refused(RegulatorFacilityState, "save_due", payload, where)
                for agency in (agency_b, ids.agency_a, ids.pa):
                    payload = {"form_data": form(element=element, agency=str(agency))}
                    reg.refused(RegulatorFacilityState, "change_cupa", payload, where)
            # Its Print card: no PDF of A's facility is queued, and no job is listed.
            printing = [reg.call(RegulatorPrintState, "load", where=where)]
            for kind in ("packet", "public", "inventory", "../etc"):
                printing.append(reg.refused(RegulatorPrintState, "ask", {"kind": kind}, where))
            payload = {"form_data": form(location="", waste="all", trade_secrets="include")}
            printing.append(reg.refused(RegulatorPrintState, "ask_inventory", payload, where))
            printing.append(reg.call(RegulatorPrintState, "follow", {}, where))
            for reply in printing:
                nothing(reply, "print card", "jobs")

        # The business page of Acme and of Valley Fuel.
        for organization in (ids.acme, ids.valley):
            where = page(routes.REGULATOR_BUSINESS, id=str(organization))
            reg.refused(RegulatorBusinessState, "load", where=where)

        # The requests inbox: the delete request A decides.
        where = page(routes.REGULATOR_REQUESTS)
        inbox = [reg.call(RegulatorRequestsState, "load", where=where)]
        request = str(ids.delete_request)
        for ask in ("ask_approve", "ask_reject"):
            inbox.append(reg.call(RegulatorRequestsState, ask, {"request_id": request}, where))
            inbox.append(reg.call(RegulatorRequestsState, "cancel", {}, where))
        for decision, comment in (("approve", ""), ("reject", "Not ours to keep.")):
            payload = {"form_data": form(request_id=request, decision=decision, comment=comment)}
            inbox.append(reg.refused(RegulatorRequestsState, "decide", payload, where))
        for reply in inbox:
            nothing(reply, "inbox", "rows", "recent", "deciding")

        # Regulator-started transfer, merge and delete of A's facilities.
        for facility in facilities:
            where = page(routes.REGULATOR_FACILITY, id=str(facility))
            panel = reg.call(FacilityActionsState, "load", where=where)
            nothing(panel, "actions panel", "facility")
            comment = {"value": "Ownership changed."}
            reg.call(FacilityActionsState, "set_comment", comment, where)
            # Any business may receive a facility: the business search is not scoped (by design).
            found = reg.call(
                FacilityActionsState,
                "search_organizations",
                {"form_data": form(text=demo.BUSINESSES[1].name)},
                where,
            )
            target = next(
                (o["id"] for value in found.vars("org_choices") for o in value), str(ids.valley)
            )
            reg.call(FacilityActionsState, "choose_organization", {"organization_id": target})
            reg.refused(FacilityActionsState, "transfer", {}, where)
            for into in ids.cers_ids.values():
                payload = {"form_data": form(into=str(into))}
                reg.refused(FacilityActionsState, "merge", payload, where)
            reg.refused(FacilityActionsState, "delete", {}, where)

        # Account administration, aimed at Acme's people and agency A's staff.
        where = page(routes.REGULATOR_ACCOUNTS)
        accounts = reg.call(RegulatorAccountsState, "load", where=where)
        searched = reg.call(RegulatorAccountsState, "search", {"form_data": form(query="demo")})
        for reply in (accounts, searched):  # B's staff: demorev alone
            names = {row["username"] for value in reply.vars("rows") for row in value}
            if names != {demo.REVIEWER.username}:
                lists_nothing.append(f"accounts list {sorted(names)}")
        targets = [demo.BUSINESS, demo.SECOND_LEAD, demo.REGULATOR, demo.PA_REVIEWER]
        for who in targets:
            user = {"user_id": str(ids.users[who.username])}
            for action in ("disable", "enable", "unlock", "end_sessions"):
                reg.refused(RegulatorAccountsState, action, user, where)

        # Agency administration, staff, notices, assistance and the responder view: each
        # feature's own cases, aimed at agency A with agency B's admin (scope_cases_*.py).
        for module in scope_case_modules():
            module.run(reg, backend, ids, agency_b, page)

        # A handler without cases of its own still gets A's ids everywhere a client can put
        # them (forged_ids.py), so a new handler is covered the day it is registered.
        victim = Victim.read(engine, ids.acme, ids.agency_a)
        automatic = regulator_handlers() - reg.called
        for handler in all_handlers():
            if handler.name in automatic:
                for call in forged_calls(handler, victim):
                    reg.call_named(call.name, call.payload, call.router_data)

    after = server.table_digests(engine, IGNORED)
    engine.dispose()

    uncovered = regulator_handlers() - reg.called
    assert not uncovered, f"regulator handlers this test does not call: {sorted(uncovered)}"
    assert reg.not_refused == [], "\n".join(reg.not_refused)
    assert lists_nothing == [], "\n".join(lists_nothing)
    assert {t: d for t, d in after.items() if before.get(t) != d} == {}
    # What of agency A must never reach agency B: A's facilities (name, CERS ID), the owner
    # on their forms, A's staff and A's agency names (the canary is in both).
    secrets = [
        *ids.cers_ids,
        *(str(cers_id) for cers_id in ids.cers_ids.values()),
        OWNER_NAME,
        backend.canary,
    ]
    leaks = reg.carrying(secrets)
    # The transfer form's business search is open to any business (by design): only its
    # answers may name A's businesses; everything else names none of them.
    by_design = (
        "FacilityActionsState.search_organizations",
        "FacilityActionsState.choose_organization",
    )
    leaks += reg.carrying(list(BUSINESS_NAMES), skip=by_design)
    assert leaks == [], "\n".join(leaks[:10])
    tally("regulator-scope:other-agency", "refused", reg.refusals)
    tally("regulator-scope:other-agency", "allowed", reg.count - reg.refusals)
    print(
        f"agency B: {reg.count} handler calls over all {len(reg.called)} regulator handlers "
        f"({len(reg.must_refuse)} of them given A's ids, each refused; {len(automatic)} "
        f"without cases of their own, given forged ids): nothing of agency A reached or changed"
    )


# ------------------------------------------------------------------ scenario 2: the PA


def test_participating_agency_sees_only_its_elements(
    backend: server.Backend, ids: Ids, log_window: None
):
    engine = backend.engine()
    cookie = cookie_header(backend, demo.PA_REVIEWER)
    inventory = ids.annex_versions[HMI]
    cupa_only = [v for e, v in ids.annex_versions.items() if e != HMI] + ids.warehouse_versions
    with SocketClient(backend.port, cookie=cookie) as client:
        reg = Regulator(client)

        # Positive control: the PA's own element loads, and is the only row of its queue.
        where = page(routes.REGULATOR_SUBMITTAL, id=str(inventory))
        shown = reg.call(SubmittalViewState, "load", where=where)
        heads = [h for h in shown.vars("head") if h]
        assert not shown.error_toasts, shown.describe()
        assert heads and heads[-1]["version_id"] == str(inventory), shown.describe()
        assert heads[-1]["facility"] == demo.IN_REVIEW_FACILITY.name
        panel = reg.call(ReviewState, "load", where=where)
        assert not panel.error_toasts and True in panel.vars("loaded"), panel.describe()
        queue = reg.call(QueueState, "load", where=page(routes.REGULATOR_QUEUE))
        rows = [row for value in queue.vars("rows") for row in value]
        assert [row["version_id"] for row in rows] == [str(inventory)], rows
        summary = reg.call(
            RegulatorFacilityState, "load", where=page(routes.REGULATOR_FACILITY, id=str(ids.annex))
        )
        assert not summary.error_toasts, summary.describe()

        # Negative: every CUPA-only version is refused, and nothing of it is sent.
        before = server.table_digests(engine, IGNORED)
        for version in cupa_only:
            where = page(routes.REGULATOR_SUBMITTAL, id=str(version))
            refused = reg.refused(SubmittalViewState, "load", where=where)
            assert _empty(refused, "head") and _empty(refused, "form_lines"), refused.describe()
            refused = reg.refused(ReviewState, "load", where=where)
            assert _empty(refused, "version") and _empty(refused, "history"), refused.describe()
        where = page(routes.REGULATOR_SUBMITTAL, id=str(ids.annex_versions[FI]))
        reg.refused(ReviewState, "load", where=where)
        status = form(status="4", comment="Accepted.", acted_at="", next_due_date="")
        reg.refused(ReviewState, "save", {"form_data": status}, where)
        reg.refused(
            RegulatorFacilityState,
            "load",
            where=page(routes.REGULATOR_FACILITY, id=str(ids.warehouse)),
        )
        after = server.table_digests(engine, IGNORED)
    engine.dispose()

    assert reg.not_refused == [], "\n".join(reg.not_refused)
    assert {t: d for t, d in after.items() if before.get(t) != d} == {}
    # The CUPA-only versions: not their form values, not their pages' links, not the
    # warehouse (none of whose elements the PA regulates).
    secrets = [
        OWNER_NAME,
        demo.SUBMITTED_FACILITY.name,
        str(ids.cers_ids[demo.SUBMITTED_FACILITY.name]),
        *(f'{routes.REGULATOR_SUBMITTAL}?id={version}"' for version in cupa_only),
    ]
    leaks = reg.carrying(secrets)
    assert leaks == [], "\n".join(leaks[:10])
    tally("regulator-scope:participating-agency", "refused", reg.refusals)
    tally("regulator-scope:participating-agency", "allowed", reg.count - reg.refusals)
    print(
        f"participating agency: {reg.count} handler calls; its inventory shown, "
        f"{len(cupa_only)} CUPA-only versions refused with nothing sent"
    )
