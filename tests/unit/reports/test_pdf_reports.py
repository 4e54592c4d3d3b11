"""The PDF reports on SQLite and PostgreSQL, read back with pypdf: the inventory report (a page
per material, the matrix totals, filters), the submittal packet (cover, review comment, header
and footer on every page, an uploaded PDF appended), the public copy, who may print what, the
HTTP routes and the operator's command line."""

from __future__ import annotations

import io
import warnings

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlmodel import select

with warnings.catch_warnings():  # "install httpx2": the TestClient works with httpx as it is
    warnings.simplefilter("ignore")

from cers_app.core import db, storage
from cers_app.core.errors import NotFound, ValidationFailed
from cers_app.core.storage import StoredFile
from cers_app.reports import pdf_packet, pdf_service
from cers_app.reports.pdf_cli import report
from cers_app.reports.pdf_inventory import WASTE_ONLY, InventoryFilter
from cers_app.submittals import drafts
from tests.unit.organizations.world import Person
from tests.unit.reports.printable import (
    COMMENT,
    HMI,
    PLAN_TEXT,
    Plan,
)
from tests.unit.reports.test_pdf_base import framed, pages


def _inventory(plan: Plan, person: Person | None = None, **filters) -> list[str]:
    who = person or plan.world.val
    _name, content = db.run(
        pdf_service.inventory_report,
        who.actor(),
        plan.plant,
        plan.versions[HMI],
        InventoryFilter(**filters),
    )
    return pages(content)


def _materials(texts: list[str]) -> list[str]:
    return [t for t in texts if "Chemical Description" in t]


def test_the_inventory_has_a_page_per_material_and_the_matrix_totals(plan) -> None:
    texts = _inventory(plan)
    framed(texts, "Acme", plan.cers_id)
    described = _materials(texts)
    assert len(described) == 3
    diesel = next(t for t in described if "Diesel Fuel" in t)
    for label, value in (
        ("Common name", "Diesel Fuel"),
        ("CAS number", "68476-34-6"),
        ("Maximum daily amount", "1,000 gal"),
        ("Physical state", "Liquid"),
        ("Chemical location", "Fuel island"),
        ("Flammable", "Yes"),
    ):
        assert label in diesel and value in diesel, label
    assert any("TRADE SECRET" in t and "Blend 77 Solvent" in t for t in described)
    matrix = "\n".join(t for t in texts if "Matrix Report" in t or "Totals by" in t)
    assert "Location: Drum Yard" in matrix and "Location: Vault 9" in matrix
    # Flammable: diesel 1,000 + solvent 200 + waste oil 300 gallons.
    assert "Flammable 3 1,500" in matrix
    assert "Liquid 3 1,500" in matrix


def test_the_inventory_filters(plan) -> None:
    def names(**filters) -> set[str]:
        found = set()
        for text in _materials(_inventory(plan, **filters)):
            for name in ("Diesel Fuel", "Blend 77 Solvent", "Waste Oil"):
                if f": {name}" in text:
                    found.add(name)
        return found

    assert names(location="vault 9") == {"Blend 77 Solvent"}
    assert names(waste=WASTE_ONLY) == {"Waste Oil"}
    assert names(waste="non_waste") == {"Diesel Fuel", "Blend 77 Solvent"}
    assert names(trade_secrets=False) == {"Diesel Fuel", "Waste Oil"}
    with pytest.raises(ValidationFailed):
        _inventory(plan, waste="everything")


def _packet(plan: Plan, person: Person, **kwargs) -> tuple[str, bytes]:
    return db.run(pdf_service.submittal_packet, person.actor(), plan.plant, **kwargs)


def test_the_packet_cover_pages_and_appended_upload(plan) -> None:
    name, content = _packet(plan, plan.world.val)
    assert name == f"CERS-{plan.cers_id}-submittal-{plan.submittal}.pdf"
    texts = pages(content)
    framed(texts, "Acme", plan.cers_id)
    cover = texts[0]
    for expected in (
        str(plan.cers_id),
        "Facility Information",
        "Hazardous Materials Inventory",
        "Emergency Response and Training Plans",
        "Not Accepted",
        COMMENT,
        "Connie Approver",
    ):
        assert expected in cover, expected
    joined = "\n".join(texts)
    assert "Business Activities" in joined and "Owner/Operator" in joined
    assert "Document Index" in joined and "site-map.png" in joined and "Not a PDF" in joined
    assert PLAN_TEXT in texts[-1] and "Document Index" not in texts[-1]

    # Without the stored file the packet is a page shorter and says why.
    storage.open_path(db.run(_stored_pdf)).unlink()
    _name, shorter = _packet(plan, plan.world.val)
    assert len(pages(shorter)) == len(texts) - 1
    assert "stored file is missing" in "\n".join(pages(shorter))


