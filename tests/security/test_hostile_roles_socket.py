"""Every registered handler and HTTP route, as each kind of signed-in person who must not.

One `reflex run --env prod --backend-only` serves the module (SQLite), seeded with the demo data
and with canaries planted: one in Acme Plating's rows (its facilities' names, its headquarters,
its inventory), one in Valley Fuel Depot's, and one in the locations Acme marked confidential.
Each actor signs in through the real flow and calls EVERY handler of the registry, on one socket,
pipelined: the handlers its session may not call on a forged page (the gate must refuse them,
changing no state), the ones it may call with the real ids of the victim's rows everywhere a
client can put them (forged_ids.py) and, in one round per portal, with every hostile payload of
payloads.py (wrong types, oversized and malformed values, junk forms). The actors:

- business, Acme's own lower roles (Viewer, Editor, Approver: demoview's membership, its role
  changed between rounds) with Acme's ids; and Valley Fuel's Lead User with Acme's ids;
- regulator, agency A's lower roles (Viewer, Reviewer, Request Handler, Emergency Responder:
  demoresp's membership) with A's ids; and the Agency Admin of a new agency B with A's ids.

Whatever they call: no backend exception and no traceback in the server log, every table exactly
as it was (the payloads are junk, and the ids out of the actor's reach or beyond its role, so
nothing may change; a person's own add-facility wizard row aside), and no frame carrying a
canary the actor may not see. Each round prints and tallies how many calls were refused and
how many were allowed (and harmless). The HTTP routes of
http_api.POLICIES get the same treatment from anonymous, another business and another agency.
The registry is read at run time: a new handler or route is covered without a new case.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cers_app import demo, http_api
from cers_app.access import gate, identity
from cers_app.accounts.models import User
from cers_app.accounts.rules import username_key
from cers_app.agencies.models import Agency, AgencyKind, RegulatorRole
from cers_app.core.permissions import Permission
from cers_app.inventory.models import InventoryItem
from cers_app.organizations.models import Organization
from cers_app.organizations.roles import OrgRole
from tests import audit_hook
from tests.security import backend as server
from tests.security.forged_ids import Victim, forged_calls, victim_pages
from tests.security.handlers import Handler, all_handlers, registry_size
from tests.security.payloads import cases_for
from tests.security.raw_client import Call, Reply, SocketClient
from tests.security.report import tally
from tests.security.socket_session import sign_in

HANDLERS = all_handlers()
ACME, VALLEY = demo.BUSINESSES[0].name, demo.BUSINESSES[1].name
# Handlers no round calls, and why. Empty today: every registered handler is called by every
# actor; an entry needs a reason a reviewer accepts.
SKIPPED: dict[str, str] = {}
# Columns that move on any event, or with a legitimate choice of business: not data.
IGNORED = {"user_session": {"last_seen_at", "organization_id"}}
# Rows anyone signed in may make for themselves: an add-facility wizard's scratch row (finishing
# it is what needs a role). Table -> the column naming its owner.
OWN_ROWS = {"facility_wizard": "user_id"}
GATE_REFUSALS = (
    gate.SIGN_IN_NEEDED,
    gate.NOT_ALLOWED,
    gate.BAD_REQUEST,
    "That page is part of the Regulator Portal.",
    "That page is part of the Business Portal.",
)
AGENCY_B_CODE = 9100


# ------------------------------------------------------------------ the server and its canaries


@dataclass
class World:
    backend: server.Backend
    canaries: dict[str, str]  # ACME, VALLEY, "confidential" -> canary
    organizations: dict[str, int]
    users: dict[str, int]
    agency_a: int
    tables: sa.MetaData = field(default_factory=sa.MetaData)
    agency_b: int = 0
    cookies: dict[str, str] = field(default_factory=dict)

    def engine(self) -> sa.Engine:
        return self.backend.engine()

    def victim(self, organization: str = ACME) -> Victim:
        engine = self.engine()
        try:
            return Victim.read(engine, self.organizations[organization], self.agency_a)
        finally:
            engine.dispose()

    def cookie(self, who: demo.DemoUser) -> str:
        """A session of `who`, signed in once for the module (the role is re-read each event)."""
        if who.username not in self.cookies:
            self.cookies[who.username] = f"{identity.SESSION_COOKIE}={sign_in(self.backend, who)}"
        return self.cookies[who.username]

    def execute(self, statement: str, **params: object) -> int:
        engine = self.engine()
        try:
            with (
                audit_hook.exempt("the suite switches a persona's role by hand between rounds"),
                engine.begin() as connection,
            ):
                return connection.execute(sa.text(statement), params).rowcount
        finally:
            engine.dispose()


def _plant(engine: sa.Engine) -> tuple[dict[str, str], dict[str, int]]:
    """Canaries in each business's facilities, headquarters and inventory, and in the
    locations marked confidential; returns (canaries, organization ids)."""
    canaries = {name: f"CNY{secrets.token_hex(5)}" for name in (ACME, VALLEY, "confidential")}
    organizations: dict[str, int] = {}
    with Session(engine) as session:
        for name in (ACME, VALLEY):
            organization = session.exec(select(Organization).where(Organization.name == name)).one()
            assert organization.id is not None
            organizations[name] = organization.id
            canary = canaries[name]
            organization.headquarters = f"Sacramento {canary}"
            session.add(organization)
            params = {"org": organization.id, "canary": f" {canary}"}
            session.execute(
                sa.text("UPDATE facility SET name = name || :canary WHERE organization_id = :org"),
                params,
            )
            session.execute(
                sa.text(
                    "UPDATE inventory_item SET common_name = common_name || :canary WHERE "
                    "facility_id IN (SELECT id FROM facility WHERE organization_id = :org)"
                ),
                params,
            )
        confidential = 0
        for item in session.exec(select(InventoryItem)).all():
            if (item.data or {}).get("CLConfidential") == "Y":
                item.location = f"Cage {canaries['confidential']}"
                item.data = {**item.data, "ChemicalLocation": item.location}
                session.add(item)
                confidential += 1
        session.commit()
    assert confidential, "the demo inventory has no confidential location"
    return canaries, organizations


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    try:
        backend = server.start(tmp_path_factory.mktemp("roles"))
    except (RuntimeError, OSError) as exc:
        pytest.fail(f"the OpenCERS backend did not start: {exc}", pytrace=False)
    engine = backend.engine()
    try:
        canaries, organizations = _plant(engine)
        with Session(engine) as session:
            users = {
                who.username: session.exec(
                    select(User.id).where(User.username_key == username_key(who.username))
                ).one()
                for who in demo.DEMO_USERS
            }
            agency_a = session.exec(
                select(Agency.id).where(Agency.code == demo.DEMO_AGENCY_CODE)
            ).one()
        # democon is Approver at Acme and Editor at Valley: keep him to Acme, so that Valley's
        # canary is nothing any Acme round may see.
        with engine.begin() as connection:
            connection.execute(
                sa.text("DELETE FROM org_member WHERE user_id = :user AND organization_id = :org"),
                {"user": users[demo.CONSULTANT.username], "org": organizations[VALLEY]},
            )
        tables = sa.MetaData()
        with warnings.catch_warnings():  # expression indexes are not reflected: not needed
            warnings.simplefilter("ignore", sa.exc.SAWarning)
            tables.reflect(engine)
        yield World(backend, canaries, organizations, users, agency_a or 0, tables)
    finally:
        engine.dispose()
        server.stop(backend.process)


@pytest.fixture(scope="module")
def agency_b(world: World) -> int:
    """A new CUPA B; demorev's only membership moves there, as its Agency Admin."""
    engine = world.engine()
    try:
        with Session(engine) as session:
            agency = Agency(
                code=AGENCY_B_CODE,
                name="Agency B Environmental Health (test CUPA)",
                kind=AgencyKind.CUPA.value,
                county=34,
                created_at=dt.datetime.now(dt.UTC),
            )
            session.add(agency)
            session.commit()
            assert agency.id is not None
            world.agency_b = agency.id
    finally:
        engine.dispose()
    moved = world.execute(
        "UPDATE agency_member SET agency_id = :agency, role = :role WHERE user_id = :user",
        agency=world.agency_b,
        role=RegulatorRole.ADMIN.value,
        user=world.users[demo.REVIEWER.username],
    )
    assert moved == 1
    return world.agency_b


