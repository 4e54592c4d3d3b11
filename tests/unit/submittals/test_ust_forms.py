"""The UST forms (facility information, tank, monitoring plan, installation certification),
their rules, and how the UST records (tanks, installation certifications) are judged. Pure:
no database."""

from __future__ import annotations

import datetime as dt

import pytest

from cers_app.submittals import (
    element_forms,
    element_records,
    ust_facility_form,
    ust_installation_form,
    ust_monitoring_form,
    ust_records,
    ust_tank_form,
)

TODAY = dt.date(2026, 6, 15)
UST = 4

FACILITY = {
    "TypeOfAction": "5",
    "FacilityType": "1",
    "IndianOrTrustLand": "N",
    "POName": "Davis Land Co",
    "POPhone": "530-555-0100",
    "POMailingAddress": "1 Main St",
    "POCity": "Davis",
    "TOwnerName": "Acme Fuel",
    "TOwnerPhone": "530-555-0101",
    "TOwnerMailingAddress": "2 Main St",
    "TOwnerCity": "Davis",
    "TOwnerType": "8",
    "BOENumber": "44-012345",
    "FRCodeInsurance": "Y",
    "PermitHolderInfo": "3",
    "TankOperatorName": "Acme Fuel",
    "TankOperatorPhone": "530-555-0102",
    "TankOperatorMailingAddress": "3 Main St",
    "TankOperatorCity": "Davis",
}
TANK = {
    "TypeOfAction": "5",
    "TankIDNumber": "T-1",
    "TankConfiguration": "1",
    "USTSystemInstalledDate": "2001-04-01",
    "TankCapacityInGallons": "10,000",
    "NumberOfCompartments": "1",
    "TankUse": "1a",
    "TankContents": "1a",
    "TypeOfTank": "02",
    "TankPCConstruction": "03",
    "TankSCConstruction": "03",
    "PipingSystemType": "01",
    "PipingConstruction": "2",
    "UDCConstructionType": "02",
}
MONITORING = {
    "MonitoringEquipmentServiced": "01",
    "SitePlotPlanSubmitted": "2",
    "ContinuousElectronicTankMonitoring": "Y",
    "TankSecondaryContainmentSystem": "01",
    "UDCMonitoring": "1",
    "FirstNameResponsibility": "Pat Lee",
    "FirstTitleResponsibility": "Manager",
}
INSTALLATION = {
    "NameContractorInstallation": "Tanks R Us",
    "ProjectTypeTank": "Y",
    "DescriptionOfWork": "Installed a 10,000 gallon double-walled tank.",
    "CertificationDate": "2026-05-01",
}


def _check(form, values, **changes):
    return element_forms.check(form, {**values, **changes}, TODAY)


def _errors(form, values, **changes) -> dict[str, str]:
    return _check(form, values, **changes)[1]


ALL_FORMS = (
    ust_facility_form.FORM,
    ust_tank_form.FORM,
    ust_monitoring_form.FORM,
    ust_installation_form.FORM,
)


# --- the definitions ---------------------------------------------------------------------


@pytest.mark.parametrize("form", ALL_FORMS, ids=lambda form: form.short)
def test_each_form_is_sound_and_sectioned(form):
    assert element_forms.validated(form) is form
    assert form.element == UST
    numbers = [field.number for field in form.fields]
    assert len(numbers) == len(set(numbers))
    assert all(field.section for field in form.fields)
    for field in form.fields:
        if field.kind == element_forms.TEXT:
            assert field.max_length > 0, field.key


def test_the_facility_form_is_the_element_form_and_the_record_forms_are_not():
    assert element_forms.form_for(UST) is ust_facility_form.FORM
    assert UST in element_forms.elements_with_forms()
    form = ust_facility_form.FORM
    assert (form.title, form.short) == ("UST Facility Information", "UST")
    assert (form.fields[0].key, form.fields[0].number) == ("TypeOfAction", "400")
    assert (form.fields[-1].key, form.fields[-1].number) == ("TankOperatorCountry", "428-7")
    assert [(f.title, f.short) for f in ALL_FORMS[1:]] == [
        ("Tank Information", "Tank"),
        ("Monitoring Plan", "Monitoring plan"),
        ("Certification of Installation/Modification", "Installation certification"),
    ]


