"""The words of the Help and Tools page: its sections, the getting-started steps, printing
and browser tips and the glossary (plain text; help_pages lays them out)."""

from __future__ import annotations

SECTIONS = (
    ("getting-started", "Getting started for a new business"),
    ("tips", "Helpful tips"),
    ("printing", "Printing tips"),
    ("browsers", "Supported browsers"),
    ("glossary", "Glossary"),
    ("regulator", "Your local regulator"),
)

STEPS = (
    "Create an account: choose Create New Account, then pick a username, a password, a "
    "password protection phrase and a security question. Every person gets an account of "
    "their own.",
    "Confirm your email: open the activation link we send you (it works once, for 48 hours). "
    "If it has expired, use Resend activation email on the sign-in page.",
    "Sign in to the Business Portal: type your username, check that the phrase shown is the one "
    "you chose, then type your password. The first time, you accept the conditions of use.",
    "Create or join your business (organization): whoever creates it becomes its Lead User. If "
    "your business already uses OpenCERS, ask one of its Lead Users to add you under Manage "
    "People, or find one of its facilities with Search Facilities and request access.",
    "Add the facility: Add Facility on Home opens a wizard that saves each step when you press "
    "Next, warns you about facilities that may already exist at the same address and gives the "
    "new facility its CERS ID.",
    "Answer Business Activities and Owner/Operator Identification: your Business Activities "
    "answers decide which submittal elements the facility must report.",
    "Fill in the Hazardous Materials Inventory from the facility page: add materials from the "
    "chemical library, enter one by hand when it is not listed, or fill in the template "
    "spreadsheet and use Upload Inventory. Validate My Inventory shows what still needs work.",
    "Provide the annotated site map (at the end of the inventory page) and the emergency "
    "response and employee training plans (on the plans page): upload them or choose another "
    "document source, such as Stored at Facility.",
    "Submit: an Approver or Lead User opens Submit... on the facility page, certifies and "
    "presses Submit. Each element goes to its regulator, who marks it Under Review, Accepted or "
    "Not Accepted. Watch your email and Home's Action Required card for the answer.",
    "Every year, certify your business plan again by the due date shown on the facility page. "
    "When nothing changed, No change in HMBP does it in one step; otherwise tick This is my "
    "annual certification when you submit. Reminders arrive 60, 30 and 7 days ahead.",
)

PRINTING = (
    "The Print card on the facility page makes PDFs: the Submittal packet (everything the "
    "regulator receives), a Public copy (chemical locations, trade-secret identities and the "
    "site map left out) and an Inventory report, which you can narrow to one location or to "
    "waste or non-waste materials.",
    "Each PDF is made in the background, so you can keep working. The card shows Waiting, "
    "Making the PDF... and then Ready: press Download to save or print it. Only the person who "
    "asked for a PDF can download it.",
    "Any page can also be printed from the browser (Ctrl+P, or Cmd+P on a Mac). The print "
    "layout leaves out the header, menus and buttons, so only the page's content goes on paper. "
    "Look at the print preview first.",
    "Wide tables, such as the inventory list and the inventory matrix, fit better in landscape: "
    "choose Landscape in the print dialog.",
    "PDFs open in the viewer built into every current browser; no separate reader is needed.",
)

BROWSERS = (
    "OpenCERS works in current versions of Google Chrome (or Chromium), Microsoft Edge, Mozilla "
    "Firefox and Apple Safari. Older browsers may lack features the pages rely on.",
    "JavaScript must be turned on. Cookies must be allowed: signing in sets one cookie, which "
    "only keeps you signed in and is removed when you sign out.",
    "Phones and tablets work too: every page fits a narrow screen. A large inventory is easier "
    "to review on a bigger screen.",
)

ELEMENT_LIST = (
    "Facility Information (FI), Hazardous Materials Inventory (HMI), Emergency Response and "
    "Training Plans (ERTP), Underground Storage Tanks (UST), Onsite Hazardous Waste Treatment "
    "Notification or Tiered Permitting (TP), Recyclable Materials Report (RMR), Remote Waste "
    "Consolidation Site Annual Notification (RWC), Hazardous Waste Tank Closure Certification "
    "(HWTC), Aboveground Petroleum Storage Act (APSA) and California Accidental Release "
    "Program (CalARP)."
)

