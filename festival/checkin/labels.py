"""Words shown for check-in results and states, in the page's language."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from festival.checkin.models import ScanResult

# What the door volunteer reads, big, on the result screen.
RESULT_TITLE = {
    ScanResult.OK: _l("Welcome in"),
    ScanResult.ALREADY_CHECKED_IN: _l("Already checked in"),
    ScanResult.INVALID: _l("Invalid ticket"),
    ScanResult.REVOKED: _l("Ticket cancelled"),
    ScanResult.UNPAID: _l("Not paid"),
    ScanResult.NOT_VALID_TODAY: _l("Not valid today"),
    ScanResult.NOT_ON_THIS_LIST: _l("Not valid at this entrance"),
}

# Green: let in. Orange: a person to talk to (an error of day, door or payment, or a second
# scan). Red: do not let in on this ticket.
RESULT_TONE = {
    ScanResult.OK: "ok",
    ScanResult.ALREADY_CHECKED_IN: "warn",
    ScanResult.UNPAID: "warn",
    ScanResult.NOT_VALID_TODAY: "warn",
    ScanResult.NOT_ON_THIS_LIST: "warn",
    ScanResult.INVALID: "stop",
    ScanResult.REVOKED: "stop",
}

REASON = {
    "bad_length": _l("This is not a ticket QR code."),
    "bad_characters": _l("This is not a ticket QR code."),
    "not_text": _l("This is not a ticket QR code."),
    "bad_version": _l("This QR code is not one of our tickets."),
    "bad_signature": _l("The QR code has been altered or is a fake."),
    "bad_payload": _l("The QR code has been altered or is a fake."),
    "no_key": _l("No ticket has been issued for this edition yet."),
    "other_edition": _l("This ticket is for another edition of the festival."),
    "unknown_ticket": _l("This ticket does not exist."),
    "ticket_revoked": _l("The ticket was cancelled, refunded or handed over to someone else."),
    "order_cancelled": _l("The order was cancelled."),
    "order_refunded": _l("The order was refunded."),
    "order_expired": _l("The order was never paid."),
    "ticket_type": _l("This ticket type is not admitted here."),
    "list_day": _l("This entrance does not admit anyone today."),
    "ticket_day": _l("This ticket is for another day."),
    "festival_day": _l("Today is not a day of the festival."),
    "pending_bank_transfer": _l("The bank transfer has not arrived yet: send the person to "
                                "the box office."),
    "pending_payment": _l("The order has not been paid: send the person to the box office."),
    "not_inside": _l("Exit recorded (the ticket was not inside)."),
    "offline_conflict": _l("Accepted by a door that was offline; refused by the server."),
    "refused_offline": _l("Refused by a door that was offline."),
}


def result_title(result: ScanResult | str) -> str:
    return str(RESULT_TITLE[ScanResult(result)])


def reason_text(reason: str) -> str:
    return str(REASON.get(reason, "")) if reason else ""


def scanner_messages() -> dict:
    """Every text the scanner's JavaScript shows, in the page's language."""
    return {
        "results": {r.value: str(RESULT_TITLE[r]) for r in ScanResult},
        "tones": {r.value: RESULT_TONE[r] for r in ScanResult},
        "reasons": {key: str(text) for key, text in REASON.items()},
        "exit_ok": _("Goodbye"),
        "first_scan": _("First scanned at %(time)s, %(gate)s"),
        "checked_offline": _("Checked on this phone (offline): it will be sent when the "
                             "network is back."),
        "online": _("Online"),
        "offline": _("Offline — tickets are checked on this phone"),
        # The number is written in by the page: the placeholder is kept.
        "waiting_one": ngettext("%(n)s scan waiting to be sent",
                                "%(n)s scans waiting to be sent", 1, n="%(n)s"),
        "waiting": ngettext("%(n)s scan waiting to be sent",
                            "%(n)s scans waiting to be sent", 5, n="%(n)s"),
        "waiting_none": _("All scans sent"),
        "bundle_at": _("Offline list updated at %(time)s"),
        "bundle_none": _("No offline list yet: stay online until it is downloaded."),
        "camera_denied": _("The camera is not allowed. Allow it in the browser's settings, "
                           "or type a code or a name below."),
        "camera_missing": _("No camera found. Type a code or a name below."),
        "camera_starting": _("Starting the camera…"),
        "undone": _("Check-in undone: the ticket can be scanned again."),
        "undo_failed": _("The check-in could not be undone."),
        "unpaired": _("This phone is not paired with a door (or it was unpaired)."),
        "not_paired": _("Not paired"),
        "list_closed": _("This check-in list is closed."),
        "no_results": _("No ticket found."),
        "searching": _("Searching…"),
        "search_offline": _("Offline: searching the names on this phone."),
        "checked_in_already": _("Already in"),
        "ticket_number": _("Ticket no. %(id)s"),
        "no_offline_check": _("This phone cannot check tickets offline: its browser does "
                              "not verify signatures."),
        "sound_on": _("Sound on"),
        "sound_off": _("Sound off — tap to turn on"),
    }
