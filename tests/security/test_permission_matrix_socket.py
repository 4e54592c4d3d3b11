"""The permission matrix through the real handlers: each role's own session on a raw websocket.

A `reflex run --env prod --backend-only` serves the module, once on SQLite and once on
PostgreSQL, with the demo data: at Acme Plating Co. demobiz is Lead User, democon Approver,
demoed Editor and demoview Viewer; at Valley Fuel Depot demovic is Lead User. Each role signs in
through the real flow and calls the organizations handlers in the order a person would.

The matrix is generated: every (role, action) of roles.ROLE_ACTIONS, through the handlers that
action has in HANDLERS_BY_ACTION. An allowed call does what it says; a refused one answers with
an error toast and leaves every table exactly as it was. Actions without a handler yet are
listed in the output as "service-level only" (tests/unit/organizations covers them). With
Valley Fuel Depot's ids, Acme's Lead User reaches nothing there and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from cers_app import demo
from cers_app.accounts.models import User, UserSession
from cers_app.accounts.rules import username_key
from cers_app.core.mail import EmailMessage
from cers_app.core.tokens import hash_token
from cers_app.facilities.audit_trail_state import BusinessHistoryState
from cers_app.home.state import BusinessHomeState
from cers_app.organizations.models import Organization, OrgInvitation, OrgMember
from cers_app.organizations.roles import ROLE_ACTIONS, OrgAction, OrgRole, allows
from cers_app.organizations.state import EditOrganizationState, MyBusinessesState, PeopleState
from tests.security import backend as server
from tests.security.raw_client import Reply, SocketClient
from tests.security.report import tally
from tests.security.socket_session import cookie_header, form

ACME, VALLEY = "Acme Plating Co.", "Valley Fuel Depot"
# The demo person who holds each role at Acme (checked against demo.BUSINESSES below).
ROLE_HOLDERS: dict[OrgRole, demo.DemoUser] = {
    OrgRole.LEAD: demo.BUSINESS,
    OrgRole.APPROVER: demo.CONSULTANT,
    OrgRole.EDITOR: demo.EDITOR,
    OrgRole.VIEWER: demo.VIEWER,
}
# The session's last-seen time moves when any event is handled; it is not data.
IGNORED = {"user_session": {"last_seen_at"}}
SERVICE_REFUSAL = "does not allow you to"


def event(state: type, handler: str) -> str:
    return f"{state.get_full_name()}.{handler}"


# ------------------------------------------------------------------ the server and its data


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[server.Backend]:
    yield from server.serving(request, tmp_path_factory, "matrix")


@pytest.fixture
def log_window(backend: server.Backend) -> Iterator[None]:
    """Fails the test if the server logged a traceback or an unhandled error during it."""
    start = backend.log_size()
    yield
    time.sleep(0.3)  # let the last log lines reach the file
    written = backend.log_since(start)
    found = [marker for marker in server.TRACEBACK_MARKERS if marker in written]
    assert not found, f"the server logged {found} during this test:\n{written[-6000:]}"


class Data:
    """Reads the server's database (a separate connection, nothing cached)."""

    def __init__(self, backend: server.Backend) -> None:
        self.backend = backend
        self.engine = backend.engine()

    def digests(self) -> dict[str, str]:
        """A digest of every table of the app (as server.table_digests, without reflecting the
        schema each time, which costs seconds on PostgreSQL)."""
        digests = {}
        with self.engine.connect() as connection:
            for table in SQLModel.metadata.sorted_tables:
                left_out = IGNORED.get(table.name, set())
                columns = [c for c in table.columns if c.name not in left_out]
                rows = connection.execute(sa.select(*columns).order_by(*table.primary_key))
                digest = hashlib.sha256()
                count = 0
                for row in rows:
                    digest.update(repr(tuple(row)).encode())
                    count += 1
                digests[table.name] = f"{count} rows, sha256 {digest.hexdigest()[:16]}"
        return digests

    def _one(self, statement):
        with Session(self.engine) as session:
            return session.exec(statement).first()

    def organization(self, name: str) -> Organization:
        return self._one(select(Organization).where(Organization.name == name))

    def organization_id(self, name: str) -> int:
        return self._one(select(Organization.id).where(Organization.name == name))

    def user_id(self, who: demo.DemoUser) -> int:
        return self._one(select(User.id).where(User.username_key == username_key(who.username)))

    def member(self, organization: str, who: demo.DemoUser) -> OrgMember | None:
        return self._one(
            select(OrgMember).where(
                OrgMember.organization_id == self.organization_id(organization),
                OrgMember.user_id == self.user_id(who),
            )
        )

    def live_invitations(self, organization: str) -> list[OrgInvitation]:
        with Session(self.engine) as session:
            return list(
                session.exec(
                    select(OrgInvitation)
                    .where(
                        OrgInvitation.organization_id == self.organization_id(organization),
                        col(OrgInvitation.revoked_at).is_(None),
                        col(OrgInvitation.accepted_at).is_(None),
                    )
                    .order_by(col(OrgInvitation.id))
                ).all()
            )

    def selected(self, cookie_value: str) -> int | None:
        return self._one(
            select(UserSession.organization_id).where(
                UserSession.token_hash == hash_token(cookie_value)
            )
        )

    def emails_to(self, address: str) -> int:
        with Session(self.engine) as session:
            return session.execute(
                sa.select(sa.func.count())
                .select_from(EmailMessage)
                .where(EmailMessage.to_address == address)
            ).scalar_one()


