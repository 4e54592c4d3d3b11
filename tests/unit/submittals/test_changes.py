"""The change view's comparison: forms, inventory rows, documents, and the significance."""

from __future__ import annotations

from cers_app.submittals import changes
from cers_app.submittals.changes import CHANGES, NO_CHANGE, SIGNIFICANT, InventoryRow, Snapshot

FI, HMI, ERTP = 1, 2, 3
FORM_LABELS = {"owner_operator.OwnerName": "Owner name", "owner_operator.Phone": "Phone"}
ROW_LABELS = {"MaximumDailyAmount": "Maximum daily amount", "Units": "Units"}
DOC_LABELS = {"site_map": "Annotated Site Map", "training_plan": "Employee Training Plan"}


def _row(name: str, key: str, location: str, amount: str = "100", **data: str) -> InventoryRow:
    values = {"CommonName": name, "MaximumDailyAmount": amount, "Units": "a", **data}
    return InventoryRow(key, location, name, values)


def _compare(element, before, after):
    return changes.compare(element, before, after, FORM_LABELS, ROW_LABELS, DOC_LABELS)


def test_identical_versions_have_no_change():
    snap = Snapshot({"owner_operator": {"OwnerName": "Alan"}}, (_row("Oil", "oil", "Shop"),))

    result = _compare(HMI, snap, snap)

    assert (result.level, result.level_label, result.forms, result.rows) == (
        NO_CHANGE,
        "No change",
        (),
        (),
    )


def test_a_first_submittal_is_significant_and_lists_everything():
    result = _compare(HMI, None, Snapshot(rows=(_row("Oil", "oil", "Shop"),)))

    assert result.first and result.level == SIGNIFICANT
    assert result.reasons == ("First Hazardous Materials Inventory submittal",)
    assert [(r.kind, r.material) for r in result.rows] == [("added", "Oil")]


def test_form_fields_compare_one_by_one_and_blank_equals_missing():
    before = Snapshot({"owner_operator": {"Phone": "530-555-0100", "Fax": ""}})
    after = Snapshot({"owner_operator": {"Phone": "530-555-0199"}})

    result = _compare(FI, before, after)

    assert [(c.label, c.before, c.after) for c in result.forms] == [
        ("Phone", "530-555-0100", "530-555-0199")
    ]
    assert result.level == CHANGES and result.reasons == ()


def test_a_new_owner_is_significant():
    before = Snapshot({"owner_operator": {"OwnerName": "Alan Acme"}})
    after = Snapshot({"owner_operator": {"OwnerName": "Bea Best"}})

    result = _compare(FI, before, after)

    assert result.level == SIGNIFICANT
    assert result.reasons == ("New owner: Bea Best",)


def test_rows_are_matched_by_material_and_location():
    before = Snapshot(
        rows=(
            _row("Oil", "oil", "Shop", "100"),
            _row("Acid", "7664-93-9", "Plating line"),
            _row("Nitrogen", "7727-37-9", "Welding bay"),
        )
    )
    after = Snapshot(
        rows=(
            _row("Oil", "oil", " shop ", "150"),  # same place, other spacing and case
            _row("Nitrogen", "7727-37-9", "Welding bay"),
            _row("Nitrogen", "7727-37-9", "Yard", "50"),
        )
    )

    result = _compare(HMI, before, after)

    summary = [(r.kind, r.material, r.location) for r in result.rows]
    assert summary == [
        ("added", "Nitrogen", "Yard"),
        ("changed", "Oil", " shop "),
        ("removed", "Acid", "Plating line"),
    ]
    [changed] = [r for r in result.rows if r.kind == "changed"]
    assert [(f.label, f.before, f.after) for f in changed.fields] == [
        ("Maximum daily amount", "100", "150")
    ]
    assert result.counts == {"added": 1, "removed": 1, "changed": 1}
    # a material already reported in another location is not new; +50% is not significant
    assert result.level == CHANGES


def test_a_new_material_is_significant():
    before = Snapshot(rows=(_row("Oil", "oil", "Shop"),))
    after = Snapshot(rows=(_row("Oil", "oil", "Shop"), _row("Acid", "7664-93-9", "Line 2")))

    result = _compare(HMI, before, after)

    assert result.level == SIGNIFICANT
    assert result.reasons == ("New material: Acid",)


def test_doubling_a_material_across_its_locations_is_significant():
    before = Snapshot(rows=(_row("Oil", "oil", "Shop", "100"), _row("Oil", "oil", "Yard", "50")))
    after = Snapshot(rows=(_row("Oil", "oil", "Shop", "250"), _row("Oil", "oil", "Yard", "50")))

    result = _compare(HMI, before, after)

    assert result.level == SIGNIFICANT
    assert result.reasons == ("Oil: maximum daily amount up 100% or more (150 -> 300)",)


def test_amounts_in_other_units_or_unreadable_do_not_count_as_increases():
    before = Snapshot(rows=(_row("Oil", "oil", "Shop", "100"),))
    after = Snapshot(rows=(_row("Oil", "oil", "Shop", "lots", Units="b"),))

    result = _compare(HMI, before, after)

    assert result.level == CHANGES


def test_documents_provided_replaced_changed_and_removed():
    upload = {"source": 5, "source_label": "Upload", "files": [{"sha256": "a", "name": "a.pdf"}]}
    before = Snapshot(documents={"site_map": upload, "other": {"source": 6}})
    after = Snapshot(
        documents={
            "site_map": {**upload, "files": [{"sha256": "b", "name": "map2.pdf"}]},
            "training_plan": {"source": 6, "source_label": "Stored at Facility"},
        }
    )

    result = _compare(ERTP, before, after)

    assert [(d.label, d.kind, d.detail) for d in result.documents] == [
        ("Annotated Site Map", "replaced", "map2.pdf"),
        ("Employee Training Plan", "provided", "Stored at Facility"),
        ("other", "removed", ""),
    ]
    assert result.level == CHANGES


def test_another_source_is_a_change_with_both_sources_named():
    before = Snapshot(documents={"site_map": {"source": 5, "source_label": "Upload"}})
    after = Snapshot(documents={"site_map": {"source": 6, "source_label": "Stored at Facility"}})

    [change] = _compare(HMI, before, after).documents

    assert (change.kind, change.detail) == ("changed", "Upload -> Stored at Facility")