@pytest.fixture
def log_window(world: World) -> Iterator[None]:
    """Fails the test if the server logged a traceback or an unhandled error during it."""
    start = world.backend.log_size()
    yield
    time.sleep(0.3)  # let the last log lines reach the file
    written = world.backend.log_since(start)
    found = [marker for marker in server.TRACEBACK_MARKERS if marker in written]
    assert not found, f"the server logged {found} during this test:\n{written[-6000:]}"


# ------------------------------------------------------------------ what each actor calls


def admits(handler: Handler, permissions: frozenset[Permission]) -> bool:
    """Whether the gate lets a session with `permissions` reach the handler."""
    if handler.is_framework or handler.is_public:
        return True
    return handler.policy is not None and handler.needs <= permissions


def _marker_answers(handler: Handler) -> int:
    """The marker is a refused `setvar`; a handler refused the same way answers like it."""
    return 2 if handler.policy is None and not handler.is_framework else 1


@dataclass(frozen=True)
class Planned:
    handler: Handler
    call: Call
    must_refuse: bool  # by the gate, whoever calls
    label: str


def plan(
    permissions: frozenset[Permission], victim: Victim, portal: Permission, *, hostile: bool
) -> list[Planned]:
    """Every handler of the registry (SKIPPED aside), as a session with `permissions` calls it.

    Handlers of the actor's own portal (and its account pages) get the victim's ids in every
    place (forged_ids.py) and, when `hostile`, every payload of payloads.py too (the gate checks
    a payload's shape the same way whoever sends it, so one round per portal does); public and
    framework handlers (the anonymous barrage's subject) get the victim's first page, and every
    handler the gate refuses this session gets an empty payload on that page.
    """
    pages = victim_pages(victim)
    home = pages[0][1] if pages else None
    planned: list[Planned] = []
    for handler in HANDLERS:
        if handler.name in SKIPPED:
            continue
        markers = _marker_answers(handler)
        if not admits(handler, permissions):
            planned.append(Planned(handler, Call(handler.name, {}, home, markers), True, "gate"))
            continue
        mine = bool(handler.needs) and (
            portal in handler.needs or handler.needs <= {Permission.ACCOUNT, Permission.SIGNED_IN}
        )
        if mine and hostile:
            for case in cases_for(handler):
                call = Call(handler.name, case.payload, home, markers)
                planned.append(Planned(handler, call, case.must_refuse, case.label))
        forged = forged_calls(handler, victim, markers)
        if not mine:
            forged = forged[:1]
        planned += [Planned(handler, call, False, "forged-id") for call in forged]
    return planned


