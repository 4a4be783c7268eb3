"""All mapped classes; import from here so every table is registered on ``Base.metadata``."""
from transit_centre.db.models.admin import (  # noqa: F401
    AuditChainHead, AuditEntry, CentreKey, Counter, TransferRecord, RoleRecord, Setting, User, user_centre, user_role,
)
from transit_centre.db.models.core import (
    Bed,
    Centre,
    Household,
    IdentityDocument,
    Resident,
    Room,
    Stay,
    Vulnerability,
)
from transit_centre.db.models.services import Partner, ServiceParticipant, ServiceRecord  # noqa: F401
from transit_centre.db.models.avrr import (  # noqa: F401
    CashGrant, Disbursement, Movement, MovementCase, Receipt, ReintegrationAssistance, ReturnCase,
    ReturnStepRecord,
)
from transit_centre.db.models.casework import (  # noqa: F401
    DistributionRule, FlagType, FollowUp, ResidentFlag, RollCall, RollCallEntry, SharingConsent,
)
from transit_centre.db.models.consolidated import (  # noqa: F401
    ImportedDisbursement, ImportedGrant, ImportedPackage, ImportedParticipant, ImportedReceipt,
    ImportedReintegration, ImportedResident, ImportedReturn, ImportedService, ImportedServiceTotal, ImportedStay,
    ImportedVulnerability,
)

# The text index behind resident search (FTS5 / pg_trgm): made with the tables by create_all too.
import transit_centre.db.search_index  # noqa: E402,F401

__all__ = [
    "AuditEntry", "Bed", "Centre", "Counter", "Household", "IdentityDocument", "Resident",
    "RoleRecord", "Room", "ServiceParticipant", "ServiceRecord", "Setting", "Stay", "User",
    "Vulnerability", "user_centre", "user_role",
]