GLOSSARY = (
    (
        "facility",
        "Facility",
        "One regulated site: the land, buildings and equipment at one address that hazardous "
        "materials rules apply to. Each has its own facility page and CERS ID.",
    ),
    (
        "organization",
        "Organization (business)",
        "The business, agency or other body that owns or operates one or more facilities, and "
        "the people who report for them. It has a 9-digit organization code.",
    ),
    (
        "lead-user",
        "Lead User",
        "A person who manages a business in OpenCERS: adds and removes people, sets their "
        "roles, edits the business and answers access requests. A business always keeps at "
        "least one.",
    ),
    (
        "approver",
        "Approver",
        "May do what an Editor does, and also submit, certify the annual update and add "
        "facilities.",
    ),
    (
        "editor",
        "Editor",
        "May edit facility information, work on and discard drafts, and upload inventories and "
        "documents.",
    ),
    (
        "viewer",
        "Viewer",
        "May see the business's facilities and submittals, without changing them.",
    ),
    (
        "submittal-element",
        "Submittal element",
        "One part of what a facility reports, submitted and reviewed on its own. There are "
        "ten: " + ELEMENT_LIST,
    ),
    (
        "cupa",
        "CUPA",
        "Certified Unified Program Agency: the local agency (usually the county or city "
        "environmental health or fire department) that runs California's Unified Program where "
        "the facility is, and reviews what it submits.",
    ),
    (
        "participating-agency",
        "Participating Agency (PA)",
        "An agency that handles some elements under a CUPA's oversight, such as a city fire "
        "department that receives the inventory.",
    ),
    (
        "ehs",
        "EHS (extremely hazardous substance)",
        "A substance on the federal list of extremely hazardous substances (40 CFR 355). EHS "
        "materials are reported at lower amounts, and their amounts are given in pounds.",
    ),
    (
        "chemical-location",
        "Chemical location",
        "The building or outdoor area where a material is kept or handled. It is kept "
        "confidential and is left out of the public copy.",
    ),
    (
        "cers-id",
        "CERS ID",
        "The 8-digit number that identifies a facility. It never changes and is never given to "
        "another facility.",
    ),
    (
        "draft",
        "Draft",
        "An element being prepared. Only the business sees it, and it can be changed or "
        "discarded until it is submitted.",
    ),
    (
        "submittal",
        "Submittal",
        "Elements sent to the regulator together, with the submitter's certification. A "
        "submitted version never changes; a correction is a new submittal.",
    ),
    (
        "not-accepted",
        "Not Accepted",
        "The regulator's answer when a submitted element needs corrections. Their comments say "
        "what to fix; correct it in a new draft and submit again.",
    ),
    (
        "business-activities",
        "Business Activities",
        "The yes-or-no questions about what happens at the facility (hazardous materials, "
        "tanks, waste...). The answers decide which elements must be reported.",
    ),
    (
        "hmbp",
        "HMBP",
        "Hazardous Materials Business Plan: Facility Information, the Hazardous Materials "
        "Inventory and the Emergency Response and Training Plans, certified every year.",
    ),
    (
        "apsa",
        "APSA",
        "Aboveground Petroleum Storage Act: applies to facilities storing 1,320 gallons or more "
        "of petroleum in aboveground containers.",
    ),
    (
        "ust",
        "UST",
        "Underground Storage Tank: the element for a facility's underground tanks, their "
        "monitoring plans and financial responsibility.",
    ),
    (
        "tiered-permitting",
        "Tiered Permitting",
        "The notification a facility sends when it treats hazardous waste on site (Onsite "
        "Hazardous Waste Treatment).",
    ),
    (
        "trade-secret",
        "Trade secret",
        "A material whose identity the business claims as a trade secret. It must be marked as "
        "such; it is protected by law and left out of the public copy.",
    ),
)