# ------------------------------------------------------------------ one round


@dataclass
class Round:
    actor: str
    refused: int = 0
    allowed: int = 0
    problems: list[str] = field(default_factory=list)
    handlers: set[str] = field(default_factory=set)


def _is_refusal(reply: Reply) -> bool:
    return bool(
        reply.error_toasts
        or any(reply.says(text) for text in GATE_REFUSALS)
        or any(reply.vars("missing"))
        or reply.redirects
    )


def _digests(world: World, actor_user: int | None = None) -> dict[str, str]:
    """A digest of every table (rows in primary-key order), leaving out IGNORED columns and
    the rows OWN_ROWS lets `actor_user` make for themselves."""
    engine = world.engine()
    digests = {}
    try:
        with engine.connect() as connection:
            for table in world.tables.sorted_tables:
                left_out = IGNORED.get(table.name, set())
                columns = [c for c in table.columns if c.name not in left_out]
                query = sa.select(*columns).order_by(*(table.primary_key or columns))
                own = OWN_ROWS.get(table.name)
                if own and actor_user is not None:
                    query = query.where(table.c[own] != actor_user)
                digest = hashlib.sha256()
                count = 0
                for row in connection.execute(query):
                    digest.update(repr(tuple(row)).encode())
                    count += 1
                digests[table.name] = f"{count} rows, sha256 {digest.hexdigest()[:16]}"
    finally:
        engine.dispose()
    return digests


