"""The documents section's handlers without a browser: loading an element's slots, starting a
draft, picking and saving a source, the upload route's result, removing files, and what each
role may do (every test on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from reflex.state import State

from cers_app.core import db, routes
from cers_app.core.codes import REQUIRED
from cers_app.submittals import documents
from cers_app.submittals.document_state import RESULTS, DocumentState
from tests import document_samples as samples
from tests.state.events import events, navigate, redirects, says
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person, World
from tests.unit.submittals.document_world import ERTP, HMI, stage, start_draft

ANSWER_KEYS = {
    "exempt_reason", "provided_on", "other_element", "comment", "url", "stored_at_cers_id",
    "label", "help", "required", "source", "source_label", "summary", "row_version",
}  # fmt: skip


@pytest.fixture
def acme(database) -> tuple[World, int]:
    """Acme's people and its Davis facility, whose ERTP element is required (no draft yet)."""
    world = acme_world.build()
    yolo.build()
    plant = yolo.add_facility(world.lena, world.acme)
    yolo.set_by_regulator(plant, ERTP, REQUIRED)
    return world, plant


async def _page(
    root: State, as_actor, person: Person, facility_id: int, element: int = ERTP, **query: str
) -> tuple[DocumentState, Any]:
    as_actor(person.actor())
    page_route = routes.FACILITY_PLANS if element == ERTP else routes.FACILITY_INVENTORY
    navigate(root, routes.with_query(page_route, id=str(facility_id), **query))
    page = await root.get_state(DocumentState)
    result = await DocumentState.load.fn(page, element)
    return page, result


async def test_a_lead_sees_the_missing_plans_and_starts_a_draft(acme, root, as_actor):
    world, plant = acme
    page, _ = await _page(root, as_actor, world.lena, plant)
    assert page.loaded and page.element == ERTP and page.can_edit
    assert not page.editable and not page.has_draft and not page.can_upload
    assert page.header["status"] == "Not started"
    assert page.header["cers_id"] == str(yolo.facility(plant).cers_id)
    assert [f["code"] for f in page.findings["6"]] == ["1003"]
    assert [f["code"] for f in page.findings["7"]] == ["1003"]
    assert page.findings["36"] == []
    assert set(page.answers["6"]) == ANSWER_KEYS  # small text views only
    assert page.answers["6"]["required"] == "yes" and page.answers["36"]["required"] == ""

    result = await DocumentState.start_draft.fn(page)
    assert says(result, "draft is ready")
    assert page.editable and page.has_draft and page.can_upload
    assert page.header["status"] == "Draft"
    assert page.upload_url.startswith(routes.DOCUMENT_UPLOAD + "?id=")
    assert "version=" in page.upload_url


async def test_picking_and_saving_a_source(acme, root, as_actor):
    world, plant = acme
    start_draft(world.lena, plant, ERTP)
    page, _ = await _page(root, as_actor, world.ed, plant)
    DocumentState.pick_source.fn(page, "6", "4")
    assert page.choice["6"] == "4"
    DocumentState.pick_source.fn(page, "6", "9")  # not a source: ignored
    DocumentState.pick_source.fn(page, "999", "4")  # not a slot shown: ignored
    assert page.choice == {"6": "4", "7": "", "36": ""}

    form = {"slot": "6", "row_version": "0", "source": "4", "url": "acme.example/plan"}
    result = await DocumentState.save_source.fn(page, form)
    assert "http://" in page.errors["6.url"]
    assert says(result, "http://")

    form["url"] = "https://acme.example/plan.pdf"
    key = page.form_key
    result = await DocumentState.save_source.fn(page, form)
    assert says(result, "saved")
    assert page.errors == {} and page.form_key > key
    assert page.answers["6"]["source"] == "4"
    assert page.answers["6"]["url"] == "https://acme.example/plan.pdf"
    assert page.answers["6"]["row_version"] == "1"
    assert page.findings["6"] == []
    assert page.answers["6"]["summary"] == "On the internet at:"

    # The same form again (row version 0 is stale now) reloads what was saved.
    result = await DocumentState.save_source.fn(page, {**form, "url": "https://x.example/y"})
    assert says(result, documents.STALE)
    assert page.answers["6"]["url"] == "https://acme.example/plan.pdf"

    result = await DocumentState.clear_slot.fn(page, "6")
    assert says(result, "cleared")
    assert page.answers["6"]["source"] == "" and [f["code"] for f in page.findings["6"]] == ["1003"]
    assert await DocumentState.save_source.fn(page, {**form, "slot": "5"}) is None  # not shown


