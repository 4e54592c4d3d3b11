"""Every page and HTTP route path in one place, with builders for links sent by email."""

from __future__ import annotations

from urllib.parse import urlencode

from cers_app.core.settings import get_settings

# Pages
LANDING = "/"
SIGN_IN = "/signin"
SIGN_UP = "/signup"
ACTIVATE = "/activate"
RESEND_ACTIVATION = "/activate/resend"
FORGOT_USERNAME = "/forgot-username"
FORGOT_PASSWORD = "/forgot-password"
RESET_PASSWORD = "/reset-password"
CONDITIONS = "/conditions"
HELP = "/help"
ACCEPT_CONDITIONS = "/account/conditions"
ACCOUNT = "/account"
ACCOUNT_PASSWORD = "/account/password"
ACCOUNT_EMAILS = "/account/emails"
CONFIRM_EMAIL = "/account/confirm-email"
ACCOUNT_SETUP = "/account/setup"  # an invited regulator finishes their new account
BUSINESS_HOME = "/home"
MY_BUSINESSES = "/account/businesses"
MANAGE_PEOPLE = "/business/people"
EDIT_ORGANIZATION = "/business/edit"
INVITATION = "/invitation"
REGULATOR_HOME = "/regulator"
ADMIN_HOME = "/admin"
# Regulator Portal: the review queue, one submitted element (?id=version), the requests inbox,
# facility search and one facility (?id=), one business (?id=), compliance, staff accounts
REGULATOR_QUEUE = "/regulator/queue"
REGULATOR_SUBMITTAL = "/regulator/submittal"
REGULATOR_REQUESTS = "/regulator/requests"
REGULATOR_FACILITIES = "/regulator/facilities"
REGULATOR_FACILITY = "/regulator/facility"
REGULATOR_BUSINESS = "/regulator/business"
REGULATOR_COMPLIANCE = "/regulator/compliance"
REGULATOR_ACCOUNTS = "/regulator/accounts"
ADMIN_ACCOUNTS = "/admin/accounts"
# Agency administration: profile and contacts, jurisdiction, element settings, inventory
# settings, staff, site notices; technical-assistance requests sent to the agency (?id=)
REGULATOR_AGENCY = "/regulator/agency"
REGULATOR_STAFF = "/regulator/staff"
REGULATOR_NOTICES = "/regulator/notices"
ADMIN_NOTICES = "/admin/notices"  # the same notices page for a system administrator
REGULATOR_ASSISTANCE = "/regulator/assistance"
# Public: the Local regulators directory and the Request Technical Assistance form
REGULATOR_DIRECTORY = "/regulators"
TECHNICAL_ASSISTANCE = "/assistance"
# Emergency Responder: facilities in reach, and one facility read-only (?id=)
RESPONDER_HOME = "/responder"
RESPONDER_FACILITY = "/responder/facility"
# Facilities: the add-facility wizard (?w=), the facility page and its draft forms (?id=)
FACILITY_ADD = "/facilities/add"
FACILITY = "/facilities/view"
FACILITY_ACTIVITIES = "/facilities/activities"
FACILITY_OWNER = "/facilities/owner"
# The Hazardous Materials Inventory of a facility (?id=) and one material of it (&item=)
FACILITY_INVENTORY = "/facilities/inventory"
FACILITY_INVENTORY_ITEM = "/facilities/inventory/item"
# Uploading a spreadsheet into it (?id=, then &import= for the job or &error= for a refusal)
FACILITY_INVENTORY_UPLOAD = "/facilities/inventory/upload"
# Facility requests: search and access, manage (transfer, merge, delete), archived facilities
FACILITY_SEARCH = "/facilities/search"
FACILITY_MANAGE = "/facilities/manage"
FACILITY_PLANS = "/facilities/plans"
FACILITY_SUBMIT = "/facilities/submit"
FACILITY_SUBMITTED = "/facilities/submitted"
FACILITY_CHANGES = "/facilities/changes"
# The structured form of an element's draft (?id=<facility>&element=<n>), e.g. APSA
FACILITY_ELEMENT_FORM = "/facilities/element-form"
# The records of an element's draft, e.g. UST tanks (?id=<facility>&element=<n>), and one
# record with its forms (&kind=<kind>&key=<record>)
FACILITY_ELEMENT_RECORDS = "/facilities/element-records"
FACILITY_ELEMENT_RECORD = "/facilities/element-record"
BUSINESS_REQUESTS = "/business/requests"
ARCHIVED_FACILITIES = "/business/archived"
# History (the audit trail) of one facility (?id=) and of the whole business, for its Lead
# User; and of one facility in the agency's reach (?id=), for Reviewers and Agency Admins
FACILITY_HISTORY = "/facilities/history"
BUSINESS_HISTORY = "/business/history"
REGULATOR_FACILITY_HISTORY = "/regulator/facility/history"

# HTTP routes served by Starlette next to the Reflex app
AUTH_SESSION = "/auth/session"
AUTH_SIGN_OUT = "/auth/sign-out"
HEALTH = "/health"
DEV_OUTBOX = "/dev/outbox"
# Development only, loopback only: set or reset the server's clock (browser tests of schedules)
DEV_CLOCK = "/dev/clock"
# Inventory spreadsheets: upload (POST multipart), the blank template, the current inventory
# (?id=) and an upload's workbook with its problems marked (?id=&import=)
INVENTORY_UPLOAD = "/api/inventory/upload"
INVENTORY_TEMPLATE = "/api/inventory/template"
INVENTORY_EXPORT = "/api/inventory/export"
INVENTORY_MARKED = "/api/inventory/marked"
# Element documents: a file uploaded into a slot of a draft (POST multipart; the facility,
# version and slot in the form, or also as ?id=&version=&slot=), and one file (?id=&file=)
DOCUMENT_UPLOAD = "/api/documents/upload"
DOCUMENT_FILE = "/api/documents/file"
# The same for a regulator: a file of a submitted version in their reach (?id=&file=)
REGULATOR_DOCUMENT_FILE = "/api/regulator/documents/file"
# A PDF made by a report job, for the person who asked (?id=<facility>&file=<job>).
REPORT_FILE = "/api/reports/file"
# A regulator's CERS EDT export of a facility in their reach (?id=<facility>): a ZIP.
REGULATOR_EDT_EXPORT = "/api/regulator/edt"


def with_query(path: str, **query: str) -> str:
    return f"{path}?{urlencode(query)}" if query else path


def absolute(path: str, **query: str) -> str:
    """A full link for emails, on the configured CERS_BASE_URL."""
    return get_settings().base_url.rstrip("/") + with_query(path, **query)