@pytest.fixture(scope="module")
def data(backend: server.Backend) -> Iterator[Data]:
    reader = Data(backend)
    # The digests cover every table the server has (Alembic's own bookkeeping aside).
    on_server = set(sa.inspect(reader.engine).get_table_names()) - {"alembic_version"}
    assert on_server == {table.name for table in SQLModel.metadata.sorted_tables}
    yield reader
    reader.engine.dispose()


@pytest.fixture(scope="module")
def acme_invitation(backend: server.Backend, data: Data) -> int:
    """A pending invitation of Acme, sent by its Lead User through the socket: a real target."""
    with SocketClient(backend.port, cookie=cookie_header(backend, demo.BUSINESS)) as client:
        client.call(event(MyBusinessesState, "select"), {"organization_id": _acme(data)})
        reply = client.call(
            event(PeopleState, "add"), {"form_data": _person("pending@example.com")}
        )
        assert not reply.error_toasts, reply.describe()
    [pending] = [i for i in data.live_invitations(ACME) if i.email == "pending@example.com"]
    assert pending.id is not None
    return pending.id


def _acme(data: Data) -> str:
    return str(data.organization_id(ACME))


def _person(who: str, role: str = "editor") -> dict[str, object]:
    """The Add Person form."""
    return form(who=who, full_name="Pat Park", title="", phone="", role=role)


# ------------------------------------------------------------------ the handlers, per action


@dataclass
class Call:
    """One handler call as one role: where it goes, and what tells allowed from refused."""

    role: OrgRole
    client: SocketClient
    data: Data
    cookie_value: str
    reply: Reply | None = None
    before: dict[str, str] | None = None

    @property
    def who(self) -> demo.DemoUser:
        return ROLE_HOLDERS[self.role]


@dataclass(frozen=True)
class Probe:
    label: str
    event: str
    payload: Callable[[Call], object]
    allowed: Callable[[Call], None]
    refusal: str = SERVICE_REFUSAL  # what the error toast says when the role may not


def _vars(call: Call, name: str) -> list:
    assert call.reply is not None
    return call.reply.vars(name)


def _selected_acme(call: Call) -> None:
    assert call.reply is not None and call.reply.says(f"You are working in {ACME}.")
    assert call.data.selected(call.cookie_value) == call.data.organization_id(ACME)


