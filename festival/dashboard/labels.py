"""Human labels of the codes the dashboards show, translated on display."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

SCAN_RESULT = {
    "ok": _l("Admitted"),
    "already_checked_in": _l("Already checked in"),
    "invalid": _l("Invalid ticket"),
    "revoked": _l("Revoked ticket"),
    "unpaid": _l("Not paid"),
    "not_valid_today": _l("Not valid today"),
    "not_on_this_list": _l("Not for this entrance"),
}

ORDER_STATUS = {
    "pending": _l("Waiting for payment"),
    "paid": _l("Paid"),
    "expired": _l("Expired"),
    "cancelled": _l("Cancelled"),
    "refunded": _l("Refunded"),
}

PAYMENT_METHOD = {
    "stripe": _l("Card online"),
    "demo": _l("Demo payment"),
    "free": _l("Free"),
    "bank_transfer": _l("Bank transfer"),
    "cash": _l("Cash"),
    "card_terminal": _l("Card terminal"),
    "": _l("Unknown"),
}

STAND_STATUS = {
    "requested": _l("Requested"),
    "approved": _l("Approved"),
    "declined": _l("Declined"),
    "withdrawn": _l("Withdrawn"),
}

APPLICATION_STATUS = {
    "applied": _l("New applications"),
    "under_review": _l("Under review"),
}

ORGANISER_ROLE = {
    "lead": _l("Lead organiser"),
    "co_organiser": _l("Co-organiser"),
    "partner": _l("Partner"),
}

STAND_SIZE = {"small": _l("Small"), "medium": _l("Medium"), "large": _l("Large")}
