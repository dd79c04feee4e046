"""Human labels of the ticketing enums and history rows, translated on display."""
from __future__ import annotations

from flask_babel import get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from festival.core.i18n import list_separator
from festival.core.money import format_cents
from festival.ticketing.models import (
    OrderEvent,
    OrderStatus,
    PaymentMethod,
    TermsAcceptance,
    TicketStatus,
)

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
    "paid_after_cancel": _l("Paid after the order was cancelled: to refund"),
    "late_payment_refunded": _l("Late payment refunded automatically"),
    "anonymised": _l("Personal data erased"),
    "names_corrected": _l("Attendee names corrected"),
    "email_corrected": _l("Buyer's e-mail address corrected"),
    "ticket_transferred": _l("Ticket handed over to someone else"),
}

# Why a payment came too late or a refund happened by itself (OrderEvent.data["reason"]).
EVENT_REASON = {
    "no_seats": _l("The hold had ended and no seats were left."),
    "voucher_used": _l("The hold had ended and the voucher had no use left."),
    "paid_too_late": _l("Paid after the hold ended, when the tickets were gone."),
    "at_stripe": _l("Refunded from Stripe's dashboard."),
}


def _money(cents: int) -> str:
    return format_cents(int(cents), str(get_locale()))


def describe_event(event: OrderEvent) -> str:
    """The facts of a line of history (its `data`) in words, in the reader's language; ""
    when it has none."""
    data = event.data or {}
    parts = []
    if "tickets" in data:
        parts.append(ngettext("%(num)d ticket", "%(num)d tickets", int(data["tickets"])))
    if "total_cents" in data:
        parts.append(gettext("total %(amount)s", amount=_money(data["total_cents"])))
    if "method" in data:
        method = next((m for m in PaymentMethod if m.value == data["method"]), None)
        parts.append(str(PAYMENT_METHOD[method]) if method else data["method"])
    if data.get("revived"):
        parts.append(gettext("after the hold had ended, seats were still free"))
    if "expected_cents" in data:
        parts.append(gettext("%(paid)s received instead of %(expected)s",
                             paid=_money(data.get("amount_cents", 0)),
                             expected=_money(data["expected_cents"]))
                     if str(data.get("currency", "eur")).lower() == "eur" else
                     gettext("paid in another currency (%(currency)s)",
                             currency=str(data["currency"]).upper()))
    elif "amount_cents" in data:
        parts.append(_money(data["amount_cents"]))
    if data.get("ticket_ids"):
        ids = [int(i) for i in data["ticket_ids"]]
        parts.append(ngettext("ticket %(numbers)s", "tickets %(numbers)s", len(ids),
                              numbers=list_separator().join(f"#{i}" for i in ids)))
    if "new_ticket_id" in data:
        parts.append(gettext("ticket #%(old)s revoked, ticket #%(new)s issued and sent to the "
                             "new holder", old=int(data.get("ticket_id", 0)),
                             new=int(data["new_ticket_id"])))
    if "by_organiser" in data:
        parts.append(gettext("by an organiser") if data["by_organiser"]
                     else gettext("by the buyer, from the order's page"))
    if data.get("reason") in EVENT_REASON:
        parts.append(str(EVENT_REASON[data["reason"]]))
    return " · ".join(parts)


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
            "EVENT_KIND": EVENT_KIND, "describe_event": describe_event}
