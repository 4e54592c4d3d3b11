"""Imports every table so SQLModel.metadata is complete (Alembic and the app both use this)."""

from cers_app.accounts.models import (  # noqa: F401
    AccountToken,
    ConditionsAcceptance,
    User,
    UserSession,
)
from cers_app.agencies.models import (  # noqa: F401
    Agency,
    AgencyContact,
    AgencyElementSetting,
    AgencyMember,
    AssistanceRequest,
    JurisdictionRule,
    SiteNotice,
)
from cers_app.chemicals.models import (  # noqa: F401
    Chemical,
    ChemicalLibraryVersion,
    ChemicalListValue,
    ChemicalName,
)
from cers_app.core.audit import AuditEvent  # noqa: F401
from cers_app.core.idempotency import IdempotencyKey  # noqa: F401
from cers_app.core.mail import EmailMessage  # noqa: F401
from cers_app.core.storage import StoredFile  # noqa: F401
from cers_app.core.throttle import ThrottleHit  # noqa: F401
from cers_app.facilities.models import (  # noqa: F401
    CersIdAllocation,
    ElementVersion,
    Facility,
    FacilityArchive,
    FacilityElement,
    FacilityRequest,
    FacilityWizard,
)
from cers_app.inventory.import_models import (  # noqa: F401
    InventoryImport,
    InventoryImportProblem,
    InventoryImportRow,
)
from cers_app.inventory.models import (  # noqa: F401
    InventoryFinding,
    InventoryItem,
    InventorySettings,
)
from cers_app.ops.maintenance import SiteMode  # noqa: F401
from cers_app.organizations.models import (  # noqa: F401
    Organization,
    OrgInvitation,
    OrgMember,
)
from cers_app.regulator.models import ReviewAction  # noqa: F401
from cers_app.reports.job_models import ReportJob  # noqa: F401
from cers_app.submittals.document_models import (  # noqa: F401
    ElementDocument,
    ElementDocumentFile,
)
from cers_app.submittals.models import ChangeItem, SentReminder, Submittal  # noqa: F401
