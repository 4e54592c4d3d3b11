"""The APSA Facility Information form of the Aboveground Petroleum Storage Act element
(CERS fields 800-803, XSD APSAFacilityInformationType)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from cers_app.submittals import element_forms
from cers_app.submittals.element_forms import DATE, WHOLE, YESNO, FormDef, FormField

APSA = 9
# A conditionally exempt tank facility stores less than this in aboveground containers.
EXEMPT_BELOW_GALLONS = 10_000

EXEMPT = "ConditionallyExempt"
SPCC_DATE = "SPCCPlanCertificationOrFiveYearReview"
CAPACITY = "TotalAbovegroundStorageCapacityOfPetroleum"
UNDERGROUND_TANKS = "NumberOfTanksInUndergroundAreas"

FIELDS = (
    FormField(
        EXEMPT,
        "800",
        "Conditionally exempt",
        YESNO,
        required=True,
        help=(
            "Yes if the tank facility is conditionally exempt: less than 10,000 gallons of "
            "petroleum in aboveground storage and the other conditions of the Act met."
        ),
    ),
    FormField(
        SPCC_DATE,
        "801",
        "SPCC plan certification or five-year review date",
        DATE,
        help="The date the Spill Prevention, Control and Countermeasure plan was last "
        "certified or reviewed.",
        not_future=True,
    ),
    FormField(
        CAPACITY,
        "802",
        "Total aboveground petroleum storage capacity (gallons)",
        WHOLE,
        required=True,
        help="The shell capacity of every aboveground petroleum container of 55 gallons or "
        "more, added up. Report it even when the facility is conditionally exempt.",
        minimum=Decimal(1),
        maximum=Decimal(999_999_999_999),  # positiveInteger, at most 12 digits
    ),
    FormField(
        UNDERGROUND_TANKS,
        "803",
        "Number of tanks in underground areas",
        WHOLE,
        help="Tanks in a basement, vault or other underground area (0 if none).",
        minimum=Decimal(0),
        maximum=Decimal(99_999),  # nonNegativeInteger, at most 5 digits
    ),
)


def exempt_only_below_limit(values: Mapping[str, str], errors: Mapping[str, str]) -> dict[str, str]:
    """A conditionally exempt facility stores less than 10,000 gallons."""
    if EXEMPT in errors or CAPACITY in errors or values.get(EXEMPT) != "Y":
        return {}
    capacity = values.get(CAPACITY, "")
    if capacity.isdigit() and int(capacity) >= EXEMPT_BELOW_GALLONS:
        return {
            EXEMPT: (
                f"A facility storing {int(capacity):,} gallons is not conditionally exempt "
                f"(the exemption is for less than {EXEMPT_BELOW_GALLONS:,} gallons). Answer No, "
                "or correct the capacity."
            )
        }
    return {}


FORM = element_forms.register(
    FormDef(
        element=APSA,
        title="APSA Facility Information",
        short="APSA",
        fields=FIELDS,
        rules=(exempt_only_below_limit,),
    )
)
