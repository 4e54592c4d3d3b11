"""The code lists of the Hazardous Materials Inventory (CERS fields 202-252), with their labels.

Stored values are always these CERS codes; labels are only for people. Sources: the EDT
schema RegulatorFacilitySubmittal 1/10 and the CERS code catalogue (docs/cers-codes.md §5.4).
"""

from __future__ import annotations

Codes = tuple[tuple[str, str], ...]

YES, NO = "Y", "N"
YES_NO: Codes = ((YES, "Yes"), (NO, "No"))

# 211 Hazardous Material Type
PURE, MIXTURE, WASTE = "a", "b", "c"
HM_TYPES: Codes = ((PURE, "Pure"), (MIXTURE, "Mixture"), (WASTE, "Waste"))

# 214 Physical State
SOLID, LIQUID, GAS = "a", "b", "c"
PHYSICAL_STATES: Codes = ((SOLID, "Solid"), (LIQUID, "Liquid"), (GAS, "Gas"))

# 221 Units
GALLONS, CUBIC_FEET, POUNDS, TONS = "a", "b", "c", "d"
UNITS: Codes = (
    (GALLONS, "Gallons"),
    (CUBIC_FEET, "Cubic feet"),
    (POUNDS, "Pounds"),
    (TONS, "Tons"),
)
UNIT_ABBREVIATIONS = {GALLONS: "gal", CUBIC_FEET: "ft³", POUNDS: "lb", TONS: "tons"}

# 224 Storage Pressure
AMBIENT, ABOVE_AMBIENT, BELOW_AMBIENT, CRYOGENIC = "a", "b", "c", "d"
STORAGE_PRESSURES: Codes = (
    (AMBIENT, "Ambient"),
    (ABOVE_AMBIENT, "Greater than ambient"),
    (BELOW_AMBIENT, "Less than ambient"),
)
# 225 Storage Temperature (EPA: cryogenic is -130 °F or colder)
STORAGE_TEMPERATURES: Codes = (
    (AMBIENT, "Ambient"),
    (ABOVE_AMBIENT, "Greater than ambient"),
    (BELOW_AMBIENT, "Less than ambient"),
    (CRYOGENIC, "Cryogenic"),
)

# 210a-h Fire Code Hazard Class (the same list for all eight positions)
CARCINOGEN = "1"
CRYOGEN, LIQUEFIED_PETROLEUM_GAS, IRRITANT, OXIDIZING_GAS_LIQUEFIED, SENSITIZER = (
    "6",
    "15",
    "14",
    "22",
    "30",
)
FIRE_CODE_CLASSES: Codes = tuple(
    (str(number), label)
    for number, label in enumerate(
        (
            "Carcinogen",
            "Combustible liquid, Class II",
            "Combustible liquid, Class IIIA",
            "Combustible liquid, Class IIIB",
            "Corrosive",
            "Cryogen",
            "Explosive",
            "Flammable gas",
            "Flammable liquid, Class IA",
            "Flammable liquid, Class IB",
            "Flammable liquid, Class IC",
            "Flammable solid",
            "Highly toxic",
            "Irritant",
            "Liquefied petroleum gas",
            "Magnesium",
            "Oxidizer, Class 1",
            "Oxidizer, Class 2",
            "Oxidizer, Class 3",
            "Oxidizer, Class 4",
            "Oxidizing gas, gaseous",
            "Oxidizing gas, liquefied",
            "Organic peroxide, Class I",
            "Organic peroxide, Class II",
            "Organic peroxide, Class III",
            "Organic peroxide, Class IV",
            "Other health hazard",
            "Pyrophoric",
            "Radioactive",
            "Sensitizer",
            "Toxic",
            "Unstable (reactive), Class 1",
            "Unstable (reactive), Class 2",
            "Unstable (reactive), Class 3",
            "Unstable (reactive), Class 4",
            "Water reactive, Class 1",
            "Water reactive, Class 2",
            "Water reactive, Class 3",
            "Other",
        ),
        start=1,
    )
)

# 252 DOT Hazard Classification
DOT_CLASSES: Codes = (
    ("1.1", "1.1 Explosive, mass explosion hazard"),
    ("1.2", "1.2 Explosive, projection hazard"),
    ("1.3", "1.3 Explosive, fire hazard with minor blast or projection"),
    ("1.4", "1.4 Explosive, minor explosion hazard"),
    ("1.5", "1.5 Very insensitive explosive with mass explosion hazard"),
    ("1.6", "1.6 Extremely insensitive article, no mass explosion hazard"),
    ("2.1", "2.1 Flammable gas"),
    ("2.2", "2.2 Non-flammable, non-toxic gas"),
    ("2.3", "2.3 Toxic gas"),
    ("3", "3 Flammable or combustible liquid"),
    ("4.1", "4.1 Flammable solid"),
    ("4.2", "4.2 Spontaneously combustible material"),
    ("4.3", "4.3 Dangerous when wet"),
    ("5.1", "5.1 Oxidizer"),
    ("5.2", "5.2 Organic peroxide"),
    ("6.1", "6.1 Toxic substance"),
    ("6.2", "6.2 Infectious substance"),
    ("7", "7 Radioactive material"),
    ("8", "8 Corrosive"),
    ("9", "9 Miscellaneous hazardous material"),
)

