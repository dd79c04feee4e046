"""Words for proposals' statuses and the parts of a festival day, in the page's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from festival.proposals.models import DayPart, ProfileChangeStatus, ProposalStatus

PROPOSAL_STATUS = {
    ProposalStatus.SUBMITTED: _l("Submitted"),
    ProposalStatus.UNDER_REVIEW: _l("Under review"),
    ProposalStatus.ACCEPTED: _l("Accepted"),
    ProposalStatus.DECLINED: _l("Declined"),
    ProposalStatus.WITHDRAWN: _l("Withdrawn"),
}

DAY_PART = {
    DayPart.MORNING: _l("Morning"),
    DayPart.AFTERNOON: _l("Afternoon"),
    DayPart.EVENING: _l("Evening"),
}

PROFILE_CHANGE_STATUS = {
    ProfileChangeStatus.PENDING: _l("Waiting for approval"),
    ProfileChangeStatus.APPROVED: _l("Approved"),
    ProfileChangeStatus.REJECTED: _l("Rejected"),
}

STATUS_BADGE = {
    ProposalStatus.SUBMITTED: "badge-warn",
    ProposalStatus.UNDER_REVIEW: "badge-warn",
    ProposalStatus.ACCEPTED: "badge-ok",
    ProposalStatus.DECLINED: "badge-danger",
    ProposalStatus.WITHDRAWN: "",
}