def test_the_type_of_action_codes_follow_the_corrected_labels():
    facility = ust_facility_form.FORM.field("TypeOfAction")
    assert facility is not None
    assert facility.choices == (
        ("1", "New permit"),
        ("3", "Renewal permit"),
        ("5", "Confirmed/updated information"),
        ("6", "Temporary facility closure"),
        ("7", "Permanent facility closure"),
        ("9", "Transfer permit"),
    )
    tank = ust_tank_form.FORM.field("TypeOfAction")
    assert tank is not None
    assert [code for code, _ in tank.choices] == ["1", "3", "5", "6", "7", "8"]
    assert tank.choice_label("8") == "UST removal"


def test_monitoring_methods_are_flattened_into_yes_no_fields_followed_by_their_details():
    form = ust_monitoring_form.FORM
    keys = [field.key for field in form.fields]
    for method in ust_monitoring_form.METHODS:
        flag = form.field(method.key)
        assert flag is not None and flag.kind == element_forms.YESNO
        position = keys.index(method.key)
        details = keys[position + 1 : position + 1 + len(method.details)]
        assert details == [detail.key for detail in method.details]
        assert set(method.needs) <= set(details)
    gauging = form.field("AutomaticTankGauging")
    assert gauging is not None and gauging.number == "490-11"


# --- UST Facility Information ------------------------------------------------------------


def _facility(**changes):
    return _check(ust_facility_form.FORM, FACILITY, **changes)


def test_a_complete_facility_form_passes_and_codes_may_be_typed_as_labels():
    cleaned, errors = _facility(
        TypeOfAction="confirmed/updated information",
        FacilityType="Motor Vehicle Fueling",
        TOwnerType="8",
        PermitHolderInfo="tank owner",
        IndianOrTrustLand="no",
    )
    assert errors == {}
    assert (cleaned["TypeOfAction"], cleaned["FacilityType"], cleaned["PermitHolderInfo"]) == (
        "5",
        "1",
        "3",
    )
    assert cleaned["IndianOrTrustLand"] == "N"
    assert _facility(FacilityType="Gas station")[1] == {
        "FacilityType": "Choose one of the listed options."
    }


def test_the_facility_form_requires_what_the_schema_requires():
    _, errors = element_forms.check(ust_facility_form.FORM, {}, TODAY)
    required = {field.key for field in ust_facility_form.FORM.fields if field.required}
    assert required == {
        "TypeOfAction",
        "FacilityType",
        "IndianOrTrustLand",
        "POName",
        "POPhone",
        "POMailingAddress",
        "POCity",
        "TOwnerName",
        "TOwnerPhone",
        "TOwnerMailingAddress",
        "TOwnerCity",
        "TOwnerType",
        "BOENumber",
        "PermitHolderInfo",
        "TankOperatorName",
        "TankOperatorPhone",
        "TankOperatorMailingAddress",
        "TankOperatorCity",
    }
    # Every required field, and the financial responsibility that no field alone requires.
    assert set(errors) == required | {"FRCodeSelfInsured"}
    assert errors["TOwnerType"] == "Choose the tank owner type."
    assert errors["IndianOrTrustLand"] == "Answer Yes or No: On Indian reservation or trust land."


@pytest.mark.parametrize("typed", ["44-012345", "44012345", " 44 012 345 ", "44-01-23-45"])
def test_the_boe_number_is_eight_digits_with_spaces_and_dashes_allowed(typed):
    assert _facility(BOENumber=typed)[1] == {}
    assert ust_facility_form.boe_number(typed.strip()) == "44012345"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("44-01234", "this has 7 characters"),
        ("440123456", "this has 9 characters"),
        ("44-01234X", "digits only"),
        # Full-width digits are digits to Python, but not the account number.
        ("\uff14\uff14\uff10\uff11\uff12\uff13\uff14\uff15", "digits only"),
    ],
)
def test_a_wrong_boe_number_is_refused_with_code_1072(typed, problem):
    errors = _facility(BOENumber=typed)[1]
    assert list(errors) == ["BOENumber"]
    assert problem in errors["BOENumber"]
    assert "such as 44-012345" in errors["BOENumber"]
    field = ust_facility_form.FORM.field("BOENumber")
    assert field is not None
    assert element_forms.problem_code(field, typed) == "1072"


