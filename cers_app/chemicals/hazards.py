"""The CERS codes a library row may suggest: hazard categories, fire code classes, DOT classes.

Labels live with the inventory fields (cers_app.inventory); the library only needs to know
which codes are valid so that a curated row or an import can never store a wrong one.
"""

from __future__ import annotations

from cers_app.chemicals import rules

# GHS-aligned hazard categories (CERS fields 216f-216cc), as XML tags.
PHYSICAL_HAZARDS = (
    "FHCPhysicalFlammable",
    "FHCPhysicalGasUnderPressure",
    "FHCPhysicalExplosive",
    "FHCPhysicalSelfHeating",
    "FHCPhysicalPyrophoric",
    "FHCPhysicalOxidizer",
    "FHCPhysicalOrganicPeroxide",
    "FHCPhysicalSelfReactive",
    "FHCPhysicalPyrophoricGas",
    "FHCPhysicalCorrosiveToMetal",
    "FHCPhysicalContactWaterEmitsFlammableGas",
    "FHCPhysicalCombustibleDust",
    "FHCPhysicalHazardNotOtherwiseClassified",
)
HEALTH_HAZARDS = (
    "FHCHealthCarcinogenicity",
    "FHCHealthAcuteToxicity",
    "FHCHealthReproductiveToxicity",
    "FHCHealthSkinCorrosionIrritation",
    "FHCHealthRespiratorySkinSensitization",
    "FHCHealthSeriousEyeDamageEyeIrritation",
    "FHCHealthSpecificTargetOrganToxicity",
    "FHCHealthAspirationHazard",
    "FHCHealthGermCellMutagenicity",
    "FHCHealthSimpleAsphyxiant",
    "FHCHealthHazardNotOtherwiseClassified",
)
HAZARD_TAGS = PHYSICAL_HAZARDS + HEALTH_HAZARDS

FLAMMABLE = "FHCPhysicalFlammable"
GAS_UNDER_PRESSURE = "FHCPhysicalGasUnderPressure"

# Fire code hazard classes (CERS field 210a-h) are the integers 1-39.
FIRE_CODES = frozenset(str(code) for code in range(1, 40))
FLAMMABLE_GAS_CLASS = "8"

# DOT hazard classes (CERS field 252).
DOT_CLASSES = frozenset(
    [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "1.5",
        "1.6",
        "2.1",
        "2.2",
        "2.3",
        "3",
        "4.1",
        "4.2",
        "4.3",
        "5.1",
        "5.2",
        "6.1",
        "6.2",
        "7",
        "8",
        "9",
    ]
)

# Inventory type (CERS field 211): a pure, b mixture, c waste.
HM_TYPES = frozenset({"a", "b", "c"})
PHYSICAL_STATES = frozenset({"a", "b", "c"})
DENSITY_PHASES = frozenset({"solid", "liquid", "gas"})


def derived_suggestions(
    state: str, flash_c: float | None, boiling_c: float | None, flammability_limit: bool
) -> tuple[list[str], list[str]]:
    """Hazard categories and fire code classes that follow from measured data alone.

    A liquid with a flash point below 93 °C is flammable (GHS categories 1-4) and gets its
    NFPA 30 class; a gas at 25 °C is suggested as a gas under pressure (that is how gases are
    stored) and, when it has a lower flammability limit, as a flammable gas. Nothing is
    suggested from toxicity or carcinogen lists, which need review substance by substance.
    """
    hazards: list[str] = []
    fire: list[str] = []
    if state == "b" and flash_c is not None:
        if flash_c < 93:
            hazards.append(FLAMMABLE)
        fire_class = rules.flammable_liquid_class(flash_c, boiling_c)
        if fire_class:
            fire.append(fire_class)
    if state == "c":
        if flammability_limit:
            hazards.append(FLAMMABLE)
            fire.append(FLAMMABLE_GAS_CLASS)
        hazards.append(GAS_UNDER_PRESSURE)
    return hazards, fire
