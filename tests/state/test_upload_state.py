"""The Upload Inventory page's handlers without a browser: following a job, the preview and
its problems page by page, confirming and cancelling, and who may see or do what (every test
on SQLite and PostgreSQL). The jobs are made as the upload route makes them: a stored file,
`importing.create_import`, then `importing.run_import`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from reflex.state import State

from cers_app.core import db, routes, storage
from cers_app.inventory import importing, service, sheet_write
from cers_app.inventory.sheet_columns import CERSID
from cers_app.inventory.state import InventoryState
from cers_app.inventory.upload_state import ERRORS, PAGE_SIZE, UploadState, upload_url
from tests import helpers
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person, World

ROWS = PAGE_SIZE + 5


def _material(number: int) -> dict[str, str]:
    """A material without findings, as stored codes."""
    return {
        "CommonName": f"Solvent {number:02d}",
        "ChemicalLocation": "Paint booth",
        "EHS": "N",
        "PhysicalState": "b",
        "HMType": "b",
        "Units": "a",
        "MaximumDailyAmount": "55",
        "AverageDailyAmount": "20",
        "LargestContainer": "55",
        "DaysOnSite": "365",
        "StoragePressure": "a",
        "StorageTemperature": "a",
        "SCSteelDrum": "Y",
        "FHCPhysicalFlammable": "Y",
    }


def _workbook(path: Path, cers_id: int, count: int, bad: tuple[int, ...] = ()) -> Path:
    """`count` materials; those numbered in `bad` have "pints" as their Units."""
    sheet_write.inventory_workbook(path, str(cers_id), [_material(n) for n in range(count)])
    if bad:
        book = openpyxl.load_workbook(path)
        sheet = book.worksheets[0]
        header = next(row[0].row for row in sheet.iter_rows() if row[0].value == CERSID)
        units = next(cell.column for cell in sheet[header] if cell.value == "Units")
        for number in bad:
            sheet.cell(row=header + 1 + number, column=units).value = "pints"
        book.save(path)
    return path


@pytest.fixture
def acme(database) -> tuple[World, int, int]:
    """Acme's people and its facility in Davis with an empty inventory draft."""
    world = acme_world.build()
    yolo.build()
    plant = yolo.add_facility(world.lena, world.acme)
    header = db.run(service.start_draft, world.lena.actor(), plant)
    return world, plant, header.cers_id


def _job(
    person: Person,
    plant: int,
    source: Path,
    mode: str = "append",
    *,
    valid_rows_only: bool = False,
    run: bool = True,
) -> int:
    """An upload of `source` by `person`, read (unless `run` is False) like the route does."""
    actor = person.actor()
    stored = db.run(storage.store_path, actor.user_id, source.name, source)
    view = db.run(importing.create_import, actor, plant, stored.id, mode, valid_rows_only)
    if run:
        importing.run_import(view.id)
    return view.id


def _open(root: State, person: Person, path: str) -> None:
    """Pretend `person`'s browser navigated to `path`."""
    root.router_data = root._update_router_vars(
        {
            **root.router_data,
            "pathname": path.split("?")[0],
            "asPath": path,
            "headers": {"cookie": person.cookie},
            "ip": helpers.IP,
        },
        root.router_data,
    )


async def _page(root: State, as_actor, person: Person, path: str) -> tuple[UploadState, Any]:
    as_actor(person.actor())
    _open(root, person, path)
    page = await root.get_state(UploadState)
    result = await UploadState.load.fn(page)
    return page, result


def _events(result: Any) -> list[Any]:
    return result if isinstance(result, list) else [result] if result is not None else []


def _says(result: Any, text: str) -> bool:
    return any(text in str(event.args[0][1]) for event in _events(result) if event.args)


async def test_the_form_is_offered_to_a_lead_with_a_draft_only(acme, root, as_actor):
    world, plant, cers_id = acme
    page, _ = await _page(root, as_actor, world.lena, upload_url(plant))
    assert page.loaded and page.can_upload and page.reason == "" and page.job == {}
    assert (page.facility["id"], page.facility["cers_id"]) == (str(plant), str(cers_id))

    page, _ = await _page(root, as_actor, world.val, upload_url(plant))
    assert not page.can_upload and "not upload" in page.reason

    refused = routes.with_query(routes.FACILITY_INVENTORY_UPLOAD, id=str(plant), error="empty")
    page, _ = await _page(root, as_actor, world.ed, refused)
    assert page.can_upload and page.error == ERRORS["empty"]
    junk = routes.with_query(routes.FACILITY_INVENTORY_UPLOAD, id=str(plant), error="<b>x</b>")
    page, _ = await _page(root, as_actor, world.ed, junk)
    assert page.error == "The upload did not work. Please try again."


async def test_a_refused_upload_lists_every_problem_page_by_page(acme, root, as_actor, tmp_path):
    world, plant, cers_id = acme
    bad = tuple(range(0, ROWS, 1))  # every row: more problems than one page holds
    job = _job(world.lena, plant, _workbook(tmp_path / "bad.xlsx", cers_id, ROWS, bad))
    page, _ = await _page(root, as_actor, world.lena, upload_url(plant, job))
    assert page.job["status"] == "refused" and not page.polling
    assert page.job["problems"] == str(ROWS) and page.job["rows"] == str(ROWS)
    assert (len(page.problems), page.problems_pages) == (PAGE_SIZE, 2)
    first = page.problems[0]
    assert set(first) == {"row", "column", "heading", "message"}
    assert first["heading"] == "Units" and "pints" in first["message"] and first["column"]
    assert page.preview == []  # nothing to preview: nothing will be imported

    await UploadState.go_to_problems.fn(page, 2)
    assert page.problems_page == 2 and len(page.problems) == ROWS - PAGE_SIZE
    result = await UploadState.confirm.fn(page)
    assert _says(result, "nothing ready to import")
    assert db.run(service.inventory, world.lena.actor(), plant).row_count == 0