def run_round(
    world: World,
    actor: str,
    who: demo.DemoUser,
    permissions: frozenset[Permission],
    portal: Permission,
    victim: Victim,
    secrets_: list[str],
    *,
    hostile: bool = False,
    seen: tuple[str, ...] = (),
) -> Round:
    """Call every planned handler as `who`; check, tally and print the round.

    `secrets_` must reach no frame; `seen` must reach one (the positive control: the forged
    pages do open the victim's rows for someone allowed to see them).
    """
    planned = plan(permissions, victim, portal, hostile=hostile)
    # A background handler's answers (even the gate's refusal) come when its task runs, not
    # before the marker: those calls go last and are judged together.
    # Calls the gate must refuse go first: an allowed handler that awaits work may finish after
    # the next call's marker, and its delta would then be read as the refused call's.
    foreground = sorted(
        (p for p in planned if not p.handler.is_background), key=lambda p: not p.must_refuse
    )
    background = [p for p in planned if p.handler.is_background]
    result = Round(actor)
    started = time.monotonic()
    user = world.users[who.username]
    cookie = world.cookie(who)  # signing in writes rows of its own
    before = _digests(world, user)
    with SocketClient(world.backend.port, cookie=cookie, timeout=60) as client:
        replies = client.call_many([p.call for p in foreground])
        late = client.call_many([p.call for p in background])
        late_updates = [u for reply in late for u in reply.updates] + client.drain(1.0)
        frames = client.frames
    for item, reply in zip(foreground, replies, strict=True):
        context = f"{item.handler.name} [{item.label}] {json.dumps(item.call.payload)[:200]}"
        result.handlers.add(item.handler.name)
        if reply.backend_error:
            result.problems.append(f"backend exception: {context}: {reply.describe()}")
            tally(f"handlers:{actor}", "crashed")
            continue
        if item.must_refuse and not any(reply.says(text) for text in GATE_REFUSALS):
            result.problems.append(f"not refused by the gate: {context}: {reply.describe()}")
        if item.must_refuse and reply.deltas:
            result.problems.append(f"a refused call changed state: {context}: {reply.describe()}")
        if _is_refusal(reply):
            result.refused += 1
        else:
            result.allowed += 1
    pooled = Reply(late_updates)
    result.handlers |= {p.handler.name for p in background}
    if pooled.backend_error:
        result.problems.append(f"backend exception in a background handler: {pooled.describe()}")
    gate_refused = sum(any(u.says(text) for text in GATE_REFUSALS) for u in late_updates)
    must = sum(p.must_refuse for p in background)
    if gate_refused < must:
        result.problems.append(
            f"{must} background calls had to be refused by the gate, {gate_refused} were: "
            + pooled.describe()
        )
    refused_late = min(len(background), max(gate_refused, len(pooled.error_toasts)))
    result.refused += refused_late
    result.allowed += len(background) - refused_late
    leaks = [
        f"{secret!r} sent to {actor}: ...{frame[max(0, frame.find(secret) - 300) :][:700]}"
        for frame in frames
        for secret in secrets_
        if secret in frame
    ]
    after = _digests(world, user)
    changed = {t: (before.get(t), after.get(t)) for t in before.keys() | after.keys()}
    changed = {t: v for t, v in changed.items() if v[0] != v[1]}
    if changed:
        result.problems.append(f"tables changed: {json.dumps(changed, indent=1)}")
    tally(f"handlers:{actor}", "refused", result.refused)
    tally(f"handlers:{actor}", "allowed", result.allowed)
    if leaks:
        tally(f"handlers:{actor}", "leaked", len(leaks))
    print(
        f"\n{len(result.handlers)} handlers x {len(planned)} payloads as {actor}: "
        f"{result.refused} refused, {result.allowed} allowed, {len(leaks)} leaked "
        f"({time.monotonic() - started:.1f}s)"
    )
    assert leaks == [], "\n".join(leaks[:5])
    unseen = [text for text in seen if not any(text in frame for frame in frames)]
    assert unseen == [], f"{actor} never saw {unseen}: the forged pages reached nothing"
    assert result.problems == [], "\n".join(result.problems[:10])
    assert result.handlers == {h.name for h in HANDLERS} - set(SKIPPED)
    return result


# ------------------------------------------------------------------ the enumeration


BUSINESS = frozenset({Permission.SIGNED_IN, Permission.ACCOUNT, Permission.BUSINESS_PORTAL})
REGULATOR = frozenset({Permission.SIGNED_IN, Permission.ACCOUNT, Permission.REGULATOR_PORTAL})