def test_a_boe_number_far_too_long_is_refused_by_length_and_blank_is_refused():
    errors = _facility(BOENumber="44-012345-0000000")[1]
    assert errors == {"BOENumber": "At most 15 characters (this has 17)."}
    assert _facility(BOENumber="")[1] == {
        "BOENumber": "Enter the CDTFA (formerly BOE) UST storage fee account number."
    }


def test_at_least_one_financial_responsibility_mechanism_is_chosen_code_1080():
    no_mechanism = dict.fromkeys(ust_facility_form.FR_KEYS, "N")
    errors = _facility(**no_mechanism)[1]
    assert errors == {"FRCodeSelfInsured": ust_facility_form.FR_MESSAGE}
    assert "State Fund and CFO letter" in ust_facility_form.FR_MESSAGE
    assert "local government mechanism, or other" in ust_facility_form.FR_MESSAGE
    field = ust_facility_form.FORM.field("FRCodeSelfInsured")
    assert field is not None
    assert element_forms.problem_code(field, "N") == "1080"
    assert _facility(**{**no_mechanism, "FRCodeLGMechanism": "Y"})[1] == {}
    # A mis-typed answer is told first; the choose-one rule waits for it.
    assert _facility(FRCodeInsurance="maybe")[1] == {"FRCodeInsurance": "Answer Yes or No."}


def test_another_mechanism_must_be_described():
    errors = _facility(FRCodeOther="Y")[1]
    assert errors == {
        "FRCodeDescriptionOther": (
            "Describe the other financial-responsibility mechanism: you chose Other."
        )
    }
    assert _facility(FRCodeOther="Y", FRCodeDescriptionOther="Trust fund")[1] == {}
    assert _facility(FRCodeInsurance="N", FRCodeOther="Y", FRCodeDescriptionOther="Trust")[1] == {}
    assert _facility(FRCodeDescriptionOther="x" * 51)[1] == {
        "FRCodeDescriptionOther": "At most 50 characters (this has 51)."
    }


def test_facility_lengths_and_dates_follow_the_schema():
    errors = _facility(
        POName="x" * 81, POState="Cal", TOwnerZipCode="95616-12345", DateCertified="2026-06-16"
    )[1]
    assert errors == {
        "POName": "At most 80 characters (this has 81).",
        "POState": "At most 2 characters (this has 3).",
        "TOwnerZipCode": "At most 10 characters (this has 11).",
        "DateCertified": "The date certified cannot be in the future (today is 2026-06-15).",
    }


def _data(**form: str) -> dict:
    return {"form": {**FACILITY, **form}}


def test_a_written_agreement_is_needed_when_owner_and_operator_differ():
    assert not ust_facility_form.needs_written_agreement(_data())
    assert not ust_facility_form.needs_written_agreement(
        _data(TOwnerName="ACME  fuel", TankOperatorName=" acme Fuel ")
    )
    assert not ust_facility_form.needs_written_agreement(
        _data(TOwnerName="Acme Fuel", TankOperatorName="AcmeFuel")
    )
    assert ust_facility_form.needs_written_agreement(_data(TankOperatorName="Bo's Gas"))
    assert not ust_facility_form.needs_written_agreement(_data(TankOperatorName=""))
    assert not ust_facility_form.needs_written_agreement(_data(TOwnerName="  "))
    assert not ust_facility_form.needs_written_agreement({})
    assert not ust_facility_form.needs_written_agreement({"form": None})


