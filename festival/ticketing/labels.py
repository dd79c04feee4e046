"""Human labels of the ticketing enums and history rows, translated on display."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from festival.ticketing.models import OrderStatus, PaymentMethod, TermsAcceptance, TicketStatus

ORDER_STATUS = {
    OrderStatus.PENDING: _l("Waiting for payment"),
    OrderStatus.PAID: _l("Paid"),
    OrderStatus.EXPIRED: _l("Expired"),
    OrderStatus.CANCELLED: _l("Cancelled"),
    OrderStatus.REFUNDED: _l("Refunded"),
}

# Badge colour class and a symbol, so that colour is never the only signal.
ORDER_BADGE = {
    OrderStatus.PENDING: ("badge-warn", "⏳"),
    OrderStatus.PAID: ("badge-ok", "✓"),
    OrderStatus.EXPIRED: ("", "⌛"),
    OrderStatus.CANCELLED: ("badge-danger", "✕"),
    OrderStatus.REFUNDED: ("badge-danger", "↩"),
}

PAYMENT_METHOD = {
    PaymentMethod.STRIPE: _l("Card online (Stripe)"),
    PaymentMethod.DEMO: _l("Demo payment"),
    PaymentMethod.FREE: _l("Free"),
    PaymentMethod.BANK_TRANSFER: _l("Bank transfer"),
    PaymentMethod.CASH: _l("Cash"),
    PaymentMethod.CARD_TERMINAL: _l("Card terminal"),
}

TICKET_STATUS = {
    TicketStatus.VALID: _l("Valid"),
    TicketStatus.REVOKED: _l("Cancelled"),
}

# OrderEvent.kind → what happened, in words.
EVENT_KIND = {
    "created": _l("Order placed"),
    "checkout_started": _l("Sent to the payment page"),
    "paid": _l("Paid"),
    "expired": _l("Expired: the tickets were released"),
    "cancelled": _l("Cancelled"),
    "refunded": _l("Refunded"),
    "partial_refund": _l("Some tickets refunded"),
    "partial_refund_at_stripe": _l("Partly refunded in Stripe"),
    "payment_mismatch": _l("Payment refused: wrong amount"),
    "paid_too_late": _l("Paid after expiry, no seats left"),
    "awaiting_payment": _l("Payment started, not yet confirmed"),
    "payment_failed": _l("Payment failed"),
    "awaiting_bank_transfer": _l("Waiting for a bank transfer"),
    "email_resent": _l("E-mail sent again"),
}


# How the buyer agreed to the terms of sale, as the back office says it.
TERMS_ACCEPTANCE = {
    TermsAcceptance.ONLINE: _l("Accepted online"),
    TermsAcceptance.AT_DESK: _l("Sold at the desk (terms posted there, nothing ticked)"),
    TermsAcceptance.BY_STAFF: _l("Order taken by an organiser"),
    TermsAcceptance.NOT_RECORDED: _l("Not recorded (ordered before the terms were asked)"),
}


def template_globals() -> dict:
    return {"ORDER_STATUS": ORDER_STATUS, "ORDER_BADGE": ORDER_BADGE,
            "TERMS_ACCEPTANCE": TERMS_ACCEPTANCE,
            "PAYMENT_METHOD": PAYMENT_METHOD, "TICKET_STATUS": TICKET_STATUS,
            "EVENT_KIND": EVENT_KIND}