def test_every_registered_handler_is_in_every_round() -> None:
    """No handler silently left out: the rounds call the registry minus the reviewed skips."""
    victim = Victim({"facility": [1], "version": [2], "organization": [3]})
    assert set(SKIPPED) <= {h.name for h in HANDLERS}, "a skipped handler no longer exists"
    assert all(reason.strip() for reason in SKIPPED.values())
    for permissions, portal in (
        (BUSINESS, Permission.BUSINESS_PORTAL),
        (REGULATOR, Permission.REGULATOR_PORTAL),
    ):
        planned = plan(permissions, victim, portal, hostile=True)
        called = {p.handler.name for p in planned}
        assert len(called) == registry_size() - len(SKIPPED)
        assert called == {h.name for h in HANDLERS} - set(SKIPPED)
        own = {h.name for h in HANDLERS if portal in h.needs}
        given_ids = {p.handler.name for p in planned if p.label == "forged-id"}
        assert own <= given_ids, sorted(own - given_ids)
    print(f"\nhandler rounds: {registry_size()} registered, {len(SKIPPED)} skipped")


# ------------------------------------------------------------------ business rounds


LOWER_BUSINESS_ROLES = [OrgRole.VIEWER, OrgRole.EDITOR, OrgRole.APPROVER]


@pytest.mark.parametrize("role", LOWER_BUSINESS_ROLES, ids=[r.value for r in LOWER_BUSINESS_ROLES])
def test_a_lower_business_role_changes_nothing_with_junk_and_acmes_ids(
    world: World, log_window: None, role: OrgRole
) -> None:
    """demoview, as each role below Lead User at Acme: calls with Acme's own ids."""
    changed = world.execute(
        "UPDATE org_member SET role = :role WHERE user_id = :user AND organization_id = :org",
        role=role.value,
        user=world.users[demo.VIEWER.username],
        org=world.organizations[ACME],
    )
    assert changed == 1
    run_round(
        world,
        f"acme-{role.value}",
        demo.VIEWER,
        BUSINESS,
        Permission.BUSINESS_PORTAL,
        world.victim(ACME),
        [world.canaries[VALLEY]],
        seen=(world.canaries[ACME],),
    )


def test_another_business_lead_user_reaches_nothing_of_acme(world: World, log_window: None) -> None:
    """Valley Fuel's Lead User, with every id of Acme's rows."""
    run_round(
        world,
        "other-business-lead",
        demo.SECOND_LEAD,
        BUSINESS,
        Permission.BUSINESS_PORTAL,
        world.victim(ACME),
        [world.canaries[ACME], world.canaries["confidential"]],
        hostile=True,
    )


# ------------------------------------------------------------------ regulator rounds


LOWER_REGULATOR_ROLES = [
    RegulatorRole.VIEWER,
    RegulatorRole.REVIEWER,
    RegulatorRole.REQUEST_HANDLER,
    RegulatorRole.RESPONDER,
]
# Roles that see confidential locations (submittal_view.sees_confidential).
SEE_CONFIDENTIAL = {RegulatorRole.REVIEWER, RegulatorRole.RESPONDER, RegulatorRole.ADMIN}


@pytest.mark.parametrize(
    "role", LOWER_REGULATOR_ROLES, ids=[r.value for r in LOWER_REGULATOR_ROLES]
)
def test_a_lower_regulator_role_changes_nothing_with_junk_and_agency_as_ids(
    world: World, log_window: None, role: RegulatorRole
) -> None:
    """demoresp, as each role below Agency Admin at agency A: calls with A's own ids."""
    changed = world.execute(
        "UPDATE agency_member SET role = :role WHERE user_id = :user",
        role=role.value,
        user=world.users[demo.RESPONDER.username],
    )
    assert changed == 1
    confidential = [world.canaries["confidential"]]
    hidden = [] if role in SEE_CONFIDENTIAL else confidential
    # The Reviewer's round shows the forged pages do open confidential rows (the responder's
    # own view is by facility, and the first forged facility keeps none).
    shown = confidential if role is RegulatorRole.REVIEWER else []
    run_round(
        world,
        f"agency-a-{role.value}",
        demo.RESPONDER,
        REGULATOR,
        Permission.REGULATOR_PORTAL,
        world.victim(ACME),
        hidden,
        seen=(world.canaries[ACME], *shown),
    )