def _home_shows_acme(call: Call) -> None:
    [business] = _vars(call, "business")
    assert business["name"] == ACME
    assert _vars(call, "can_manage_people") == [allows(call.role, OrgAction.MANAGE_PEOPLE)]
    assert _vars(call, "can_edit_organization") == [allows(call.role, OrgAction.EDIT_ORGANIZATION)]


def _lists_people(call: Call) -> None:
    [people] = [rows for rows in _vars(call, "people") if rows]
    usernames = {row["username"] for row in people}
    assert {h.username for h in ROLE_HOLDERS.values()} <= usernames
    assert demo.SECOND_LEAD.username not in usernames


def _editing_val(call: Call) -> None:
    [editing] = _vars(call, "editing")
    assert editing["username"] == demo.VIEWER.username


def _invited(call: Call) -> None:
    address = f"invitee-{call.role.value}@example.com"
    assert [i.email for i in call.data.live_invitations(ACME) if i.email == address] == [address]
    assert call.data.emails_to(address) == 1


def _added_victor(call: Call) -> None:
    member = call.data.member(ACME, demo.SECOND_LEAD)
    assert member is not None and member.role == "viewer"


def _revoked(call: Call) -> None:
    address = f"invitee-{call.role.value}@example.com"
    assert [i.email for i in call.data.live_invitations(ACME)] == ["pending@example.com"]
    assert address not in [i.email for i in call.data.live_invitations(ACME)]


def _title_saved(call: Call) -> None:
    member = call.data.member(ACME, demo.VIEWER)
    assert member is not None and member.title == f"Plant Manager (saved by {call.role.value})"


def _victor_removed(call: Call) -> None:
    assert call.data.member(ACME, demo.SECOND_LEAD) is None
    assert call.data.member(VALLEY, demo.SECOND_LEAD) is not None


def _history_shown(call: Call) -> None:
    assert _vars(call, "title")[-1] == ACME
    assert any(rows for rows in _vars(call, "rows")), call.reply


def _edit_form_loaded(call: Call) -> None:
    assert _vars(call, "name") == [call.data.organization(ACME).name]


def _organization_saved(call: Call) -> None:
    organization = call.data.organization(ACME)
    assert organization.headquarters == f"Sacramento, CA (saved by {call.role.value})"


def _newest_invitation(call: Call) -> str:
    """The invitation this role made just before (or, when it could not, the pending one)."""
    return str(call.data.live_invitations(ACME)[-1].id)


def _val_form(call: Call) -> dict[str, object]:
    member = call.data.member(ACME, demo.VIEWER)
    assert member is not None
    return form(
        member_id=str(member.id),
        version=str(member.version),
        role=member.role,
        title=f"Plant Manager (saved by {call.role.value})",
        phone=member.phone,
    )


def _removal_target(call: Call) -> str:
    """Victor's membership when the Lead User just added him; otherwise the Lead User's own."""
    member = call.data.member(ACME, demo.SECOND_LEAD) or call.data.member(ACME, demo.BUSINESS)
    assert member is not None
    return str(member.id)