def test_a_cfo_letter_is_needed_with_the_state_fund_and_cfo_letter():
    assert not ust_facility_form.needs_cfo_letter(_data())
    assert ust_facility_form.needs_cfo_letter(_data(FRCodeStateFundCFOLetter="Y"))
    assert not ust_facility_form.needs_cfo_letter(_data(FRCodeStateFundCFOLetter="N"))
    assert not ust_facility_form.needs_cfo_letter({})


# --- Tank Information --------------------------------------------------------------------


def _tank(**changes):
    return _errors(ust_tank_form.FORM, TANK, **changes)


def test_a_complete_tank_passes_and_its_capacity_is_cleaned():
    cleaned, errors = _check(ust_tank_form.FORM, TANK, TankContents="Regular unleaded")
    assert errors == {}
    assert (cleaned["TankCapacityInGallons"], cleaned["TankContents"]) == ("10000", "1a")


def test_the_tank_requires_what_the_schema_requires():
    _, errors = element_forms.check(ust_tank_form.FORM, {}, TODAY)
    assert set(errors) == {
        "TypeOfAction",
        "TankIDNumber",
        "TankConfiguration",
        "TankCapacityInGallons",
        "NumberOfCompartments",
        "TankUse",
        "TankContents",
        "TypeOfTank",
        "TankPCConstruction",
        "TankSCConstruction",
        "PipingSystemType",
        "PipingConstruction",
        "UDCConstructionType",
    }


def test_tank_limits_follow_the_schema():
    errors = _tank(
        TankCapacityInGallons="10,000,000",
        TankIDNumber="x" * 25,
        USTSystemInstalledDate="2026-07-01",
        AdditionalDescription="x" * 501,
    )
    assert errors == {
        "TankCapacityInGallons": "Enter a whole number from 1 to 9,999,999.",
        "TankIDNumber": "At most 24 characters (this has 25).",
        "USTSystemInstalledDate": (
            "The date the tank system was installed cannot be in the future (today is 2026-06-15)."
        ),
        "AdditionalDescription": "At most 500 characters (this has 501).",
    }
    assert _tank(TankCapacityInGallons="0")["TankCapacityInGallons"].startswith("Enter a whole")
    assert _tank(USTSystemInstalledDate="1900-01-01") == {}  # the date for "unknown"


@pytest.mark.parametrize(
    ("code_key", "code", "text_key"),
    [(code_key, codes[0], text_key) for code_key, codes, text_key, _ in ust_tank_form.OTHER_TEXTS],
)
def test_every_other_answer_of_the_tank_needs_its_text(code_key, code, text_key):
    changes = {code_key: code}
    if code_key == "TankSCConstruction":
        changes["TypeOfTank"] = "01"
    errors = _tank(**changes)
    assert list(errors) == [text_key]
    assert errors[text_key].startswith("Describe the other ")
    assert _tank(**changes, **{text_key: "Something else"}) == {}


def test_other_petroleum_and_other_non_petroleum_each_need_their_own_text():
    assert list(_tank(TankContents="09", OtherNonPetroleum="x")) == ["OtherPetroleum"]
    assert list(_tank(TankContents="11", OtherPetroleum="x")) == ["OtherNonPetroleum"]


@pytest.mark.parametrize("action", ["7", "8", "UST removal"])
def test_a_tank_closed_for_good_needs_its_closure_date(action):
    errors = _tank(TypeOfAction=action)
    assert list(errors) == ["USTPermanentlyClosedDate"]
    assert errors["USTPermanentlyClosedDate"].startswith(
        "Enter the date the tank was closed or removed: you chose UST"
    )
    assert _tank(TypeOfAction=action, USTPermanentlyClosedDate="2026-06-01") == {}


def test_the_closure_date_is_past_and_not_before_the_installation():
    assert _tank(TypeOfAction="6") == {}  # a temporary closure needs no date
    errors = _tank(TypeOfAction="7", USTPermanentlyClosedDate="2026-06-16")
    assert list(errors) == ["USTPermanentlyClosedDate"]
    assert "cannot be in the future" in errors["USTPermanentlyClosedDate"]
    errors = _tank(TypeOfAction="8", USTPermanentlyClosedDate="2000-01-01")
    assert errors == {
        "USTPermanentlyClosedDate": (
            "The tank cannot be closed (2000-01-01) before it was installed (2001-04-01): "
            "correct one of the dates."
        )
    }


