"""Assembles the Reflex app: middleware, HTTP routes and pages. Nothing else."""

import logging

import reflex as rx
from reflex_base.event import EventSpec

import cers_app.models  # noqa: F401  (every table, before anything touches the database)
from cers_app.access.gate import AuthGate
from cers_app.access.pages import PAGES as ACCESS_PAGES
from cers_app.accounts.pages import PAGES as ACCOUNT_PAGES
from cers_app.accounts.setup_pages import PAGES as ACCOUNT_SETUP_PAGES
from cers_app.admin.pages import PAGES as ADMIN_PAGES
from cers_app.core import error_reports, logs, worker_trace
from cers_app.core.security_headers import SecurityHeaders, frontend_build_folder
from cers_app.core.settings import get_settings
from cers_app.facilities.audit_trail_pages import PAGES as HISTORY_PAGES
from cers_app.facilities.pages import PAGES as FACILITY_PAGES
from cers_app.facilities.request_pages import PAGES as FACILITY_REQUEST_PAGES
from cers_app.home.assistance_pages import PAGES as ASSISTANCE_PAGES
from cers_app.home.directory_pages import PAGES as DIRECTORY_PAGES
from cers_app.home.help_pages import PAGES as HELP_PAGES
from cers_app.home.pages import PAGES as HOME_PAGES
from cers_app.http_api import build_api
from cers_app.inventory.pages import PAGES as INVENTORY_PAGES
from cers_app.inventory.upload_pages import PAGES as INVENTORY_UPLOAD_PAGES
from cers_app.organizations.pages import PAGES as ORGANIZATION_PAGES
from cers_app.regulator.account_pages import PAGES as REGULATOR_ACCOUNT_PAGES
from cers_app.regulator.agency_admin_pages import PAGES as REGULATOR_AGENCY_ADMIN_PAGES
from cers_app.regulator.assistance_pages import PAGES as REGULATOR_ASSISTANCE_PAGES
from cers_app.regulator.audit_trail_pages import PAGES as REGULATOR_HISTORY_PAGES
from cers_app.regulator.compliance_pages import PAGES as REGULATOR_COMPLIANCE_PAGES
from cers_app.regulator.facility_pages import PAGES as REGULATOR_FACILITY_PAGES
from cers_app.regulator.notice_pages import PAGES as REGULATOR_NOTICE_PAGES
from cers_app.regulator.pages import PAGES as REGULATOR_PAGES
from cers_app.regulator.queue_pages import PAGES as REGULATOR_QUEUE_PAGES
from cers_app.regulator.request_inbox_pages import PAGES as REGULATOR_REQUEST_PAGES
from cers_app.regulator.responder_pages import PAGES as RESPONDER_PAGES
from cers_app.regulator.staff_pages import PAGES as REGULATOR_STAFF_PAGES
from cers_app.regulator.submittal_pages import PAGES as REGULATOR_SUBMITTAL_PAGES
from cers_app.submittals.document_pages import PAGES as DOCUMENT_PAGES
from cers_app.submittals.element_form_pages import PAGES as ELEMENT_FORM_PAGES
from cers_app.submittals.element_record_pages import PAGES as ELEMENT_RECORD_PAGES
from cers_app.submittals.pages import PAGES as SUBMITTAL_PAGES
from cers_app.ui.layout import add_pages
from cers_app.ui.server_scripts import server_scripts_wrap

log = logging.getLogger("cers_app")


def _backend_exception(exception: Exception) -> EventSpec:
    # The traceback goes to the log under a reference; the browser gets only the reference.
    reference = error_reports.report(exception, "an event handler")
    return rx.toast.error(error_reports.client_message(reference), id="backend-error")


logs.configure()
get_settings()  # refuse to start with an unsafe configuration
api = build_api()
# Outermost of our middleware: every response gets the headers, Reflex's pages and assets too.
api.add_middleware(SecurityHeaders, built_pages=frontend_build_folder)
app = rx.App(
    api_transformer=api,
    stylesheets=["/cers.css", "/print.css"],
    backend_exception_handler=_backend_exception,
    extra_app_wraps={(3, "ServerScripts"): server_scripts_wrap},
)
app.add_middleware(AuthGate())
if worker_trace.enabled():
    app.add_middleware(worker_trace.EventWorkerTrace(), index=0)
add_pages(
    app,
    [
        *ACCESS_PAGES,
        *ACCOUNT_PAGES,
        *HOME_PAGES,
        *HELP_PAGES,
        *ORGANIZATION_PAGES,
        *REGULATOR_PAGES,
        *REGULATOR_QUEUE_PAGES,
        *ADMIN_PAGES,
        *FACILITY_PAGES,
        *FACILITY_REQUEST_PAGES,
        *INVENTORY_PAGES,
        *INVENTORY_UPLOAD_PAGES,
        *SUBMITTAL_PAGES,
        *DOCUMENT_PAGES,
        *ELEMENT_FORM_PAGES,
        *ELEMENT_RECORD_PAGES,
        *REGULATOR_REQUEST_PAGES,
        *REGULATOR_ACCOUNT_PAGES,
        *REGULATOR_AGENCY_ADMIN_PAGES,
        *REGULATOR_STAFF_PAGES,
        *REGULATOR_NOTICE_PAGES,
        *ACCOUNT_SETUP_PAGES,
        *REGULATOR_FACILITY_PAGES,
        *REGULATOR_COMPLIANCE_PAGES,
        *REGULATOR_SUBMITTAL_PAGES,
        *RESPONDER_PAGES,
        *DIRECTORY_PAGES,
        *ASSISTANCE_PAGES,
        *REGULATOR_ASSISTANCE_PAGES,
        *HISTORY_PAGES,
        *REGULATOR_HISTORY_PAGES,
    ],
)