def test_another_agencys_admin_reaches_nothing_of_agency_a(
    world: World, agency_b: int, log_window: None
) -> None:
    """Agency B's Agency Admin, with every id of agency A's rows, on every handler."""
    run_round(
        world,
        "other-agency-admin",
        demo.REVIEWER,
        REGULATOR,
        Permission.REGULATOR_PORTAL,
        world.victim(ACME),
        [world.canaries[ACME], world.canaries[VALLEY], world.canaries["confidential"]],
        hostile=True,
    )


# ------------------------------------------------------------------ HTTP routes


def _route_requests(victim: Victim) -> list[tuple[str, str, dict[str, str]]]:
    """(method, path, query) for every route and method of POLICIES, with the victim's ids."""
    queries: list[dict[str, str]] = [{}]
    for facility in victim.some("facility"):
        queries.append(
            {
                "id": str(facility),
                "file": str(next(iter(victim.some("file")), 1)),
                "import": str(next(iter(victim.some("import")), 1)),
                "version": str(next(iter(victim.some("version")), 1)),
                "slot": "1",
            }
        )
    for job in victim.some("job"):
        queries.append({"id": str(victim.some("facility")[0]), "file": str(job)})
    queries.append({"token": "A" * 43})
    requests = []
    for path, (_endpoint, methods, _policy) in http_api.POLICIES.items():
        concrete = path.replace("{name}", "20261120-0001-welcome.eml")
        for method in methods:
            requests += [(method, concrete, query) for query in queries]
    return requests


ROUTE_ACTORS = ["anonymous", "other-business-lead", "other-agency-admin"]


@pytest.mark.parametrize("actor", ROUTE_ACTORS)
def test_every_route_refuses_another_partys_ids(
    world: World, agency_b: int, log_window: None, actor: str
) -> None:
    who = {"other-business-lead": demo.SECOND_LEAD, "other-agency-admin": demo.REVIEWER}
    cookie = world.cookie(who[actor]) if actor in who else ""
    victim = world.victim(ACME)
    secrets_ = [world.canaries[ACME], world.canaries[VALLEY], world.canaries["confidential"]]
    requests = _route_requests(victim)
    before = _digests(world)
    refused = allowed = 0
    problems: list[str] = []
    base = world.backend.base_url
    with httpx.Client(base_url=base, timeout=30, trust_env=False) as http:
        for method, path, query in requests:
            for origin in (base, "https://evil.example"):
                if method in ("GET", "HEAD") and origin != base:
                    continue
                signs_out = path == http_api.routes.AUTH_SIGN_OUT and origin == base
                if signs_out and cookie:
                    continue  # would end the round's own session: the cross-site try is made
                headers = {"origin": origin, "accept": "application/json"}
                if cookie:
                    headers["cookie"] = cookie
                files = {"file": ("x.xlsx", b"PK\x03\x04junk", "application/octet-stream")}
                response = http.request(
                    method,
                    path,
                    params=query,
                    headers=headers,
                    files=files if method == "POST" else None,
                    follow_redirects=False,
                )
                context = f"{actor} {method} {path} {query} origin={origin}: {response.status_code}"
                body = (
                    response.text if "zip" not in response.headers.get("content-type", "") else ""
                )
                if response.status_code >= 500:
                    problems.append(f"{context} {body[:300]}")
                for secret in secrets_:
                    if secret in body or secret in json.dumps(dict(response.headers)):
                        problems.append(f"{context} carries {secret!r}")
                if response.status_code < 300 and path != http_api.routes.HEALTH:
                    ok = (path == http_api.routes.INVENTORY_TEMPLATE and cookie) or signs_out
                    if not ok:
                        problems.append(f"{context} answered {body[:300]}")
                    allowed += 1
                elif response.status_code < 300:
                    allowed += 1
                else:
                    refused += 1
    tally(f"routes:{actor}", "refused", refused)
    tally(f"routes:{actor}", "allowed", allowed)
    print(
        f"\n{len(http_api.POLICIES)} routes x {len(requests)} requests as {actor}: "
        f"{refused} refused, {allowed} allowed, 0 leaked"
    )
    assert problems == [], "\n".join(problems[:10])
    after = _digests(world)
    assert {t: d for t, d in after.items() if before.get(t) != d} == {}