async def test_uploaded_files_are_listed_with_download_links(acme, root, as_actor, tmp_path):
    world, plant = acme
    draft = start_draft(world.lena, plant, ERTP)
    db.run(
        documents.attach_file, world.ed.actor(), plant, draft, 6,
        stage(tmp_path, "ER Plan.pdf", samples.pdf()), title="ER plan",
        date_authored="2026-01-05",
    )  # fmt: skip
    page, result = await _page(root, as_actor, world.ed, plant, doc_slot="6", doc_result="uploaded")
    [file] = page.files["6"]
    assert file["title"] == "ER plan" and file["name"] == "ER Plan.pdf"
    assert file["kind"] == "PDF document" and file["date_authored"] == "Jan 5, 2026"
    assert file["href"] == routes.with_query(routes.DOCUMENT_FILE, id=str(plant), file=file["id"])
    assert page.answers["6"]["summary"] == "Uploaded: 1 file."
    assert page.choice["6"] == "5"
    assert page.notices == {"6": RESULTS["uploaded"]} and page.notice_ok == {"6": True}
    assert events(result), "the page scrolls to the slot"

    assert await DocumentState.remove_file.fn(page, "6", "999") is None  # not listed
    result = await DocumentState.remove_file.fn(page, "6", file["id"])
    assert says(result, "removed")
    assert page.files["6"] == [] and [f["code"] for f in page.findings["6"]] == ["1010"]


@pytest.mark.parametrize("code", ["infected", "executable", "scanner_unavailable", "junk"])
async def test_the_upload_routes_refusal_is_shown_on_its_slot(acme, root, as_actor, code):
    world, plant = acme
    start_draft(world.lena, plant, ERTP)
    page, _ = await _page(root, as_actor, world.ed, plant, doc_slot="7", doc_result=code)
    assert page.notices == {"7": RESULTS.get(code, "The upload did not work. Please try again.")}
    assert page.notice_ok == {"7": False}
    page, _ = await _page(root, as_actor, world.ed, plant, doc_slot="99", doc_result=code)
    assert page.notices == {}


async def test_a_submitted_version_is_shown_read_only(acme, root, as_actor):
    world, plant = acme
    first = start_draft(world.lena, plant, ERTP)
    form = {"slot": "7", "row_version": "0", "source": "1", "exempt_reason": "No staff here"}
    page, _ = await _page(root, as_actor, world.ed, plant)
    await DocumentState.save_source.fn(page, form)
    yolo.mark_submitted(first)
    start_draft(world.lena, plant, ERTP)
    page, _ = await _page(root, as_actor, world.ed, plant, version=str(first))
    assert page.header["status"] == "Submitted" and not page.editable and not page.can_upload
    assert page.answers["7"]["summary"] == "Exempt: No staff here"
    page, _ = await _page(root, as_actor, world.ed, plant)
    assert page.editable and page.header["status"] == "Draft"
    page, result = await _page(root, as_actor, world.ed, plant, version="999999")
    assert redirects(result) == [routes.BUSINESS_HOME]


async def test_the_inventory_page_shows_the_site_map(acme, root, as_actor):
    world, plant = acme
    start_draft(world.lena, plant, HMI)
    page, _ = await _page(root, as_actor, world.ed, plant, HMI)
    assert page.element == HMI and page.editable
    assert [f["code"] for f in page.findings["5"]] == ["1003"]
    assert page.header["element"] == "Hazardous Materials Inventory"


async def test_a_viewer_reads_but_cannot_change(acme, root, as_actor):
    world, plant = acme
    start_draft(world.lena, plant, ERTP)
    page, _ = await _page(root, as_actor, world.val, plant)
    assert page.has_draft and not page.editable and not page.can_upload and not page.can_edit
    form = {"slot": "6", "row_version": "0", "source": "1", "exempt_reason": "No staff at all"}
    result = await DocumentState.save_source.fn(page, form)
    assert says(result, "permission") or says(result, "does not allow")
    assert page.answers["6"]["source"] == ""
    result = await DocumentState.start_draft.fn(page)
    assert events(result)  # refused with a toast
    assert page.answers["6"]["source"] == ""


async def test_another_business_is_sent_home(acme, root, as_actor):
    world, plant = acme
    page, result = await _page(root, as_actor, world.otto, plant)
    assert redirects(result) == [routes.BUSINESS_HOME]
    assert not page.loaded and page.header == {} and page.answers["6"] == {}
    page, result = await _page(root, as_actor, world.lena, plant, element=11)
    assert redirects(result) == [routes.BUSINESS_HOME]


async def test_junk_from_the_page_changes_nothing(acme, root, as_actor, tmp_path: Path):
    world, plant = acme
    draft = start_draft(world.lena, plant, ERTP)
    page, _ = await _page(root, as_actor, world.ed, plant)
    for form in (
        {},
        {"slot": "6"},
        {"slot": "6", "row_version": "x", "source": "1; DROP TABLE element_document"},
    ):
        await DocumentState.save_source.fn(page, form)
    assert db.run(documents.documents_snapshot, draft) == {}
    assert await DocumentState.clear_slot.fn(page, "abc") is None