def test_compartments_agree_with_the_configuration():
    assert "stand-alone tank has 1" in _tank(NumberOfCompartments="2")["NumberOfCompartments"]
    errors = _tank(TankConfiguration="2")
    assert "at least 2 compartments" in errors["NumberOfCompartments"]
    assert _tank(TankConfiguration="2", NumberOfCompartments="3") == {}


def test_double_walls_have_a_secondary_containment():
    errors = _tank(TankSCConstruction="90", PWPipingSCConstruction="90")
    assert set(errors) == {"TankSCConstruction", "PWPipingSCConstruction"}
    assert errors["TankSCConstruction"].startswith("A double-wall tank has a secondary")
    assert _tank(TypeOfTank="01", TankSCConstruction="90") == {}
    assert _tank(PipingConstruction="1", PWPipingSCConstruction="90") == {}


# --- Monitoring Plan ---------------------------------------------------------------------


def _monitoring(**changes):
    return _errors(ust_monitoring_form.FORM, MONITORING, **changes)


def test_a_complete_monitoring_plan_passes_and_requires_what_the_schema_requires():
    assert _monitoring() == {}
    _, errors = element_forms.check(ust_monitoring_form.FORM, {}, TODAY)
    assert set(errors) == {
        "MonitoringEquipmentServiced",
        "SitePlotPlanSubmitted",
        "UDCMonitoring",
        "FirstNameResponsibility",
        "FirstTitleResponsibility",
    }


@pytest.mark.parametrize(
    "method", [m for m in ust_monitoring_form.METHODS if m.needs], ids=lambda m: m.key
)
def test_a_chosen_method_needs_its_required_details(method):
    blank_details = dict.fromkeys(method.needs, "")
    errors = _monitoring(**blank_details, **{method.key: "Y"})
    assert set(errors) == set(method.needs)
    for key in method.needs:
        assert errors[key].endswith(f": you answered Yes to {method.label}.")
    # Answered No (or left blank), the method needs nothing.
    assert _monitoring(**blank_details, **{method.key: "N"}) == {}
    assert _monitoring(**blank_details, **{method.key: ""}) == {}


def test_method_detail_messages_name_the_detail():
    errors = _monitoring(AutomaticTankGauging="yes")
    assert errors == {
        "TankLeakTestFrequency": (
            "Choose the ATG leak test frequency: you answered Yes to Automatic tank gauging (ATG)."
        ),
        "ProgrammedTankTest": (
            "Choose the ATG programmed tank test: you answered Yes to Automatic tank gauging (ATG)."
        ),
    }
    errors = _monitoring(TankMonitoringOtherType="Y")
    assert errors == {
        "OtherMonitoring": (
            "Enter the description of the other tank monitoring method: you answered Yes to "
            "Other tank monitoring method."
        )
    }
    filled = _monitoring(
        AutomaticTankGauging="Y", TankLeakTestFrequency="Monthly", ProgrammedTankTest="0.2 gph"
    )
    assert filled == {}


def test_a_mechanical_line_leak_detector_needs_no_details_and_details_alone_are_kept():
    assert _monitoring(MechanicalLineLeakDetector="Y") == {}
    assert _monitoring(ATGModelNum="TLS-350") == {}