def test_the_public_copy_withholds_locations_and_trade_secrets(plan) -> None:
    _name, full = _packet(plan, plan.world.lena)
    full_text = "\n".join(pages(full))
    assert "Drum Yard" in full_text and "Secret Ketone" in full_text
    name, content = db.run(pdf_service.public_copy, plan.world.lena.actor(), plan.plant)
    assert name.endswith("-public.pdf")
    text = "\n".join(pages(content))
    assert "Withheld" in text
    assert all("PUBLIC COPY" in page for page in pages(content))  # on every page
    for secret in ("Drum Yard", "Vault 9", "Fuel island", "Blend 77 Solvent", "Secret Ketone"):
        assert secret not in text, secret
    assert "Diesel Fuel" in text and "Official use only" in text
    with pytest.raises(ValidationFailed):
        db.run(
            pdf_service.inventory_report,
            plan.world.lena.actor(),
            plan.plant,
            None,
            InventoryFilter(location="Vault 9"),
            public=True,
        )


def test_who_may_print(plan) -> None:
    _name, content = _packet(plan, plan.rob)
    assert COMMENT in pages(content)[0]
    assert len(_materials(_inventory(plan, plan.rob))) == 3
    for person in (plan.world.otto, plan.rex):
        with pytest.raises(NotFound):
            _packet(plan, person)
        with pytest.raises(NotFound):
            _inventory(plan, person)
    with pytest.raises(NotFound):
        _packet(plan, plan.world.val, submittal_id=plan.submittal + 99)
    # The business prints its new draft; a regulator never sees it.
    draft = db.run(drafts.start_element, plan.world.lena.actor(), plan.plant, HMI, "")
    name, content = db.run(pdf_service.inventory_report, plan.world.val.actor(), plan.plant)
    assert name == f"CERS-{plan.cers_id}-inventory-{draft}.pdf"
    assert len(_materials(pages(content))) == 3
    with pytest.raises(NotFound):
        db.run(pdf_service.inventory_report, plan.rob.actor(), plan.plant, draft)
    name, _content = db.run(pdf_service.inventory_report, plan.rob.actor(), plan.plant)
    assert name == f"CERS-{plan.cers_id}-inventory-{plan.versions[HMI]}.pdf"


def test_the_command_line_prints_by_cers_id(plan, tmp_path) -> None:
    runner = CliRunner()
    out = tmp_path / "hmis.pdf"
    result = runner.invoke(report, ["hmis", "--cers-id", str(plan.cers_id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(_materials(pages(out.read_bytes()))) == 3
    public = tmp_path / "public.pdf"
    args = ["hmis", "--cers-id", str(plan.cers_id), "--out", str(public), "--public"]
    assert runner.invoke(report, args).exit_code == 0
    assert "Vault 9" not in "\n".join(pages(public.read_bytes()))
    packet = tmp_path / "packet.pdf"
    args = ["packet", "--cers-id", str(plan.cers_id), "--out", str(packet)]
    result = runner.invoke(report, args)
    assert result.exit_code == 0, result.output
    assert PLAN_TEXT in pages(packet.read_bytes())[-1]
    result = runner.invoke(report, [*args, "--public"])
    assert result.exit_code == 0, result.output
    public_pages = pages(packet.read_bytes())
    assert all("PUBLIC COPY" in text for text in public_pages)
    assert "Vault 9" not in "\n".join(public_pages)
    result = runner.invoke(report, ["packet", "--cers-id", "99999999", "--out", str(packet)])
    assert result.exit_code == 2 and "No active facility has CERS ID 99999999" in result.output


def test_pages_parse_as_pdf(plan) -> None:
    _name, content = _packet(plan, plan.world.val)
    reader = PdfReader(io.BytesIO(content))
    assert [item.title for item in reader.outline][-1].startswith("Appendix 1")


def _stored_pdf(session) -> StoredFile:
    return next(
        stored
        for stored in session.exec(select(StoredFile)).all()
        if storage.open_path(stored).read_bytes().startswith(b"%PDF")
    )


def test_uploads_that_cannot_be_appended_are_listed_with_the_reason(plan, monkeypatch) -> None:
    _name, full = _packet(plan, plan.world.val)
    monkeypatch.setattr(pdf_packet, "MAX_APPENDED_PAGES", 0)
    _name, content = _packet(plan, plan.world.val)
    assert len(pages(content)) == len(pages(full)) - 1
    assert "Too many pages to append" in "\n".join(pages(content))
    monkeypatch.undo()
    path = storage.open_path(db.run(_stored_pdf))
    path.write_bytes(b"%PDF-1.4\nthis is not really a PDF\n")
    _name, content = _packet(plan, plan.world.val)
    assert "Could not be read as a PDF" in "\n".join(pages(content))
    framed(pages(content), "Acme", plan.cers_id)
