"""After a real submit, every mutating service of the inventory, the documents, the forms and
the drafts refuses the submitted version's ids and changes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cers_app.core import db, storage
from cers_app.core.errors import Conflict
from cers_app.facilities import service as facility_service
from cers_app.facilities.service import SUBMITTED_UNCHANGEABLE
from cers_app.inventory import service as inventory
from cers_app.submittals import documents, drafts
from cers_app.submittals.document_models import ElementDocumentFile
from tests import document_samples
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock
from tests.unit.submittals import hmbp

FI, HMI, ERTP = 1, 2, 3


@pytest.fixture
def submitted(plant, world, tmp_path):
    """The plant's FI, HMI and ERTP submitted, the site map an uploaded PDF; returns the
    submitted versions' ids, an inventory row and a file of the submitted inventory."""
    hmbp.prepare(world.lena, plant)
    hmi = hmbp.draft_id(plant, HMI)
    path = tmp_path / "site-map.pdf"
    path.write_bytes(document_samples.pdf("Site map"))
    db.run(
        documents.attach_file,
        world.ed.actor(),
        plant,
        hmi,
        hmbp.SITE_MAP,
        storage.stage_path(path, "site-map.pdf"),
        title="Site map",
    )
    [item_id] = hmbp.item_ids(plant)
    versions = {e: hmbp.draft_id(plant, e) for e in (FI, HMI, ERTP)}
    hmbp.submitted(world.connie, plant)
    file_id = db.run(
        lambda s: s.exec(
            select(ElementDocumentFile.id).where(ElementDocumentFile.element_version_id == hmi)
        ).one()
    )
    return {"versions": versions, "item": item_id, "file": file_id}


def test_every_change_to_a_submitted_version_is_refused(plant, world, submitted, tmp_path):
    ed = world.ed.actor()
    hmi, ertp = submitted["versions"][HMI], submitted["versions"][ERTP]
    item = submitted["item"]
    fi_version = db.run(lambda s: s.get(facility_service.ElementVersion, submitted["versions"][FI]))
    path = tmp_path / "again.pdf"
    path.write_bytes(document_samples.pdf("Again"))
    before = support.table_snapshot()

    changes = [
        (inventory.save_item, (plant, item, stock.row(AverageDailyAmount="700"), 1)),
        (inventory.copy_item, (plant, item)),
        (inventory.delete_items, (plant, [item])),
        (
            documents.set_source,
            (plant, hmi, hmbp.SITE_MAP, {"source": "4", "url": "https://x.example/map"}),
        ),
        (
            documents.set_source,
            (plant, ertp, hmbp.TRAINING_PLAN, {"source": "1", "exempt_reason": "None kept"}),
        ),
        (documents.clear_slot, (plant, ertp, hmbp.RESPONSE_PLAN)),
        (documents.remove_file, (plant, hmi, submitted["file"])),
        (drafts.discard_draft, (plant, HMI, hmi)),
        (
            facility_service.save_business_activities,
            (plant, yolo.answers("HMOnSite", "HWGenerator"), fi_version.version),
        ),
        (facility_service.save_owner_operator, (plant, yolo.OWNER, fi_version.version)),
    ]
    for call, args in changes:
        with pytest.raises(Conflict) as caught:
            db.run(call, ed, *args)
        if call.__module__.endswith("documents") or call in (
            inventory.save_item,
            inventory.copy_item,
        ):
            assert caught.value.message == SUBMITTED_UNCHANGEABLE, call.__name__
    with pytest.raises(Conflict) as caught:
        db.run(
            documents.attach_file,
            ed,
            plant,
            hmi,
            hmbp.SITE_MAP,
            storage.stage_path(path, "again.pdf"),
            title="Again",
        )
    assert caught.value.message == SUBMITTED_UNCHANGEABLE
    assert support.table_snapshot() == before
