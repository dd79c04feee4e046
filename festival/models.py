"""Imports every domain's models so that the mappers and Alembic see them all."""
from festival.accounting.models import (  # noqa: F401
    DocumentCounter,
    DonationReceipt,
    Invoice,
    ReceiptRequest,
)
from festival.accounts.models import ApiToken, LoginThrottle, PasswordReset, User  # noqa: F401
from festival.associations.models import (  # noqa: F401
    Association,
    AssociationPole,
    AssociationTheme,
    MembershipEvent,
    UserPole,
)
from festival.audit.models import AuditEntry  # noqa: F401
from festival.checkin.models import (  # noqa: F401
    CheckinList,
    Device,
    Scan,
    TicketPresence,
)
from festival.dashboard.models import (  # noqa: F401
    CheckinCount,
    CountedCheckin,
    LiveScan,
    ScanOutcomeCount,
    ScanTimeCount,
    ScanWatermark,
)
from festival.editions.models import (  # noqa: F401
    Edition,
    EditionDay,
    EditionOrganiser,
    EditionStatusChange,
    ProgrammeSession,
    Room,
    SessionLanguage,
    SessionSpeaker,
    Speaker,
    StandEvent,
    StandRequest,
    Venue,
)
from festival.mail.models import OutboxAttachment, OutboxMessage  # noqa: F401
from festival.messaging.models import Broadcast  # noqa: F401
from festival.outreach.models import (  # noqa: F401
    FeedbackAnswer,
    MessageRule,
    RuleDelivery,
    Unsubscribe,
)
from festival.proposals.models import (  # noqa: F401
    CallCriterion,
    CallFormat,
    CallReviewer,
    PreferredSlot,
    Proposal,
    ProposalEvent,
    ProposalReview,
    ProposalSpeaker,
    SessionCall,
    SpeakerAvailability,
    SpeakerProfileChange,
)
from festival.questions.models import Answer, Question  # noqa: F401
from festival.seats.models import SeatReservation  # noqa: F401
from festival.ticketing.models import (  # noqa: F401
    Order,
    OrderEvent,
    PaymentEvent,
    Quota,
    Ticket,
    TicketType,
    Voucher,
)
from festival.ticketing.terms import TermsVersion  # noqa: F401
from festival.waitlist.models import WaitlistEntry, WaitlistOffer  # noqa: F401
from festival.volunteers.models import Shift, ShiftAssignment  # noqa: F401