# The handlers each action has, in the order a person uses them on one page after another.
HANDLERS_BY_ACTION: dict[OrgAction, list[Probe]] = {
    OrgAction.VIEW: [
        Probe(
            "MyBusinessesState.select (Acme)",
            event(MyBusinessesState, "select"),
            lambda call: {"organization_id": _acme(call.data)},
            _selected_acme,
        ),
        Probe(
            "BusinessHomeState.load",
            event(BusinessHomeState, "load"),
            lambda c: {},
            _home_shows_acme,
        ),
    ],
    OrgAction.MANAGE_PEOPLE: [
        Probe("PeopleState.load", event(PeopleState, "load"), lambda c: {}, _lists_people),
        Probe(
            "PeopleState.start_edit",
            event(PeopleState, "start_edit"),
            lambda call: {"member_id": str(call.data.member(ACME, demo.VIEWER).id)},
            _editing_val,
            refusal="",  # changes only the page's own state, from the list it was allowed
        ),
        Probe(
            "PeopleState.add (invitation)",
            event(PeopleState, "add"),
            lambda call: {"form_data": _person(f"invitee-{call.role.value}@example.com")},
            _invited,
        ),
        Probe(
            "PeopleState.add (existing account)",
            event(PeopleState, "add"),
            lambda call: {"form_data": _person(demo.SECOND_LEAD.username, role="viewer")},
            _added_victor,
        ),
        Probe(
            "PeopleState.revoke",
            event(PeopleState, "revoke"),
            lambda call: {"invitation_id": _newest_invitation(call)},
            _revoked,
        ),
        Probe(
            "PeopleState.save_person",
            event(PeopleState, "save_person"),
            lambda call: {"form_data": _val_form(call)},
            _title_saved,
        ),
        Probe(
            "PeopleState.remove",
            event(PeopleState, "remove"),
            lambda call: {"member_id": _removal_target(call)},
            _victor_removed,
        ),
    ],
    OrgAction.READ_HISTORY: [
        Probe(
            "BusinessHistoryState.load_business",
            event(BusinessHistoryState, "load_business"),
            lambda c: {},
            _history_shown,
        ),
    ],
    OrgAction.EDIT_ORGANIZATION: [
        Probe(
            "EditOrganizationState.load",
            event(EditOrganizationState, "load"),
            lambda c: {},
            _edit_form_loaded,
            refusal="Only a Lead User can edit",
        ),
        Probe(
            "EditOrganizationState.save",
            event(EditOrganizationState, "save"),
            lambda call: {
                "form_data": form(
                    name=ACME, headquarters=f"Sacramento, CA (saved by {call.role.value})"
                )
            },
            _organization_saved,
        ),
    ],
}


def test_it_maps_only_actions_of_the_table_and_the_demo_people_hold_their_roles() -> None:
    assert set(HANDLERS_BY_ACTION) <= set(OrgAction)
    assert set(ROLE_HOLDERS) == set(OrgRole)
    [acme] = [business for business in demo.BUSINESSES if business.name == ACME]
    roles = {person.username: role for person, role, _title in acme.people}
    roles[acme.lead.username] = OrgRole.LEAD
    assert {role: holder.username for role, holder in ROLE_HOLDERS.items()} == {
        role: username for username, role in roles.items()
    }


def _assert_unchanged(before: dict[str, str], after: dict[str, str], context: str) -> None:
    changed = {t: (before.get(t), after.get(t)) for t in before.keys() | after.keys()}
    changed = {t: v for t, v in changed.items() if v[0] != v[1]}
    assert not changed, f"{context} changed tables: {json.dumps(changed, indent=1)}"


def _run(probe: Probe, call: Call, allowed: bool) -> str:
    """Make the call and check it; returns the line of the report."""
    context = f"{probe.label} as {call.role.value} ({call.who.username})"
    call.before = call.data.digests()
    call.reply = call.client.call(probe.event, probe.payload(call))
    reply = call.reply
    assert not reply.backend_error, f"{context}: backend exception: {reply.describe()}"
    if allowed:
        assert not reply.error_toasts, f"{context} was refused: {reply.describe()}"
        probe.allowed(call)
        tally("permission-matrix", "allowed")
        return f"  allowed  {context}"
    if probe.refusal:
        assert any(probe.refusal in toast for toast in reply.error_toasts), (
            f"{context}: expected an error toast saying {probe.refusal!r}: {reply.describe()}"
        )
    assert not any(value for value in reply.vars("people")), f"{context}: {reply.describe()}"
    assert not any(value for value in reply.vars("editing")), f"{context}: {reply.describe()}"
    _assert_unchanged(call.before, call.data.digests(), context)
    tally("permission-matrix", "refused")
    return f"  refused  {context}"


