"""The records of the UST element: its tanks (each with its monitoring plan) and its
certifications of installation or modification. Registers them with `element_records`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cers_app.submittals import (
    element_records,
    ust_installation_form,
    ust_monitoring_form,
    ust_tank_form,
)
from cers_app.submittals.element_records import RecordKind, RecordPart

UST = 4
# For other modules: the tank fields that name a tank and say what happens to it.
TANK_ID_KEY = ust_tank_form.TANK_ID
TYPE_OF_ACTION_KEY = ust_tank_form.TYPE_OF_ACTION
NEW_PERMIT = ust_tank_form.NEW_PERMIT
CLOSING_ACTIONS = ust_tank_form.CLOSING_ACTIONS

TANKS = element_records.register(
    RecordKind(
        element=UST,
        name="tank",
        title="Tank",
        plural="Tanks",
        parts=(
            RecordPart("tank", ust_tank_form.FORM),
            RecordPart(
                "monitoring",
                ust_monitoring_form.FORM,
                missing_code="1030",
                missing="has no monitoring plan",
            ),
        ),
        label_key=TANK_ID_KEY,
        minimum=1,
        unique_key=TANK_ID_KEY,
        unique_code="1048",
        summary_keys=(TYPE_OF_ACTION_KEY, ust_tank_form.CAPACITY, ust_tank_form.CONTENTS),
        help=(
            "Every underground storage tank at the facility, each with its own tank ID: first "
            "its tank information, then its monitoring plan. Keep a closed or removed tank on "
            "the list with its closure as the type of action."
        ),
    )
)


def new_tanks(data: Mapping[str, Any] | None) -> list[str]:
    """The keys of the tanks in a version's data that apply for a new permit."""
    tank = TANKS.parts[0]
    return [
        key
        for key, record in element_records.records_of(TANKS, data).items()
        if element_records.part_values(tank, record)[TYPE_OF_ACTION_KEY] == NEW_PERMIT
    ]


def has_new_tank(data: Mapping[str, Any] | None) -> bool:
    """Whether any tank applies for a new permit: it needs a certification of installation."""
    return bool(new_tanks(data))


INSTALLATIONS = element_records.register(
    RecordKind(
        element=UST,
        name="installation",
        title="Installation certification",
        plural="Installation certifications",
        parts=(RecordPart("installation", ust_installation_form.FORM),),
        label_key=ust_installation_form.CONTRACTOR,
        summary_keys=(ust_installation_form.CERTIFICATION_DATE, ust_installation_form.DESCRIPTION),
        help=(
            "The contractor's certification of each installation or modification of a tank, "
            "its piping, sumps or under-dispenser containment. A new tank needs one."
        ),
        needed_when=has_new_tank,
        needed_code="1034",
        needed_message=(
            "A new tank (type of action New permit) needs the contractor's certification of "
            "its installation: add an installation certification."
        ),
    )
)