async def test_a_preview_is_confirmed_into_the_draft(acme, root, as_actor, tmp_path):
    world, plant, cers_id = acme
    job = _job(world.ed, plant, _workbook(tmp_path / "good.xlsx", cers_id, ROWS))
    page, _ = await _page(root, as_actor, world.ed, upload_url(plant, job))
    assert page.job["status"] == "ready" and page.job["added"] == str(ROWS)
    assert page.preview_action == "add" and page.preview_total == ROWS
    assert len(page.preview) == PAGE_SIZE and page.preview[0]["common_name"] == "Solvent 00"
    await UploadState.go_to_preview.fn(page, 2)
    assert page.preview_page == 2 and page.preview[0]["common_name"] == f"Solvent {PAGE_SIZE}"
    await UploadState.show_action.fn(page, "update")
    assert page.preview_action == "update" and page.preview == [] and page.preview_total == 0
    await UploadState.show_action.fn(page, "drop tables")
    assert page.preview_action == "update"

    result = await UploadState.confirm.fn(page)
    assert _says(result, "The inventory was imported.")
    assert page.job["status"] == "imported" and f"{ROWS} materials" in page.guidance
    assert db.run(service.inventory, world.ed.actor(), plant).row_count == ROWS
    result = await UploadState.confirm.fn(page)  # a second click imports nothing more
    assert db.run(service.inventory, world.ed.actor(), plant).row_count == ROWS


async def test_cancelling_leaves_the_inventory_as_it_was(acme, root, as_actor, tmp_path):
    world, plant, cers_id = acme
    job = _job(world.lena, plant, _workbook(tmp_path / "good.xlsx", cers_id, 3))
    page, _ = await _page(root, as_actor, world.lena, upload_url(plant, job))
    result = await UploadState.cancel.fn(page)
    assert _says(result, "Upload cancelled")
    assert page.job["status"] == "cancelled"
    assert db.run(service.inventory, world.lena.actor(), plant).row_count == 0


async def test_the_progress_is_followed_until_the_file_is_read(acme, root, as_actor, tmp_path):
    world, plant, cers_id = acme
    job = _job(world.lena, plant, _workbook(tmp_path / "good.xlsx", cers_id, 3), run=False)
    page, result = await _page(root, as_actor, world.lena, upload_url(plant, job))
    assert page.polling and page.job["status"] == "queued" and page.job["percent"] == "0"
    assert [event.fn.__name__ for event in _events(result)] == ["follow_job"]

    importing.run_import(job)
    await UploadState.follow_job.fn(page)
    assert not page.polling and page.job["status"] == "ready" and page.job["added"] == "3"
    assert len(page.preview) == 3


async def test_others_cannot_follow_or_act_on_a_job(acme, root, as_actor, tmp_path):
    world, plant, cers_id = acme
    job = _job(world.lena, plant, _workbook(tmp_path / "good.xlsx", cers_id, 3))
    # Otto belongs to another business: Acme's facility and its upload do not exist for him.
    page, result = await _page(root, as_actor, world.otto, upload_url(plant, job))
    assert _says(result, "not found") or _says(result, "not")
    assert page.job == {} and page.preview == []

    # The Viewer sees the job but may not import it.
    page, _ = await _page(root, as_actor, world.val, upload_url(plant, job))
    result = await UploadState.confirm.fn(page)
    assert _events(result) and page.job.get("status") != "imported"
    assert db.run(service.inventory, world.lena.actor(), plant).row_count == 0


async def test_the_inventory_page_offers_upload_to_those_who_may(acme, root, as_actor):
    world, plant, _ = acme
    for person, offered in ((world.lena, True), (world.ed, True), (world.val, False)):
        as_actor(person.actor())
        _open(root, person, routes.with_query(routes.FACILITY_INVENTORY, id=str(plant)))
        page = await root.get_state(InventoryState)
        await InventoryState.load.fn(page)
        assert page.can_upload is offered, person.username


async def test_a_merge_previews_the_rows_it_updates(acme, root, as_actor, tmp_path):
    world, plant, cers_id = acme
    job = _job(world.lena, plant, _workbook(tmp_path / "first.xlsx", cers_id, 3))
    db.run(importing.confirm_import, world.lena.actor(), plant, job)
    # The same three materials, two of them with a new amount, and a fourth one.
    again = [_material(n) | ({"MaximumDailyAmount": "60"} if n < 2 else {}) for n in range(4)]
    sheet_write.inventory_workbook(tmp_path / "again.xlsx", str(cers_id), again)
    job = _job(world.lena, plant, tmp_path / "again.xlsx", "merge")
    page, _ = await _page(root, as_actor, world.lena, upload_url(plant, job))
    assert (page.job["added"], page.job["updated"], page.job["unchanged"]) == ("1", "2", "1")
    assert page.preview_action == "add" and [r["common_name"] for r in page.preview] == [
        "Solvent 03"
    ]
    await UploadState.show_action.fn(page, "update")
    assert [row["common_name"] for row in page.preview] == ["Solvent 00", "Solvent 01"]
    await UploadState.confirm.fn(page)
    assert db.run(service.inventory, world.lena.actor(), plant).row_count == 4