@pytest.mark.usefixtures("acme_invitation")  # a real invitation for refused revokes to aim at
@pytest.mark.parametrize("role", list(OrgRole), ids=[role.value for role in OrgRole])
def test_each_role_reaches_exactly_the_handlers_its_actions_allow(
    backend: server.Backend, data: Data, log_window: None, role: OrgRole
) -> None:
    who = ROLE_HOLDERS[role]
    cookie = cookie_header(backend, who)
    report = [f"\n{role.value} ({who.username}) at {ACME}:"]
    service_only = []
    with SocketClient(backend.port, cookie=cookie) as client:
        call = Call(role, client, data, cookie.split("=", 1)[1])
        for action in OrgAction:
            probes = HANDLERS_BY_ACTION.get(action, [])
            if not probes:
                service_only.append(action.value)
            for probe in probes:
                report.append(_run(probe, call, action in ROLE_ACTIONS[role]))
        # Any business user may list their own businesses and create a new one.
        reply = client.call(event(MyBusinessesState, "load"), {})
        mine = {row["name"] for rows in reply.vars("rows") for row in rows}
        expected = {b.name for b in demo.BUSINESSES if who in (b.lead, *(p for p, *_ in b.people))}
        assert mine == expected, reply.describe()
        acme_before = data.organization(ACME)
        reply = client.call(
            event(MyBusinessesState, "create"),
            {
                "form_data": form(
                    name=f"{who.username} Ventures",
                    headquarters="Davis, CA",
                    idempotency_key=f"matrix-create-{role.value}-key",
                )
            },
        )
        assert not reply.error_toasts, reply.describe()
        assert data.selected(call.cookie_value) == data.organization_id(f"{who.username} Ventures")
        assert data.organization(ACME) == acme_before
        report.append(f"  allowed  MyBusinessesState.load and .create as {role.value} (any user)")
    report.append(f"  service-level only (no handler yet): {', '.join(service_only)}")
    print("\n".join(report))


# ------------------------------------------------------------------ another business's ids

TOO_BIG = "99999999999"  # a number no 32-bit id column holds


def test_acmes_lead_user_reaches_nothing_of_another_business(
    backend: server.Backend, data: Data, log_window: None
) -> None:
    # Valley Fuel Depot's targets: its people, and an invitation its own Lead User sent.
    with SocketClient(backend.port, cookie=cookie_header(backend, demo.SECOND_LEAD)) as victor:
        valley = str(data.organization_id(VALLEY))
        victor.call(event(MyBusinessesState, "select"), {"organization_id": valley})
        reply = victor.call(
            event(PeopleState, "add"), {"form_data": _person("valley.hire@example.com")}
        )
        assert not reply.error_toasts, reply.describe()
    [invitation] = [
        i for i in data.live_invitations(VALLEY) if i.email == "valley.hire@example.com"
    ]
    members = [data.member(VALLEY, demo.SECOND_LEAD), data.member(VALLEY, demo.CONSULTANT)]
    assert all(member is not None for member in members)

    cookie = cookie_header(backend, demo.BUSINESS)
    people, select_ = event(PeopleState, "load"), event(MyBusinessesState, "select")
    with SocketClient(backend.port, cookie=cookie) as client:
        client.call(select_, {"organization_id": _acme(data)})
        client.call(people, {})
        client.call(event(EditOrganizationState, "load"), {})
        before = data.digests()
        attempts: list[tuple[str, dict[str, object], str]] = [
            (select_, {"organization_id": valley}, "not found among yours"),
            (select_, {"organization_id": TOO_BIG}, "not found among yours"),
            (event(PeopleState, "revoke"), {"invitation_id": str(invitation.id)}, "not found"),
            (event(PeopleState, "revoke"), {"invitation_id": TOO_BIG}, "not found"),
            (event(PeopleState, "remove"), {"member_id": TOO_BIG}, "not found in this business"),
        ]
        for member in members:
            assert member is not None
            attempts += [
                (event(PeopleState, "start_edit"), {"member_id": str(member.id)}, ""),
                (event(PeopleState, "remove"), {"member_id": str(member.id)}, "not found in"),
                (
                    event(PeopleState, "save_person"),
                    {
                        "form_data": form(
                            member_id=str(member.id),
                            version=str(member.version),
                            role="viewer",
                            title="taken over",
                            phone="",
                        )
                    },
                    "not found in this business",
                ),
            ]
        for name, payload, refusal in attempts:
            reply = client.call(name, payload)
            context = f"{name} {payload}"
            assert not reply.backend_error, f"{context}: {reply.describe()}"
            if refusal:
                assert any(refusal in toast for toast in reply.error_toasts), (
                    f"{context}: {reply.describe()}"
                )
            assert not any(value for value in reply.vars("editing")), reply.describe()
        _assert_unchanged(before, data.digests(), "another business's ids")
        tally("permission-matrix:other-business", "refused", len(attempts))
        assert data.selected(cookie.split("=", 1)[1]) == data.organization_id(ACME)
        for secret in (VALLEY, demo.SECOND_LEAD.email, "valley.hire@example.com"):
            leaked = [frame for frame in client.frames if secret in frame]
            assert not leaked, f"{secret!r} reached Acme's Lead User: {leaked[0][:600]}"
    print(f"\n{len(attempts)} calls with another business's ids reached nothing")


