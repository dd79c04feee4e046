"""E-mails of the waiting list, queued in the outbox within the transaction that caused them
and written in the person's language: the confirmation of joining (with the link to leave)
and the offer (with its personal link)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from festival.core.urls import absolute_url
from festival.mail.services import queue_mail


def offer_hours() -> int:
    """How long an offer holds its seats (the WAITLIST_OFFER_HOURS setting)."""
    from flask import current_app

    return int(current_app.config.get("WAITLIST_OFFER_HOURS", 24))

if TYPE_CHECKING:
    from festival.waitlist.models import WaitlistEntry, WaitlistOffer


def queue_joined(entry: WaitlistEntry) -> None:
    edition = entry.edition
    queue_mail(entry.email, "waitlist_joined",
               {"entry": entry, "edition": edition, "ticket_type": entry.ticket_type,
                "leave_url": absolute_url("waitlist.leave", secret=entry.secret),
                "offer_hours": offer_hours()},
               entry.language,
               _l("You are on the waiting list — %(title)s", title=edition.title),
               dedupe_key=f"waitlist-joined-{entry.id}")


def queue_offer(offer: WaitlistOffer) -> None:
    entry = offer.entry
    edition = entry.edition
    queue_mail(entry.email, "waitlist_offer",
               {"entry": entry, "offer": offer, "edition": edition,
                "ticket_type": entry.ticket_type,
                "offer_url": absolute_url("waitlist.offer", token=offer.token),
                "leave_url": absolute_url("waitlist.leave", secret=entry.secret)},
               entry.language,
               _l("Tickets are held for you — %(title)s", title=edition.title),
               dedupe_key=f"waitlist-offer-{offer.token}")
