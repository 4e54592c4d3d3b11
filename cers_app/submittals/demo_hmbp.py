"""The demo's submitted business plan: Acme Plating - Davis Warehouse has an accepted HMBP
(Facility Information, a small warehouse inventory with its site map, and both plans) and an
open Facility Information and inventory drafts started from it, one amount changed, so the
facility page, the change view and the Submit page all have something to show.

Everything goes through the services, once: `seed` finds the accepted versions on a second
run and only makes sure the draft is there. The demo CUPA's Agency Admin accepts them through
the regulator's review service.

Acme Plating - West Sacramento Yard gets the same accepted plan and no draft, its due date
put on a March 1 already past, so the Business home shows it overdue and "No change in HMBP"
can be certified there.

Acme Plating - Woodland Annex submits the same plan and nobody has reviewed it yet: it waits
in the Regulator Portal's review queue (its inventory with the Woodland PA).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

from fpdf import FPDF
from sqlmodel import Session, select

from cers_app.core import audit, db, storage
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import FACILITY_INFORMATION
from cers_app.core.permissions import Actor
from cers_app.facilities.models import Facility, FacilityElement
from cers_app.inventory import service as inventory
from cers_app.inventory.demo_rows import GAL, LB, LIQUID, SOLID, material
from cers_app.submittals import annual, documents, drafts, submit

HMI, ERTP = 2, 3
SITE_MAP, RESPONSE_PLAN, TRAINING_PLAN = 5, 6, 7
WAREHOUSE_SLUG, YARD_SLUG = "davis-warehouse", "west-sacramento-yard"
ANNEX_SLUG = "woodland-annex"
# The regulator's acceptance of every element of a submittal (given by the caller).
Accept = Callable[[int], None]
SUBMIT_KEY = f"demo-seed-{WAREHOUSE_SLUG}-hmbp-submit"
REVIEW_COMMENT = "Complete. Thank you for keeping the site map current."
WAREHOUSE, DOCK = "Warehouse racks, aisle 3", "Loading dock"
ROWS = (
    material(
        "Sodium Hydroxide Solution 50%",
        WAREHOUSE,
        LIQUID,
        "330",
        GAL,
        ("tote",),
        ("FHCPhysicalCorrosiveToMetal", "FHCHealthSkinCorrosionIrritation"),
        ("8",),
        cas="1310-73-2",
        largest="330",
        average="220",
    ),
    material(
        "Nickel Sulfate",
        WAREHOUSE,
        SOLID,
        "800",
        LB,
        ("bag",),
        ("FHCHealthCarcinogenicity", "FHCHealthRespiratorySkinSensitization"),
        ("5",),
        cas="7786-81-4",
        largest="50",
        average="500",
        CLConfidential="Y",  # its location kept confidential (EPCRA): the responder sees it
    ),
    material(
        "Hydraulic Oil",
        DOCK,
        LIQUID,
        "110",
        GAL,
        ("drum",),
        ("FHCHealthAspirationHazard",),
        ("4",),
        largest="55",
        average="55",
    ),
)
CHANGED_AMOUNT = {"MaximumDailyAmount": "440", "AverageDailyAmount": "300"}


def _slot(session: Session, facility_id: int, element: int) -> FacilityElement:
    return session.exec(
        select(FacilityElement).where(
            FacilityElement.facility_id == facility_id, FacilityElement.element == element
        )
    ).one()


def _site_map(folder: Path, facility: Facility, slug: str) -> Path:
    """A one-page site map PDF (a sketch: buildings, storage areas, exits, north arrow)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.cell(0, 10, f"{facility.name}: annotated site map", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(
        0,
        8,
        f"Scale 1 in = 40 ft. North is up. {facility.street}, {facility.city} CA "
        f"{facility.zip_code}.",
    )
    pdf.rect(20, 40, 170, 110)
    pdf.rect(30, 50, 60, 40)
    pdf.text(32, 72, "Racks, aisle 3 (corrosives, nickel salts)")
    pdf.rect(120, 110, 60, 30)
    pdf.text(122, 127, "Loading dock (hydraulic oil)")
    pdf.text(25, 160, "Exits: north door, dock door. Shut-off: electrical room by the north door.")
    pdf.text(180, 35, "N ^")
    path = folder / f"{slug}-site-map.pdf"
    pdf.output(str(path))
    return path


def _draft_id(facility_id: int, element: int) -> int | None:
    return db.run(lambda s: _slot(s, facility_id, element).draft_version_id)


def _ensure_draft(actor: Actor, facility_id: int, element: int) -> int:
    draft_id = _draft_id(facility_id, element)
    if draft_id is None:
        draft_id = db.run(drafts.start_element, actor, facility_id, element, drafts.BLANK)
    return draft_id


def _prepare(actor: Actor, facility: Facility, slug: str) -> None:
    """Inventory rows, the site map and both plans in drafts ready to submit."""
    facility_id, cers_id = facility.id or 0, facility.cers_id
    hmi = _ensure_draft(actor, facility_id, HMI)
    if not db.run(inventory.inventory, actor, facility_id).row_count:
        for number, values in enumerate(ROWS, 1):
            _, errors = db.run(
                inventory.save_item,
                actor,
                facility_id,
                None,
                values,
                None,
                idempotency_key=f"demo-seed-{slug}-material-{number:03d}",
            )
            assert not errors, (values["CommonName"], errors)
    with tempfile.TemporaryDirectory() as folder:
        path = _site_map(Path(folder), facility, slug)
        staged = storage.stage_path(path, path.name)
        db.run(
            documents.attach_file,
            actor,
            facility_id,
            hmi,
            SITE_MAP,
            staged,
            title="Annotated site map",
            description="Buildings, storage areas, exits and shut-offs.",
            date_authored="2026-01-15",
        )
    ertp = _ensure_draft(actor, facility_id, ERTP)
    db.run(
        documents.set_source,
        actor,
        facility_id,
        ertp,
        RESPONSE_PLAN,
        {"source": "2", "provided_on": "2026-01-20"},
    )
    db.run(
        documents.set_source,
        actor,
        facility_id,
        ertp,
        TRAINING_PLAN,
        {"source": "6", "stored_at_cers_id": str(cers_id)},
    )


def _accepted(facility_id: int) -> bool:
    return db.run(lambda s: _slot(s, facility_id, HMI).last_accepted_version_id is not None)


def _open_draft(actor: Actor, facility_id: int) -> None:
    """Facility Information and inventory drafts copied from the accepted versions, the lye
    tote's amount raised in the inventory."""
    if _draft_id(facility_id, FACILITY_INFORMATION) is None:
        db.run(drafts.start_element, actor, facility_id, FACILITY_INFORMATION, "")
    if _draft_id(facility_id, HMI) is not None:
        return
    db.run(drafts.start_element, actor, facility_id, HMI, "")
    page = db.run(inventory.list_items, actor, facility_id, inventory.ItemQuery())
    [lye] = [row for row in page.rows if row.common_name.startswith("Sodium Hydroxide")]
    form = db.run(inventory.get_item, actor, facility_id, lye.id)
    _, errors = db.run(
        inventory.save_item,
        actor,
        facility_id,
        lye.id,
        {**form.values, **CHANGED_AMOUNT},
        form.version,
    )
    assert not errors, errors


def _submitted_plan(actor: Actor, facility_id: int, slug: str) -> int:
    """Prepare and submit the facility's plan: Facility Information, inventory and plans."""
    facility = db.run(lambda s: s.get(Facility, facility_id))
    _prepare(actor, facility, slug)
    fi = _draft_id(facility_id, FACILITY_INFORMATION)
    assert fi is not None, "the demo facility's Facility Information draft is missing"
    request = submit.SubmitRequest(
        version_ids=[fi, _draft_id(facility_id, HMI), _draft_id(facility_id, ERTP)],
        certifier_name=actor.display_name,
        certifier_title="Owner",
        certified=True,
        key=f"demo-seed-{slug}-hmbp-submit",
    )
    return db.run(submit.submit, actor, facility_id, request)


def _accepted_plan(actor: Actor, facility_id: int, slug: str, accept: Accept) -> bool:
    """Prepare, submit and have the regulator accept the facility's plan unless it was
    accepted already; whether it was made now."""
    if _accepted(facility_id):
        return False
    accept(_submitted_plan(actor, facility_id, slug))
    return True


def seed(actor: Actor, facility_id: int, accept: Accept) -> None:
    """The accepted HMBP and the open inventory draft of the demo warehouse (idempotent).
    `actor` is the business's Lead User (who may edit and submit); `accept` is the
    regulator's acceptance of a submittal (the demo gives the review service's)."""
    _accepted_plan(actor, facility_id, WAREHOUSE_SLUG, accept)
    _open_draft(actor, facility_id)


def seed_in_review(actor: Actor, facility_id: int) -> None:
    """The annex's HMBP submitted and waiting in the review queue (idempotent: nothing once
    its Facility Information was submitted)."""
    if db.run(lambda s: _slot(s, facility_id, FACILITY_INFORMATION).last_submitted_version_id):
        return
    _submitted_plan(actor, facility_id, ANNEX_SLUG)


def last_march_first(today: dt.date) -> dt.date:
    """The most recent March 1 before `today` (the demo agency's due date, already past)."""
    this_year = dt.date(today.year, 3, 1)
    return this_year if this_year < today else dt.date(today.year - 1, 3, 1)


def _overdue(facility_id: int) -> None:
    def change(session: Session) -> None:
        with db.transaction(session):
            due = last_march_first(annual.today_for(session, facility_id))
            for element in annual.HMBP:
                slot = _slot(session, facility_id, element)
                slot.next_due_date = due
                session.add(slot)
            facility = session.get(Facility, facility_id)
            audit.record(
                session,
                actor_user_id=None,
                event=AuditEventType.DUE_DATE_SET,
                subject_type="facility",
                subject_id=facility_id,
                facility_id=facility_id,
                organization_id=facility.organization_id if facility else None,
                after={"next_due_date": due.isoformat(), "demo": True},
            )

    db.run(change)


def seed_overdue(actor: Actor, facility_id: int, accept: Accept) -> None:
    """The yard's accepted HMBP, no draft, due on a March 1 already past (idempotent: the
    date is set only when the plan is made, so a certified "No change" stays certified)."""
    if _accepted_plan(actor, facility_id, YARD_SLUG, accept):
        _overdue(facility_id)