@pytest.mark.parametrize(
    ("code_key", "code", "text_key", "extra"),
    [
        ("MonitoringEquipmentServiced", "99", "MonitoringEquipmentServicedOther", {}),
        ("UDCMonitoring", "Other", "UDCMonitoringOther", {}),
        (
            "TankLeakTestFrequency",
            "99",
            "TankLeakTestFrequencyOther",
            {"AutomaticTankGauging": "Y", "ProgrammedTankTest": "01"},
        ),
        (
            "ProgrammedTankTest",
            "99",
            "ProgrammedTankTestOther",
            {"AutomaticTankGauging": "Y", "TankLeakTestFrequency": "01"},
        ),
        (
            "TankIntegrityTestingFrequency",
            "99",
            "TankIntegrityTestingFrequencyOther",
            {"TankIntegrityTesting": "Y"},
        ),
        (
            "PipelineIntegrityTestingFrequency",
            "03",
            "PipelineIntegrityTestingFrequencyOther",
            {"PipeIntegrityTesting": "Y"},
        ),
        ("TrainingOther", "Y", "SpecifyTrainingOther", {}),
    ],
)
def test_every_other_answer_of_the_plan_needs_its_text(code_key, code, text_key, extra):
    errors = _monitoring(**extra, **{code_key: code})
    assert list(errors) == [text_key]
    assert errors[text_key].startswith("Describe ")
    assert _monitoring(**extra, **{code_key: code, text_key: "Quarterly"}) == {}


def test_monitoring_lengths_and_signature_date():
    errors = _monitoring(
        MonitoringEquipmentServicedOther="x" * 16,
        CommentsAdditionalInformation="x" * 301,
        SignatureDate="2026-06-16",
    )
    assert set(errors) == {
        "MonitoringEquipmentServicedOther",
        "CommentsAdditionalInformation",
        "SignatureDate",
    }


# --- Certification of Installation/Modification ------------------------------------------


def _installation(**changes):
    return _errors(ust_installation_form.FORM, INSTALLATION, **changes)


def test_a_complete_installation_certification_passes_and_requires_contractor_and_work():
    assert _installation() == {}
    _, errors = element_forms.check(ust_installation_form.FORM, {}, TODAY)
    assert set(errors) == {"NameContractorInstallation", "DescriptionOfWork", "ProjectTypeTank"}


def test_at_least_one_project_type_is_chosen_code_1076():
    errors = _installation(ProjectTypeTank="N")
    assert errors == {"ProjectTypeTank": ust_installation_form.PROJECT_MESSAGE}
    field = ust_installation_form.FORM.field("ProjectTypeTank")
    assert field is not None
    assert element_forms.problem_code(field, "N") == "1076"
    assert _installation(ProjectTypeTank="", ProjectTypeSump="Y") == {}


def test_installation_dates_and_lengths():
    errors = _installation(CertificationDate="2026-06-16", ICCCertNumber="x" * 11)
    assert set(errors) == {"CertificationDate", "ICCCertNumber"}
    relationship = ust_installation_form.FORM.field("CertifierRelationship")
    assert relationship is not None
    assert _installation(CertifierRelationship="Contractor") == {}


# --- the UST records ---------------------------------------------------------------------


def _tank_record(tank_id: str, monitoring: bool = True, **changes: str) -> dict:
    record = {"tank": {**TANK, "TankIDNumber": tank_id, **changes}}
    if monitoring:
        record["monitoring"] = dict(MONITORING)
    return record


def _records(tanks: dict | None = None, installations: dict | None = None) -> dict:
    records: dict = {}
    if tanks is not None:
        records["tank"] = tanks
    if installations is not None:
        records["installation"] = installations
    return {"form": dict(FACILITY), "records": records}


def _found(data) -> list[tuple[str, str, str, str, str]]:
    return [
        (f.kind, f.key, f.code, f.part, f.field) for f in element_records.findings(UST, data, TODAY)
    ]


def test_the_ust_record_kinds_are_registered():
    assert element_records.kinds_for(UST) == (ust_records.TANKS, ust_records.INSTALLATIONS)
    assert element_records.kind_for(UST, "tank") is ust_records.TANKS
    assert UST in element_records.elements_with_records()
    assert [part.name for part in ust_records.TANKS.parts] == ["tank", "monitoring"]
    assert ust_records.TANK_ID_KEY == "TankIDNumber"
    assert ust_records.TYPE_OF_ACTION_KEY == "TypeOfAction"


def test_complete_tanks_have_no_findings():
    assert _found(_records({"1": _tank_record("T-1"), "2": _tank_record("T-2")})) == []