# ------------------------------------------------------------------ the very next event


def test_a_lowered_role_or_a_removal_stops_the_persons_very_next_event(
    backend: server.Backend, data: Data, log_window: None
) -> None:
    victor_cookie = cookie_header(backend, demo.SECOND_LEAD)
    with (
        SocketClient(backend.port, cookie=cookie_header(backend, demo.BUSINESS)) as lena,
        SocketClient(backend.port, cookie=victor_cookie) as victor,
    ):
        lena.call(event(MyBusinessesState, "select"), {"organization_id": _acme(data)})
        reply = lena.call(
            event(PeopleState, "add"),
            {"form_data": _person(demo.SECOND_LEAD.username, role="lead")},
        )
        assert not reply.error_toasts, reply.describe()
        victor.call(event(MyBusinessesState, "select"), {"organization_id": _acme(data)})
        reply = victor.call(event(PeopleState, "load"), {})
        assert any(reply.vars("people")), reply.describe()

        member = data.member(ACME, demo.SECOND_LEAD)
        assert member is not None
        lena.call(event(PeopleState, "load"), {})
        reply = lena.call(
            event(PeopleState, "save_person"),
            {
                "form_data": form(
                    member_id=str(member.id),
                    version=str(member.version),
                    role="viewer",
                    title="",
                    phone="",
                )
            },
        )
        assert not reply.error_toasts, reply.describe()
        before = data.digests()
        reply = victor.call(event(PeopleState, "add"), {"form_data": _person("late@example.com")})
        assert any("(Viewer) does not allow you to manage" in t for t in reply.error_toasts), (
            reply.describe()
        )
        _assert_unchanged(before, data.digests(), "a demoted Lead User's add")

        reply = lena.call(event(PeopleState, "remove"), {"member_id": str(member.id)})
        assert not reply.error_toasts, reply.describe()
        assert data.selected(victor_cookie.split("=", 1)[1]) is None
        before = data.digests()
        reply = victor.call(event(MyBusinessesState, "select"), {"organization_id": _acme(data)})
        assert any("not found among yours" in t for t in reply.error_toasts), reply.describe()
        reply = victor.call(event(PeopleState, "remove"), {"member_id": str(member.id)})
        assert reply.error_toasts, reply.describe()
        _assert_unchanged(before, data.digests(), "a removed person's calls")
    assert data.member(ACME, demo.SECOND_LEAD) is None
