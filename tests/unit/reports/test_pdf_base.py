"""The PDF pieces without a database: the page frame, Latin-1 text, wrapping tables, the
inventory's filters, totals and public rows, and the APSA/UST forms with their labels."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter

from cers_app.inventory.codes import WASTE
from cers_app.reports import pdf_base, pdf_forms
from cers_app.reports.pdf_inventory import (
    NON_WASTE,
    WASTE_ONLY,
    InventoryFilter,
    for_public,
    inventory_pdf,
    select,
    totals,
)
from cers_app.reports.pdf_packet import stamp
from cers_app.submittals.demo_ust import FACILITY_FORM, MONITORING_PLAN, TANKS
from tests.unit.inventory import stock


def pages(content: bytes) -> list[str]:
    """The text of each page, its white space collapsed (table cells wrap anywhere)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def framed(texts: list[str], name: str, cers_id: int) -> None:
    """Every page carries the facility's name, CERS ID and "Page N of M"."""
    for number, text in enumerate(texts, start=1):
        assert name in text and f"CERS ID {cers_id}" in text, text[:200]
        assert f"Page {number} of {len(texts)}" in text, text[-200:]


def test_other_characters_are_written_readably() -> None:
    assert pdf_base.latin1("Café ≥ 5 ft³ \u2013 “ok” …") == 'Café >= 5 ft³ - "ok" ...'
    assert pdf_base.latin1("Łódź 中") == "Lódz ?"
    assert pdf_base.latin1(None) == ""


def test_every_page_has_the_header_and_footer_and_tables_wrap() -> None:
    pdf = pdf_base.ReportPDF("Acme \u2013 Davis", 10000001, title="Test")
    pdf.add_page()
    pdf_base.heading(pdf, "A long report")
    long_text = "word " * 400
    pdf_base.pairs_table(pdf, [("Comment", long_text)])
    pdf_base.table(pdf, ("Number", "Text"), [(str(n), f"row {n}") for n in range(80)], (1, 4))
    texts = pages(pdf.output_bytes())
    assert len(texts) >= 3
    framed(texts, "Acme - Davis", 10000001)
    assert "row 79" in texts[-1] and "Number Text" in texts[-1]  # headings repeat


WASTE_OIL = stock.row(
    CommonName="Waste Oil", HMType=WASTE, ChemicalLocation="Shop", StateWasteCode="221"
)
SECRET = stock.row(
    CommonName="Blend 77", TradeSecret="Y", ChemicalLocation="Vault", CLConfidential="Y"
)
ROWS = (stock.row(), stock.MOTOR_OIL, stock.NITROGEN, WASTE_OIL, SECRET)


def test_filters_choose_materials() -> None:
    names = lambda chosen: [r["CommonName"] for r in select(ROWS, chosen)]  # noqa: E731
    assert names(InventoryFilter()) == [
        "Diesel Fuel",
        "Motor Oil",
        "Waste Oil",
        "Blend 77",
        "Nitrogen",
    ]
    assert names(InventoryFilter(location="  fuel ISLAND ")) == ["Diesel Fuel"]
    assert names(InventoryFilter(waste=WASTE_ONLY)) == ["Waste Oil"]
    assert "Waste Oil" not in names(InventoryFilter(waste=NON_WASTE))
    assert "Blend 77" not in names(InventoryFilter(trade_secrets=False))
    assert set(InventoryFilter(waste="some", location="x" * 141).problems()) == {
        "waste",
        "location",
    }


def test_totals_add_up_by_unit_per_hazard_category_and_state() -> None:
    found = totals(list(ROWS))
    by_hazard = {line[0]: line[1:] for line in found["hazard"]}
    # Diesel, Waste Oil and Blend 77 are flammable (1,000 gal each); motor oil is not.
    assert by_hazard["Flammable"] == ("3", "3,000", "", "", "")
    assert by_hazard["Gas under pressure"] == ("1", "60", "", "", "")
    by_state = {line[0]: line[1:] for line in found["state"]}
    assert by_state == {"Liquid": ("4", "3,110", "", "", ""), "Gas": ("1", "60", "", "", "")}


def test_the_public_row_withholds_locations_and_secret_identities() -> None:
    shown = for_public(SECRET)
    assert shown["ChemicalLocation"] == shown["CommonName"] == pdf_base.WITHHELD
    assert shown["MaximumDailyAmount"] == "1000"
    only_flagged = for_public(stock.row(), all_locations=False)
    assert only_flagged["ChemicalLocation"] == "Fuel island"
    assert for_public(SECRET, all_locations=False)["ChemicalLocation"] == pdf_base.WITHHELD


def test_the_inventory_report_without_a_database() -> None:
    texts = pages(inventory_pdf("Fuel Yard", 10000002, ROWS, InventoryFilter()))
    framed(texts, "Fuel Yard", 10000002)
    described = [t for t in texts if "Chemical Description" in t]
    assert len(described) >= len(ROWS)
    assert any("TRADE SECRET" in t and "Blend 77" in t for t in described)


def test_the_ust_form_prints_each_tank_with_its_monitoring_plan() -> None:
    data = {
        "form": FACILITY_FORM,
        "records": {"tank": {"t1": {"tank": TANKS[0], "monitoring": MONITORING_PLAN}}},
    }
    assert pdf_forms.has_form(4, data)
    pdf = pdf_base.ReportPDF("Fuel Yard", 10000003, title="UST")
    pdf_forms.draw_element_form(pdf, 4, data)
    text = "\n".join(pages(pdf.output_bytes()))
    assert "Underground Storage Tanks" in text
    assert "T-1" in text and "Victor Alvarez" in text
    assert "Monitoring" in text


def test_long_texts_run_over_pages_and_appended_pages_are_stamped() -> None:
    wordy = stock.row(
        CommonName="Wordy Mix",
        ChemicalDescriptionComment="kept cold " * 100,
        AdditionalMixtureComponents="trace solvent " * 150,
    )
    texts = pages(inventory_pdf("Fuel Yard", 10000004, (wordy,), InventoryFilter()))
    framed(texts, "Fuel Yard", 10000004)
    assert "trace solvent trace solvent" in " ".join(texts)

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(inventory_pdf("Yard", 7, (), InventoryFilter()))))
    first = len(writer.pages)
    writer.add_blank_page(842, 595)  # an A4 landscape upload
    writer.add_blank_page(612, 792).rotate(90)
    stamp(writer, "Yard", 7, first)
    out = io.BytesIO()
    writer.write(out)
    framed(pages(out.getvalue()), "Yard", 7)