def test_a_facility_without_tanks_is_told_to_add_one_1014():
    found = element_records.findings(UST, _records({}), TODAY)
    assert [(f.kind, f.code) for f in found] == [("tank", "1014")]
    assert found[0].message == "Add at least 1 tank (0 so far)."


def test_duplicate_tank_ids_flag_both_tanks_ignoring_case_1048():
    data = _records({"1": _tank_record("T-1"), "2": _tank_record("t-1"), "3": _tank_record("T-3")})
    found = element_records.findings(UST, data, TODAY)
    assert [(f.key, f.code, f.part, f.field) for f in found] == [
        ("1", "1048", "tank", "TankIDNumber"),
        ("2", "1048", "tank", "TankIDNumber"),
    ]
    assert found[0].message == "2 tanks have the tank ID 'T-1': give each tank its own."


def test_a_tank_without_monitoring_plan_is_found_1030():
    found = element_records.findings(UST, _records({"1": _tank_record("T-1", False)}), TODAY)
    assert [(f.key, f.code, f.part) for f in found] == [("1", "1030", "monitoring")]
    assert found[0].message == "Tank T-1 has no monitoring plan."


def test_a_field_problem_in_a_part_is_found_with_its_code():
    tank = _tank_record("T-1")
    tank["monitoring"]["AutomaticTankGauging"] = "Y"
    tank["tank"]["TankCapacityInGallons"] = ""
    tank["tank"]["TankUse"] = "Lawn care"
    found = _found(_records({"1": tank}))
    assert found == [
        ("tank", "1", "1002", "tank", "TankCapacityInGallons"),
        ("tank", "1", "form", "tank", "TankUse"),
        ("tank", "1", "1002", "monitoring", "TankLeakTestFrequency"),
        ("tank", "1", "1002", "monitoring", "ProgrammedTankTest"),
    ]


def test_a_new_tank_needs_an_installation_certification_1034():
    data = _records({"1": _tank_record("T-1", TypeOfAction="1")})
    found = element_records.findings(UST, data, TODAY)
    assert [(f.kind, f.key, f.code) for f in found] == [("installation", "", "1034")]
    assert found[0].message == (
        "A new tank (type of action New permit) needs the contractor's certification of its "
        "installation: add an installation certification."
    )
    assert ust_records.new_tanks(data) == ["1"]
    data = _records(
        {"1": _tank_record("T-1", TypeOfAction="1")},
        {"2": {"installation": dict(INSTALLATION)}},
    )
    assert _found(data) == []
    # Tanks that are not new need none.
    assert not ust_records.has_new_tank(_records({"1": _tank_record("T-1")}))
    assert not ust_records.has_new_tank({})


def test_an_installation_certification_is_judged_like_a_form():
    bad = {**INSTALLATION, "ProjectTypeTank": "N"}
    data = _records({"1": _tank_record("T-1")}, {"2": {"installation": bad}})
    assert _found(data) == [("installation", "2", "1076", "installation", "ProjectTypeTank")]


def test_labels_name_each_tank_and_its_plan():
    data = _records(
        {"1": _tank_record("T-1"), "2": {"tank": {}}},
        {"3": {"installation": dict(INSTALLATION)}},
    )
    labels = element_records.labels(UST, data)
    assert labels["records.tank.1.tank.TankIDNumber"] == "Tank T-1: Tank ID"
    assert labels["records.tank.1.monitoring.AutomaticTankGauging"] == (
        "Tank T-1, Monitoring Plan: Automatic tank gauging (ATG)"
    )
    assert labels["records.tank.2.tank.TankCapacityInGallons"] == "Tank #2: Tank capacity (gallons)"
    assert labels["records.installation.3.installation.DescriptionOfWork"] == (
        "Installation certification Tanks R Us: Description of the work"
    )
    facility = element_forms.labels(ust_facility_form.FORM)
    assert facility["form.BOENumber"] == "UST: CDTFA (formerly BOE) UST storage fee account number"