# 220 State Waste Code: California's three-digit waste codes.
STATE_WASTE_CODES: Codes = (
    ("121", "Alkaline solution (pH ≥ 12.5) with metals"),
    ("122", "Alkaline solution (pH ≥ 12.5) without metals"),
    ("123", "Unspecified alkaline solution"),
    ("131", "Aqueous solution (2 < pH < 12.5) with reactive anions"),
    ("132", "Aqueous solution with metals below restricted levels"),
    ("133", "Aqueous solution with 10% or more total organic residues"),
    ("134", "Aqueous solution with less than 10% total organic residues"),
    ("135", "Unspecified aqueous solution"),
    ("141", "Off-specification, aged or surplus inorganics"),
    ("151", "Asbestos-containing waste"),
    ("161", "Fluid-cracking catalyst (FCC) waste"),
    ("162", "Other spent catalyst"),
    ("171", "Metal sludge"),
    ("172", "Metal dust and machining waste"),
    ("181", "Other inorganic solid waste"),
    ("211", "Halogenated solvents"),
    ("212", "Oxygenated solvents"),
    ("213", "Hydrocarbon solvents"),
    ("214", "Unspecified solvent mixture"),
    ("221", "Waste oil and mixed oil"),
    ("222", "Oil/water separation sludge"),
    ("223", "Unspecified oil-containing waste"),
    ("231", "Pesticide rinse water"),
    ("232", "Pesticides and other pesticide-production waste"),
    ("241", "Tank bottom waste"),
    ("251", "Still bottoms with halogenated organics"),
    ("252", "Other still bottom waste"),
    ("261", "PCBs and PCB-containing material"),
    ("271", "Organic monomer waste"),
    ("272", "Polymeric resin waste"),
    ("281", "Adhesives"),
    ("291", "Latex waste"),
    ("311", "Pharmaceutical waste"),
    ("321", "Sewage sludge"),
    ("322", "Biological waste other than sewage sludge"),
    ("331", "Off-specification, aged or surplus organics"),
    ("341", "Organic liquids (non-solvents) with halogens"),
    ("342", "Organic liquids with metals"),
    ("343", "Unspecified organic liquid mixture"),
    ("351", "Organic solids with halogens"),
    ("352", "Other organic solids"),
    ("411", "Alum and gypsum sludge"),
    ("421", "Lime sludge"),
    ("431", "Phosphate sludge"),
    ("441", "Sulfur sludge"),
    ("451", "Degreasing sludge"),
    ("461", "Paint sludge"),
    ("471", "Paper sludge/pulp"),
    ("481", "Tetraethyl lead sludge"),
    ("491", "Unspecified sludge waste"),
    ("511", "Empty pesticide containers, 30 gallons or more"),
    ("512", "Other empty containers, 30 gallons or more"),
    ("513", "Empty containers of less than 30 gallons"),
    ("521", "Drilling mud"),
    ("531", "Chemical toilet waste"),
    ("541", "Photochemicals and photo-processing waste"),
    ("551", "Laboratory waste chemicals"),
    ("561", "Detergent and soap"),
    ("571", "Fly ash, bottom ash and retort ash"),
    ("581", "Gas scrubber waste"),
    ("591", "Baghouse waste"),
    ("611", "Contaminated soil from site clean-ups"),
    ("612", "Household waste"),
    ("613", "Auto shredder waste"),
    ("614", "Treated wood waste"),
    ("711", "Liquids with cyanides over 1,000 mg/l"),
    ("721", "Liquids with arsenic over 500 mg/l"),
    ("722", "Liquids with cadmium over 100 mg/l"),
    ("723", "Liquids with chromium (VI) over 500 mg/l"),
    ("724", "Liquids with lead over 500 mg/l"),
    ("725", "Liquids with mercury over 20 mg/l"),
    ("726", "Liquids with nickel over 134 mg/l"),
    ("727", "Liquids with selenium over 100 mg/l"),
    ("728", "Liquids with thallium over 130 mg/l"),
    ("731", "Liquids with PCBs over 50 mg/l"),
    ("741", "Liquids with halogenated organics over 1,000 mg/l"),
    ("751", "Solids or sludges with halogenated organics over 1,000 mg/kg"),
    ("791", "Liquids with pH below 2"),
    ("792", "Liquids with pH below 2 with metals"),
    ("801", "Waste potentially containing dioxins"),
)
