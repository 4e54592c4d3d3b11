"""Library search and the chemical view, on SQLite and PostgreSQL with the fixture library."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from cers_app.chemicals import rules, service
from cers_app.chemicals.models import PRIMARY, SYNONYM, Chemical, ChemicalName
from cers_app.core import clock, db


def _search(text: str, limit: int = 20) -> list[service.ChemicalHit]:
    return db.run(service.search, text, limit)


def _names(text: str, limit: int = 20) -> list[str]:
    return [hit.name for hit in _search(text, limit)]


def _kind(hit: service.ChemicalHit, query: str) -> int:
    """0 exact, 1 primary-name prefix, 2 synonym prefix, 3 a word inside a name."""
    if query in (rules.normalise_name(hit.name), rules.normalise_name(hit.matched)):
        return 0
    if rules.normalise_name(hit.name).startswith(query):
        return 1
    if rules.normalise_name(hit.matched).startswith(query):
        return 2
    return 3


def test_an_exact_name_comes_first_then_primary_name_prefixes(library):
    assert _names("acetone") == ["Acetone", "Acetone cyanohydrin"]
    assert "Acetonitrile" in _names("aceton")


@pytest.mark.parametrize("query", ["methyl", "oil", "hydro", "acid", "sodium", "eth", "nitrogen"])
def test_results_come_exact_then_primary_then_synonym_then_word(library, query):
    kinds = [_kind(hit, query) for hit in _search(query)]
    assert kinds
    assert kinds == sorted(kinds)


def test_all_four_kinds_of_match_are_found(library):
    hits = {hit.name: (_kind(hit, "methyl"), hit.matched) for hit in _search("methyl")}
    assert hits["Methyl bromide"] == (1, "")
    assert hits["Methanol"] == (2, "methyl alcohol")
    assert hits["Acetonitrile"] == (2, "methyl cyanide")
    assert hits["Acetone cyanohydrin"] == (3, "2-methyllactonitrile")  # "2 methyl..." word
    oil = {hit.name: _kind(hit, "oil") for hit in _search("oil")}
    assert oil["Motor Oil"] == 3  # a word inside the name


def test_an_exact_synonym_beats_a_primary_name_prefix(library):
    hits = _search("lye")
    assert (hits[0].name, hits[0].matched) == ("Sodium hydroxide", "lye")


def test_within_a_rank_the_well_known_and_shorter_come_first(library):
    assert _names("sodium hyd")[:3] == [
        "Sodium hydroxide solution (50%)",  # curated: the best known of all
        "Sodium hydroxide",
        "Sodium hydride",
    ]


@pytest.mark.parametrize("text", ["7664-93-9", "7664939", " 7664 93 9 ", "7664\u201193\u20119"])
def test_a_cas_number_finds_its_chemicals_with_or_without_dashes(library, text):
    hits = _search(text)
    assert {hit.name for hit in hits} == {
        "Sulfuric acid",
        "Battery electrolyte (sulfuric acid solution)",
    }
    assert all(hit.cas == "7664-93-9" and hit.matched == "" and hit.ehs for hit in hits)


def test_a_cas_prefix_finds_the_numbers_starting_with_it(library):
    assert {hit.cas for hit in _search("7727")} == {"7727-37-9"}
    assert {hit.cas for hit in _search("7664-")} == {
        "7664-93-9",
        "7664-41-7",
        "7664-39-3",
        "7664-38-2",
    }
    assert _search("7664-38-2")[0].cas == "7664-38-2"


def test_a_synonym_match_says_which_synonym(library):
    [hit] = _search("h2so4")
    assert (hit.name, hit.cas, hit.matched, hit.ehs) == (
        "Sulfuric acid",
        "7664-93-9",
        "h2so4",
        True,
    )
    assert _search("muriatic")[0].matched == "muriatic acid"
    assert _search("Sulfuric acid")[0].matched == ""


def test_a_word_inside_a_name_or_synonym_matches(library):
    hit = next(hit for hit in _search("cyanohydrin"))
    assert hit.name == "Acetone cyanohydrin"
    assert hit.matched == ""
    vitriol = _search("vitriol")
    assert [(hit.name, hit.matched) for hit in vitriol] == [("Sulfuric acid", "oil of vitriol")]


def test_hits_carry_the_physical_state_code_and_ehs(library):
    [nitrogen, *_] = _search("Nitrogen")
    assert (nitrogen.name, nitrogen.physical_state, nitrogen.ehs) == ("Nitrogen", "c", False)
    assert _search("Motor Oil")[0].physical_state == "b"
    assert _search("sodium hydroxide")[0].physical_state in {"a", "b"}
    assert _search("chlorine")[0].ehs is True


def test_case_spacing_and_punctuation_do_not_matter(library):
    assert _names("  MOTOR   oil ")[0] == "Motor Oil"
    assert _names("motor-oil")[0] == "Motor Oil"
    assert _names("ethylene-glycol")[:2] == ["Ethylene glycol", "Ethylene glycol antifreeze"]


@pytest.mark.parametrize("text", ["", " ", "a", "%", "_%", "1", "-", "ß"])
def test_fewer_than_two_letters_or_digits_find_nothing(library, text):
    assert _search(text) == []


def test_nothing_found_is_an_empty_list_not_an_error(library):
    assert _search("unobtainium") == []
    assert _search("0000-00-0") == []
    assert _search("motor oil " * 10_000) == []  # cut to 300 characters, then no match
    assert _search(None) == []  # type: ignore[arg-type]  (state handlers get raw JSON)
    assert _search(["motor oil"]) == []  # type: ignore[arg-type]


def test_the_limit_is_respected_and_capped(library):
    assert len(_search("a", 5)) == 0
    assert len(_search("ac", 3)) == 3
    assert len(_search("ac", 1000)) <= service.MAX_LIMIT
    assert len(_search("ac", 0)) == 1


def test_wildcards_in_the_query_are_plain_text(library):
    assert _search("%oil") == _search("oil")
    assert _search("o_l") == []


def test_get_chemical_returns_the_values_to_prefill_with_their_sources(library):
    [hit, *_] = _search("Nitrogen")
    view = db.run(service.get_chemical, hit.id)
    assert (view.id, view.name, view.cas, view.ehs) == (hit.id, "Nitrogen", "7727-37-9", False)
    assert view.physical_state == "c"
    assert view.hazard_suggestions == ("FHCPhysicalGasUnderPressure", "FHCHealthSimpleAsphyxiant")
    assert view.density_kg_per_l == pytest.approx(0.00116)
    assert view.density_phase == "gas"
    assert view.density_source.startswith("curated: gas supplier SDS")
    assert view.sources["physical_state"] == view.density_source
    assert view.dot_class == "2.2"
    assert "dinitrogen" in view.synonyms


def test_get_chemical_shows_ehs_thresholds(library):
    phenol = _search("phenol")[0]
    view = db.run(service.get_chemical, phenol.id)
    assert (view.ehs, view.tpq_lb, view.tpq_solid_lb, view.rq_lb) == (True, 500, 10000, 1000)
    assert view.sources["ehs"].startswith("EHS seed")
    motor_oil = db.run(service.get_chemical, _search("motor oil")[0].id)
    assert (motor_oil.ehs, motor_oil.tpq_lb) == (False, None)
    assert motor_oil.hazard_suggestions == ("FHCPhysicalHazardNotOtherwiseClassified",)
    assert motor_oil.fire_code_suggestions == ("4",)


@pytest.mark.parametrize("chemical_id", [0, -1, 10**9, "7", "x", None])
def test_get_chemical_of_an_unknown_id_is_none(library, chemical_id):
    view = db.run(service.get_chemical, chemical_id)
    if chemical_id == "7":
        assert view is not None and view.id == 7  # a numeric string from a form is accepted
    else:
        assert view is None


def _add_chemical(session, name: str, synonym: str, weight: int, common: bool) -> None:
    chemical = Chemical(
        name=name,
        name_norm=rules.normalise_name(name),
        origin="test",
        weight=weight,
        common=common,
        updated_at=clock.now(),
    )
    session.add(chemical)
    session.flush()
    for row_name, kind in ((name, PRIMARY), (synonym, SYNONYM)):
        session.add(
            ChemicalName(
                chemical_id=chemical.id,
                name=row_name,
                name_norm=rules.normalise_name(row_name),
                kind=kind,
                weight=weight,
                common=common,
            )
        )


@pytest.mark.parametrize("common", [True, False])
def test_equal_ranks_come_in_name_order_whatever_order_they_were_added_in(library, common):
    def add(session):
        with db.transaction(session):
            for name in ("Zyx salt", "Zyx amide", "Zyx base", "Zyx diol", "Zyx acid"):
                _add_chemical(session, name, f"zyxol {name[4:]}", weight=7, common=common)

    db.run(add)
    in_order = ["Zyx acid", "Zyx base", "Zyx diol", "Zyx salt", "Zyx amide"]  # shorter first
    assert _names("zyx") == in_order
    assert _names("zyx", limit=2) == in_order[:2]
    assert [(hit.name, hit.matched) for hit in _search("zyxol")] == [
        (name, f"zyxol {name[4:]}") for name in in_order
    ]


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_postgresql_plans_a_search_once_for_every_text(library, database):
    """Only PostgreSQL keeps plans of prepared statements, so this runs there alone."""
    texts = ["ac", "acetone", "sulf", "motor oil", "zz", "me", "7664", "lye"] * 3
    with db.new_session() as session:
        for text in texts:
            service.search(session, text)
        plans = session.execute(
            sa.text(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE '%FROM chemical_name%' AND statement LIKE '%row_number()%'"
            )
        ).all()
    # psycopg prepares a statement after its first few runs, and PostgreSQL makes a custom plan
    # for each of the first five runs of a prepared statement; later runs reuse one plan.
    assert plans
    assert all(generic > 0 and custom <= 5 for generic, custom in plans)
