"""The Add Facility wizard's and the draft forms' handlers, without a browser."""

from __future__ import annotations

from sqlmodel import func, select

from cers_app.agencies import service as agencies
from cers_app.agencies.models import JurisdictionRule
from cers_app.core import db, routes
from cers_app.core.codes import ELEMENTS, county_code
from cers_app.facilities import wizard
from cers_app.facilities.models import Facility
from cers_app.facilities.state import DraftFormsState, WizardState
from tests import helpers

ZIP = "95616"
SITE = {
    "name": "Davis Annex",
    "street": "1200 Covell Blvd",
    "supplemental": "",
    "city": "Davis",
    "zip_code": ZIP,
    "county": str(county_code("Yolo")),
    "epa_id": "",
}
NEW_BUSINESS = {
    "name": "Davis Annex",
    "business": "new",
    "new_business_name": "Annex Holdings",
    "new_business_headquarters": "Davis, CA",
}


def _cover_zip() -> None:
    agency_id = db.run(
        agencies.create_agency, actor_user_id=None, code=1234, name="Yolo CUPA", county=57
    )

    def add(session) -> None:
        with db.transaction(session):
            for element in ELEMENTS:
                session.add(JurisdictionRule(agency_id=agency_id, element=element, zip_code=ZIP))

    db.run(add)


def _open(root, path: str, **query: str) -> None:
    """Pretend the browser navigated to `path?query`."""
    root.router_data = root._update_router_vars(
        {**root.router_data, "pathname": path, "asPath": routes.with_query(path, **query)},
        root.router_data,
    )


def _facilities() -> int:
    return db.run(lambda s: s.exec(select(func.count()).select_from(Facility)).one())


async def _at_step_3(root, as_actor) -> WizardState:
    """A new user's wizard with its site entered (no duplicates: straight to step 3)."""
    _cover_zip()
    helpers.activated_user("lenalead")
    actor = helpers.sign_in("lenalead")
    as_actor(actor)
    _open(root, routes.FACILITY_ADD, w=str(db.run(wizard.start, actor)))
    steps = await root.get_state(WizardState)
    await WizardState.load.fn(steps)
    assert steps.loaded and steps.step == 1
    await WizardState.submit_site.fn(steps, dict(SITE))
    assert steps.step == 3 and steps.errors == {}
    assert steps.business_choice == "new"  # the user has no business yet
    return steps


async def test_a_new_business_problem_is_shown_on_its_own_field(database, root, as_actor):
    steps = await _at_step_3(root, as_actor)
    await WizardState.confirm.fn(steps, {**NEW_BUSINESS, "new_business_name": ""})
    assert set(steps.errors) == {"new_business_name"}
    await WizardState.confirm.fn(steps, {**NEW_BUSINESS, "name": " "})
    assert set(steps.errors) == {"name"}
    assert steps.step == 3 and _facilities() == 0


async def test_confirming_twice_adds_one_facility_and_opens_its_forms(database, root, as_actor):
    steps = await _at_step_3(root, as_actor)
    await WizardState.confirm.fn(steps, dict(NEW_BUSINESS))
    await WizardState.confirm.fn(steps, dict(NEW_BUSINESS))  # the second click of a double
    assert steps.step == 4 and _facilities() == 1
    forms = await root.get_state(DraftFormsState)
    assert forms.loaded and forms.answers["HMOnSite"] == ""
    assert [row["element"] for row in forms.required] == ["1"]


async def test_answers_show_their_required_elements_at_once(database, root, as_actor):
    steps = await _at_step_3(root, as_actor)
    await WizardState.confirm.fn(steps, dict(NEW_BUSINESS))
    forms = await root.get_state(DraftFormsState)
    DraftFormsState.answer.fn(forms, "HMOnSite", "Y")
    DraftFormsState.answer.fn(forms, "NoSuchQuestion", "Y")
    DraftFormsState.answer.fn(forms, "Recycle", "maybe")
    assert [row["element"] for row in forms.required] == ["1", "2", "3"]
    assert "NoSuchQuestion" not in forms.answers and forms.answers["Recycle"] == ""
    for key in forms.answers:
        DraftFormsState.answer.fn(forms, key, "N")
    assert forms.no_regulated and [row["element"] for row in forms.required] == ["1"]


async def test_same_as_copies_fields_and_keeps_what_was_typed(database, root, as_actor):
    steps = await _at_step_3(root, as_actor)
    await WizardState.confirm.fn(steps, dict(NEW_BUSINESS))
    forms = await root.get_state(DraftFormsState)
    await DraftFormsState.save_activities.fn(forms, dict.fromkeys(forms.answers, "N"))
    assert steps.step == 5 and forms.errors == {}
    version, key = forms._version, forms.form_key
    typed = {
        "MailingAddress": "PO Box 118",
        "MailingAddressCity": "Davis",
        "SECName": "Typed Before",
        "OwnerMailAddress": "overwritten by the copy",
    }
    DraftFormsState.intend.fn(forms, "owner_address")
    await DraftFormsState.save_owner.fn(forms, typed)
    assert forms.owner["OwnerMailAddress"] == "PO Box 118"
    assert forms.owner["OwnerCity"] == "Davis"
    assert forms.owner["SECName"] == "Typed Before"
    assert forms.form_key == key + 1  # mounted again with the copied values
    assert forms._version == version  # nothing was saved

    DraftFormsState.intend.fn(forms, "no-such-shortcut")  # refused: a plain save
    await DraftFormsState.save_owner.fn(forms, typed)
    assert forms._version == version + 1 and "Phone" in forms.errors
    assert steps.step == 5  # saved, but not done until the problems are fixed
